"""Private key transfer (spec §4.4): an authenticated user parks its encrypted
private key under a 40-digit one-time token; another connection, not
authenticated, fetches it once with the token."""

from __future__ import annotations

import base64
import re

from raw_client import RawXmppConnection
from registration_client import (
    NS_ACCOUNT,
    NS_REGISTER,
    PRIVATE_KEY_FORM,
    assert_result,
    error_of,
    form,
    form_values,
    iq,
    log_contains,
    open_registration_stream,
    retrieve_private_key,
)

PRIVATE_KEY = b"\x95\x01encrypted private key bytes\x00\xff"


def _upload(server, private_key_b64: str):
    user = server.add_user("alice", "secret")
    with RawXmppConnection(server.host, server.starttls_port, server.domain) as connection:
        connection.login("alice", "secret")
        payload = f"<query xmlns='{NS_REGISTER}'>" + form(
            PRIVATE_KEY_FORM, {"privatekey": private_key_b64}
        ) + "</query>"
        return user, iq(connection, "set", payload)


def test_private_key_is_parked_and_fetched_once_with_its_token(make_server):
    server = make_server({"modules.register": {"provider": "fixed", "fixed_code": "1"}})
    _, reply = _upload(server, base64.b64encode(PRIVATE_KEY).decode())
    assert_result(reply)
    values = form_values(reply)
    assert values["FORM_TYPE"] == PRIVATE_KEY_FORM
    token = values["token"]
    assert re.fullmatch(r"\d{40}", token), token

    connection, _ = open_registration_stream(server)
    with connection:
        first = retrieve_private_key(connection, token)
        second = retrieve_private_key(connection, token)
    assert_result(first)
    private = first.find(f".//{{{NS_ACCOUNT}}}private")
    assert private is not None and base64.b64decode(private.text) == PRIVATE_KEY
    assert first.find(f".//{{{NS_ACCOUNT}}}public") is not None
    # Single-use (spec §4.4).
    assert error_of(second) == ("auth", "not-authorized", "Invalid private key token.")
    assert log_contains(server, "private key retrieval refused: unknown, used or expired token")


def test_upload_that_is_not_base64_is_refused(make_server):
    server = make_server({"modules.register": {"provider": "fixed", "fixed_code": "1"}})
    _, reply = _upload(server, "not base64!")
    assert error_of(reply)[1] == "bad-request"
