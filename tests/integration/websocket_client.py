"""An XMPP over WebSocket client (RFC 7395) for the tests: python3-websockets carries the frames,
this speaks the framing (<open/>, one element per message, <close/>), SCRAM-SHA-1 (RFC 5802),
binding and stream management (XEP-0198) in the open, so a test sees every element."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets
import ssl
import xml.etree.ElementTree as ET

import websockets

from kontalk_server import KontalkServer

NS_FRAMING = "urn:ietf:params:xml:ns:xmpp-framing"
NS_STREAMS = "http://etherx.jabber.org/streams"
NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl"
NS_BIND = "urn:ietf:params:xml:ns:xmpp-bind"
NS_SM = "urn:xmpp:sm:3"
NS_CLIENT = "jabber:client"
NS_STREAM_ERRORS = "urn:ietf:params:xml:ns:xmpp-streams"
WS_PATH = "/xmpp-websocket"
RECEIVE_TIMEOUT_S = 15


def q(name: str, namespace: str) -> str:
    return f"{{{namespace}}}{name}"


def no_verify_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def url(server: KontalkServer) -> str:
    return f"wss://{server.host}:{server.http_port}{WS_PATH}"


async def connect(server: KontalkServer, subprotocols: list[str] | None = None):
    """A raw WebSocket to the server's XMPP endpoint (subprotocol xmpp unless told otherwise)."""
    return await websockets.connect(
        url(server), subprotocols=["xmpp"] if subprotocols is None else subprotocols,
        ssl=no_verify_context(), max_size=None, open_timeout=RECEIVE_TIMEOUT_S)


def stream_error_condition(element: ET.Element) -> str | None:
    if element.tag != q("error", NS_STREAMS):
        return None
    for child in element:
        if child.tag.startswith(f"{{{NS_STREAM_ERRORS}}}") and child.tag != q("text", NS_STREAM_ERRORS):
            return child.tag.split("}")[1]
    return None


class WsXmpp:
    """One XMPP stream over one WebSocket; every received message is parsed as one element."""

    def __init__(self, server: KontalkServer, socket) -> None:
        self.server = server
        self.socket = socket
        self.inbound = 0  # stanzas received while stream management is enabled (its 'h')
        self.sm_enabled = False

    @classmethod
    async def connect(cls, server: KontalkServer) -> "WsXmpp":
        return cls(server, await connect(server))

    async def send(self, text: str | bytes) -> None:
        await self.socket.send(text)

    async def receive(self, timeout: float = RECEIVE_TIMEOUT_S) -> ET.Element:
        message = await asyncio.wait_for(self.socket.recv(), timeout)
        assert isinstance(message, str), f"binary message from the server: {message!r}"
        element = ET.fromstring(message)  # fails unless exactly one namespace-complete element
        if self.sm_enabled and element.tag in (q("message", NS_CLIENT), q("presence", NS_CLIENT),
                                               q("iq", NS_CLIENT)):
            self.inbound += 1
        return element

    async def expect(self, tag: str, timeout: float = RECEIVE_TIMEOUT_S) -> ET.Element:
        """The next element named `tag`, answering <r/> on the way; fails on a stream error."""
        while True:
            element = await self.receive(timeout)
            if element.tag == tag:
                return element
            if element.tag == q("r", NS_SM):
                await self.send(f"<a xmlns='{NS_SM}' h='{self.inbound}'/>")
                continue
            assert element.tag != q("error", NS_STREAMS), f"stream error: {ET.tostring(element)}"

    async def open(self) -> ET.Element:
        """Opens (or restarts) the stream; the features."""
        await self.send(f"<open xmlns='{NS_FRAMING}' to='{self.server.domain}' version='1.0'/>")
        opened = await self.receive()
        assert opened.tag == q("open", NS_FRAMING), ET.tostring(opened)
        assert opened.get("from") == self.server.domain
        return await self.expect(q("features", NS_STREAMS))

    async def login(self, localpart: str, password: str) -> ET.Element:
        """SCRAM-SHA-1 (RFC 5802, no channel binding) and the restart; the new features."""
        features = await self.open()
        offered = [m.text for m in features.iter(q("mechanism", NS_SASL))]
        assert "SCRAM-SHA-1" in offered, offered
        nonce = base64.b64encode(secrets.token_bytes(18)).decode()
        first_bare = f"n={localpart},r={nonce}"
        initial = base64.b64encode(f"n,,{first_bare}".encode()).decode()
        await self.send(f"<auth xmlns='{NS_SASL}' mechanism='SCRAM-SHA-1'>{initial}</auth>")
        challenge = await self.expect(q("challenge", NS_SASL))
        server_first = base64.b64decode(challenge.text).decode()
        fields = dict(item.split("=", 1) for item in server_first.split(","))
        assert fields["r"].startswith(nonce)
        salted = hashlib.pbkdf2_hmac("sha1", password.encode(), base64.b64decode(fields["s"]),
                                     int(fields["i"]))
        client_key = hmac.new(salted, b"Client Key", hashlib.sha1).digest()
        stored_key = hashlib.sha1(client_key).digest()
        final_bare = f"c={base64.b64encode(b'n,,').decode()},r={fields['r']}"
        auth_message = f"{first_bare},{server_first},{final_bare}".encode()
        signature = hmac.new(stored_key, auth_message, hashlib.sha1).digest()
        proof = base64.b64encode(bytes(a ^ b for a, b in zip(client_key, signature))).decode()
        response = base64.b64encode(f"{final_bare},p={proof}".encode()).decode()
        await self.send(f"<response xmlns='{NS_SASL}'>{response}</response>")
        success = await self.receive()
        assert success.tag == q("success", NS_SASL), ET.tostring(success)
        server_key = hmac.new(salted, b"Server Key", hashlib.sha1).digest()
        verifier = base64.b64encode(hmac.new(server_key, auth_message, hashlib.sha1).digest())
        assert base64.b64decode(success.text).decode() == f"v={verifier.decode()}"
        return await self.open()  # RFC 7395 §3.5: the restart is a new <open/>

    async def bind(self, resource: str) -> str:
        await self.send(f"<iq xmlns='{NS_CLIENT}' type='set' id='bind'><bind xmlns='{NS_BIND}'>"
                        f"<resource>{resource}</resource></bind></iq>")
        result = await self.expect(q("iq", NS_CLIENT))
        assert result.get("type") == "result", ET.tostring(result)
        return result.find(f"{q('bind', NS_BIND)}/{q('jid', NS_BIND)}").text

    async def enable_resumption(self) -> str:
        await self.send(f"<enable xmlns='{NS_SM}' resume='true'/>")
        enabled = await self.expect(q("enabled", NS_SM))
        self.sm_enabled = True
        return enabled.get("id")

    async def next_message(self, timeout: float = RECEIVE_TIMEOUT_S) -> ET.Element:
        return await self.expect(q("message", NS_CLIENT), timeout)

    async def close(self) -> None:
        await self.socket.close()
