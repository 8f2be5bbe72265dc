"""Idle authenticated streams get an XMPP ping (XEP-0199 §4.2) before they are given up.

A phone keeps its connection open for hours with nothing to say; the server should find out
whether it is still there by asking: `<iq type='get' from='DOMAIN'><ping xmlns='urn:xmpp:ping'/>
</iq>` after `[c2s] idle_timeout` seconds of inbound silence. The Android client answers
(Smack's PingManager), which keeps the stream open; no answer within `[c2s] ping_timeout`
closes it. Unauthenticated streams are not pinged: they are closed when idle (or when
authentication takes too long), as before.

Short timeouts here; waits are bounded by them plus a margin. Nothing is asserted from
elapsed time except that each event happens within its bound."""

from __future__ import annotations

from android_client import NS_PING, AndroidClient, certified_account, q, to_xml
from android_roster import online
from raw_client import stream_error_condition

IDLE_S = 2
PING_TIMEOUT_S = 2
AUTH_TIMEOUT_S = 4
MARGIN_S = 5


def ping_server(make_server):
    return make_server({"c2s": {"idle_timeout": IDLE_S, "ping_timeout": PING_TIMEOUT_S,
                                "auth_timeout": AUTH_TIMEOUT_S}})


def expect_ping(phone: AndroidClient, what: str):
    ping = phone.expect(
        lambda e: e.tag == q("iq") and e.get("type") == "get" and e.find(q("ping", NS_PING)) is not None,
        what,
        timeout=IDLE_S + MARGIN_S,
    )
    assert ping.get("from") == phone.domain, f"ping not from the server: {to_xml(ping)}"
    assert ping.get("id"), f"ping without id: {to_xml(ping)}"
    return ping


async def test_idle_client_is_pinged_and_answering_keeps_the_stream_open(make_server, tmp_path):
    server = ping_server(make_server)
    account = certified_account(server, "+15555215554", tmp_path, android_style=False)
    phone = online(server, account, smack_mechanisms=False)
    expect_ping(phone, "a ping after the stream went idle")  # answered by the client
    expect_ping(phone, "a second ping after idling again")  # still open: asked again
    assert phone.ping_server().get("type") == "result"
    assert len(phone.pings_answered) == 2
    assert stream_error_condition(phone.transcript) is None, phone.transcript[-500:]
    phone.close_stream()


async def test_idle_client_that_does_not_answer_the_ping_is_disconnected(make_server, tmp_path):
    server = ping_server(make_server)
    account = certified_account(server, "+15555215554", tmp_path, android_style=False)
    phone = online(server, account, smack_mechanisms=False)
    # A phone that lost coverage answers nothing: neither the ping nor a <r/> with it.
    phone.answer_pings = False
    phone.answer_acks = False
    expect_ping(phone, "a ping after the stream went idle")
    closing = phone.expect_closed(PING_TIMEOUT_S + MARGIN_S)
    condition = stream_error_condition(closing)
    assert condition in (None, "connection-timeout"), f"closed with <{condition}/>: {closing}"


async def test_idle_unauthenticated_stream_is_closed_without_a_ping(make_server, tmp_path):
    server = ping_server(make_server)
    phone = AndroidClient(server, None)
    phone.connect()  # STARTTLS done, then silence instead of SASL
    closing = phone.expect_closed(max(IDLE_S, AUTH_TIMEOUT_S) + MARGIN_S)
    assert "urn:xmpp:ping" not in phone.transcript, f"an unauthenticated stream was pinged: {closing}"
