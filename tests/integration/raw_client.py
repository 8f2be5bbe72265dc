"""A deliberately dumb XMPP client on a plain socket.

Client libraries refuse to send broken XML, so the malformed-input tests (RFC 6120
§4.9 stream errors) and the pre-TLS checks drive the wire by hand with this.
Every read has a deadline; a read that runs out of time or hits EOF before the
expected pattern fails with the bytes received so far.
"""

from __future__ import annotations

import base64
import re
import socket
import ssl
import time

NS_STREAMS = "http://etherx.jabber.org/streams"
NS_XMPP_STREAMS = "urn:ietf:params:xml:ns:xmpp-streams"
NS_TLS = "urn:ietf:params:xml:ns:xmpp-tls"
NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl"
NS_BIND = "urn:ietf:params:xml:ns:xmpp-bind"
READ_TIMEOUT_S = 10.0


def stream_header(domain: str) -> str:
    return (
        f"<?xml version='1.0'?><stream:stream to='{domain}' version='1.0' "
        f"xmlns='jabber:client' xmlns:stream='{NS_STREAMS}'>"
    )


def no_verify_context() -> ssl.SSLContext:
    """The server's certificate is self-signed (generated on first start)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class RawXmppConnection:
    """One TCP (optionally TLS) connection; text in, text out."""

    def __init__(
        self, host: str, port: int, domain: str, *, direct_tls: bool = False,
        source: str | None = None,
    ):
        """`source` binds the client's own address (any of 127.0.0.0/8 reaches the server)."""
        self.domain = domain
        self.sock: socket.socket = socket.create_connection(
            (host, port), timeout=READ_TIMEOUT_S,
            source_address=(source, 0) if source else None,
        )
        if direct_tls:
            self.sock = no_verify_context().wrap_socket(self.sock, server_hostname=domain)
        self.buffer = ""  # received but not yet consumed by a read_until
        self.transcript = ""  # everything received, for failure messages
        self.closed_by_peer = False

    def __enter__(self) -> "RawXmppConnection":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self.sock.close()

    def send(self, data: str | bytes) -> None:
        self.sock.sendall(data.encode() if isinstance(data, str) else data)

    def _receive_some(self, deadline: float) -> bool:
        """Read one chunk; False on EOF/reset. Raises TimeoutError past deadline."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        self.sock.settimeout(remaining)
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            raise TimeoutError from None
        except (ConnectionResetError, ssl.SSLError, BrokenPipeError):
            chunk = b""
        if not chunk:
            self.closed_by_peer = True
            return False
        text = chunk.decode("utf-8", errors="replace")
        self.buffer += text
        self.transcript += text
        return True

    def read_until(self, pattern: str, timeout: float = READ_TIMEOUT_S) -> str:
        """Consume and return the input up to the end of the first regex match."""
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern, re.S)
        while True:
            match = regex.search(self.buffer)
            if match:
                consumed, self.buffer = self.buffer[: match.end()], self.buffer[match.end() :]
                return consumed
            try:
                if not self._receive_some(deadline):
                    raise AssertionError(
                        f"connection closed before /{pattern}/; received:\n{self.transcript}"
                    )
            except TimeoutError:
                raise AssertionError(
                    f"no /{pattern}/ within {timeout} s; received:\n{self.transcript}"
                ) from None

    def read_until_closed(self, timeout: float = READ_TIMEOUT_S) -> str:
        """Consume everything until the peer closes; fails if it stays open."""
        deadline = time.monotonic() + timeout
        try:
            while self._receive_some(deadline):
                pass
        except TimeoutError:
            raise AssertionError(
                f"server did not close the connection within {timeout} s; received:\n"
                f"{self.transcript}"
            ) from None
        consumed, self.buffer = self.buffer, ""
        return consumed

    # --- protocol steps (RFC 6120 §4, §5, §6, §7) -------------------------------

    def open_stream(self) -> str:
        """Send the stream header; return the features the server offers."""
        self.send(stream_header(self.domain))
        return self.read_until(r"</stream:features>|<stream:features[^>]*/>")

    def starttls(self, *, restart: bool = True) -> str:
        """RFC 6120 §5.4: <starttls/>, <proceed/>, TLS handshake, stream restart.

        With restart=False the caller sends the new stream header itself (e.g. a
        broken one); returns the features after the restart otherwise.
        """
        self.send(f"<starttls xmlns='{NS_TLS}'/>")
        self.read_until(r"<proceed[^>]*>")
        assert not self.buffer, f"data after <proceed/> before TLS: {self.buffer!r}"
        self.sock = no_verify_context().wrap_socket(self.sock, server_hostname=self.domain)
        return self.open_stream() if restart else ""

    def try_plain(self, localpart: str, password: str) -> str:
        """One SASL PLAIN attempt (RFC 4616); returns the <success/> or <failure/> received."""
        token = base64.b64encode(f"\0{localpart}\0{password}".encode()).decode()
        self.send(f"<auth xmlns='{NS_SASL}' mechanism='PLAIN'>{token}</auth>")
        return self.read_until(r"<success[^>]*?(/>|</success>)|</failure>|<failure[^>]*/>")

    def authenticate_plain(self, localpart: str, password: str) -> str:
        """RFC 6120 §6 with PLAIN; returns the features after restart."""
        outcome = self.try_plain(localpart, password)
        assert "<success" in outcome, f"SASL PLAIN failed: {outcome}"
        return self.open_stream()

    def bind(self, resource: str) -> str:
        """RFC 6120 §7: bind a resource; returns the full JID the server assigned."""
        self.send(
            f"<iq type='set' id='bind1'><bind xmlns='{NS_BIND}'>"
            f"<resource>{resource}</resource></bind></iq>"
        )
        reply = self.read_until(r"<iq[^>]*id=['\"]bind1['\"].*?</iq>")
        match = re.search(r"<jid>([^<]+)</jid>", reply)
        assert match, f"bind did not return a JID: {reply}"
        return match.group(1)

    def login(self, localpart: str, password: str, resource: str = "raw") -> str:
        """STARTTLS + PLAIN + bind on a fresh connection; returns the full JID."""
        self.open_stream()
        self.starttls()
        self.authenticate_plain(localpart, password)
        return self.bind(resource)


def stream_error_condition(received: str) -> str | None:
    """The condition element name of the first stream error in `received`."""
    error = re.search(r"<(?:stream:)?error\b.*?(?:</(?:stream:)?error>|$)", received, re.S)
    if not error:
        return None
    condition = re.search(
        r"<([a-z-]+)\b[^>]*xmlns=['\"]" + re.escape(NS_XMPP_STREAMS), error.group(0)
    )
    return condition.group(1) if condition else None
