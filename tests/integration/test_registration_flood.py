"""Registration under attack (issue 11 items 3 and 12), measured by a canary.

A canary user logs in with its bridge certificate (SASL EXTERNAL, spec §3) and does one round
trip, again and again, first on an idle server and then while an attacker works the
unauthenticated registration path:

- a flood of code submissions (spec §4.2), each carrying an ~89 KiB key that is expensive to
  check (hundreds of self-signed user ids) and a wrong code;
- phone steps (spec §4.1) whose SMS gateway accepts the connection and never answers.

The canary's latencies are printed (run pytest with -s to see them), never asserted: the tests
assert only what the server must do (throttle the flood; answer the canary).
"""

from __future__ import annotations

import base64
import re
import socket
import statistics
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from kontalk_identity import (
    bridge_certificate,
    certify,
    fingerprint,
    jid_for_phone,
    make_key,
    padded_key_block,
    server_key,
)
from raw_client import RawXmppConnection
from registration_client import (
    CODE_FORM,
    NS_REGISTER,
    assert_result,
    error_of,
    form,
    open_registration_stream,
    request_phone,
)

NS_PING = "urn:xmpp:ping"
NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl"
NS_BIND = "urn:ietf:params:xml:ns:xmpp-bind"
# How long the canary waits for each answer: long, so that a slow server is measured rather than
# failed (the latencies are the result; the canary must only succeed).
CANARY_TIMEOUT_S = 60.0
# Unauthenticated streams (the canary's before SASL, the attacker's) may wait this long: longer
# than the canary, so that a slow login is measured, not cut off by the server.
AUTH_TIMEOUT_S = 120
THROTTLED = ("wait", "service-unavailable", "Too many attempts.")
ATTACK_KEY_BYTES = 89 * 1024
# 200 submissions in all: 8 connections, each sending 25 at once before reading the answers.
ATTACK_CONNECTIONS = 8
SUBMISSIONS_PER_CONNECTION = 25
# The attacker waits this long for each answer: longer than the unthrottled server needs.
ATTACK_REPLY_TIMEOUT_S = 60.0
IDLE_CANARY_ROUNDS = 5
# A gateway that never answers within the provider's timeout (http_timeout).
GATEWAY_TIMEOUT_S = 30
HANGING_PHONE_STEPS = 12


class Canary:
    """A user with a key this server certified (made here with the server's key file, without
    registering) whose login + ping round trip is timed."""

    def __init__(self, server, directory: Path):
        self.server = server
        self.jid = jid_for_phone("+15550000001", server.domain)
        key = make_key(self.jid)
        block = certify(server_key(server.data_dir), key, self.jid)
        self.certificate = bridge_certificate(key, block, directory / fingerprint(key))
        self.latencies: list[float] = []
        self.failures: list[str] = []

    def round_trip(self) -> None:
        """Login and one ping, timed; a failure is recorded with the time it took to fail."""
        started = time.monotonic()
        try:
            self._login_and_ping()
        except (AssertionError, OSError) as error:
            self.failures.append(f"after {time.monotonic() - started:.1f} s: {error}"[:600])
        self.latencies.append(time.monotonic() - started)

    def take(self) -> tuple[list[float], list[str]]:
        """The latencies and failures so far; starts a new series."""
        taken = (self.latencies, self.failures)
        self.latencies, self.failures = [], []
        return taken

    def _login_and_ping(self) -> None:
        """TLS with the bridge certificate, SASL EXTERNAL, bind, one ping to the server."""
        connection, features = open_registration_stream(self.server, self.certificate)
        with connection:
            assert "<mechanism>EXTERNAL</mechanism>" in features, features
            connection.send(f"<auth xmlns='{NS_SASL}' mechanism='EXTERNAL'>=</auth>")
            outcome = connection.read_until(r"<success[^>]*?(/>|</success>)|</failure>|<failure[^>]*/>",
                                            timeout=CANARY_TIMEOUT_S)
            assert "<success" in outcome, f"canary login failed: {outcome}\n{self.server.log_tail()}"
            connection.open_stream()
            connection.send(f"<iq type='set' id='canary-bind'><bind xmlns='{NS_BIND}'>"
                            "<resource>canary</resource></bind></iq>")
            bound = connection.read_until(r"<iq[^>]*id='canary-bind'.*?</iq>", timeout=CANARY_TIMEOUT_S)
            assert f"<jid>{self.jid}/" in bound, bound
            connection.send(f"<iq type='get' id='canary-ping' to='{self.server.domain}'><ping xmlns='{NS_PING}'/></iq>")
            reply = connection.read_until(r"<iq\b[^>]*\bid='canary-ping'[^>]*?(/>|>.*?</iq>)",
                                          timeout=CANARY_TIMEOUT_S)
            assert "type='result'" in reply or 'type="result"' in reply, reply

    def run_while(self, busy: threading.Event, minimum_rounds: int = 3) -> None:
        """Round trips until `busy` is cleared (and at least `minimum_rounds`)."""
        rounds = 0
        while busy.is_set() or rounds < minimum_rounds:
            self.round_trip()
            rounds += 1


def describe(name: str, series: tuple[list[float], list[str]]) -> str:
    latencies, failures = series
    milliseconds = [value * 1000 for value in latencies]
    return (f"{name}: n={len(milliseconds)} median={statistics.median(milliseconds):.0f} ms "
            f"max={max(milliseconds):.0f} ms failed={len(failures)}")


def reply_kind(text: str) -> tuple[str, ...]:
    reply = ET.fromstring(text[text.rfind("<iq"):])
    if reply.get("type") == "result":
        return ("result",)
    return error_of(reply)


def submit_codes(server, key_block: bytes, outcomes: list, index: int) -> None:
    """One attacker connection: all its code submissions (wrong code, heavy key) at once, then
    the answers; records the kind of each answer."""
    field_value = base64.b64encode(key_block).decode()
    submission = form(CODE_FORM, {"code": "000000", "publickey": field_value})
    connection, _ = open_registration_stream(server)
    with connection:
        for number in range(SUBMISSIONS_PER_CONNECTION):
            connection.send(f"<iq type='set' id='flood{index}-{number}' to='{server.domain}'>"
                            f"<query xmlns='{NS_REGISTER}'>{submission}</query></iq>")
        for _ in range(SUBMISSIONS_PER_CONNECTION):
            text = connection.read_until(r"<iq\b[^>]*?(/>|>.*?</iq>)", timeout=ATTACK_REPLY_TIMEOUT_S)
            outcomes.append(reply_kind(text))


def test_code_flood_with_heavy_keys_is_throttled_and_logins_go_on(make_server, tmp_path):
    # The phone step's throttles are off so that only the code step's limits act; the stanza
    # limit is the default (the test servers' 64 KiB would refuse the key at the parser).
    server = make_server({
        "c2s": {"auth_timeout": AUTH_TIMEOUT_S},
        "limits": {"max_stanza_bytes": 655360},
        "modules.register": {"provider": "fixed", "fixed_code": "123456", "throttle_ip": "off",
                             "throttle_phone": "off", "throttle_prefix": "off"}})
    canary = Canary(server, tmp_path / "canary")
    for _ in range(IDLE_CANARY_ROUNDS):
        canary.round_trip()
    idle = canary.take()

    # The attacker's key claims a number of its own, with a verification pending: the code step
    # gets as far as it can without the right code.
    attacker_phone = "+15550000002"
    attacker_jid = jid_for_phone(attacker_phone, server.domain)
    heavy = padded_key_block(make_key(attacker_jid), ATTACK_KEY_BYTES)
    connection, _ = open_registration_stream(server)
    with connection:
        assert_result(request_phone(connection, attacker_phone))

    outcomes: list[tuple[str, ...]] = []
    busy = threading.Event()
    busy.set()
    attackers = [threading.Thread(target=submit_codes, args=(server, heavy, outcomes, index))
                 for index in range(ATTACK_CONNECTIONS)]
    started = time.monotonic()
    for attacker in attackers:
        attacker.start()

    def watch() -> None:
        for attacker in attackers:
            attacker.join()
        busy.clear()

    watcher = threading.Thread(target=watch)
    watcher.start()
    canary.run_while(busy)
    watcher.join()
    attack_seconds = time.monotonic() - started
    attacked = canary.take()

    counts: dict[tuple[str, ...], int] = {}
    for outcome in outcomes:
        counts[outcome] = counts.get(outcome, 0) + 1
    print(f"\n[code flood] key {len(heavy)} bytes, {ATTACK_CONNECTIONS}x{SUBMISSIONS_PER_CONNECTION} "
          f"submissions answered in {attack_seconds:.1f} s: {counts}")
    print("[code flood] " + describe("canary idle", idle))
    print("[code flood] " + describe("canary under attack", attacked))

    assert not idle[1] + attacked[1], f"canary round trips failed: {idle[1] + attacked[1]}"
    assert len(outcomes) == ATTACK_CONNECTIONS * SUBMISSIONS_PER_CONNECTION
    assert counts.get(THROTTLED, 0) > 0, f"the flood was never throttled: {counts}"
    assert ("result",) not in counts, "a wrong code registered the attacker"
    assert server.wait_for_log("throttled")


class HangingGateway:
    """An SMS gateway that accepts connections and reads requests but never answers, until
    released: then it closes every connection, and any it accepts afterwards."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}/sms"
        self._held: list[socket.socket] = []
        self._released = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                if self._released:
                    connection.close()
                else:
                    self._held.append(connection)

    def held(self) -> int:
        with self._lock:
            return len(self._held)

    def release(self) -> None:
        with self._lock:
            self._released = True
            for connection in self._held:
                connection.close()
        # shutdown() wakes the accepting thread; close() alone would not.
        try:
            self._listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._listener.close()
        self._thread.join(timeout=10)


def request_phone_async(server, phone: str) -> tuple[RawXmppConnection, str]:
    """Sends a phone step and returns without its answer."""
    connection, _ = open_registration_stream(server)
    iq_id = f"hang{phone[1:]}"
    fields = form(NS_REGISTER, {"phone": phone})
    connection.send(f"<iq type='set' id='{iq_id}' to='{server.domain}'>"
                    f"<query xmlns='{NS_REGISTER}'>{fields}</query></iq>")
    return connection, iq_id


def test_hanging_sms_gateway_does_not_delay_logins(make_server, tmp_path):
    gateway = HangingGateway()
    server = make_server({"c2s": {"auth_timeout": AUTH_TIMEOUT_S}, "modules.register": {
        "provider": "http", "http_url": gateway.url, "http_timeout": GATEWAY_TIMEOUT_S,
        "throttle_ip": "off", "throttle_phone": "off", "throttle_prefix": "off"}})
    canary = Canary(server, tmp_path / "canary")
    try:
        for _ in range(IDLE_CANARY_ROUNDS):
            canary.round_trip()
        idle = canary.take()

        pending = [request_phone_async(server, f"+1555100{number:04d}")
                   for number in range(HANGING_PHONE_STEPS)]
        # Logins while every phone step waits for the gateway.
        deadline = time.monotonic() + 10
        while gateway.held() < min(HANGING_PHONE_STEPS, 8) and time.monotonic() < deadline:
            time.sleep(0.05)
        held = gateway.held()
        for _ in range(IDLE_CANARY_ROUNDS):
            canary.round_trip()
        hanging = canary.take()
        print(f"\n[hanging gateway] {held} requests held by the gateway")
        print("[hanging gateway] " + describe("canary idle", idle))
        print("[hanging gateway] " + describe("canary while the gateway hangs", hanging))
        assert held > 0, "no phone step reached the gateway"
        assert not idle[1] + hanging[1], f"canary round trips failed: {idle[1] + hanging[1]}"
    finally:
        gateway.release()
    for connection, iq_id in pending:
        with connection:
            text = connection.read_until(rf"<iq\b[^>]*\bid='{iq_id}'[^>]*?(/>|>.*?</iq>)")
            assert reply_kind(text) == ("modify", "not-acceptable", "Unable to verify number.")
    assert re.search(r"provider http failed", server.log_path.read_text(errors="replace"))
