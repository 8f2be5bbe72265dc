"""Key rollover (spec §4.3), end to end with slixmpp.

A user registers (spec §4.1, §4.2) with key1, logs in with SASL EXTERNAL and a bridge
certificate of the certified key1 (spec §2, §3), then submits a jabber:iq:register form with
`publickey` (key2) and `revoked` (key1 carrying its own revocation signature). The server
certifies key2, makes it the current key and answers with it as in §4.2; key2 then logs in and is
what urn:xmpp:pubkey:2 returns, while key1 no longer logs in. A `revoked` field that is not the
stored key validly revoked is refused with forbidden "Invalid revocation key."; a new key for
another JID with forbidden "Invalid public key."; after either refusal key1 is still current.

key1 is backdated one day: a real old key is older than its successor, and the login rule of
spec §3 step 5 compares creation times.
"""

from __future__ import annotations

import asyncio
import base64
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pgpy
import pytest
from slixmpp.exceptions import IqError, IqTimeout

from clients import LOGIN_TIMEOUT_S, REPLY_TIMEOUT_S, SlixClient
from kontalk_identity import (
    backdated,
    bridge_certificate,
    fingerprint,
    jid_for_phone,
    make_key,
    public_binary,
    revoked,
    server_key,
)
from kontalk_server import KontalkServer
from registration_client import (
    CODE_FORM,
    NS_REGISTER,
    assert_result,
    form,
    form_values,
    open_registration_stream,
    request_phone,
    submit_code,
)

CODE = "123456"
PHONE = "+15555215554"
OTHER_PHONE = "+15555215555"
NS_PUBKEY = "urn:xmpp:pubkey:2"
INVALID_REVOCATION = ("auth", "forbidden", "Invalid revocation key.")
INVALID_PUBLIC_KEY = ("auth", "forbidden", "Invalid public key.")


def fixed_server(make_server) -> KontalkServer:
    return make_server(
        {"modules.register": {"provider": "fixed", "fixed_code": CODE, "throttle_ip": "off"}}
    )


@dataclass
class Registered:
    jid: str
    key: pgpy.PGPKey
    certified: bytes  # the key block the server answered, with its certification
    certificate: tuple[Path, Path]  # bridge certificate of `certified`


def register(server: KontalkServer, phone: str, directory: Path) -> Registered:
    """Spec §4.1 and §4.2 on raw streams, with a key backdated one day."""
    jid = jid_for_phone(phone, server.domain)
    key = make_key(jid, created=backdated(1))
    connection, _ = open_registration_stream(server)
    with connection:
        assert_result(request_phone(connection, phone))
    uncertified = bridge_certificate(key, public_binary(key), directory, name="uncertified")
    connection, _ = open_registration_stream(server, uncertified)
    with connection:
        reply = submit_code(connection, CODE)
    assert_result(reply)
    certified = base64.b64decode(form_values(reply)["publickey"])
    return Registered(jid, key, certified, bridge_certificate(key, certified, directory, name="certified"))


def assert_certified_by_server(server: KontalkServer, key_block: bytes, key: pgpy.PGPKey, jid: str):
    """`key_block` is `key` with a valid certification by the server key on the user id <jid>."""
    returned, _ = pgpy.PGPKey.from_blob(key_block)
    assert fingerprint(returned) == fingerprint(key), (
        f"the server answered key {fingerprint(returned)}, not the submitted {fingerprint(key)}"
    )
    uid = returned.get_uid(jid)
    assert uid is not None, f"the returned key has no user id <{jid}>"
    server_public = server_key(server.data_dir).pubkey
    assert server_public.fingerprint.keyid in uid.signers, (
        f"user id <{jid}> carries no certification by the server key "
        f"{server_public.fingerprint.keyid} (signers: {sorted(uid.signers)})"
    )
    assert server_public.verify(uid), "the server's certification of the new key does not verify"


def start_external(server: KontalkServer, clients, certificate: tuple[Path, Path]) -> SlixClient:
    """slixmpp with a bridge certificate, asking for SASL EXTERNAL (closed by the fixture)."""
    # The JID only names the domain: the server decides whom the certificate authenticates.
    client = SlixClient(f"nobody@{server.domain}", "", mechanism="EXTERNAL")
    client.certfile, client.keyfile = str(certificate[0]), str(certificate[1])
    client.connect(address=(server.host, server.starttls_port), force_starttls=True)
    clients.slix_clients.append(client)
    return client


async def external_login(server, clients, certificate, jid: str) -> SlixClient:
    client = start_external(server, clients, certificate)
    try:
        await asyncio.wait_for(asyncio.shield(client.session_started), LOGIN_TIMEOUT_S)
    except asyncio.TimeoutError:
        raise AssertionError(f"EXTERNAL login timed out after {LOGIN_TIMEOUT_S} s") from None
    except ConnectionError as error:
        raise AssertionError(f"EXTERNAL login failed: {error}\n{server.log_tail()}") from None
    assert client.boundjid.bare == jid, f"logged in as {client.boundjid.bare}, expected {jid}"
    return client


async def expect_external_refused(server, clients, certificate) -> None:
    client = start_external(server, clients, certificate)
    try:
        failure = await asyncio.wait_for(asyncio.shield(client.auth_failed), LOGIN_TIMEOUT_S)
    except asyncio.TimeoutError:
        raise AssertionError(f"no SASL outcome within {LOGIN_TIMEOUT_S} s") from None
    except ConnectionError as error:
        raise AssertionError(f"expected a SASL failure, got {error}\n{server.log_tail()}") from None
    assert failure["condition"] == "not-authorized", f"SASL failure was {failure}"
    assert not client.session_started.done(), "a session started although SASL failed"


async def roll_over(client: SlixClient, domain: str, fields: dict[str, str]) -> ET.Element:
    """Submits the §4.3 form; returns the result's XML or raises IqError."""
    request = client.make_iq_set(ito=domain)
    request.append(ET.fromstring(f"<query xmlns='{NS_REGISTER}'>{form(NS_REGISTER, fields)}</query>"))
    try:
        reply = await request.send(timeout=REPLY_TIMEOUT_S)
    except IqTimeout:
        raise AssertionError(f"no answer to the key rollover within {REPLY_TIMEOUT_S} s") from None
    return reply.xml


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


async def refusal_of(client: SlixClient, domain: str, fields: dict[str, str]) -> tuple[str, str, str]:
    try:
        reply = await roll_over(client, domain, fields)
    except IqError as error:
        stanza_error = error.iq["error"]
        return stanza_error["type"], stanza_error["condition"], stanza_error["text"]
    raise AssertionError(f"the key rollover was accepted: {ET.tostring(reply).decode()}")


async def current_key(client: SlixClient, jid: str) -> bytes:
    """Spec §5: the user's current key as the server answers it."""
    request = client.make_iq_get(ito=jid)
    request.append(ET.Element(f"{{{NS_PUBKEY}}}pubkey"))
    try:
        reply = await request.send(timeout=REPLY_TIMEOUT_S)
    except IqTimeout:
        raise AssertionError(f"no answer to the public key request within {REPLY_TIMEOUT_S} s") from None
    pubkey = reply.xml.find(f"{{{NS_PUBKEY}}}pubkey")
    assert pubkey is not None and pubkey.text, f"no key in {reply}"
    return base64.b64decode(pubkey.text)


async def assert_key_unchanged(server, clients, alice: Registered, client: SlixClient) -> None:
    """After a refused rollover: key1 is still current and still logs in."""
    stored = await current_key(client, alice.jid)
    stored_key, _ = pgpy.PGPKey.from_blob(stored)
    assert fingerprint(stored_key) == fingerprint(alice.key), (
        f"a refused rollover changed the current key to {fingerprint(stored_key)}"
    )
    await external_login(server, clients, alice.certificate, alice.jid)


async def test_rollover_certifies_the_new_key_which_then_replaces_the_old_one(
    make_server, clients, tmp_path
):
    server = fixed_server(make_server)
    alice = register(server, PHONE, tmp_path / "key1")
    first = await external_login(server, clients, alice.certificate, alice.jid)

    key2 = make_key(alice.jid)
    reply = await roll_over(
        first,
        server.domain,
        {"publickey": b64(public_binary(key2)), "revoked": b64(revoked(alice.key, alice.certified))},
    )
    assert reply.get("type") == "result", ET.tostring(reply).decode()
    values = form_values(reply)
    assert values.get("FORM_TYPE") == CODE_FORM, f"answer is not the §4.2 form: {values}"
    certified2 = base64.b64decode(values["publickey"])
    assert_certified_by_server(server, certified2, key2, alice.jid)
    server.wait_for_log(f"{alice.jid} rolls its key over to {fingerprint(key2)}")
    await first.close()

    # A new connection with a bridge certificate of the certified key2.
    second = await external_login(
        server, clients, bridge_certificate(key2, certified2, tmp_path / "key2"), alice.jid
    )
    stored = await current_key(second, alice.jid)
    stored_key, _ = pgpy.PGPKey.from_blob(stored)
    assert fingerprint(stored_key) == fingerprint(key2), (
        f"urn:xmpp:pubkey:2 returns {fingerprint(stored_key)}, not the new key {fingerprint(key2)}"
    )
    assert stored == certified2, "the current key is not the certified key the rollover answered"

    # Spec §3 step 5: key1 was given up (and logged in before, so a cached login must not count).
    await expect_external_refused(server, clients, alice.certificate)
    server.wait_for_log(f"key rollover: key {fingerprint(alice.key)} is not newer than stored key")


def _not_revoked(alice: Registered) -> bytes:
    return alice.certified


def _another_key_revoked(alice: Registered) -> bytes:
    other = make_key(alice.jid)
    return revoked(other)


def _revoked_by_someone_else(alice: Registered) -> bytes:
    # A key revocation signature over key1 made by another key: not a valid revocation.
    public, _ = pgpy.PGPKey.from_blob(alice.certified)
    public |= make_key(alice.jid).revoke(public)
    return bytes(public)


def _not_a_key(_alice: Registered) -> bytes:
    return b"not an OpenPGP key"


NOT_THE_REVOKED_CURRENT_KEY = "revoked key is not the current key or is not revoked"


@pytest.mark.parametrize(
    ("make_revoked", "log_reason"),
    [
        (_not_revoked, NOT_THE_REVOKED_CURRENT_KEY),
        (_another_key_revoked, NOT_THE_REVOKED_CURRENT_KEY),
        (_revoked_by_someone_else, NOT_THE_REVOKED_CURRENT_KEY),
        (_not_a_key, "revoked: "),
        (None, "no revoked key"),
    ],
    ids=["old-key-not-revoked", "other-key-revoked", "forged-revocation", "garbage", "missing"],
)
async def test_rollover_without_a_valid_revocation_of_the_stored_key_is_forbidden(
    make_server, clients, tmp_path, make_revoked, log_reason
):
    server = fixed_server(make_server)
    alice = register(server, PHONE, tmp_path / "key1")
    client = await external_login(server, clients, alice.certificate, alice.jid)

    fields = {"publickey": b64(public_binary(make_key(alice.jid)))}
    if make_revoked is not None:
        fields["revoked"] = b64(make_revoked(alice))
    assert await refusal_of(client, server.domain, fields) == INVALID_REVOCATION
    server.wait_for_log(f"key rollover of {alice.jid} refused: {log_reason}")
    await assert_key_unchanged(server, clients, alice, client)


async def test_rollover_to_a_key_for_another_jid_is_forbidden(make_server, clients, tmp_path):
    server = fixed_server(make_server)
    alice = register(server, PHONE, tmp_path / "key1")
    client = await external_login(server, clients, alice.certificate, alice.jid)

    mallory_key = make_key(jid_for_phone(OTHER_PHONE, server.domain))
    fields = {
        "publickey": b64(public_binary(mallory_key)),
        "revoked": b64(revoked(alice.key, alice.certified)),
    }
    assert await refusal_of(client, server.domain, fields) == INVALID_PUBLIC_KEY
    server.wait_for_log("new key does not name the user")
    await assert_key_unchanged(server, clients, alice, client)
