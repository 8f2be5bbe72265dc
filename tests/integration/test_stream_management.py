"""Stream management (XEP-0198) and the delivery contract (ARCHITECTURE.md §6).

The precise cases (what the client has acknowledged, when the TCP connection dies) are driven
with the raw client, which acknowledges exactly what a test says; slixmpp's XEP-0198 plugin
shows that a real client library interoperates.
"""

from __future__ import annotations

import asyncio
import re
import time

from raw_client import RawXmppConnection

PASSWORD = "secret"
NS_SM = "urn:xmpp:sm:3"


def _raw_session(server, localpart: str, *, resume: bool) -> tuple[RawXmppConnection, str, str]:
    """Log in a raw client, enable stream management; returns (connection, full JID, SM id)."""
    raw = RawXmppConnection(server.host, server.starttls_port, server.domain)
    full_jid = raw.login(localpart, PASSWORD, "phone")
    raw.send(f"<enable xmlns='{NS_SM}'" + (" resume='true'" if resume else "") + "/>")
    enabled = raw.read_until(r"<enabled[^>]*/?>")
    match = re.search(r"id=['\"]([^'\"]+)['\"]", enabled)
    assert not resume or match, f"no resumption id in {enabled}"
    return raw, full_jid, match.group(1) if match else ""


def _read_bodies(raw: RawXmppConnection, count: int) -> list[str]:
    bodies = []
    for _ in range(count):
        message = raw.read_until(r"<message\b.*?</message>")
        bodies.append(re.search(r"<body>([^<]*)</body>", message).group(1))
    return bodies


def _bodies_until_pong(raw: RawXmppConnection, domain: str) -> list[str]:
    """Everything the server sends before answering a ping: nothing may be left unsaid."""
    raw.send(f"<iq type='get' id='fence' to='{domain}'><ping xmlns='urn:xmpp:ping'/></iq>")
    received = raw.read_until(r"<iq[^>]*id=['\"]fence['\"][^>]*?(/>|>.*?</iq>)")
    return re.findall(r"<body>([^<]*)</body>", received)


async def test_slixmpp_enables_stream_management_and_gets_acknowledgements(server, clients):
    alice_jid = server.add_user("alice", PASSWORD)
    bob_jid = server.add_user("bob", PASSWORD)
    alice = clients.start_slix(server, alice_jid + "/a", PASSWORD)
    alice.register_plugin("xep_0198")
    enabled = asyncio.get_running_loop().create_future()
    alice.add_event_handler("sm_enabled", lambda _: enabled.done() or enabled.set_result(True))
    await asyncio.wait_for(asyncio.shield(alice.session_started), 15)
    await asyncio.wait_for(enabled, 10)
    bob = await clients.slix(server, bob_jid + "/b", PASSWORD)

    for number in range(3):
        alice.send_message(mto=bob.boundjid.full, mbody=f"m{number}", mtype="chat")
    for number in range(3):
        assert (await bob.next_message())["body"] == f"m{number}"
    sm = alice["xep_0198"]
    sm.request_ack()
    deadline = time.monotonic() + 10
    while sm.last_ack != sm.seq and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert sm.last_ack == sm.seq, f"server acknowledged {sm.last_ack} of {sm.seq} stanzas"


async def test_resume_after_dropped_connection_retransmits_every_unacked_message_once(
    server, clients
):
    server.add_user("bob", PASSWORD)
    alice = await clients.slix(server, server.add_user("alice", PASSWORD), PASSWORD)
    bob, bob_full_jid, sm_id = await asyncio.to_thread(_raw_session, server, "bob", resume=True)

    for number in range(1, 6):
        alice.send_message(mto=bob_full_jid, mbody=f"m{number}", mtype="chat")
    assert await asyncio.to_thread(_read_bodies, bob, 5) == ["m1", "m2", "m3", "m4", "m5"]
    bob.close()  # vanishes without </stream:stream>, having processed only two

    def resume() -> list[str]:
        with RawXmppConnection(server.host, server.starttls_port, server.domain) as again:
            again.open_stream()
            again.starttls()
            again.authenticate_plain("bob", PASSWORD)
            again.send(f"<resume xmlns='{NS_SM}' previd='{sm_id}' h='2'/>")
            resumed = again.read_until(r"<resumed[^>]*/?>|<failed.*?</failed>|<failed[^>]*/>")
            assert "<resumed" in resumed, f"resumption failed: {resumed}"
            return _bodies_until_pong(again, server.domain)

    assert await asyncio.to_thread(resume) == ["m3", "m4", "m5"]
    assert alice.stream_errors.empty()


def _resume(server, localpart: str, sm_id: str, h: int) -> RawXmppConnection:
    """A new connection that resumes `sm_id`; asserts <resumed/> and returns the connection."""
    again = RawXmppConnection(server.host, server.starttls_port, server.domain)
    again.open_stream()
    again.starttls()
    again.authenticate_plain(localpart, PASSWORD)
    again.send(f"<resume xmlns='{NS_SM}' previd='{sm_id}' h='{h}'/>")
    resumed = again.read_until(r"<resumed[^>]*/?>|<failed.*?</failed>|<failed[^>]*/>")
    assert "<resumed" in resumed, f"resumption failed: {resumed}"
    return again


async def test_session_resumes_across_shards_and_keeps_its_state(make_server, clients):
    # Connections are placed on the two shards in turn, so of two consecutive resumptions at
    # least one arrives on the other shard than the session's.
    server = make_server({"server": {"threads": 2}})
    server.add_user("bob", PASSWORD)
    alice = await clients.slix(server, server.add_user("alice", PASSWORD), PASSWORD)
    bob, bob_full_jid, sm_id = await asyncio.to_thread(_raw_session, server, "bob", resume=True)
    received = 0
    for round_number in range(1, 4):
        alice.send_message(mto=bob_full_jid, mbody=f"r{round_number}", mtype="chat")
        assert await asyncio.to_thread(_read_bodies, bob, 1) == [f"r{round_number}"]
        received += 1
        bob.close()
        bob = await asyncio.to_thread(_resume, server, "bob", sm_id, received)
        # Acknowledged before the break: nothing comes again.
        assert await asyncio.to_thread(_bodies_until_pong, bob, server.domain) == []
        received += 1  # the ping's answer is a stanza too
    bob.close()
    assert alice.messages.empty(), "the sender got an error back"


async def test_resumption_after_timeout_fails_and_messages_wait_offline(make_server, clients):
    server = make_server({"c2s": {"resumption_timeout": 1}})
    server.add_user("bob", PASSWORD)
    alice = await clients.slix(server, server.add_user("alice", PASSWORD), PASSWORD)
    bob, bob_full_jid, sm_id = await asyncio.to_thread(_raw_session, server, "bob", resume=True)
    alice.send_message(mto=bob_full_jid, mbody="while you were away", mtype="chat")
    await asyncio.to_thread(_read_bodies, bob, 1)
    bob.close()
    await asyncio.sleep(3)  # beyond the resumption timeout (the sweep runs every second)

    def resume_fails() -> str:
        with RawXmppConnection(server.host, server.starttls_port, server.domain) as again:
            again.open_stream()
            again.starttls()
            again.authenticate_plain("bob", PASSWORD)
            again.send(f"<resume xmlns='{NS_SM}' previd='{sm_id}' h='0'/>")
            return again.read_until(r"<resumed[^>]*/?>|<failed.*?</failed>|<failed[^>]*/>")

    outcome = await asyncio.to_thread(resume_fails)
    assert "<failed" in outcome and "item-not-found" in outcome, outcome
    # The message went to offline storage, not back to the sender as an error.
    bob_again = await clients.slix(server, server.jid("bob") + "/laptop", PASSWORD)
    bob_again.send_presence()
    assert (await bob_again.next_message())["body"] == "while you were away"
    await alice.barrier()
    assert alice.messages.empty(), "the sender got an error back"


async def test_recipient_vanishing_without_closing_gets_its_messages_at_next_login(
    server, clients
):
    server.add_user("bob", PASSWORD)
    alice = await clients.slix(server, server.add_user("alice", PASSWORD), PASSWORD)
    bob, bob_full_jid, _ = await asyncio.to_thread(_raw_session, server, "bob", resume=False)
    alice.send_message(mto=bob_full_jid, mbody="are you there?", mtype="chat")
    await asyncio.to_thread(_read_bodies, bob, 1)
    bob.close()  # never acknowledged it

    bob_again = await clients.slix(server, server.jid("bob") + "/laptop", PASSWORD)
    bob_again.send_presence()
    assert (await bob_again.next_message())["body"] == "are you there?"
    await alice.barrier()
    assert alice.messages.empty(), "the sender got an error back"


async def test_client_that_stops_acknowledging_is_disconnected(make_server, clients):
    server = make_server({"c2s": {"ack_timeout": 1}})
    server.add_user("bob", PASSWORD)
    alice = await clients.slix(server, server.add_user("alice", PASSWORD), PASSWORD)
    bob, bob_full_jid, _ = await asyncio.to_thread(_raw_session, server, "bob", resume=True)
    alice.send_message(mto=bob_full_jid, mbody="ack me", mtype="chat")

    def wait_for_close() -> str:
        bob.read_until(r"<r xmlns=['\"]urn:xmpp:sm:3['\"]\s*/>")
        return bob.read_until_closed(timeout=10)

    received = await asyncio.to_thread(wait_for_close)
    assert "connection-timeout" in received, received


async def test_unacknowledged_messages_are_stored_at_shutdown_and_delivered_after_restart(
    make_server, clients
):
    server = make_server()
    server.add_user("bob", PASSWORD)
    alice = await clients.slix(server, server.add_user("alice", PASSWORD), PASSWORD)
    bob, bob_full_jid, _ = await asyncio.to_thread(_raw_session, server, "bob", resume=True)
    alice.send_message(mto=bob_full_jid, mbody="unacknowledged at shutdown", mtype="chat")
    await asyncio.to_thread(_read_bodies, bob, 1)  # received, never acknowledged
    await alice.close()

    server.stop()  # SIGTERM: the detached or closing session hands the message to storage
    bob.close()
    server.start()

    bob_again = await clients.slix(server, server.jid("bob") + "/laptop", PASSWORD)
    bob_again.send_presence()
    assert (await bob_again.next_message())["body"] == "unacknowledged at shutdown"


def _answer_every_request_with_zero(raw: RawXmppConnection, seconds: float) -> str:
    """Plays a client that answers each <r/> with <a h='0'/> (it never acknowledges anything)
    for `seconds` or until the server closes; returns what it received."""
    deadline = time.monotonic() + seconds
    received = ""
    while time.monotonic() < deadline:
        try:
            chunk = raw.read_until(r"<r xmlns=['\"]urn:xmpp:sm:3['\"]\s*/>",
                                   timeout=max(0.1, deadline - time.monotonic()))
        except AssertionError as stop:
            return received + str(stop)
        received += chunk
        raw.send(f"<a xmlns='{NS_SM}' h='0'/>")
    return received


async def test_acknowledging_nothing_does_not_postpone_the_ack_timeout(make_server, clients):
    # Issue 11 item 13: any <a/>, even h='0', reset the timer, so a client answering h='0' kept
    # its connection (and an ever-growing queue) forever.
    server = make_server({"c2s": {"ack_timeout": 2}})
    server.add_user("bob", PASSWORD)
    alice = await clients.slix(server, server.add_user("alice", PASSWORD), PASSWORD)
    bob, bob_full_jid, _ = await asyncio.to_thread(_raw_session, server, "bob", resume=False)
    for number in range(3):
        alice.send_message(mto=bob_full_jid, mbody=f"m{number}", mtype="chat")
    received = await asyncio.to_thread(_answer_every_request_with_zero, bob, 15)
    assert "connection-timeout" in received, received[-500:]
    bob.close()
    # Nothing was lost: what bob never acknowledged waits for its next login.
    bob_again = await clients.slix(server, server.jid("bob") + "/laptop", PASSWORD)
    bob_again.send_presence()
    bodies = sorted([(await bob_again.next_message())["body"] for _ in range(3)])
    assert bodies == ["m0", "m1", "m2"]


async def test_a_connected_client_that_acknowledges_nothing_has_a_bounded_queue(
    make_server, clients
):
    # Issue 11 item 13: the queue of sent, unacknowledged stanzas of a connected session had no
    # bound (137 MiB in 20 s with a client answering h='0').
    server = make_server({"c2s": {"max_unacknowledged": 20}})
    server.add_user("bob", PASSWORD)
    alice = await clients.slix(server, server.add_user("alice", PASSWORD), PASSWORD)
    bob, bob_full_jid, _ = await asyncio.to_thread(_raw_session, server, "bob", resume=False)
    for number in range(40):
        alice.send_message(mto=bob_full_jid, mbody=f"m{number}", mtype="chat")
    received = await asyncio.to_thread(_answer_every_request_with_zero, bob, 15)
    assert "policy-violation" in received, received[-500:]
    bob.close()
    bob_again = await clients.slix(server, server.jid("bob") + "/laptop", PASSWORD)
    bob_again.send_presence()
    bodies = sorted([(await bob_again.next_message())["body"] for _ in range(40)])
    assert bodies == sorted(f"m{number}" for number in range(40))


async def test_acknowledging_more_than_was_sent_ends_the_stream_with_handled_count_too_high(
        make_server, clients):
    # XEP-0198 §4: the stream error carries <handled-count-too-high h='…' send-count='…'/>.
    server = make_server()
    server.add_user("bob", PASSWORD)
    alice = await clients.slix(server, server.add_user("alice", PASSWORD), PASSWORD)
    bob, bob_full_jid, _ = await asyncio.to_thread(_raw_session, server, "bob", resume=False)
    alice.send_message(mto=bob_full_jid, mbody="one", mtype="chat")
    await asyncio.to_thread(_read_bodies, bob, 1)
    bob.send(f"<a xmlns='{NS_SM}' h='5'/>")
    received = await asyncio.to_thread(bob.read_until_closed)
    assert "<undefined-condition" in received, received
    condition = re.search(r"<handled-count-too-high\b[^>]*>", received)
    assert condition, received
    for attribute in ("xmlns='urn:xmpp:sm:3'", "h='5'", "send-count='1'"):
        assert attribute in condition.group(0).replace('"', "'"), condition.group(0)
    bob.close()
