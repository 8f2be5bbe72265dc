"""slixmpp clients that survive faults: they reconnect by themselves and keep books.

Used by test_delivery_fault.py. Every client is one slixmpp object for the whole test
that logs in again (or resumes, XEP-0198) whenever its connection breaks, for as long
as the test wants it online. They record what the delivery contract (ARCHITECTURE.md
§6) is judged on:

- a sender knows exactly which of its messages the server acknowledged: slixmpp's
  XEP-0198 plugin raises `stanza_acked` for each stanza an `<a h='N'/>` covers, and
  senders never resume, so every session's counters start at zero and nothing is ever
  retransmitted behind the test's back;
- a recipient records every message body it receives, with the stream-management
  position of the message, and every acknowledgement it sends (`<a/>` and the `h` of
  a successful `<resume/>`), so that a duplicate can be traced to a delivery whose
  acknowledgement the server may not have recorded.

slixmpp 1.8.3 logs "Inconsistent sequence numbers from the server" when a recipient
resumes: its plugin empties its own outgoing queue when it sends `<resume/>` and then
cannot match the server's h. That concerns only the recipients' outgoing stanzas (their
presence), which the test does not judge; the senders' counts are checked on every `<a/>`.
"""

from __future__ import annotations

import asyncio
import random
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Any

import slixmpp
from slixmpp.plugins.xep_0198 import stanza as sm_stanza
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath

from kontalk_server import KontalkServer

MAX_SEQ = 2**32
LOGIN_TIMEOUT_S = 10.0


@dataclass
class Delivery:
    """One arrival of a message body at a recipient."""

    body: str
    at: float
    connection: int  # the recipient's connection number (1, 2, ...)
    sm_session: int  # the XEP-0198 session (a resumption keeps it)
    index: int | None  # the message's h on that session; None if not counted
    delayed: bool  # carries a <delay/> stamp (XEP-0203): came from offline storage


@dataclass
class AckRecord:
    at: float
    connection: int
    sm_session: int
    h: int


@dataclass
class ConnectionRecord:
    number: int
    started: float
    ended: float | None = None
    resumed: bool = False


class FaultClient(slixmpp.ClientXMPP):
    """A client that stays online (reconnecting) until `stop()`; see the module doc."""

    def __init__(
        self,
        server: KontalkServer,
        name: str,
        jid: str,
        password: str,
        *,
        resume: bool,
        rng: random.Random,
    ) -> None:
        super().__init__(jid, password, sasl_mech="SCRAM-SHA-256")
        self.ssl_context.check_hostname = False
        self.ssl_context.verify_mode = ssl.CERT_NONE
        self.register_plugin("xep_0198", pconfig={"allow_resume": resume, "window": 1})
        self.register_plugin("xep_0203")
        self.kontalk = server
        self.name = name
        self.resume = resume
        self.rng = rng
        self.online = asyncio.Event()  # a session (new or resumed) with SM enabled
        self.offline = asyncio.Event()  # no connection (set while one is being made too)
        self.offline.set()
        self.stopping = False
        self.pause_until = 0.0  # stay away until then (simulates a phone out of coverage)
        self.connections: list[ConnectionRecord] = []
        self.sm_session = 0
        self.logins = 0
        self.resumptions = 0
        self.errors: list[str] = []
        self._supervisor: asyncio.Task[None] | None = None
        self.add_event_handler("sm_enabled", self._on_sm_enabled)
        self.add_event_handler("session_resumed", self._on_resumed)
        self.add_event_handler("sm_failed", self._on_sm_failed)
        self.add_event_handler("disconnected", self._on_disconnected)
        self.add_event_handler("connection_failed", self._on_connection_failed)

    @property
    def sm(self) -> Any:
        return self["xep_0198"]

    async def get_dns_records(self, domain: str, port: int | None = None) -> list:
        # As in clients.SlixClient: stay on the test server's address and port.
        return [(domain, self.address[0], self.address[1])]

    # --- connection state ------------------------------------------------------

    def _current(self) -> ConnectionRecord | None:
        return self.connections[-1] if self.connections else None

    def _on_sm_enabled(self, _stanza: Any) -> None:
        self.sm_session += 1
        self.logins += 1
        self.session_established(resumed=False)

    def _on_resumed(self, _stanza: Any) -> None:
        self.resumptions += 1
        current = self._current()
        if current is not None:
            current.resumed = True
        self.session_established(resumed=True)

    def session_established(self, *, resumed: bool) -> None:
        self.online.set()

    def _on_sm_failed(self, stanza: Any) -> None:
        # A failed <resume/> is expected after a server kill (slixmpp then binds anew);
        # a failed <enable/> is not.
        if "bind" in self.features:
            self.errors.append(f"{self.name}: <enable/> failed: {stanza}")
            self.abort()

    def _on_disconnected(self, _reason: Any) -> None:
        current = self._current()
        if current is not None and current.ended is None:
            current.ended = time.monotonic()
        self.online.clear()
        self.offline.set()
        self.connection_lost_hook()

    def connection_lost_hook(self) -> None:
        pass

    def _on_connection_failed(self, _error: Any) -> None:
        # Stop slixmpp's own exponential back-off; the supervisor retries quickly.
        self.cancel_connection_attempt()
        self.online.clear()
        self.offline.set()

    # --- supervisor --------------------------------------------------------------

    def start(self) -> None:
        self._supervisor = asyncio.ensure_future(self._supervise())

    async def _supervise(self) -> None:
        while not self.stopping:
            delay = self.pause_until - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
                continue
            self.offline.clear()
            self["feature_mechanisms"].attempted_mechs = set()
            self.connections.append(ConnectionRecord(len(self.connections) + 1, time.monotonic()))
            self.connect(
                address=(self.kontalk.host, self.kontalk.starttls_port), force_starttls=True
            )
            online = asyncio.ensure_future(self.online.wait())
            offline = asyncio.ensure_future(self.offline.wait())
            done, pending = await asyncio.wait(
                {online, offline}, timeout=LOGIN_TIMEOUT_S, return_when=asyncio.FIRST_COMPLETED
            )
            for task in pending:
                task.cancel()
            if not done:  # stuck half-way (e.g. the server died mid-handshake)
                self.cancel_connection_attempt()
                self.abort()
            if self.online.is_set():
                await self.offline.wait()
            if self.transport is not None:
                self.abort()
            current = self._current()
            if current is not None and current.ended is None:
                current.ended = time.monotonic()
            await asyncio.sleep(0.05 + self.rng.random() * 0.2)

    def cut(self, pause: float = 0.0) -> bool:
        """Break the TCP connection abruptly (no </stream:stream>); True if there was one."""
        self.pause_until = time.monotonic() + pause
        if self.transport is None:
            return False
        raw = self.transport.get_extra_info("socket")
        if raw is None:
            return False
        try:
            raw.shutdown(socket.SHUT_RDWR)
        except OSError:
            return False
        return True

    async def stop(self) -> None:
        self.stopping = True
        if self._supervisor is not None:
            self._supervisor.cancel()
            try:
                await self._supervisor
            except asyncio.CancelledError:
                pass
        self.cancel_connection_attempt()
        if self.transport is not None:
            try:
                await asyncio.wait_for(self.disconnect(wait=1), 3)
            except (asyncio.TimeoutError, Exception):
                self.abort()
        self.cancel_connection_attempt()
        if self._run_out_filters is not None:
            self._run_out_filters.cancel()


class Sender(FaultClient):
    """Streams numbered messages ("name:seq") to the recipients in turn."""

    def __init__(self, *args: Any, max_in_flight: int, **kwargs: Any) -> None:
        super().__init__(*args, resume=False, **kwargs)
        self.max_in_flight = max_in_flight
        self.sent: dict[str, str] = {}  # body -> recipient bare JID
        self.sent_at: dict[str, float] = {}
        self.acked: dict[str, float] = {}  # body -> when the server's <a/> covered it
        self.bounced: dict[str, str] = {}  # body -> error condition
        self.add_event_handler("stanza_acked", self._on_acked)
        self.add_event_handler("message_error", self._on_error)
        self.register_handler(
            Callback(
                f"fault test: ack check {self.name}",
                MatchXPath(sm_stanza.Ack.tag_name()),
                self._check_ack,
                instream=True,
            )
        )

    def connection_lost_hook(self) -> None:
        # Senders never resume: whatever was not acknowledged is given up on (it may still
        # arrive, which the test accepts), and the next session counts from zero.
        sm = self.sm
        sm.unacked_queue.clear()
        sm.seq = 0
        sm.last_ack = 0
        sm.handled = 0
        sm.sm_id = None

    def _on_acked(self, stanza: Any) -> None:
        if isinstance(stanza, slixmpp.Message) and stanza["body"]:
            self.acked.setdefault(stanza["body"], time.monotonic())

    def _on_error(self, stanza: Any) -> None:
        body = stanza["body"] or stanza["id"]
        self.bounced[body] = stanza["error"]["condition"]

    def _check_ack(self, ack: Any) -> None:
        # Runs after the plugin's own handler: its queue must match the server's h exactly,
        # otherwise slixmpp has guessed ("Inconsistent sequence numbers") and the acked set
        # is not trustworthy.
        sm = self.sm
        if (sm.seq - sm.last_ack) % MAX_SEQ != len(sm.unacked_queue) or ack["h"] != sm.last_ack:
            self.errors.append(
                f"{self.name}: server <a h='{ack['h']}'/> does not match the client's "
                f"count (sent {sm.seq}, unacked {len(sm.unacked_queue)})"
            )

    def in_flight(self) -> int:
        return len(self.sm.unacked_queue)

    async def stream(self, recipients: list[str], interval: float, stop: asyncio.Event) -> None:
        seq = 0
        while not stop.is_set():
            if (
                self.online.is_set()
                and self.transport is not None
                and self.sm.enabled_out
                and self.in_flight() < self.max_in_flight
            ):
                seq += 1
                body = f"{self.name}:{seq}"
                recipient = recipients[seq % len(recipients)]
                message = self.make_message(mto=recipient, mbody=body, mtype="chat")
                message["id"] = body
                message.send()
                self.sent[body] = recipient
                self.sent_at[body] = time.monotonic()
            await asyncio.sleep(interval)

    async def settle(self, timeout: float) -> None:
        """Ask for a last acknowledgement and wait (bounded) until nothing is in flight."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.online.is_set() and self.transport is not None:
                if self.in_flight() == 0:
                    return
                self.sm.request_ack()
            await asyncio.sleep(0.2)


class Recipient(FaultClient):
    """Receives and acknowledges (optionally late, like a slow phone); keeps books."""

    def __init__(self, *args: Any, ack_delay: float = 0.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ack_delay = ack_delay
        self.deliveries: list[Delivery] = []
        self.acks: list[AckRecord] = []
        self.other_messages = 0
        self.add_event_handler("message", self._on_message)
        # The plugin answers <r/> through self.send_ack(); an instance attribute wins.
        self._plugin_send_ack = self.sm.send_ack
        self.sm.send_ack = self._send_ack

    def session_established(self, *, resumed: bool) -> None:
        current = self._current()
        number = current.number if current else 0
        if resumed:
            # <resume h='...'/> acknowledged everything handled so far.
            self.acks.append(AckRecord(time.monotonic(), number, self.sm_session, self.sm.handled))
        else:
            # Initial presence after <enable/>: offline messages then count in h too.
            self.send_presence()
        super().session_established(resumed=resumed)

    def _on_message(self, message: Any) -> None:
        body = message["body"]
        if message["type"] not in ("chat", "normal") or not body:
            self.other_messages += 1
            return
        current = self._current()
        sm = self.sm
        self.deliveries.append(
            Delivery(
                body=body,
                at=time.monotonic(),
                connection=current.number if current else 0,
                sm_session=self.sm_session,
                index=sm.handled if sm.enabled_in else None,
                delayed=message["delay"]["stamp"] is not None,
            )
        )

    def _send_ack(self) -> None:
        current = self._current()
        number = current.number if current else 0
        if self.ack_delay <= 0:
            self._ack_now(number, self.sm_session)
        else:
            # Late, but then reporting everything handled by that time (h never goes back).
            asyncio.get_running_loop().call_later(
                self.ack_delay, self._ack_now, number, self.sm_session
            )

    def _ack_now(self, number: int, session: int) -> None:
        current = self._current()
        if (
            self.transport is None
            or current is None
            or current.number != number
            or session != self.sm_session
            or not self.sm.enabled_in
        ):
            return  # that connection is gone; the next one acknowledges by <resume h/>
        h = self.sm.handled
        self.acks.append(AckRecord(time.monotonic(), number, session, h))
        ack = sm_stanza.Ack(self)
        ack["h"] = h
        self.send_raw(str(ack))
