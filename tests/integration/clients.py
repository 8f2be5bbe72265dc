"""Real XMPP client libraries (slixmpp, aioxmpp), set up for a test server.

Both libraries are pointed at the test server's loopback port, accept its
self-signed certificate and can be forced onto one SASL mechanism. Every wait
here is bounded so a silent server fails a test instead of hanging it.
"""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

import aioxmpp
import aioxmpp.connector
import aioxmpp.security_layer
import aioxmpp.xso
import slixmpp

from kontalk_server import KontalkServer

LOGIN_TIMEOUT_S = 15.0
REPLY_TIMEOUT_S = 10.0


class SlixClient(slixmpp.ClientXMPP):
    """slixmpp client that records what happened to it in futures and a queue."""

    def __init__(self, jid: str, password: str, *, mechanism: str | None):
        super().__init__(jid, password, sasl_mech=mechanism)
        # Self-signed test certificate: check_hostname must be off before CERT_NONE.
        self.ssl_context.check_hostname = False
        self.ssl_context.verify_mode = ssl.CERT_NONE
        for plugin in ("xep_0030", "xep_0092", "xep_0199", "xep_0202"):
            self.register_plugin(plugin)
        loop = asyncio.get_running_loop()
        self.session_started: asyncio.Future[None] = loop.create_future()
        self.auth_failed: asyncio.Future[Any] = loop.create_future()
        self.stream_errors: asyncio.Queue[Any] = asyncio.Queue()
        self.messages: asyncio.Queue[Any] = asyncio.Queue()
        self.closed = asyncio.Event()
        self.add_event_handler("session_start", self._handle_session_start)
        self.add_event_handler("failed_auth", self._handle_failed_auth)
        self.add_event_handler("stream_error", self.stream_errors.put_nowait)
        self.add_event_handler("message", self.messages.put_nowait)
        self.add_event_handler("disconnected", self._handle_disconnected)
        self.add_event_handler("connection_failed", self._handle_connection_failed)
        self.add_event_handler("failed_all_auth", self._handle_failed_all_auth)
        self.failure_reason = ""

    async def get_dns_records(self, domain: str, port: int | None = None) -> list:
        # slixmpp 1.8.3 resolves the JID's domain and uses port 5222 even when
        # connect() got an explicit address; keep it on the test server's port.
        return [(domain, self.address[0], self.address[1])]

    def _handle_session_start(self, _event: Any) -> None:
        if not self.session_started.done():
            self.session_started.set_result(None)

    def _handle_failed_auth(self, failure: Any) -> None:
        if not self.auth_failed.done():
            self.auth_failed.set_result(failure)

    def _handle_failed_all_auth(self, _event: Any) -> None:
        offered = sorted(self["feature_mechanisms"].mech_list)
        wanted = self["feature_mechanisms"].use_mech
        self.failure_reason = f" (SASL: wanted {wanted}, server offered {offered})"

    def _handle_disconnected(self, reason: Any) -> None:
        self.closed.set()
        for future in (self.session_started, self.auth_failed):
            if not future.done():
                future.set_exception(ConnectionError(f"disconnected: {reason}{self.failure_reason}"))
                # A test awaits one outcome, not both; keep asyncio from logging
                # the other one as an unretrieved exception.
                future.exception()

    def _handle_connection_failed(self, error: Any) -> None:
        self._handle_disconnected(f"connection failed: {error}")
        # Stop slixmpp from retrying forever with back-off.
        self.cancel_connection_attempt()

    async def next_message(self, timeout: float = REPLY_TIMEOUT_S) -> Any:
        try:
            return await asyncio.wait_for(self.messages.get(), timeout)
        except asyncio.TimeoutError:
            raise AssertionError(f"{self.boundjid} received no message within {timeout} s") from None

    async def barrier(self) -> None:
        """Ping the server: once it answers, everything we sent before was processed.

        A server handles one stream's stanzas in order (RFC 6120 §10.1), so this is a
        deterministic way to wait for e.g. a presence to take effect.
        """
        await self['xep_0199'].send_ping(self.boundjid.domain, timeout=REPLY_TIMEOUT_S)

    async def close(self) -> None:
        if self.transport is not None:
            try:
                await asyncio.wait_for(self.disconnect(wait=2), 5)
            except asyncio.TimeoutError:
                self.abort()
        self.cancel_connection_attempt()
        # slixmpp never ends its outgoing-filter task by itself; without this the
        # test's event loop closes under it and asyncio prints a warning.
        if self._run_out_filters is not None:
            self._run_out_filters.cancel()


def start_slixmpp(
    server: KontalkServer,
    jid: str,
    password: str,
    *,
    mechanism: str | None = "SCRAM-SHA-256",
    direct_tls: bool = False,
) -> SlixClient:
    """Create a client and start connecting; await one of its futures next."""
    client = SlixClient(jid, password, mechanism=mechanism)
    port = server.direct_tls_port if direct_tls else server.starttls_port
    client.connect(address=(server.host, port), use_ssl=direct_tls, force_starttls=not direct_tls)
    return client


async def login_slixmpp(
    server: KontalkServer, jid: str, password: str, **options: Any
) -> SlixClient:
    """Connect and wait for session_start; fails the test with the reason if not."""
    client = start_slixmpp(server, jid, password, **options)
    try:
        await asyncio.wait_for(asyncio.shield(client.session_started), LOGIN_TIMEOUT_S)
    except asyncio.TimeoutError:
        await client.close()
        raise AssertionError(f"slixmpp login of {jid} timed out after {LOGIN_TIMEOUT_S} s") from None
    except ConnectionError as error:
        raise AssertionError(f"slixmpp login of {jid} failed: {error}") from None
    return client


# --- aioxmpp -----------------------------------------------------------------


def aioxmpp_client(
    server: KontalkServer,
    jid: str,
    password: str,
    *,
    direct_tls: bool = False,
) -> aioxmpp.Client:
    """An aioxmpp client that tries the test server once, without cert checks.

    One SASL attempt only: with aioxmpp's default of three, a wrong password ends
    in its own "authentication aborted by user" error instead of the server's
    condition (RFC 6120 §6.5), which is what the tests assert on.
    """

    async def password_provider(_jid: aioxmpp.JID, attempt: int) -> str | None:
        return password if attempt == 0 else None

    security_layer = aioxmpp.make_security_layer(password, no_verify=True)._replace(
        sasl_providers=(
            aioxmpp.security_layer.PasswordSASLProvider(password_provider, max_auth_attempts=1),
        )
    )
    if direct_tls:
        peer = (server.host, server.direct_tls_port, aioxmpp.connector.XMPPOverTLSConnector())
    else:
        peer = (server.host, server.starttls_port, aioxmpp.connector.STARTTLSConnector())
    return aioxmpp.Client(
        aioxmpp.JID.fromstr(jid),
        security_layer,
        override_peer=[peer],
        max_initial_attempts=1,
    )


async def login_aioxmpp(client: aioxmpp.Client) -> None:
    """Start the client and wait until the stream is established (bound)."""
    established = asyncio.get_running_loop().create_future()
    client.on_stream_established.connect(established, client.on_stream_established.AUTO_FUTURE)
    client.on_failure.connect(established, client.on_failure.AUTO_FUTURE)
    client.start()
    try:
        await asyncio.wait_for(established, LOGIN_TIMEOUT_S)
    except asyncio.TimeoutError:
        client.stop()
        raise AssertionError(
            f"aioxmpp login of {client.local_jid} timed out after {LOGIN_TIMEOUT_S} s"
        ) from None


async def stop_aioxmpp(client: aioxmpp.Client) -> None:
    if not client.running:
        return
    stopped = asyncio.get_running_loop().create_future()
    client.on_stopped.connect(stopped, client.on_stopped.AUTO_FUTURE)
    client.on_failure.connect(stopped, client.on_failure.AUTO_FUTURE)
    client.stop()
    try:
        await asyncio.wait_for(stopped, 5)
    except Exception:  # the stream is gone either way, which is all we want here
        pass


# Payloads aioxmpp has no class for. Registering them lets tests send IQs with
# them and parse the replies.


@aioxmpp.IQ.as_payload_class
class EntityTime(aioxmpp.xso.XSO):
    """XEP-0202 §3 <time xmlns='urn:xmpp:time'>."""

    TAG = ("urn:xmpp:time", "time")
    tzo = aioxmpp.xso.ChildText(("urn:xmpp:time", "tzo"), default=None)
    utc = aioxmpp.xso.ChildText(("urn:xmpp:time", "utc"), default=None)


UNKNOWN_NAMESPACE = "urn:example:kontalk-test:no-such-feature"


@aioxmpp.IQ.as_payload_class
class UnknownQuery(aioxmpp.xso.XSO):
    """A payload no server implements, to provoke service-unavailable."""

    TAG = (UNKNOWN_NAMESPACE, "query")
