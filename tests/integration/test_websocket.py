"""XMPP over WebSocket (RFC 7395) on the [http] port, path /xmpp-websocket, subprotocol xmpp:
the same stream core as TCP (SASL, binding, stream management with resumption, routing), and
what the framing refuses. The WebSocket side is websocket_client.WsXmpp on python3-websockets
(every element in the open); the TCP side is slixmpp."""

from __future__ import annotations

import asyncio

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatusCode

from websocket_client import (NS_CLIENT, NS_FRAMING, NS_SM, NS_STREAMS, WsXmpp, connect, q,
                              stream_error_condition)

PASSWORD = "secret"


@pytest.fixture
async def bob(server, clients):
    return await clients.slix(server, server.add_user("bob", PASSWORD), PASSWORD)


@pytest.fixture
async def ws(server):
    """Opens WebSocket clients to the server; all are closed when the test ends."""
    opened: list[WsXmpp] = []

    async def open_client() -> WsXmpp:
        opened.append(await WsXmpp.connect(server))
        return opened[-1]

    yield open_client
    for client in opened:
        await client.close()


async def ws_session(ws, localpart: str, resource: str) -> tuple[WsXmpp, str]:
    client = await ws()
    features = await client.login(localpart, PASSWORD)
    assert features.find(q("bind", "urn:ietf:params:xml:ns:xmpp-bind")) is not None
    return client, await client.bind(resource)


async def test_scram_login_and_messages_both_ways_with_a_tcp_user(server, bob, ws):
    server.add_user("alice", PASSWORD)
    alice = await ws()
    features = await alice.open()
    # No STARTTLS over WebSocket: TLS is the HTTP layer's (RFC 7395 §3.7).
    assert features.find(q("starttls", "urn:ietf:params:xml:ns:xmpp-tls")) is None
    await alice.close()

    alice, alice_jid = await ws_session(ws, "alice", "web")
    assert alice_jid == f"alice@{server.domain}/web"
    server.wait_for_log(f"authenticated as alice@{server.domain}")
    await alice.send(f"<message xmlns='{NS_CLIENT}' to='{bob.boundjid.full}' type='chat' id='m1'>"
                     "<body>from the web</body></message>")
    received = await bob.next_message()
    assert received["body"] == "from the web"
    assert received["from"].full == alice_jid

    bob.send_message(mto=alice_jid, mbody="from tcp", mtype="chat")
    reply = await alice.next_message()
    assert reply.findtext(q("body", NS_CLIENT)) == "from tcp"
    assert reply.get("from") == bob.boundjid.full
    await alice.send(f"<close xmlns='{NS_FRAMING}'/>")
    closed = await alice.receive()
    assert closed.tag == q("close", NS_FRAMING)


async def test_resumption_across_a_dropped_websocket_loses_nothing(server, bob, ws):
    server.add_user("alice", PASSWORD)
    alice, alice_jid = await ws_session(ws, "alice", "web")
    sm_id = await alice.enable_resumption()
    assert sm_id
    bob.send_message(mto=alice_jid, mbody="before the drop", mtype="chat")
    assert (await alice.next_message()).findtext(q("body", NS_CLIENT)) == "before the drop"
    await alice.send(f"<a xmlns='{NS_SM}' h='{alice.inbound}'/>")
    handled = alice.inbound

    alice.socket.transport.abort()  # the network goes: no <close/>, no close frame
    # In a thread: the abort takes effect only while the event loop runs.
    await asyncio.to_thread(server.wait_for_log, f"session {alice_jid} detached")
    bob.send_message(mto=alice_jid, mbody="while dropped", mtype="chat")
    await bob.barrier()

    again = await ws()
    await again.login("alice", PASSWORD)
    await again.send(f"<resume xmlns='{NS_SM}' previd='{sm_id}' h='{handled}'/>")
    resumed = await again.expect(q("resumed", NS_SM))
    assert resumed.get("previd") == sm_id
    again.sm_enabled = True
    bodies = []
    while True:
        message = await again.next_message()
        bodies.append(message.findtext(q("body", NS_CLIENT)))
        if bodies[-1] == "while dropped":
            break
    assert bodies == ["while dropped"]
    # The session goes on: a new message arrives on the resumed WebSocket.
    bob.send_message(mto=alice_jid, mbody="after resume", mtype="chat")
    assert (await again.next_message()).findtext(q("body", NS_CLIENT)) == "after resume"


async def test_upgrade_without_the_xmpp_subprotocol_is_refused(server, ws):
    with pytest.raises(InvalidStatusCode) as refused:
        await connect(server, subprotocols=[])
    assert refused.value.status_code == 400
    server.wait_for_log("refused WebSocket upgrade")
    client = await ws()  # the endpoint still serves
    await client.open()


async def error_then_close(client: WsXmpp) -> tuple[str | None, int | None]:
    """The stream error the server sent, and the WebSocket close code it ended with."""
    condition = None
    try:
        while True:
            element = await client.receive()
            if element.tag == q("error", NS_STREAMS):
                condition = stream_error_condition(element)
            elif element.tag == q("close", NS_FRAMING):
                assert condition is not None, "<close/> without a stream error first"
    except ConnectionClosed:
        pass
    return condition, client.socket.close_code


@pytest.mark.parametrize(
    ("logged", "payload", "condition", "close_code"),
    [
        ("binary WebSocket message", b"<presence xmlns='jabber:client'/>", "policy-violation",
         1003),
        ("more than one element",
         "<presence xmlns='jabber:client'/><presence xmlns='jabber:client'/>", "not-well-formed",
         1000),
        ("without one complete element", "<message xmlns='jabber:client'><body>cut",
         "not-well-formed", 1000),
        ("WebSocket: message over 65536 bytes",
         "<message xmlns='jabber:client'><body>" + "x" * 70000 + "</body></message>",
         "policy-violation", 1009),
    ],
)
async def test_bad_input_gets_a_stream_error_and_a_close(server, ws, logged, payload, condition,
                                                         close_code):
    client = await ws()
    await client.open()
    await client.send(payload)
    assert await error_then_close(client) == (condition, close_code)
    server.wait_for_log(logged)
    other = await ws()  # the server keeps serving others
    await other.open()


@pytest.mark.parametrize(
    ("first", "condition"),
    [
        ("hello", "not-well-formed"),
        ("<message xmlns='jabber:client' to='bob@localhost'><body>hi</body></message>",
         "invalid-namespace"),
    ],
)
async def test_anything_before_open_is_refused(server, ws, first, condition):
    client = await ws()
    await client.send(first)
    received, _ = await error_then_close(client)
    assert received == condition
    other = await ws()
    await other.open()
