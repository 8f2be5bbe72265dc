"""The delivery contract across servers (spec §7.9, §7.10 N9): a message (or subscription
request) for another server is durable on the sender's server before the sender's stream
management <a/> covers it, and stays stored until that server acknowledged it; neither server
being down nor a kill -9 of the sending server loses it. At-least-once: duplicates are allowed, losses are not.

a.test and b.test link over dialback (their self-signed certificates); `.test` never resolves,
each maps the other with [s2s] hosts.
"""

from __future__ import annotations

import asyncio
import re
import time

from kontalk_server import HOST, free_port
from raw_client import RawXmppConnection

PASSWORD = "secret"
MESSAGES = 200
NS_SM = "urn:xmpp:sm:3"
DELIVERY_TIMEOUT_S = 60.0


def _config(domain: str, port: int, peer: str, peer_port: int) -> dict:
    return {
        "server": {"domain": domain},
        "s2s": {"listen": [f"{HOST}:{port}"], "hosts": {peer: f"{HOST}:{peer_port}"}},
        # All of alice's messages may wait for bob (by default one sender gets a quarter of
        # the recipient's offline quota, and the rest would bounce back to her).
        "modules.offline": {"sender_share_percent": 100},
    }


def _send_acknowledged(a, bob_jid: str, first: int = 0, subscribe: bool = False) -> None:
    """alice sends MESSAGES chats to bob (bodies n-first ...), after a subscription request if
    `subscribe`, over a raw stream with stream management and waits until the server
    acknowledged all of them. The subscription request is acknowledged on its own first, and
    must be in a's remote queue the moment its <a/> arrives: the roster stores it and sends it
    on from a worker, and the acknowledgement waits for that (api/acknowledgement_gate.hpp)."""
    with RawXmppConnection(a.host, a.starttls_port, a.domain) as alice:
        alice.login("alice", PASSWORD, "phone")
        alice.send(f"<enable xmlns='{NS_SM}'/>")
        alice.read_until(r"<enabled[^>]*/?>")
        if subscribe:
            queued = _remote_queue_length(a)
            alice.send(f"<presence to='{bob_jid}' id='sub-1' type='subscribe'/>"
                       f"<r xmlns='{NS_SM}'/>")
            alice.read_until(rf"<a xmlns=['\"]{NS_SM}['\"] h=['\"]1['\"]\s*/>", timeout=60)
            assert _remote_queue_length(a) == queued + 1, \
                "alice's <a/> covered a subscription request that was not durable yet"
        alice.send("".join(
            f"<message to='{bob_jid}' id='n-{n}' type='chat'><body>n-{n}</body>"
            f"<request xmlns='urn:xmpp:receipts'/></message>"
            for n in range(first, first + MESSAGES)))
        alice.send(f"<r xmlns='{NS_SM}'/>")
        handled = MESSAGES + (1 if subscribe else 0)
        alice.read_until(rf"<a xmlns=['\"]{NS_SM}['\"] h=['\"]{handled}['\"]\s*/>", timeout=60)


def _remote_queue_length(server) -> int:
    """Messages the server keeps for other servers (read beside the running server: WAL)."""
    return server.query_storage("SELECT COUNT(*) FROM remote_messages")[0][0]


def _pending_subscriptions(server) -> int:
    return server.query_storage("SELECT COUNT(*) FROM roster_pending_subscriptions")[0][0]


async def _receive_all(bob, expected: set[str]) -> int:
    """Waits until bob got every body in `expected`; returns how many came twice."""
    received: set[str] = set()
    duplicates = 0
    deadline = asyncio.get_running_loop().time() + DELIVERY_TIMEOUT_S
    while not expected <= received:
        left = deadline - asyncio.get_running_loop().time()
        assert left > 0, (f"bob got {len(received & expected)} of {len(expected)} within "
                          f"{DELIVERY_TIMEOUT_S} s")
        message = await bob.next_message(left)
        body = message["body"]
        assert re.fullmatch(r"n-\d+", body), message
        duplicates += body in received
        received.add(body)
    return duplicates


async def test_nothing_acknowledged_is_lost_when_the_peer_is_down_and_either_server_killed(
    make_server, clients
):
    port_a, port_b = free_port(), free_port()
    while port_b == port_a:
        port_b = free_port()
    a = make_server(_config("a.test", port_a, "b.test", port_b))
    b = make_server(_config("b.test", port_b, "a.test", port_a), start=False)  # down
    a.add_user("alice", PASSWORD)
    bob_jid = b.add_user("bob", PASSWORD)

    # Spec §7.9: a subscription request is as durable as the messages before alice's <a/>
    # covers it (checked in _send_acknowledged). Acknowledged while b is down: only a's disk
    # holds them now, and a is killed at once.
    await asyncio.to_thread(_send_acknowledged, a, bob_jid, 0, True)
    a.kill()
    b.start()
    a.start()

    # Phase 2, b killed: b answers a's <r/> (the acknowledgement that lets a forget the messages)
    # only once they are durable on b, so a kill -9 of b right after loses none of them.
    deadline = time.monotonic() + DELIVERY_TIMEOUT_S
    while _remote_queue_length(a) > 0:
        assert time.monotonic() < deadline, "a never got b's acknowledgement"
        await asyncio.sleep(0.1)
    a.wait_for_log("queued message(s) to b.test again")  # RemoteDelivery after the restart
    # b's acknowledgement is XEP-0198 <a/> on a's link (spec §7.9; the ping is the fallback).
    a.wait_for_log("to b.test: stream management enabled; the peer acknowledges with <a/>")
    # The subscription request survived a's kill -9 and reached b, which answered a's ping only
    # once its roster had stored the request for offline bob: a forgot it, so b must have it.
    assert _pending_subscriptions(b) == 1, "b acknowledged a subscription request it had not stored"
    await asyncio.to_thread(_send_acknowledged, a, bob_jid, MESSAGES)
    while _remote_queue_length(a) > 0:
        assert time.monotonic() < deadline, "a never got b's acknowledgement"
        await asyncio.sleep(0.05)
    b.kill()
    b.start()

    bob = await clients.slix(b, bob_jid + "/phone", PASSWORD)
    subscription = asyncio.get_running_loop().create_future()
    bob.add_event_handler(
        "presence_subscribe",
        lambda presence: subscription.done() or subscription.set_result(presence))
    bob.send_presence()
    duplicates = await _receive_all(bob, {f"n-{n}" for n in range(2 * MESSAGES)})
    request = await asyncio.wait_for(subscription, DELIVERY_TIMEOUT_S)
    assert request["from"].bare == "alice@a.test", request
    print(f"{2 * MESSAGES} delivered after kill -9 of each server, {duplicates} duplicate(s)")
