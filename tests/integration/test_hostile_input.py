"""Attacks as a hostile client would make them (issue 11), each with a canary pair of users whose
round trips must keep completing; their timings are reported (tests/integration/canary.py), never
asserted. Servers run with one shard so that attacker and canary share it: the question is what
one connection can do to everyone else on its thread.

Set KONTALK_HOSTILE_REPORT=FILE to collect the canary timings of every attack as JSON lines.
"""

from __future__ import annotations

import math
import socket
import threading
import time

from canary import Canary
from raw_client import RawXmppConnection

PASSWORD = "secret"
ATTACK_SECONDS = 6


class Flood:
    """Sends `chunk` as fast as the server takes it, from a thread, until stopped or closed."""

    def __init__(self, raw: RawXmppConnection, chunk: bytes):
        self.raw = raw
        self.chunk = chunk
        self.sent = 0
        self.closed = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "Flood":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        self.raw.sock.settimeout(1.0)
        while not self._stop.is_set():
            try:
                self.raw.sock.sendall(self.chunk)
                self.sent += len(self.chunk)
            except socket.timeout:
                continue  # the server does not read: TCP pushes back, as it should
            except OSError:
                self.closed = True
                return


def _one_shard(make_server, **overrides):
    config = {"server": {"threads": 1}}
    for section, values in overrides.items():
        config.setdefault(section, {}).update(values)
    return make_server(config)


def test_whitespace_before_authentication_neither_stalls_others_nor_outlives_the_timeout(
    make_server,
):
    # Found by attacking: a client streaming whitespace never let its shard's loop run anything
    # else (other users' round trips reached 10 s) and its 20 s authentication timeout fired at
    # 35 s, because the read loop never yielded.
    server = _one_shard(make_server, c2s={"auth_timeout": 4})
    attacker = RawXmppConnection(server.host, server.starttls_port, server.domain)
    attacker.open_stream()
    started = time.monotonic()
    with Canary(server) as canary, Flood(attacker, b" " * 65536) as flood:
        while not flood.closed and time.monotonic() - started < 30:
            time.sleep(0.1)
    closed_after = time.monotonic() - started
    canary.report("whitespace before authentication")
    assert flood.closed, "the server never closed a connection that did not authenticate"
    print(f"unauthenticated whitespace: closed after {closed_after:.1f} s (auth_timeout 4 s), "
          f"{flood.sent / 1e6:.1f} MB accepted")
    attacker.close()


def test_whitespace_after_authentication_is_rate_limited_and_stalls_no_one(make_server):
    # Found by attacking: the rate limit counted stanzas, not bytes, so an authenticated client
    # could make its shard parse whitespace without bound.
    server = _one_shard(make_server)
    server.add_user("mallory", PASSWORD)
    attacker = RawXmppConnection(server.host, server.starttls_port, server.domain)
    attacker.login("mallory", PASSWORD, "flood")
    with Canary(server) as canary, Flood(attacker, b" " * 65536) as flood:
        time.sleep(ATTACK_SECONDS)
    canary.report("whitespace after authentication")
    rate = flood.sent / ATTACK_SECONDS
    print(f"authenticated whitespace: {flood.sent / 1e6:.1f} MB in {ATTACK_SECONDS} s "
          f"({rate / 1e6:.2f} MB/s) accepted")
    # The default byte rate is 256 KiB/s with a 1 MiB burst; the socket buffers hold a few MB
    # more. Without a byte limit the server read hundreds of MB in these seconds.
    assert flood.sent < 32e6, f"{flood.sent} bytes of whitespace accepted in {ATTACK_SECONDS} s"
    attacker.close()


def test_a_burst_of_large_legal_stanzas_does_not_stall_others(make_server):
    # Found by attacking: a burst of legal 234 KiB stanzas stalled other users for 683 ms.
    server = _one_shard(make_server, limits={"max_stanza_bytes": 655360})
    server.add_user("mallory", PASSWORD)
    attacker = RawXmppConnection(server.host, server.starttls_port, server.domain)
    attacker_jid = attacker.login("mallory", PASSWORD, "burst")
    body = "x" * (234 * 1024)
    stanza = (f"<message to='{attacker_jid}' type='chat'><body>{body}</body></message>").encode()
    with Canary(server) as canary, Flood(attacker, stanza) as flood:
        time.sleep(ATTACK_SECONDS)
    canary.report("burst of 234 KiB stanzas")
    print(f"large stanzas: {flood.sent / 1e6:.1f} MB sent in {ATTACK_SECONDS} s")
    attacker.close()


def test_password_guessing_from_many_connections_is_held_to_the_back_off(make_server):
    # Found by attacking: [c2s] max_auth_failures limits one connection only, and 40 connections
    # guessed 405 passwords a second. The cross-connection back-off (5 free failures per account,
    # then waits of 1, 2, 4 ... s) bounds the guesses checked in t seconds to 5 + log2(t + 1),
    # whatever the number of connections: attempts count when admitted, before they are judged.
    server = _one_shard(make_server)
    server.add_user("victim", PASSWORD)
    counts = {"checked": 0, "refused": 0}
    lock = threading.Lock()
    stop = threading.Event()

    def guess() -> None:
        while not stop.is_set():
            try:
                with RawXmppConnection(server.host, server.starttls_port, server.domain) as raw:
                    raw.open_stream()
                    raw.starttls()
                    for _ in range(3):  # [c2s] max_auth_failures
                        answer = raw.try_plain("victim", "guess")
                        with lock:
                            counts["checked" if "<not-authorized" in answer else "refused"] += 1
            except (AssertionError, OSError):
                continue  # closed after its third failure, as it should be

    with Canary(server) as canary:
        started = time.monotonic()
        guessers = [threading.Thread(target=guess, daemon=True) for _ in range(40)]
        for guesser in guessers:
            guesser.start()
        time.sleep(ATTACK_SECONDS)
        stop.set()
        for guesser in guessers:
            guesser.join(timeout=30)
        elapsed = time.monotonic() - started
    canary.report("password guessing, 40 connections")
    print(f"password guessing: {counts['checked']} passwords checked, {counts['refused']} refused "
          f"unchecked in {elapsed:.1f} s")
    assert counts["checked"] <= 5 + math.floor(math.log2(elapsed + 1)), counts
    assert counts["refused"] > 0, counts
