"""Offline messages (XEP-0160) with delay stamps (XEP-0203), receipts (XEP-0184)
and chat states (XEP-0085) through storage, quota and restart."""

from __future__ import annotations

import asyncio
import datetime
import time

from im_helpers import MessageLog, error_condition, has_child, stored_offline_count, wait_for_stored

PASSWORD = "secret"
RECEIPTS = "urn:xmpp:receipts"
CHAT_STATES = "http://jabber.org/protocol/chatstates"


async def login(clients, server, jid, *, receipts_auto_ack=False):
    client = await clients.slix(server, jid + "/phone", PASSWORD)
    client.register_plugin("xep_0085")
    client.register_plugin("xep_0184", pconfig={"auto_ack": receipts_auto_ack})
    client.register_plugin("xep_0203")
    client.log = MessageLog(client)
    return client


async def come_online(clients, server, jid):
    """Log in and send the initial presence that releases the offline queue."""
    client = await login(clients, server, jid)
    client.send_presence()
    return client


async def send_marker(sender, recipient_client):
    """A live message after everything else: once it arrives, anything that would
    have been delivered before it has been."""
    sender.send_message(mto=recipient_client.boundjid.full, mbody="marker", mtype="chat")
    await sender.barrier()


async def test_messages_to_offline_user_arrive_in_order_with_delay_on_presence(server, clients):
    alice = await login(clients, server, server.add_user("alice", PASSWORD))
    bob_jid = server.add_user("bob", PASSWORD)
    before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=5)
    for index in range(5):
        alice.send_message(mto=bob_jid, mbody=f"offline {index}", mtype="chat")
    await alice.barrier()
    wait_for_stored(server, 5)

    bob = await come_online(clients, server, bob_jid)
    for index in range(5):
        received = await bob.log.next()
        assert received["body"] == f"offline {index}"
        assert received["type"] == "chat"
        assert received["from"] == alice.boundjid, f"from was {received['from']}"
        assert received["delay"]["from"] == server.domain
        stamp = received["delay"]["stamp"]
        assert stamp is not None and stamp.tzinfo is not None, received
        assert stamp >= before, f"delay stamp {stamp} predates sending"
    await send_marker(alice, bob)
    assert (await bob.log.next())["body"] == "marker", "a stored message was delivered twice"


async def test_offline_messages_survive_a_server_restart(make_server, clients):
    server = make_server()
    alice_jid = server.add_user("alice", PASSWORD)
    bob_jid = server.add_user("bob", PASSWORD)
    alice = await login(clients, server, alice_jid)
    for index in range(3):
        alice.send_message(mto=bob_jid, mbody=f"before restart {index}", mtype="chat")
    await alice.barrier()
    wait_for_stored(server, 3)
    await alice.close()

    server.stop()
    server.start()

    bob = await come_online(clients, server, bob_jid)
    for index in range(3):
        received = await bob.log.next()
        assert received["body"] == f"before restart {index}"
        assert received["delay"]["from"] == server.domain
        assert received["delay"]["stamp"] is not None


async def test_messages_are_delivered_only_once(server, clients):
    alice = await login(clients, server, server.add_user("alice", PASSWORD))
    bob_jid = server.add_user("bob", PASSWORD)
    alice.send_message(mto=bob_jid, mbody="once", mtype="chat")
    await alice.barrier()
    wait_for_stored(server, 1)
    first = await come_online(clients, server, bob_jid)
    assert (await first.log.next())["body"] == "once"
    await first.close()

    second = await come_online(clients, server, bob_jid)
    await send_marker(alice, second)
    assert (await second.log.next())["body"] == "marker", "the message came again"


async def test_receipts_and_chat_states_pass_through_storage(server, clients):
    alice = await login(clients, server, server.add_user("alice", PASSWORD))
    bob_jid = server.add_user("bob", PASSWORD)

    composing = alice.make_message(mto=bob_jid, mtype="chat")
    composing["chat_state"] = "composing"
    composing.send()
    with_request = alice.make_message(mto=bob_jid, mbody="please confirm", mtype="chat")
    with_request["id"] = "msg-1"
    with_request["request_receipt"] = True
    with_request["chat_state"] = "active"
    with_request.send()
    receipt = alice.make_message(mto=bob_jid, mtype="chat")
    receipt["receipt"] = "earlier-msg"
    receipt.send()
    await alice.barrier()
    wait_for_stored(server, 2)

    bob = await come_online(clients, server, bob_jid)
    first = await bob.log.next()
    assert first["body"] == "please confirm", "a standalone chat state was stored"
    assert first["id"] == "msg-1"
    assert first["request_receipt"] is True
    assert first["chat_state"] == "active"
    second = await bob.log.next()
    assert has_child(second, RECEIPTS, "received"), second
    assert second["receipt"] == "earlier-msg"
    assert second["delay"]["from"] == server.domain
    await send_marker(alice, bob)
    assert (await bob.log.next())["body"] == "marker"


async def _expect_the_last_refused_for_space(sender, to: str, prefix: str, count: int) -> None:
    """Sends `count` messages with bodies and ids `prefix`0, 1, ...; the last one, over the
    quota or the sender's share, comes back as resource-constraint (type wait), alone."""
    for index in range(count):
        message = sender.make_message(mto=to, mbody=f"{prefix}{index}", mtype="chat")
        message["id"] = f"{prefix}{index}"
        message.send()
    error = await sender.log.next()
    assert error["type"] == "error"
    assert error["id"] == f"{prefix}{count - 1}", "the message over the limit is the one refused"
    assert error_condition(error) == "resource-constraint"
    assert error["error"]["type"] == "wait"


async def test_full_queue_answers_resource_constraint(make_server, clients):
    server = make_server(
        {"modules.offline": {"max_messages_per_user": 2, "sender_share_percent": 100}}
    )
    alice = await login(clients, server, server.add_user("alice", PASSWORD))
    bob_jid = server.add_user("bob", PASSWORD)
    await _expect_the_last_refused_for_space(alice, bob_jid, "m", 3)

    bob = await come_online(clients, server, bob_jid)
    assert (await bob.log.next())["body"] == "m0"
    assert (await bob.log.next())["body"] == "m1"
    await send_marker(alice, bob)
    assert (await bob.log.next())["body"] == "marker"


async def test_message_to_unknown_account_is_refused(server, clients):
    alice = await login(clients, server, server.add_user("alice", PASSWORD))
    message = alice.make_message(mto=server.jid("nobody"), mbody="hello?", mtype="chat")
    message["id"] = "lost"
    message.send()
    error = await alice.log.next()
    assert error["type"] == "error" and error["id"] == "lost"
    assert error_condition(error) == "service-unavailable"


async def test_negative_priority_session_does_not_receive_offline_messages(server, clients):
    alice = await login(clients, server, server.add_user("alice", PASSWORD))
    bob_jid = server.add_user("bob", PASSWORD)
    alice.send_message(mto=bob_jid, mbody="for a real resource", mtype="chat")
    await alice.barrier()
    wait_for_stored(server, 1)

    hidden = await login(clients, server, bob_jid)
    hidden.send_presence(ppriority=-1)
    await hidden.barrier()
    await send_marker(alice, hidden)
    assert (await hidden.log.next())["body"] == "marker"

    visible = await clients.slix(server, bob_jid + "/laptop", PASSWORD)
    visible.log = MessageLog(visible)
    visible.send_presence()
    assert (await visible.log.next())["body"] == "for a real resource"


async def test_server_advertises_msgoffline(server, clients):
    alice = await login(clients, server, server.add_user("alice", PASSWORD))
    info = await alice["xep_0030"].get_info(jid=server.domain, timeout=10)
    assert "msgoffline" in info["disco_info"]["features"]


async def test_one_sender_fills_only_its_share_of_the_queue(make_server, clients):
    # A quarter of 8: a sender may leave two messages; the others still find room.
    server = make_server({"modules.offline": {"max_messages_per_user": 8}})
    mallory = await login(clients, server, server.add_user("mallory", PASSWORD))
    carol = await login(clients, server, server.add_user("carol", PASSWORD))
    bob_jid = server.add_user("bob", PASSWORD)
    await _expect_the_last_refused_for_space(mallory, bob_jid, "flood-", 3)

    carol.send_message(mto=bob_jid, mbody="still room for me", mtype="chat")
    await carol.barrier()
    wait_for_stored(server, 3)
    await send_marker(carol, carol)  # carol got no error meanwhile
    assert (await carol.log.next())["body"] == "marker"

    bob = await come_online(clients, server, bob_jid)
    bodies = [(await bob.log.next())["body"] for _ in range(3)]
    assert bodies == ["flood-0", "flood-1", "still room for me"]


LARGE_MESSAGES = 50
LARGE_BODY_BYTES = 400 * 1024
SLOW_CLIENT_PAUSE_S = 3.0


async def _large_messages_reach(make_server, clients, *, stream_management: bool) -> None:
    """50 stored messages of 400 KiB (20 MiB, five times [limits] max_outbound_queue_bytes)
    reach a recipient that reads slowly at its login, all of them, on one stream that stays
    open."""
    # A large inbound byte rate lets the sender's 20 MiB in quickly: at the default 256 KiB/s they
    # take ~80 s, beyond the barrier's ping timeout. The pacing under test is outbound.
    server = make_server({"limits": {"max_stanza_bytes": 640 * 1024, "bytes_per_second": 1 << 30,
                                     "byte_burst": 1 << 30},
                          "log": {"level": "info"}})
    alice = await login(clients, server, server.add_user("alice", PASSWORD))
    bob_jid = server.add_user("bob", PASSWORD)
    for index in range(LARGE_MESSAGES):
        label = f"large {index}:"
        alice.send_message(mto=bob_jid, mbody=label + "x" * (LARGE_BODY_BYTES - len(label)), mtype="chat")
    await alice.barrier()
    await asyncio.to_thread(_wait_for_stored_long, server, LARGE_MESSAGES)

    started = time.monotonic()
    bob = clients.start_slix(server, bob_jid + "/phone", PASSWORD)
    if stream_management:
        bob.register_plugin("xep_0198")
    bob.log = MessageLog(bob)
    await asyncio.wait_for(asyncio.shield(bob.session_started), 15)
    bob.send_presence()
    # A phone on a slow network: it reads nothing for a while, as the server starts delivering.
    bob.transport.pause_reading()
    await asyncio.sleep(SLOW_CLIENT_PAUSE_S)
    bob.transport.resume_reading()
    bodies = []
    while len(bodies) < LARGE_MESSAGES and not bob.closed.is_set():
        try:
            message = await bob.log.next(timeout=30)
        except AssertionError:
            break
        bodies.append(message["body"].split(":")[0])
    elapsed = time.monotonic() - started
    print(
        f"\nlarge offline messages ({'with' if stream_management else 'without'} stream "
        f"management): {len(bodies)} of {LARGE_MESSAGES} delivered in {elapsed:.1f} s, stream "
        f"{'closed' if bob.closed.is_set() else 'open'}"
    )
    assert not bob.closed.is_set(), "the recipient's stream was closed"
    assert bob.stream_errors.empty(), f"stream error: {bob.stream_errors.get_nowait()}"
    assert bodies == [f"large {index}" for index in range(LARGE_MESSAGES)]
    overflow = [line for line in server.log_path.read_text().splitlines() if "does not read its stream" in line]
    assert not overflow, overflow


def _wait_for_stored_long(server, count: int) -> None:
    # 20 MiB take longer to reach the disk than wait_for_stored allows.
    deadline = time.monotonic() + 60
    while stored_offline_count(server) < count:
        assert time.monotonic() < deadline, f"{count} messages not stored within 60 s"
        time.sleep(0.1)


async def test_large_stored_messages_are_paced_by_acknowledgements(make_server, clients):
    await _large_messages_reach(make_server, clients, stream_management=True)


async def test_large_stored_messages_are_paced_by_the_stream_draining(make_server, clients):
    await _large_messages_reach(make_server, clients, stream_management=False)
