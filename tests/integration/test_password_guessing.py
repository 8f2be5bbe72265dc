"""Password guessing across connections (issue 11 item 15).

[c2s] max_auth_failures bounds the attempts on one connection only: 40 connections tried 405
passwords a second. The server now counts wrong passwords per account and per client address and,
past a few free ones, refuses further attempts unchecked with <temporary-auth-failure/> and a
<text/> saying how long to wait (1 s, 2 s, 4 s ...). A refused attempt is not checked at all, so
even the right password is refused meanwhile: the attacker learns nothing.

The first wait is one second. A refusal is the expected outcome of an attempt made right after
a failure; on a machine too loaded to make it within that second the attempt may be checked, and
the test then only requires that a second had indeed passed on the client's clock (which starts
after the server counted the failure). Either way a broken throttle fails it.
"""

from __future__ import annotations

import re
import time

from raw_client import RawXmppConnection

PASSWORD = "correct horse"
FIRST_WAIT_S = 1.0


def _fresh(server, source: str = "127.0.0.1") -> RawXmppConnection:
    raw = RawXmppConnection(server.host, server.starttls_port, server.domain, source=source)
    raw.open_stream()
    raw.starttls()
    return raw


def _attempt(server, localpart: str, password: str, source: str = "127.0.0.1") -> str:
    """One PLAIN attempt on a fresh connection; returns the server's answer."""
    with _fresh(server, source) as raw:
        return raw.try_plain(localpart, password)


def _fail(server, localpart: str, times: int, source: str = "127.0.0.1") -> float:
    """`times` wrong passwords, each on a fresh connection; returns when the last answer came."""
    for _ in range(times):
        answer = _attempt(server, localpart, "wrong", source)
        assert "<not-authorized" in answer, answer
    return time.monotonic()


def _assert_refused_or_late(answer: str, last_failure: float, answered: float) -> None:
    if "<temporary-auth-failure" in answer:
        text = re.search(r"<text[^>]*>([^<]*)</text>", answer)
        assert text and re.search(r"try again in \d+ seconds?", text.group(1)), answer
        return
    assert answered - last_failure >= FIRST_WAIT_S, (
        f"a password was checked {answered - last_failure:.2f} s after the failure that "
        f"should have held it back for {FIRST_WAIT_S} s: {answer}"
    )


def test_guessing_one_accounts_password_backs_off_across_connections(make_server):
    server = make_server({"limits": {"password_failures_per_account": 3,
                                     "password_failures_per_address": 1000}})
    server.add_user("alice", PASSWORD)
    last_failure = _fail(server, "alice", 3)
    answer = _attempt(server, "alice", PASSWORD)
    _assert_refused_or_late(answer, last_failure, time.monotonic())
    # Another account from the same address is not held back: the address has failures to spare.
    server.add_user("bob", PASSWORD)
    assert "<success" in _attempt(server, "bob", PASSWORD)
    # Once the wait is over, the right password gets in and forgives the account.
    time.sleep(FIRST_WAIT_S + 0.2)
    assert "<success" in _attempt(server, "alice", PASSWORD)
    assert "<not-authorized" in _attempt(server, "alice", "wrong")


def test_guessing_from_one_address_holds_back_that_address_only(make_server):
    server = make_server({"limits": {"password_failures_per_account": 1000,
                                     "password_failures_per_address": 3}})
    server.add_user("carol", PASSWORD)
    # Made-up accounts count against the address as well as real ones (and look alike).
    last_failure = time.monotonic()
    for name in ("nobody1", "nobody2", "carol"):
        assert "<not-authorized" in _attempt(server, name, "wrong")
        last_failure = time.monotonic()
    answer = _attempt(server, "carol", PASSWORD)
    _assert_refused_or_late(answer, last_failure, time.monotonic())
    # Someone else on another address is not affected (IPv4: per address; IPv6: per /64).
    assert "<success" in _attempt(server, "carol", PASSWORD, source="127.0.0.2")


def test_refusals_count_against_the_connection(make_server):
    # A connection that keeps trying while held back is closed after [c2s] max_auth_failures,
    # as if each refusal had been a wrong password.
    server = make_server({"limits": {"password_failures_per_account": 1},
                          "c2s": {"max_auth_failures": 3}})
    server.add_user("dave", PASSWORD)
    with _fresh(server) as raw:
        assert "<not-authorized" in raw.try_plain("dave", "wrong")
        answers = [raw.try_plain("dave", "wrong") for _ in range(2)]
        closing = raw.read_until_closed()
    assert all("<temporary-auth-failure" in a or "<not-authorized" in a for a in answers), answers
    assert "policy-violation" in closing, closing
