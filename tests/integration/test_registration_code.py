"""Kontalk registration, code step and login (spec §4.2, §3, §5), as a new
client would: PGP key, phone number, code from the provider, bridge certificate,
certified key, SASL EXTERNAL, messages, public keys. Negative cases: wrong,
expired and reused codes."""

from __future__ import annotations

import base64
import re
import time
from pathlib import Path

import pgpy
import pytest

from raw_client import RawXmppConnection
from registration_client import (
    CODE_FORM,
    assert_result,
    error_of,
    form_values,
    iq,
    log_contains,
    open_registration_stream,
    request_phone,
    submit_code,
    username_for,
)
from registration_keys import bridge_certificate, make_key, public_binary

CODE = "123456"
NS_PUBKEY = "urn:xmpp:pubkey:2"
NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl"


def fixed_server(make_server, **extra):
    return make_server(
        {"modules.register": {"provider": "fixed", "fixed_code": CODE, "throttle_ip": "off", **extra}}
    )


class Client:
    """One Kontalk user: phone number, key, bridge certificate."""

    def __init__(self, server, phone: str, directory: Path):
        self.server = server
        self.phone = phone
        self.username = username_for(phone)
        self.jid = f"{self.username}@{server.domain}"
        self.directory = directory
        self.key = make_key(self.jid)
        self.certificate = bridge_certificate(self.key, public_binary(self.key), directory / "new")

    def request_code(self, **extra):
        connection, _ = open_registration_stream(self.server)
        with connection:
            return request_phone(connection, self.phone, **extra)

    def submit(self, code: str):
        connection, _ = open_registration_stream(self.server, self.certificate)
        with connection:
            return submit_code(connection, code)

    def register(self) -> bytes:
        assert_result(self.request_code())
        reply = self.submit(CODE)
        assert_result(reply)
        certified = base64.b64decode(form_values(reply)["publickey"])
        self.certificate = bridge_certificate(self.key, certified, self.directory / "certified")
        return certified

    def login(self) -> RawXmppConnection:
        connection, features = open_registration_stream(self.server, self.certificate)
        if "<mechanism>EXTERNAL</mechanism>" not in features:
            connection.close()
            pytest.skip("the server does not offer SASL EXTERNAL yet")
        connection.send(f"<auth xmlns='{NS_SASL}' mechanism='EXTERNAL'>=</auth>")
        outcome = connection.read_until(r"<success[^>]*?(/>|</success>)|</failure>|<failure[^>]*/>")
        assert "<success" in outcome, f"EXTERNAL failed: {outcome}\n{self.server.log_tail()}"
        connection.open_stream()
        assert connection.bind("phone").startswith(self.jid + "/")
        return connection


def certifiers(key_block: bytes) -> set[str]:
    """Key ids that signed the first user id of a key block, the key's own excluded."""
    key, _ = pgpy.PGPKey.from_blob(key_block)
    own = key.fingerprint.keyid
    return set(key.userids[0].signers) - {own}


def test_code_with_bridge_certificate_returns_key_certified_by_server(make_server, tmp_path):
    server = fixed_server(make_server)
    alice = Client(server, "+15555215554", tmp_path)
    assert_result(alice.request_code())
    reply = alice.submit(CODE)
    assert_result(reply)
    values = form_values(reply)
    assert values["FORM_TYPE"] == CODE_FORM
    certified = base64.b64decode(values["publickey"])
    key, _ = pgpy.PGPKey.from_blob(certified)
    assert key.fingerprint == alice.key.fingerprint
    assert certifiers(certified), "the returned key carries no certification by the server"
    assert log_contains(server, rf"{alice.jid} \(\+15555215554\) registered with key")


def test_wrong_code_is_refused_and_right_code_still_works(make_server, tmp_path):
    server = fixed_server(make_server)
    alice = Client(server, "+15555215554", tmp_path)
    assert_result(alice.request_code())
    assert error_of(alice.submit("654321")) == ("modify", "bad-request", "Invalid verification code.")
    assert log_contains(server, "refused: wrong code")
    assert_result(alice.submit(CODE))


def test_code_is_single_use(make_server, tmp_path):
    server = fixed_server(make_server)
    alice = Client(server, "+15555215554", tmp_path)
    assert_result(alice.request_code())
    assert_result(alice.submit(CODE))
    assert error_of(alice.submit(CODE)) == ("modify", "bad-request", "Invalid verification code.")
    assert log_contains(server, "no pending \\(or an expired\\) verification")


def test_expired_code_is_refused(make_server, tmp_path):
    server = fixed_server(make_server, code_ttl=1)
    alice = Client(server, "+15555215554", tmp_path)
    assert_result(alice.request_code())
    time.sleep(2.2)  # past code_ttl: the request is dead from its expiry second on
    assert error_of(alice.submit(CODE)) == ("modify", "bad-request", "Invalid verification code.")
    assert log_contains(server, "no pending \\(or an expired\\) verification")


def test_key_for_another_number_is_refused(make_server, tmp_path):
    server = fixed_server(make_server)
    alice = Client(server, "+15555215554", tmp_path)
    mallory = Client(server, "+15555215555", tmp_path / "mallory")
    assert_result(alice.request_code())
    # Mallory's key names her own number, which has no pending verification.
    assert error_of(mallory.submit(CODE))[1] == "bad-request"


def test_registered_users_log_in_exchange_messages_and_see_keys(make_server, tmp_path):
    server = fixed_server(make_server)
    alice = Client(server, "+15555215554", tmp_path / "alice")
    bob = Client(server, "+15555215555", tmp_path / "bob")
    alice_key = alice.register()
    bob_key = bob.register()

    with alice.login() as a, bob.login() as b:
        # An interested resource (RFC 6121 §2.1.6): subscription requests are delivered to it.
        assert_result(iq(b, "get", "<query xmlns='jabber:iq:roster'/>", domain=bob.jid))
        b.send("<presence/>")
        # The broadcast of one's own presence (spec §0: with the key's fingerprint).
        own = b.read_until(r"<presence\b[^>]*/>|</presence>")
        assert f"<print>{bob.key.fingerprint.replace(' ', '')}</print>" in own, own
        a.send(f"<message to='{bob.jid}' type='chat' id='m1'><body>hello bob</body></message>")
        b.read_until(r"<body>hello bob</body>")

        # Spec §5: a user's key, answered by the server.
        reply = iq(a, "get", f"<pubkey xmlns='{NS_PUBKEY}'/>", domain=bob.jid)
        assert_result(reply)
        assert base64.b64decode(reply.find(f"{{{NS_PUBKEY}}}pubkey").text) == bob_key
        server_key = iq(a, "get", f"<pubkey xmlns='{NS_PUBKEY}'/>")
        assert_result(server_key)
        assert base64.b64decode(server_key.find(f"{{{NS_PUBKEY}}}pubkey").text)
        missing = iq(a, "get", f"<pubkey xmlns='{NS_PUBKEY}'/>", domain=f"{'0' * 40}@{server.domain}")
        assert error_of(missing)[1] == "item-not-found"

        # Spec §5: a subscription request carries the sender's key and fingerprint.
        a.send(f"<presence to='{bob.jid}' type='subscribe'/>")
        request = b.read_until(r"<presence\b[^>]*type='subscribe'.*?</presence>")
        key_text = re.search(r"<key>([^<]+)</key>", request)
        assert key_text and base64.b64decode(key_text.group(1)) == alice_key, request
        assert f"<print>{alice.key.fingerprint.replace(' ', '')}</print>" in request, request
