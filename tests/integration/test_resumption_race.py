"""Two connections resuming one session at the same time (XEP-0198 §5; issue 11 item 1).

A phone that retries a slow <resume/> (or an attacker holding the session id) sends a second one
while the first waits for the delivery journal's commit. The session must end up owned by exactly
one connection on one shard. The newest resumption wins: the other gets <failed/>, or, when it
had already resumed, its connection is closed (as any connection a resumption replaces); messages
afterwards reach the owner. Before the hand-over was single-flight both connections could resume
and stay open, two shards driving one session (2 or 3 of 25 rounds here).
"""

from __future__ import annotations

import re
import threading

from raw_client import RawXmppConnection

PASSWORD = "secret"
NS_SM = "urn:xmpp:sm:3"
ROUNDS = 50


def _resumable_session(server, localpart: str) -> str:
    """Logs in, enables resumption, breaks the connection; returns the resumption id."""
    raw = RawXmppConnection(server.host, server.starttls_port, server.domain)
    raw.login(localpart, PASSWORD, "phone")
    raw.send(f"<enable xmlns='{NS_SM}' resume='true'/>")
    enabled = raw.read_until(r"<enabled[^>]*/?>")
    raw.close()  # no </stream:stream>: the session waits to be resumed
    return re.search(r"id=['\"]([^'\"]+)['\"]", enabled).group(1)


def _authenticated(server, localpart: str) -> RawXmppConnection:
    raw = RawXmppConnection(server.host, server.starttls_port, server.domain)
    raw.open_stream()
    raw.starttls()
    raw.authenticate_plain(localpart, PASSWORD)
    return raw


def _owns_the_session(raw: RawXmppConnection) -> bool:
    """Whether the connection serves the session: it answers <r/> with <a h/> (a connection
    without a session answers <failed/>, a replaced one is closed)."""
    try:
        raw.send(f"<r xmlns='{NS_SM}'/>")
        answer = raw.read_until(r"<a [^>]*/>|<failed[^>]*/>|<failed\b.*?</failed>", timeout=5)
        return re.search(r"<a [^>]*/>$", answer) is not None
    except (AssertionError, OSError):
        return False


def test_two_simultaneous_resumptions_leave_one_owner(make_server):
    # Two shards, so that the two resuming connections run on different threads.
    server = make_server({"server": {"threads": 2}})
    server.add_user("alice", PASSWORD)
    server.add_user("bob", PASSWORD)
    bob = RawXmppConnection(server.host, server.starttls_port, server.domain)
    bob.login("bob", PASSWORD, "desk")
    double_owners = 0
    for round_number in range(ROUNDS):
        previd = _resumable_session(server, "alice")
        # Keep the journal busy so that a resumption waits for a commit (the race window).
        for number in range(5):
            bob.send(f"<message to='alice@{server.domain}/phone' id='b{round_number}-{number}' "
                     f"type='chat'><body>r{round_number} m{number}</body></message>")
        first, second = _authenticated(server, "alice"), _authenticated(server, "alice")
        barrier = threading.Barrier(2)
        answers: dict[int, str] = {}

        def resume(index: int, raw: RawXmppConnection) -> None:
            barrier.wait()
            raw.send(f"<resume xmlns='{NS_SM}' previd='{previd}' h='0'/>")
            try:
                answers[index] = raw.read_until(r"<resumed[^>]*/?>|<failed[^>]*/>|<failed\b.*?</failed>")
            except AssertionError:
                # Resumed and at once replaced by the other one, before its answer left.
                answers[index] = "closed"

        threads = [threading.Thread(target=resume, args=(i, raw)) for i, raw in
                   enumerate((first, second))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=20)
        resumed = [raw for index, raw in enumerate((first, second))
                   if "<resumed" in answers.get(index, "")]
        assert len(answers) == 2, f"round {round_number}: a resumption got no answer: {answers}"
        assert resumed, f"round {round_number}: neither resumption succeeded: {answers}"
        owners = [raw for raw in resumed if _owns_the_session(raw)]
        if len(owners) != 1:
            double_owners += 1
        else:
            # The owner has the session: a message to the resource reaches it.
            marker = f"after-{round_number}"
            bob.send(f"<message to='alice@{server.domain}/phone' id='{marker}' type='chat'>"
                     f"<body>{marker}</body></message>")
            owners[0].read_until(f"<body>{marker}</body>")
        for raw in (first, second):
            raw.close()
    assert double_owners == 0, f"{double_owners} of {ROUNDS} rounds left not one owner"
    assert server.running
    bob.send(f"<iq type='get' id='alive' to='{server.domain}'><ping xmlns='urn:xmpp:ping'/></iq>")
    bob.read_until(r"id=['\"]alive['\"]")
    bob.close()
