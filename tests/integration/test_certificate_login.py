"""Kontalk certificate login (spec §2, §3): SASL EXTERNAL with a bridge certificate.

Clients are slixmpp with a TLS client certificate made by kontalk_identity. A login succeeds
only when the certificate's key is the embedded OpenPGP key and that key carries this server's
certification on a user id of this domain, is neither expired nor revoked, and passes the key
rollover rule; every refusal is <not-authorized/> with a log line naming the failed check.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from clients import LOGIN_TIMEOUT_S, SlixClient
from kontalk_identity import (
    backdated,
    bridge_certificate,
    certify,
    fingerprint,
    jid_for_phone,
    make_key,
    other_server_key,
    plain_certificate,
    public_binary,
    revoked,
    rsa_private_key,
    server_key,
)
from kontalk_server import KontalkServer

PASSWORD = "correct horse battery staple"


def start_certificate_client(
    server: KontalkServer, clients, certificate: tuple[Path, Path], *, authzid: str = ""
) -> SlixClient:
    """A slixmpp client presenting `certificate` at TLS and asking for SASL EXTERNAL."""
    # The JID only names the domain: the server decides whom the certificate authenticates.
    client = SlixClient(f"nobody@{server.domain}", "", mechanism="EXTERNAL")
    client.certfile, client.keyfile = str(certificate[0]), str(certificate[1])
    client.credentials["authzid"] = authzid
    client.connect(address=(server.host, server.starttls_port), force_starttls=True)
    clients.slix_clients.append(client)  # closed by the fixture
    return client


async def certificate_login(server, clients, certificate, **options) -> SlixClient:
    client = start_certificate_client(server, clients, certificate, **options)
    try:
        await asyncio.wait_for(asyncio.shield(client.session_started), LOGIN_TIMEOUT_S)
    except ConnectionError as error:
        raise AssertionError(f"certificate login failed: {error}\n{server.log_tail()}") from None
    return client


async def expect_refused(server, clients, certificate, log_fragment: str, **options) -> None:
    client = start_certificate_client(server, clients, certificate, **options)
    failure = await asyncio.wait_for(client.auth_failed, LOGIN_TIMEOUT_S)
    assert failure["condition"] == "not-authorized", f"SASL failure was {failure}"
    server.wait_for_log(log_fragment)


def certified_credential(server, tmp_path: Path, phone: str = "+15555215554", **key_options):
    """A client key for `phone` certified by the server, and its bridge certificate."""
    jid = jid_for_phone(phone, server.domain)
    key = make_key(jid, **key_options)
    block = certify(server_key(server.data_dir), key, jid)
    return jid, key, bridge_certificate(key, block, tmp_path / fingerprint(key))


async def test_certified_key_logs_in_and_gets_an_account(server, clients, tmp_path):
    jid, _, certificate = certified_credential(server, tmp_path)
    client = await certificate_login(server, clients, certificate)
    assert client.boundjid.bare == jid
    assert client["feature_mechanisms"].mech.name == "EXTERNAL"
    assert "starttls" in client.features
    listed = server.ctl("user", "list")
    assert jid in listed.stdout.split(), listed.stdout


async def test_reconnecting_with_the_same_certificate_logs_in_again(server, clients, tmp_path):
    jid, _, certificate = certified_credential(server, tmp_path)
    first = await certificate_login(server, clients, certificate)
    await first.close()
    second = await certificate_login(server, clients, certificate)
    assert second.boundjid.bare == jid


async def test_authzid_equal_to_the_certified_jid_is_accepted(server, clients, tmp_path):
    jid, _, certificate = certified_credential(server, tmp_path)
    client = await certificate_login(server, clients, certificate, authzid=jid)
    assert client.boundjid.bare == jid


async def test_authzid_naming_another_jid_is_refused(server, clients, tmp_path):
    _, _, certificate = certified_credential(server, tmp_path)
    other = jid_for_phone("+15555550000", server.domain)
    await expect_refused(server, clients, certificate, "is not the certified JID", authzid=other)


async def test_external_is_offered_only_to_clients_with_a_certificate(server, clients, tmp_path):
    jid = server.add_user("alice", PASSWORD)
    password_client = await clients.slix(server, jid, PASSWORD)
    assert "EXTERNAL" not in password_client["feature_mechanisms"].mech_list
    _, _, certificate = certified_credential(server, tmp_path)
    certificate_client = await certificate_login(server, clients, certificate)
    assert "EXTERNAL" in certificate_client["feature_mechanisms"].mech_list


async def test_a_client_with_a_certificate_is_offered_only_external_by_default(
    server, clients, tmp_path
):
    # Smack, the Kontalk clients' library, ranks SCRAM-SHA-1 above EXTERNAL: offered both, the
    # client (which has no password) picks SCRAM and fails forever ([c2s] certificate_login).
    _, _, certificate = certified_credential(server, tmp_path)
    client = await certificate_login(server, clients, certificate)
    assert client["feature_mechanisms"].mech_list == {"EXTERNAL"}


async def test_password_login_while_presenting_a_certificate_needs_certificate_login_also(
    make_server, clients, tmp_path
):
    # TLS accepts any certificate (spec §2); with certificate_login = "also" password accounts
    # are unaffected by it.
    server = make_server({"c2s": {"certificate_login": "also"}})
    jid = server.add_user("alice", PASSWORD)
    client = SlixClient(jid, PASSWORD, mechanism="SCRAM-SHA-256")
    client.certfile, client.keyfile = (str(p) for p in plain_certificate(tmp_path))
    client.connect(address=(server.host, server.starttls_port), force_starttls=True)
    clients.slix_clients.append(client)
    await asyncio.wait_for(asyncio.shield(client.session_started), LOGIN_TIMEOUT_S)
    assert client.boundjid.bare == jid
    assert {"EXTERNAL", "SCRAM-SHA-256"} <= set(client["feature_mechanisms"].mech_list)


async def test_certificate_without_the_key_extension_is_refused(server, clients, tmp_path):
    await expect_refused(server, clients, plain_certificate(tmp_path), "no OpenPGP key extension")


async def test_certificate_whose_key_differs_from_the_pgp_key_is_refused(server, clients, tmp_path):
    jid = jid_for_phone("+15555215554", server.domain)
    key = make_key(jid)
    block = certify(server_key(server.data_dir), key, jid)
    impostor = rsa_private_key(make_key(jid))
    certificate = bridge_certificate(key, block, tmp_path, certificate_key=impostor)
    await expect_refused(server, clients, certificate, "differs from the OpenPGP primary key")


async def test_key_not_certified_by_this_server_is_refused(server, clients, tmp_path):
    jid = jid_for_phone("+15555215554", server.domain)
    key = make_key(jid)
    block = certify(other_server_key(server.domain), key, jid)
    certificate = bridge_certificate(key, block, tmp_path)
    await expect_refused(server, clients, certificate, "carries no certification by the server key")


async def test_uncertified_key_is_refused(server, clients, tmp_path):
    jid = jid_for_phone("+15555215554", server.domain)
    key = make_key(jid)
    certificate = bridge_certificate(key, public_binary(key), tmp_path)
    await expect_refused(server, clients, certificate, "carries no certification by the server key")


async def test_key_certified_for_another_domain_is_refused(server, clients, tmp_path):
    jid = jid_for_phone("+15555215554", "other.example")
    key = make_key(jid)
    block = certify(server_key(server.data_dir), key, jid)
    certificate = bridge_certificate(key, block, tmp_path)
    await expect_refused(server, clients, certificate, f"no user id names a JID of {server.domain}")


async def test_expired_key_is_refused(server, clients, tmp_path):
    _, _, certificate = certified_credential(
        server, tmp_path, created=backdated(3), expires_after=timedelta(days=1)
    )
    await expect_refused(server, clients, certificate, "has expired")


async def test_revoked_key_is_refused(server, clients, tmp_path):
    jid = jid_for_phone("+15555215554", server.domain)
    key = make_key(jid)
    block = revoked(key, certify(server_key(server.data_dir), key, jid))
    certificate = bridge_certificate(key, block, tmp_path)
    await expect_refused(server, clients, certificate, "is revoked")


async def test_key_rollover_accepts_a_newer_key_and_refuses_the_older_one(server, clients, tmp_path):
    phone = "+15555215554"
    jid, _, old_certificate = certified_credential(server, tmp_path, phone, created=backdated(2))
    old_client = await certificate_login(server, clients, old_certificate)
    await old_client.close()

    _, _, new_certificate = certified_credential(server, tmp_path, phone)
    new_client = await certificate_login(server, clients, new_certificate)
    assert new_client.boundjid.bare == jid
    await new_client.close()

    # The stored key is now the newer one: the old key is no longer newer than it.
    await expect_refused(server, clients, old_certificate, "key rollover")


async def test_key_rollover_refuses_an_older_key_than_the_stored_one(server, clients, tmp_path):
    phone = "+15555215554"
    _, _, current = certified_credential(server, tmp_path, phone)
    client = await certificate_login(server, clients, current)
    await client.close()
    _, _, older = certified_credential(server, tmp_path, phone, created=backdated(5))
    await expect_refused(server, clients, older, "is not newer than stored key")


def test_kontalkctl_key_generate_creates_the_key_the_server_then_uses(make_server):
    server = make_server(start=False)
    generated = server.ctl("key", "generate")
    assert generated.returncode == 0, generated.stderr
    secret = server.data_dir / "pgp" / "server-key.sec"
    assert secret.stat().st_mode & 0o777 == 0o600
    shown = server.ctl("key", "show")
    assert shown.returncode == 0, shown.stderr
    printed = shown.stdout.splitlines()[0].split()[1]
    assert printed == fingerprint(server_key(server.data_dir))
    assert "-----BEGIN PGP PUBLIC KEY BLOCK-----" in shown.stdout
    assert server_key(server.data_dir).userids[0].email == server.domain  # user id names it
    again = server.ctl("key", "generate")
    assert again.returncode == 1, "generate replaced an existing server key"
    server.start()
    server.wait_for_log(f"server key {printed}")


def test_dev_default_generates_the_server_key_on_first_start(make_server):
    server = make_server(reuse_server_key=False)
    shown = server.ctl("key", "show")
    assert shown.returncode == 0, shown.stderr
    server.wait_for_log(f"server key {shown.stdout.split()[1]}")
