"""The Kontalk Android client on the wire, replayed byte by byte on a raw socket.

Every step is what the real client (kontalk/androidclient with Smack 4.3.4) sends, in the order
it sends it; the source it comes from is named where it happens:

- KontalkConnection / XMPPConnectionHelper: STARTTLS with the bridge certificate as TLS client
  certificate, no `from` on the stream header, SASL EXTERNAL with an empty response (`=`),
  resource = ANDROID_ID (16 hex digits), stream management without resumption (`<enable/>`),
  `<r/>` after every message with a body, a receipt (request) or out-of-band data, and after
  every fifth other stanza (KontalkConnection.AckPredicate, Smack's
  ForMatchingPredicateOrAfterXStanzas).
- Smack 4.3 XMPPTCPConnection / AbstractXMPPConnection: stream header attributes and their
  order (StreamOpen), the previous stream id on restarts, bind, then session only when the
  server marks it mandatory, then `<enable/>`, then the connection listeners (the roster get
  first, then MessageCenterService.authenticated), never an automatic initial presence
  (setSendPresence(false)); answers to `<r/>`, to XMPP pings (PingManager) and to roster pushes
  (RosterPushListener); IQ replies accepted only from the address asked (IQReplyFilter).
- MessageCenterService.authenticated: presence (away when nothing holds the service, with the
  caps element it always adds), disco#info and disco#items of the domain, then the CSI
  `<inactive/>` and an away presence (IdleConnectionHandler.forceInactiveIfNeeded), and the
  server's public key.

The class only drives the wire and records what arrives; the tests assert on it. Every read has
a deadline and a failed wait reports everything received so far.
"""

from __future__ import annotations

import base64
import itertools
import secrets
import socket
import ssl
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape, quoteattr

import pgpy
from pgpy.constants import SymmetricKeyAlgorithm

from client_certificate_tls import context_presenting
from kontalk_identity import (
    android_bridge_certificate,
    bridge_certificate,
    certify,
    fingerprint,
    jid_for_phone,
    make_key,
    public_binary,
    server_key,
)
from kontalk_server import KontalkServer
from registration_client import form_values

READ_TIMEOUT_S = 10.0
# KontalkConnection.DEFAULT_PACKET_TIMEOUT: the client gives up on any IQ after 15 s.
CLIENT_IQ_TIMEOUT_S = 15.0

NS_CLIENT = "jabber:client"
NS_STREAMS = "http://etherx.jabber.org/streams"
NS_TLS = "urn:ietf:params:xml:ns:xmpp-tls"
NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl"
NS_BIND = "urn:ietf:params:xml:ns:xmpp-bind"
NS_SESSION = "urn:ietf:params:xml:ns:xmpp-session"
NS_SM = "urn:xmpp:sm:3"
NS_CSI = "urn:xmpp:csi:0"
NS_ROSTER = "jabber:iq:roster"
NS_ROSTERVER = "urn:xmpp:features:rosterver"
NS_PING = "urn:xmpp:ping"
NS_PUBKEY = "urn:xmpp:pubkey:2"
NS_RECEIPTS = "urn:xmpp:receipts"
NS_CHATSTATES = "http://jabber.org/protocol/chatstates"
NS_E2E = "urn:ietf:params:xml:ns:xmpp-e2e"
NS_ADDRESS = "http://jabber.org/protocol/address"
NS_DELAY = "urn:xmpp:delay"
NS_DISCO_INFO = "http://jabber.org/protocol/disco#info"
NS_DISCO_ITEMS = "http://jabber.org/protocol/disco#items"
NS_CAPS = "http://jabber.org/protocol/caps"
NS_LAST = "jabber:iq:last"
NS_BLOCKING = "urn:xmpp:blocking"
NS_KONTALK_ROSTER = "http://kontalk.org/extensions/roster"
NS_REGISTER = "jabber:iq:register"
NS_DATA = "jabber:x:data"
NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas"
CODE_FORM = "http://kontalk.org/protocol/register#code"
KEY_FORM = "http://kontalk.org/protocol/register#key"

# Smack 4.3 SASL mechanisms and priorities (lower wins; SASLAuthentication.selectMechanism).
# KontalkConnection blacklists PLAIN when it has a client certificate.
SMACK_MECHANISM_PRIORITY = {
    "SCRAM-SHA-1": 110,
    "DIGEST-MD5": 210,
    "X-OAUTH2": 410,
    "ANONYMOUS": 500,
    "EXTERNAL": 510,
}

# MessageCenterService.createPresence: the caps element the client adds to every presence.
CAPS = f"<c xmlns='{NS_CAPS}' hash='sha-1' node='http://www.kontalk.org/' ver='none'/>"
# R.string.text_encrypted, the body next to an encrypted payload.
ENCRYPTED_BODY = "(encrypted)"


def q(name: str, namespace: str = NS_CLIENT) -> str:
    return f"{{{namespace}}}{name}"


def android_id() -> str:
    """Settings.Secure.ANDROID_ID: a 64-bit number as 16 lowercase hex digits."""
    return secrets.token_hex(8)


def smack_mechanism_choice(offered: list[str]) -> str | None:
    """What Smack 4.3 with a bridge certificate picks among the offered mechanisms."""
    known = [name for name in offered if name in SMACK_MECHANISM_PRIORITY]
    return min(known, key=SMACK_MECHANISM_PRIORITY.__getitem__) if known else None


def to_xml(element: ET.Element) -> str:
    return ET.tostring(element, encoding="unicode")


def pubkey_print(presence: ET.Element) -> str | None:
    """The fingerprint a presence carries (PublicKeyPresence.getFingerprint), else None."""
    element = presence.find(f"{q('pubkey', NS_PUBKEY)}/{q('print', NS_PUBKEY)}")
    return element.text.strip() if element is not None and element.text else None


def stanza_error(stanza: ET.Element) -> tuple[str, str]:
    """(type, condition) of an error stanza."""
    error = stanza.find(q("error"))
    assert error is not None, f"not an error: {to_xml(stanza)}"
    condition = next(
        (child.tag.split("}")[1] for child in error if child.tag.startswith(f"{{{NS_STANZAS}}}")
         and not child.tag.endswith("}text")),
        "",
    )
    return error.get("type", ""), condition


@dataclass
class AndroidAccount:
    """A registered user as the Android client keeps it: its key and bridge certificate."""

    phone: str
    jid: str
    key: pgpy.PGPKey
    certified: bytes  # the public keyring with the server's certification
    certificate: tuple[Path, Path]

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.key)


class _StreamParser:
    """Incremental parser of one XML stream (RFC 6120 §4): the header's attributes and every
    complete top-level element, in order. A stream restart needs a new parser."""

    def __init__(self) -> None:
        self._parser = ET.XMLPullParser(events=("start", "end"))
        self._depth = 0
        self._root: ET.Element | None = None
        self.header: dict[str, str] | None = None
        self.closed = False

    def feed(self, data: bytes) -> list[ET.Element]:
        self._parser.feed(data)
        complete = []
        for event, element in self._parser.read_events():
            if event == "start":
                self._depth += 1
                if self._depth == 1:
                    self._root = element
                    self.header = dict(element.attrib)
                continue
            self._depth -= 1
            if self._depth == 1:
                complete.append(element)
                assert self._root is not None
                self._root.remove(element)  # the stream is long; keep only the current element
            elif self._depth == 0:
                self.closed = True
        return complete


class AndroidClient:
    """One connection of the Android client (see the module docstring)."""

    def __init__(
        self,
        server: KontalkServer,
        account: AndroidAccount | None,
        *,
        resource: str | None = None,
        certificate: tuple[Path, Path] | None = None,
        smack_mechanisms: bool = True,
    ) -> None:
        self.server = server
        self.account = account
        self.domain = server.domain
        self.resource = resource or android_id()
        self.certificate = certificate or (account.certificate if account else None)
        # Whether to insist that Smack 4.3 would choose EXTERNAL among the offered mechanisms
        # (tests about other behaviour may log in wherever the server also offers others).
        self.smack_mechanisms = smack_mechanisms
        self.sock: socket.socket | ssl.SSLSocket = socket.create_connection(
            (server.host, server.starttls_port), timeout=READ_TIMEOUT_S
        )
        self._parser = _StreamParser()
        self.stream_id: str | None = None
        self.features: ET.Element | None = None
        self.full_jid: str | None = None
        # Everything received, in order, and what tests have not consumed yet.
        self.received: list[ET.Element] = []
        self.inbox: list[ET.Element] = []
        self.transcript = ""
        self.closed_by_server = False
        self._finished = False  # closed or aborted by the test
        self._closing = False  # </stream:stream> sent
        # XEP-0198 state (Smack: clientHandledStanzasCount, the unacknowledged queue).
        self.sm_enabled = False
        self.handled = 0  # stanzas received since <enabled/>
        self.sent = 0  # stanzas sent since <enable/>
        self.acks: list[int] = []  # h of every <a/> the server sent
        self._since_ack_request = 0
        self.answer_acks = True
        self.answer_pings = True
        self.pings_answered: list[ET.Element] = []
        self._ids = itertools.count(1)
        self._id_prefix = secrets.token_urlsafe(4)[:5]

    # --- bytes ----------------------------------------------------------------------

    def __enter__(self) -> "AndroidClient":
        return self

    def __exit__(self, exc_type: object, *exc_info: object) -> None:
        if exc_type is None and not self._finished:
            self.close_stream()
        self.abort()

    def abort(self) -> None:
        """Drop the TCP connection without closing the stream (a phone losing coverage)."""
        self._finished = True
        try:
            self.sock.close()
        except OSError:
            pass

    def close_stream(self) -> None:
        """Smack's disconnect() (MessageCenterService.quit): unavailable presence, a last <a/>,
        then </stream:stream>; waits for the server's."""
        assert not self._finished, f"{self.name}: connection already closed"
        if self.full_jid is not None:
            # AbstractXMPPConnection.disconnect(): unavailable presence when authenticated.
            self.send_stanza(f"<presence id='{self.new_id()}' type='unavailable'/>")
        if self.sm_enabled:
            self.send_raw(f"<a xmlns='{NS_SM}' h='{self.handled}'/>")
        self.send_raw("</stream:stream>")
        # Smack's writer is shut down now: nothing more goes out (no <a/>, no IQ answer).
        self._closing = True
        deadline = time.monotonic() + READ_TIMEOUT_S
        try:
            while not self._parser.closed:
                self._pump(deadline, "the server's </stream:stream>")
        except ConnectionClosed:
            pass
        self.abort()

    def new_id(self) -> str:
        """Smack's StanzaIdUtil: a random prefix and a counter."""
        return f"{self._id_prefix}-{next(self._ids)}"

    def send_raw(self, text: str) -> None:
        try:
            self.sock.sendall(text.encode())
        except (OSError, ssl.SSLError) as error:
            self.closed_by_server = True
            raise ConnectionClosed(
                f"{self.name}: the connection broke while sending ({error}); received:\n"
                f"{self.transcript[-2000:]}\n{self.server.log_tail(10)}"
            ) from None

    def send_stanza(self, text: str) -> None:
        """A stanza as Smack's writer sends it: counted for XEP-0198 and followed by <r/>
        when KontalkConnection.AckPredicate accepts it (or after five other stanzas)."""
        self.send_raw(text)
        if not self.sm_enabled:
            return
        self.sent += 1
        if self._requests_ack(text):
            self._since_ack_request = 0
            self.send_raw(f"<r xmlns='{NS_SM}'/>")
            return
        self._since_ack_request += 1
        if self._since_ack_request == 5:
            self._since_ack_request = 0
            self.send_raw(f"<r xmlns='{NS_SM}'/>")

    @staticmethod
    def _requests_ack(text: str) -> bool:
        """A message with a body, a receipt, a receipt request or out-of-band data."""
        stanza = ET.fromstring(text)
        if stanza.tag != "message":
            return False
        return any(
            stanza.find(tag) is not None
            for tag in ("body", q("received", NS_RECEIPTS), q("request", NS_RECEIPTS),
                        q("x", "jabber:x:oob"))
        )

    def _pump(self, deadline: float, waiting_for: str) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(
                f"{self.name}: no {waiting_for} within the deadline; received:\n{self.transcript}"
            )
        self.sock.settimeout(remaining)
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            raise AssertionError(
                f"{self.name}: no {waiting_for} within the deadline; received:\n{self.transcript}"
            ) from None
        except (ConnectionResetError, BrokenPipeError, ssl.SSLError, OSError):
            chunk = b""
        if not chunk:
            self.closed_by_server = True
            raise ConnectionClosed(
                f"{self.name}: connection closed while waiting for {waiting_for}; received:\n"
                f"{self.transcript}"
            )
        self.transcript += chunk.decode("utf-8", errors="replace")
        for element in self._parser.feed(chunk):
            self._dispatch(element)

    @property
    def name(self) -> str:
        return self.full_jid or (self.account.jid if self.account else "client")

    # --- what arrives ---------------------------------------------------------------

    def _dispatch(self, element: ET.Element) -> None:
        self.received.append(element)
        tag = element.tag
        if tag == q("r", NS_SM):
            if self.answer_acks and not self._closing:
                self.send_raw(f"<a xmlns='{NS_SM}' h='{self.handled}'/>")
            return
        if tag == q("a", NS_SM):
            h = int(element.get("h", "-1"))
            assert 0 <= h <= self.sent, (
                f"{self.name}: server acknowledged h={h} but the client sent {self.sent} stanzas "
                "(Smack ends the connection with StreamManagementCounterError)"
            )
            self.acks.append(h)
            return
        if tag in (q("message"), q("presence"), q("iq")) and self.sm_enabled:
            self.handled += 1
        if tag == q("iq") and not self._closing and self._answer_automatically(element):
            return
        self.inbox.append(element)

    def _answer_automatically(self, iq: ET.Element) -> bool:
        """Smack answers pings (PingManager) and roster pushes (RosterPushListener) itself."""
        type_ = iq.get("type")
        if type_ == "get" and iq.find(q("ping", NS_PING)) is not None and self.answer_pings:
            self.pings_answered.append(iq)
            self.send_stanza(self._result_for(iq))
            self.inbox.append(iq)  # tests look at pings too
            return True
        if type_ == "set" and iq.find(q("query", NS_ROSTER)) is not None:
            # RFC 6121 §2.1.6: a push from anyone but the account itself is ignored (Smack
            # answers it with an error and drops it).
            sender = iq.get("from")
            assert sender in (None, self.bare_jid), f"{self.name}: roster push from {sender}"
            self.send_stanza(self._result_for(iq))
            self.inbox.append(iq)
            return True
        return False

    def _result_for(self, iq: ET.Element) -> str:
        """IQ.createResultIQ: same id, from/to swapped."""
        attributes = ""
        if iq.get("from"):
            attributes += f" to={quoteattr(iq.get('from'))}"
        if iq.get("to"):
            attributes += f" from={quoteattr(iq.get('to'))}"
        return f"<iq{attributes} id={quoteattr(iq.get('id', ''))} type='result'/>"

    def expect(
        self,
        predicate: Callable[[ET.Element], bool],
        what: str,
        timeout: float = READ_TIMEOUT_S,
    ) -> ET.Element:
        """The first unconsumed element matching `predicate` (consumed); waits (bounded)."""
        deadline = time.monotonic() + timeout
        while True:
            for index, element in enumerate(self.inbox):
                if predicate(element):
                    del self.inbox[index]
                    return element
            self._pump(deadline, what)

    def expect_closed(self, timeout: float) -> str:
        """Reads until the server closes the connection; returns what came meanwhile."""
        start = len(self.transcript)
        deadline = time.monotonic() + timeout
        try:
            while True:
                self._pump(deadline, "the server closing the connection")
        except ConnectionClosed:
            return self.transcript[start:]

    def index_of(self, element: ET.Element) -> int:
        return next(i for i, seen in enumerate(self.received) if seen is element)

    def expect_ack_request_after(self, element: ET.Element) -> None:
        """The server sent <r/> after `element` (spec §0: after every message with a body or
        receipt); our <a/> answered it when it arrived."""
        position = self.index_of(element)
        deadline = time.monotonic() + READ_TIMEOUT_S
        while not any(e.tag == q("r", NS_SM) for e in self.received[position + 1 :]):
            self._pump(deadline, f"<r/> after {to_xml(element)[:200]}")

    def expect_all_acknowledged(self) -> None:
        """Smack's <r/> went out after our last counted stanza: the server's <a/> must reach
        everything we sent (the client marks messages sent on it, MessageAckListener)."""
        assert self._since_ack_request == 0, (
            f"{self.name}: no <r/> since the last {self._since_ack_request} stanza(s); "
            "Smack would not ask for an acknowledgement yet"
        )
        deadline = time.monotonic() + READ_TIMEOUT_S
        while not self.acks or self.acks[-1] != self.sent:
            self._pump(deadline, f"<a h='{self.sent}'/> (acks so far: {self.acks})")

    # --- stanza helpers ------------------------------------------------------------------

    @property
    def bare_jid(self) -> str:
        assert self.account is not None
        return self.account.jid

    def iq(self, type_: str, payload: str, to: str | None = None, *,
           reply_filter: bool = True, timeout: float = CLIENT_IQ_TIMEOUT_S) -> ET.Element:
        """Sends an IQ as Smack writes it and returns the reply Smack would accept.
        `reply_filter`: the client waits through Smack's IQReplyFilter (sendIqWithReply,
        sendIqRequestAsync, createStanzaCollectorAndSend(IQ)), which also checks the sender;
        False where it listens with a bare StanzaIdFilter (disco listeners, registration)."""
        iq_id = self.new_id()
        to_attribute = f" to={quoteattr(to)}" if to else ""
        self.send_stanza(f"<iq{to_attribute} id='{iq_id}' type='{type_}'>{payload}</iq>")
        return self.expect_reply(iq_id, to, reply_filter=reply_filter, timeout=timeout)

    def expect_reply(self, iq_id: str, to: str | None, *, reply_filter: bool = True,
                     timeout: float = CLIENT_IQ_TIMEOUT_S) -> ET.Element:
        reply = self.expect(
            lambda e: e.tag == q("iq") and e.get("id") == iq_id and e.get("type") in ("result", "error"),
            f"the reply to IQ {iq_id}",
            timeout,
        )
        if reply_filter:
            self._check_reply_sender(to, reply)
        return reply

    def _check_reply_sender(self, to: str | None, reply: ET.Element) -> None:
        """Smack 4.3 IQReplyFilter: a reply counts only if it comes from the address asked;
        for requests without `to`, from nobody, the account or the domain; for requests to
        the account's bare JID, also from nobody."""
        sender = reply.get("from")
        bare = self.account.jid if self.account is not None else None
        if to is None:
            allowed = {None, bare, self.domain}
        elif to == bare:
            allowed = {to, None}
        else:
            allowed = {to}
        assert sender in allowed, (
            f"{self.name}: Smack drops the reply {to_xml(reply)}: from={sender!r}, expected one of "
            f"{sorted(map(str, allowed))}"
        )

    def presence(self, *, away: bool, status: str | None = None) -> str:
        """MessageCenterService.createPresence; returns its id."""
        presence_id = self.new_id()
        show = "<show>away</show>" if away else ""
        status_element = f"<status>{escape(status)}</status>" if status else ""
        self.send_stanza(f"<presence id='{presence_id}'>{status_element}{show}{CAPS}</presence>")
        return presence_id

    def subscription(self, to: str, type_: str) -> None:
        """new Presence(jid, type): subscribe, subscribed, unsubscribe."""
        self.send_stanza(f"<presence to={quoteattr(to)} id='{self.new_id()}' type='{type_}'/>")

    def chat_message(
        self,
        to: str,
        *,
        body: str = ENCRYPTED_BODY,
        e2e: bytes | None = None,
        receipt_request: bool = True,
        extra: str = "",
        message_id: str | None = None,
    ) -> str:
        """MessageCenterService.sendMessage: body, encrypted payload, <active/> and the
        receipt request for 1:1 chats; returns the id."""
        message_id = message_id or self.new_id()
        payload = f"<body>{escape(body)}</body>"
        if e2e is not None:
            payload += f"<e2e xmlns='{NS_E2E}'>{base64.b64encode(e2e).decode()}</e2e>"
        payload += extra
        payload += f"<active xmlns='{NS_CHATSTATES}'/>"
        if receipt_request:
            payload += f"<request xmlns='{NS_RECEIPTS}'/>"
        self.send_stanza(
            f"<message to={quoteattr(to)} id={quoteattr(message_id)} type='chat'>{payload}</message>"
        )
        return message_id

    def receipt(self, to: str, message_id: str) -> str:
        """MessageListener.sendReceipt: <received/> to the sender's full JID, type chat."""
        receipt_id = self.new_id()
        self.send_stanza(
            f"<message to={quoteattr(to)} id='{receipt_id}' type='chat'>"
            f"<received xmlns='{NS_RECEIPTS}' id={quoteattr(message_id)}/></message>"
        )
        return receipt_id

    def group_message(self, members: list[str], e2e: bytes, message_id: str | None = None) -> str:
        """KontalkGroupController.afterEncryption: to multicast@DOMAIN with one type='to'
        address per member (MultipleAddresses), no receipt request; returns the id."""
        message_id = message_id or self.new_id()
        addresses = "".join(f"<address type='to' jid={quoteattr(member)}/>" for member in members)
        self.send_stanza(
            f"<message to='multicast@{self.domain}' id={quoteattr(message_id)} type='chat'>"
            f"<body>{ENCRYPTED_BODY}</body>"
            f"<e2e xmlns='{NS_E2E}'>{base64.b64encode(e2e).decode()}</e2e>"
            f"<addresses xmlns='{NS_ADDRESS}'>{addresses}</addresses>"
            f"<active xmlns='{NS_CHATSTATES}'/></message>"
        )
        return message_id

    def csi(self, state: str) -> None:
        """ClientStateIndicationManager.active/inactive (nonzas, not counted by XEP-0198)."""
        self.send_raw(f"<{state} xmlns='{NS_CSI}'/>")

    def message_from(self, sender: str, what: str, timeout: float = READ_TIMEOUT_S) -> ET.Element:
        """The next message whose sender's bare JID is `sender`."""
        return self.expect(
            lambda e: e.tag == q("message") and (e.get("from") or "").split("/")[0] == sender,
            f"{what} from {sender}",
            timeout,
        )

    def presence_from(self, sender: str, what: str, *, type_: str | None = None,
                      timeout: float = READ_TIMEOUT_S) -> ET.Element:
        """The next presence from `sender` (bare or full) of `type_` (None = available)."""
        def matches(e: ET.Element) -> bool:
            if e.tag != q("presence") or e.get("type") != type_:
                return False
            origin = e.get("from") or ""
            return origin == sender or origin.split("/")[0] == sender
        return self.expect(matches, what, timeout)

    # --- login (XMPPConnectionHelper.connectOnce) --------------------------------------

    def _open_stream(self) -> ET.Element:
        """StreamOpen: to, xmlns:stream, version, the last stream id (after the first), xml:lang."""
        id_attribute = f" id={quoteattr(self.stream_id)}" if self.stream_id else ""
        self.send_raw(
            f"<stream:stream xmlns='{NS_CLIENT}' to='{self.domain}' xmlns:stream='{NS_STREAMS}' "
            f"version='1.0'{id_attribute} xml:lang='en'>"
        )
        features = self.expect(lambda e: e.tag == q("features", NS_STREAMS), "<stream:features/>")
        header = self._parser.header or {}
        assert header.get("from") == self.domain, f"stream header from the wrong domain: {header}"
        assert header.get("id"), f"stream header without id: {header}"
        self.stream_id = header["id"]
        self.features = features
        return features

    def _restart(self) -> ET.Element:
        self._parser = _StreamParser()
        return self._open_stream()

    def connect(self) -> ET.Element:
        """Stream header, STARTTLS (SecurityMode.required) with the bridge certificate as TLS
        client certificate, restarted stream; returns the features after TLS."""
        features = self._open_stream()
        assert features.find(q("starttls", NS_TLS)) is not None, to_xml(features)
        self.send_raw(f"<starttls xmlns='{NS_TLS}'/>")
        self.expect(lambda e: e.tag == q("proceed", NS_TLS), "<proceed/>")
        if self.certificate is not None:
            context = context_presenting(*self.certificate)
        else:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        try:
            self.sock = context.wrap_socket(self.sock, server_hostname=self.domain)
        except (ssl.SSLError, OSError) as error:
            raise AssertionError(
                f"TLS handshake with the client certificate failed: {error}\n"
                f"{self.server.log_tail(20)}"
            ) from None
        try:
            return self._restart()
        except ConnectionClosed as closed:
            # TLS 1.3: the client finishes its handshake before the server has looked at the
            # certificate, so a refusal shows as a closed connection right after it.
            raise AssertionError(
                f"the server closed the connection after the TLS handshake with the client "
                f"certificate\n{closed}\n{self.server.log_tail(20)}"
            ) from None

    def mechanisms(self) -> list[str]:
        assert self.features is not None
        return [m.text or "" for m in self.features.iter(q("mechanism", NS_SASL))]

    def authenticate(self) -> ET.Element:
        """SASL EXTERNAL with an empty response, stream restart; returns the features."""
        offered = self.mechanisms()
        assert "EXTERNAL" in offered, f"EXTERNAL not offered: {offered}"
        assert not self.smack_mechanisms or smack_mechanism_choice(offered) == "EXTERNAL", (
            f"Smack 4.3 would pick {smack_mechanism_choice(offered)} among {offered}, not EXTERNAL"
        )
        self.send_raw(f"<auth xmlns='{NS_SASL}' mechanism='EXTERNAL'>=</auth>")
        outcome = self.expect(
            lambda e: e.tag in (q("success", NS_SASL), q("failure", NS_SASL)), "the SASL outcome"
        )
        assert outcome.tag == q("success", NS_SASL), (
            f"SASL EXTERNAL failed: {to_xml(outcome)}\n{self.server.log_tail(20)}"
        )
        return self._restart()

    def bind(self) -> str:
        """Bind the ANDROID_ID resource; session only if mandatory; then <enable/>."""
        features = self.features
        assert features is not None and features.find(q("bind", NS_BIND)) is not None, (
            f"no bind feature: {to_xml(features)}"
        )
        reply = self.iq(
            "set", f"<bind xmlns='{NS_BIND}'><resource>{self.resource}</resource></bind>"
        )
        assert reply.get("type") == "result", to_xml(reply)
        jid = reply.find(f"{q('bind', NS_BIND)}/{q('jid', NS_BIND)}")
        assert jid is not None and jid.text, to_xml(reply)
        self.full_jid = jid.text
        if self.account is not None:
            assert self.full_jid == f"{self.account.jid}/{self.resource}", (
                f"bound {self.full_jid}, asked for {self.account.jid}/{self.resource}"
            )
        session = features.find(q("session", NS_SESSION))
        if session is not None and session.find(q("optional", NS_SESSION)) is None:
            result = self.iq("set", f"<session xmlns='{NS_SESSION}'/>")
            assert result.get("type") == "result", to_xml(result)
        assert features.find(q("sm", NS_SM)) is not None, (
            "no XEP-0198 feature: the Android client then disables delivery receipts"
        )
        self.send_raw(f"<enable xmlns='{NS_SM}'/>")
        enabled = self.expect(
            lambda e: e.tag in (q("enabled", NS_SM), q("failed", NS_SM)), "<enabled/>"
        )
        assert enabled.tag == q("enabled", NS_SM), to_xml(enabled)
        self.sm_enabled = True
        return self.full_jid

    def login(self) -> str:
        """The whole of XMPPConnectionHelper.connectOnce + login(); returns the full JID."""
        self.connect()
        self.authenticate()
        return self.bind()

    # --- after login (MessageCenterService) ------------------------------------------

    def roster_get(self) -> str:
        """Roster.reload: the roster get, sent without waiting (its id is returned);
        `ver` from the SQLiteRosterStore ('' at first) when the server versions rosters."""
        assert self.features is not None
        versioned = self.features.find(q("ver", NS_ROSTERVER)) is not None
        ver = " ver=''" if versioned else ""
        roster_id = self.new_id()
        self.send_stanza(f"<iq id='{roster_id}' type='get'><query xmlns='{NS_ROSTER}'{ver}></query></iq>")
        return roster_id

    def start_session(self, *, foreground: bool = False) -> dict[str, ET.Element]:
        """AbstractXMPPConnection.afterSuccessfulLogin: the roster listener, then
        MessageCenterService.authenticated, then IdleConnectionHandler.forceInactiveIfNeeded
        when nothing holds the service (the app in the background). Returns the replies."""
        replies: dict[str, ET.Element] = {}
        roster_id = self.roster_get()
        self.presence(away=not foreground)
        info_id, items_id = self.new_id(), self.new_id()
        self.send_stanza(
            f"<iq to='{self.domain}' id='{info_id}' type='get'><query xmlns='{NS_DISCO_INFO}'/></iq>"
        )
        self.send_stanza(
            f"<iq to='{self.domain}' id='{items_id}' type='get'><query xmlns='{NS_DISCO_ITEMS}'/></iq>"
        )
        replies["roster"] = self.expect_reply(roster_id, None)
        replies["disco#info"] = self.expect_reply(info_id, self.domain, reply_filter=False)
        replies["disco#items"] = self.expect_reply(items_id, self.domain, reply_filter=False)
        assert self.features is not None
        if not foreground and self.features.find(q("csi", NS_CSI)) is not None:
            self.csi("inactive")
            self.presence(away=True)
        # DiscoverItemsListener: disco#info of every item of the domain.
        for item in replies["disco#items"].iter(q("item", NS_DISCO_ITEMS)):
            jid = item.get("jid")
            reply = self.iq("get", f"<query xmlns='{NS_DISCO_INFO}'/>", to=jid, reply_filter=False)
            replies[f"disco#info {jid}"] = reply
        # The server's key, when the keyring lacks it (first login).
        replies["server key"] = self.iq("get", f"<pubkey xmlns='{NS_PUBKEY}'/>", to=self.domain)
        return replies

    def public_key(self, jid: str) -> ET.Element:
        """PublicKeyPublish: the key of `jid` (PresenceListener asks when a print is new)."""
        return self.iq("get", f"<pubkey xmlns='{NS_PUBKEY}'/>", to=jid)

    def ping_server(self) -> ET.Element:
        """AndroidAdaptiveServerPingManager / PingManager.pingMyServer."""
        return self.iq("get", f"<ping xmlns='{NS_PING}'/>", to=self.domain)


class ConnectionClosed(AssertionError):
    """The server closed the connection while the client waited for something."""


def encrypted_for(text: str, *recipients: AndroidAccount) -> bytes:
    """An OpenPGP message for the recipients' encryption subkeys, as Coder.encryptText or
    encryptStanza produce it (binary; the client base64-encodes it into <e2e/>)."""
    cipher = SymmetricKeyAlgorithm.AES256
    session_key = cipher.gen_key()
    message = pgpy.PGPMessage.new(text)
    for recipient in recipients:
        message = recipient.key.pubkey.encrypt(message, cipher=cipher, sessionkey=session_key)
    return bytes(message)


def key_of(reply: ET.Element) -> bytes:
    """The key block of a urn:xmpp:pubkey:2 result."""
    assert reply.get("type") == "result", to_xml(reply)
    element = reply.find(q("pubkey", NS_PUBKEY))
    assert element is not None and element.text, to_xml(reply)
    return base64.b64decode(element.text)


def fingerprint_of_block(block: bytes) -> str:
    key, _ = pgpy.PGPKey.from_blob(block)
    return fingerprint(key)


# --- registration (RegistrationService) -------------------------------------------------------


def _form(form_type: str, fields: list[tuple[str, str, str, str | None]]) -> str:
    """Smack's Form.getDataFormToSend: FORM_TYPE hidden, then the fields with their types
    and labels."""
    rendered = f"<field var='FORM_TYPE' type='hidden'><value>{form_type}</value></field>"
    for var, type_, value, label in fields:
        label_attribute = f" label={quoteattr(label)}" if label else ""
        rendered += (
            f"<field{label_attribute} var='{var}' type='{type_}'><value>{escape(value)}</value></field>"
        )
    return f"<x xmlns='{NS_DATA}' type='submit'>{rendered}</x>"


def _registration_iq(client: AndroidClient, type_: str, query: str) -> ET.Element:
    """RegistrationService: createStanzaCollectorAndSend(new StanzaIdFilter(id), iq)."""
    return client.iq(type_, f"<query xmlns='{NS_REGISTER}'>{query}</query>", to=client.domain,
                     reply_filter=False)


def register_android(
    server: KontalkServer,
    phone: str,
    code: str,
    directory: Path,
    *,
    name: str = "Android user",
    created=None,
) -> AndroidAccount:
    """RegistrationService on the wire: the instructions form and the phone number on
    connections without a certificate, the code on a connection presenting the bridge
    certificate of the new, uncertified key; then the bridge certificate of the certified
    key the server answered. Each step on its own connection, closed after it (as the
    client's disconnect())."""
    jid = jid_for_phone(phone, server.domain)
    key = make_key(jid, name, created=created)

    with AndroidClient(server, None) as instructions:
        instructions.connect()
        reply = _registration_iq(instructions, "get", "")
        assert reply.get("type") == "result", to_xml(reply)

    with AndroidClient(server, None) as request:
        request.connect()
        form = _form(NS_REGISTER, [("phone", "text-single", phone, None),
                                   ("challenge", "text-single", "pin", None)])
        reply = _registration_iq(request, "set", form)
        assert reply.get("type") == "result", f"phone step refused: {to_xml(reply)}"

    uncertified = android_bridge_certificate(key, public_binary(key), directory, name="uncertified")
    with AndroidClient(server, None, certificate=uncertified) as confirm:
        confirm.connect()
        form = _form(CODE_FORM, [("code", "text-single", code, "Validation code")])
        reply = _registration_iq(confirm, "set", form)
    assert reply.get("type") == "result", f"code step refused: {to_xml(reply)}"
    certified = base64.b64decode(form_values(reply)["publickey"])
    certificate = android_bridge_certificate(key, certified, directory, name="certified")
    return AndroidAccount(phone, jid, key, certified, certificate)


def certified_account(
    server: KontalkServer,
    phone: str,
    directory: Path,
    *,
    android_style: bool = True,
    created=None,
    key=None,
) -> AndroidAccount:
    """An account without the registration round trips: a key certified with the server's key
    directly (the account is created at its first EXTERNAL login, spec §3 step 6).
    `android_style=False` uses the OpenSSL-made bridge certificate instead, for tests about
    other things than the certificate's encoding. `key`: one made before for the same JID
    (making a key takes a second or two)."""
    jid = jid_for_phone(phone, server.domain)
    if key is None:
        key = make_key(jid, "Android user", created=created)
    block = certify(server_key(server.data_dir), key, jid)
    directory = directory / fingerprint(key)
    make = android_bridge_certificate if android_style else bridge_certificate
    return AndroidAccount(phone, jid, key, block, make(key, block, directory))


def rollover_form(new_key_block: bytes, revoked_block: bytes) -> str:
    """RegisterKeyPairListener.prepareKeyPacket: FORM_TYPE register#key, the new key and the
    old one carrying its revocation."""
    return _form(KEY_FORM, [
        ("publickey", "text-single", base64.b64encode(new_key_block).decode(), "Public key"),
        ("revoked", "text-single", base64.b64encode(revoked_block).decode(), "Revoked public key"),
    ])


def roll_over(client: AndroidClient, new_key_block: bytes, revoked_block: bytes) -> bytes:
    """The authenticated rollover IQ; returns the certified new key the server answered."""
    reply = _registration_iq(client, "set", rollover_form(new_key_block, revoked_block))
    assert reply.get("type") == "result", f"key rollover refused: {to_xml(reply)}"
    return base64.b64decode(form_values(reply)["publickey"])

