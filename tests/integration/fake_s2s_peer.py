"""F: a scripted server-to-server peer (spec §7.10) for what a real server would not do on cue
(stay silent, answer with an error, answer more than it was asked, offer no TLS).

F listens on one loopback port and poses as any domain a kontalkd's `[s2s] hosts` maps to that
port (the `to` of the stream header names which). It is the *receiving* server of kontalkd's
outbound links: STARTTLS with the certificate given for that domain (unless `starttls=False`),
the dialback feature, and every `<db:result/>` answered `type='valid'` without checking it (the
receiving server decides, XEP-0220 §2.1.2); `<db:verify/>` checks of keys it "generated" are
answered valid too. Stanzas that arrive are recorded; a roster-match probe (spec §7.6) is
answered by `on_probe`, over F's own link to the asker, as RFC 6120 §2.4 requires; so is a
ping with `answer_pings` (the acknowledgement of spec §7.9 without stream management).
With `stream_management`, F's features offer XEP-0198 (urn:xmpp:sm:3) beside dialback, it
answers `<enable/>` with `<enabled/>` and each `<r/>` with `<a h='sm_answer(handled)'/>`
(`handled`: the stanzas it got since `<enable/>`; `sm_answer` returning None: no answer);
with `sm_unsolicited` it also sends `<a/>` unasked after each stanza (XEP-0198 §4 allows it).
F also notes what it saw of the links it accepted: whitespace-only reads (keepalives), stream
errors, and the end of the stream (`events`).

F's own links (`link_to`) authenticate with SASL EXTERNAL when offered (a certificate from the
test CA), else with dialback, which kontalkd checks by connecting back to F (so the domain must
be mapped to F in its `[s2s] hosts`).

asyncio in a thread of its own, so that synchronous tests can drive it. Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import ssl
import threading
import time
import xml.etree.ElementTree as ET
from typing import Callable

from federation_certs import CertificatePair
from kontalk_server import HOST

NS_STREAMS = "http://etherx.jabber.org/streams"
NS_SERVER = "jabber:server"
NS_DIALBACK = "jabber:server:dialback"
NS_TLS = "urn:ietf:params:xml:ns:xmpp-tls"
NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl"
NS_ROSTER = "http://kontalk.org/extensions/roster"
NS_SM = "urn:xmpp:sm:3"
NS_PING = "urn:xmpp:ping"
TIMEOUT_S = 10.0  # for each step of a handshake, and for the tests' waits
IDLE_S = 120.0  # an established link's silence before F drops it
MAX_READ = 65536


def _header(origin: str, target: str, stream_id: str | None = None) -> bytes:
    id_attribute = f" id='{stream_id}'" if stream_id else ""
    return (
        f"<?xml version='1.0'?><stream:stream xmlns='{NS_SERVER}' xmlns:stream='{NS_STREAMS}' "
        f"xmlns:db='{NS_DIALBACK}' from='{origin}' to='{target}' version='1.0'{id_attribute}>"
    ).encode()


class _Stream:
    """One TCP connection's XML stream: complete top-level elements, one at a time."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader = reader
        self.writer = writer
        self.header: dict[str, str] | None = None
        # Called for each read of nothing but whitespace (RFC 6120 §4.6.1 keepalives).
        self.on_whitespace: Callable[[], None] = lambda: None
        self._restart()

    def _restart(self) -> None:
        self._parser = ET.XMLPullParser(events=("start", "end"))
        self._depth = 0
        self._ready: list[ET.Element] = []
        self._ended = False  # </stream:stream> seen; what came before it is still handed out

    def _feed(self, data: bytes) -> bool:
        """Parses `data`: a stream header sets `header`, complete top-level elements queue up.
        False once the stream ended (</stream:stream>)."""
        self._parser.feed(data)
        for event, element in self._parser.read_events():
            if event == "start":
                self._depth += 1
                if self._depth == 1:
                    self.header = dict(element.attrib)
            else:
                self._depth -= 1
                if self._depth == 1:
                    self._ready.append(element)
                elif self._depth == 0:
                    return False
        return True

    async def next(self, timeout: float = TIMEOUT_S) -> ET.Element | None:
        """The next element below the stream; None when the stream or connection ended."""
        while not self._ready:
            if self._ended:
                return None
            data = await asyncio.wait_for(self.reader.read(MAX_READ), timeout)
            if not data:
                return None
            if data.isspace():
                self.on_whitespace()
            self._ended = not self._feed(data)
        return self._ready.pop(0)

    async def next_header(self) -> dict[str, str]:
        """Waits for the peer's (new) stream header."""
        while self.header is None:
            data = await asyncio.wait_for(self.reader.read(MAX_READ), TIMEOUT_S)
            if not data:
                raise ConnectionError("closed before the stream header")
            self._feed(data)
        return self.header

    async def send(self, data: str | bytes) -> None:
        self.writer.write(data.encode() if isinstance(data, str) else data)
        await self.writer.drain()

    async def start_tls(self, context: ssl.SSLContext, server_hostname: str | None = None):
        """STARTTLS, then a new stream: the parser starts over (RFC 6120 §5.4.3.3)."""
        await self.writer.start_tls(context, server_hostname=server_hostname)
        self.restart()

    def restart(self) -> None:
        self.header = None
        self._restart()

    def close(self) -> None:
        self.writer.close()


class FakeS2sPeer:
    """F. `certificates` maps each domain F may pose as to its certificate."""

    def __init__(self, certificates: dict[str, CertificatePair], *, starttls: bool = True,
                 stream_management: bool = False, answer_pings: bool = False):
        self.certificates = certificates
        self.starttls = starttls
        self.stream_management = stream_management
        self.answer_pings = answer_pings
        # (stanzas handled since <enable/>) -> the 'h' F answers an <r/> with, or None (silence).
        self.sm_answer: Callable[[int], int | None] = lambda handled: handled
        self.sm_unsolicited = False
        # (iq) -> the answer F sends over its own link to the asker, or None (silence).
        self.on_probe: Callable[[ET.Element], str | None] = lambda iq: None
        self.port = 0
        self._received: list[ET.Element] = []  # stanzas on the links F accepted
        self._dialback_results: list[dict[str, str]] = []  # the db:result F was asked to accept
        # (what, domain, detail) about the links F accepted: "keepalive", "stream-error"
        # (detail: the condition and text), "enabled" (stream management), "closed".
        self._events: list[tuple[str, str, str]] = []
        self._condition = threading.Condition()
        self._links: dict[str, _Stream] = {}  # F's own links, by the domain F poses as
        self._accepted: set[_Stream] = set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.base_events.Server | None = None

    # --- lifetime (from the test's thread) --------------------------------------------------

    def start(self) -> "FakeS2sPeer":
        self._thread.start()
        self._server = self._call(asyncio.start_server(self._serve, HOST, 0))
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        async def close_all():
            if self._server is not None:
                self._server.close()
            for stream in [*self._links.values(), *self._accepted]:
                stream.close()

        self._call(close_all())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(TIMEOUT_S)

    def __enter__(self) -> "FakeS2sPeer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(TIMEOUT_S * 2)

    # --- what F saw -------------------------------------------------------------------------

    def wait_for(self, predicate: Callable[[ET.Element], bool], what: str,
                 timeout: float = TIMEOUT_S) -> ET.Element:
        deadline = time.monotonic() + timeout
        with self._condition:
            while True:
                for stanza in self._received:
                    if predicate(stanza):
                        return stanza
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"F received no {what}; it received "
                                         f"{[ET.tostring(s).decode() for s in self._received]}")
                self._condition.wait(remaining)

    def probes(self) -> list[ET.Element]:
        """The roster-match probes F received so far."""
        with self._condition:
            return [stanza for stanza in self._received
                    if stanza.find(f"{{{NS_ROSTER}}}query") is not None]

    def dialback_results(self) -> list[dict[str, str]]:
        with self._condition:
            return list(self._dialback_results)

    def received(self, predicate: Callable[[ET.Element], bool]) -> list[ET.Element]:
        with self._condition:
            return [stanza for stanza in self._received if predicate(stanza)]

    def events(self) -> list[tuple[str, str, str]]:
        with self._condition:
            return list(self._events)

    def wait_for_event(self, what: str, timeout: float = TIMEOUT_S) -> tuple[str, str, str]:
        """The first event `what` on an accepted link (see `_events`)."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while True:
                for event in self._events:
                    if event[0] == what:
                        return event
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"F saw no {what}; it saw {self._events}")
                self._condition.wait(remaining)

    def _note(self, what: str, domain: str, detail: str = "") -> None:
        with self._condition:
            self._events.append((what, domain, detail))
            self._condition.notify_all()

    # --- F's own links ----------------------------------------------------------------------

    def link_to(self, target: str, port: int, as_domain: str, *, starttls: bool = True,
                header_domain: str | None = None) -> str:
        """Opens and authenticates F's link to `target` as `as_domain`: the method used, or
        "refused". `starttls=False`: even when offered. `header_domain`: the stream header
        claims this domain, the dialback request `as_domain` (XEP-0220 §4.4 multiplexing)."""
        return self._call(self._open_link(target, port, as_domain, starttls,
                                          header_domain or as_domain))

    def send(self, as_domain: str, stanza: str) -> None:
        """Sends a stanza on F's link for `as_domain` (link_to first)."""
        self._call(self._links[as_domain].send(stanza))

    async def _open_link(self, target: str, port: int, as_domain: str, starttls: bool,
                         header_domain: str) -> str:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), TIMEOUT_S)
        stream = _Stream(reader, writer)
        await stream.send(_header(header_domain, target))
        features = await self._features(stream)
        if starttls and features.find(f"{{{NS_TLS}}}starttls") is not None:
            await stream.send(f"<starttls xmlns='{NS_TLS}'/>")
            proceed = await stream.next()
            assert proceed is not None and proceed.tag == f"{{{NS_TLS}}}proceed", proceed
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            pair = self.certificates[as_domain]
            context.load_cert_chain(pair.certificate, pair.private_key)
            await stream.start_tls(context, server_hostname=target)
            await stream.send(_header(header_domain, target))
            features = await self._features(stream)
        mechanisms = [m.text for m in features.iter(f"{{{NS_SASL}}}mechanism")]
        if "EXTERNAL" in mechanisms:
            await stream.send(f"<auth xmlns='{NS_SASL}' mechanism='EXTERNAL'>=</auth>")
            outcome = await stream.next()
            assert outcome is not None and outcome.tag == f"{{{NS_SASL}}}success", outcome
            stream.restart()
            await stream.send(_header(as_domain, target))
            await self._features(stream)
            method = "SASL EXTERNAL"
        else:
            # The key is F's to make up: kontalkd asks F's listener (db:verify), which says yes.
            await stream.send(f"<db:result from='{as_domain}' to='{target}'>f4k3</db:result>")
            try:
                outcome = await stream.next()
            except (ConnectionError, ssl.SSLError):
                outcome = None
            if outcome is None or outcome.tag != f"{{{NS_DIALBACK}}}result" \
                    or outcome.get("type") != "valid":
                stream.close()
                return "refused"
            method = "dialback"
        self._links[as_domain] = stream
        asyncio.get_running_loop().create_task(self._drain(stream))
        return method

    async def _features(self, stream: _Stream) -> ET.Element:
        await stream.next_header()
        features = await stream.next()
        assert features is not None and features.tag == f"{{{NS_STREAMS}}}features", features
        return features

    async def _drain(self, stream: _Stream) -> None:
        """F's own links carry nothing back but stream errors (RFC 6120 §2.4)."""
        try:
            while await stream.next(IDLE_S) is not None:
                pass
        except (asyncio.TimeoutError, ConnectionError, ET.ParseError):
            pass

    # --- the links F accepts (kontalkd's outbound links) ------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        stream = _Stream(reader, writer)
        self._accepted.add(stream)
        try:
            await self._accept(stream)
        except (asyncio.TimeoutError, ConnectionError, ET.ParseError, ssl.SSLError):
            pass
        finally:
            self._accepted.discard(stream)
            self._note("closed", (stream.header or {}).get("to", ""))
            stream.close()

    async def _accept(self, stream: _Stream) -> None:
        header = await stream.next_header()
        domain, origin = header.get("to", ""), header.get("from", "")
        tls = False
        handled: int | None = None  # stanzas since <enable/>, once enabled
        await self._offer(stream, domain, origin, tls)
        stream.on_whitespace = lambda: self._note("keepalive", domain)
        while (element := await stream.next(IDLE_S)) is not None:
            if element.tag == f"{{{NS_TLS}}}starttls" and self.starttls and not tls:
                await stream.send(f"<proceed xmlns='{NS_TLS}'/>")
                context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                pair = self.certificates[domain]
                context.load_cert_chain(pair.certificate, pair.private_key)
                await stream.start_tls(context)
                tls = True
                await stream.next_header()
                await self._offer(stream, domain, origin, tls)
            elif element.tag == f"{{{NS_DIALBACK}}}result":
                with self._condition:
                    self._dialback_results.append(dict(element.attrib, tls=str(tls)))
                    self._condition.notify_all()
                await stream.send(f"<db:result from='{element.get('to')}' "
                                  f"to='{element.get('from')}' type='valid'/>")
            elif element.tag == f"{{{NS_DIALBACK}}}verify":
                await stream.send(f"<db:verify from='{element.get('to')}' "
                                  f"to='{element.get('from')}' id='{element.get('id')}' "
                                  "type='valid'/>")
            elif element.tag == f"{{{NS_SM}}}enable" and self.stream_management:
                handled = 0
                self._note("enabled", domain, element.get("resume", ""))
                await stream.send(f"<enabled xmlns='{NS_SM}'/>")
            elif element.tag == f"{{{NS_SM}}}r" and handled is not None:
                h = self.sm_answer(handled)
                if h is not None:
                    await stream.send(f"<a xmlns='{NS_SM}' h='{h}'/>")
            elif element.tag == f"{{{NS_STREAMS}}}error":
                texts = [child.text or "" for child in element]
                self._note("stream-error", domain,
                           " ".join(child.tag.rpartition("}")[2] for child in element)
                           + " " + " ".join(texts))
            elif element.tag.startswith(f"{{{NS_SERVER}}}"):
                await self._record(element)
                if handled is not None:
                    handled += 1
                    if self.sm_unsolicited:
                        await stream.send(f"<a xmlns='{NS_SM}' h='{handled}'/>")

    async def _offer(self, stream: _Stream, domain: str, origin: str, tls: bool) -> None:
        await stream.send(_header(domain, origin, stream_id=f"f-{id(stream):x}-{int(tls)}"))
        starttls = f"<starttls xmlns='{NS_TLS}'><required/></starttls>"
        offer = starttls if self.starttls and not tls else ""
        sm = f"<sm xmlns='{NS_SM}'/>" if self.stream_management and tls else ""
        await stream.send(f"<stream:features>{offer}"
                          f"<dialback xmlns='urn:xmpp:features:dialback'/>{sm}</stream:features>")

    async def _record(self, stanza: ET.Element) -> None:
        with self._condition:
            self._received.append(stanza)
            self._condition.notify_all()
        if (stanza.tag == f"{{{NS_SERVER}}}iq" and stanza.get("type") == "get"
                and stanza.find(f"{{{NS_ROSTER}}}query") is not None):
            answer = self.on_probe(stanza)
            as_domain = stanza.get("to", "").partition("@")[2]
            if answer is not None and as_domain in self._links:
                await self._links[as_domain].send(answer)
        if (self.answer_pings and stanza.tag == f"{{{NS_SERVER}}}iq"
                and stanza.get("type") == "get" and stanza.find(f"{{{NS_PING}}}ping") is not None):
            as_domain = stanza.get("to", "")
            if as_domain in self._links:
                await self._links[as_domain].send(
                    f"<iq type='result' id='{stanza.get('id')}' from='{as_domain}' "
                    f"to='{stanza.get('from')}'/>")
