"""SIGTERM is a graceful shutdown: open streams are closed properly, exit code 0."""

from __future__ import annotations

import asyncio

from clients import REPLY_TIMEOUT_S
from kontalk_server import SHUTDOWN_TIMEOUT_S
from raw_client import RawXmppConnection

PASSWORD = "secret"


def test_sigterm_closes_unauthenticated_streams_and_exits_zero(server):
    with RawXmppConnection(server.host, server.starttls_port, server.domain) as plain, \
            RawXmppConnection(server.host, server.starttls_port, server.domain) as tls, \
            RawXmppConnection(server.host, server.direct_tls_port, server.domain,
                              direct_tls=True) as direct:
        plain.open_stream()
        tls.open_stream()
        tls.starttls()
        direct.open_stream()

        server.terminate()

        for name, raw in (("plain", plain), ("starttls", tls), ("direct TLS", direct)):
            remaining = raw.read_until_closed(timeout=SHUTDOWN_TIMEOUT_S)
            # RFC 6120 §4.4: the closing side sends </stream:stream> before closing TCP.
            assert "</stream:stream>" in remaining, (
                f"{name} stream closed without </stream:stream>; received:\n{raw.transcript}"
            )
    exit_code = server.wait_exit()
    assert exit_code == 0, f"kontalkd exited with {exit_code}\n{server.log_tail()}"


async def test_sigterm_disconnects_authenticated_client_and_exits_zero(server, clients):
    alice = await clients.slix(server, server.add_user("alice", PASSWORD), PASSWORD)

    server.terminate()

    await asyncio.wait_for(alice.closed.wait(), SHUTDOWN_TIMEOUT_S + REPLY_TIMEOUT_S)
    exit_code = await asyncio.to_thread(server.wait_exit)
    assert exit_code == 0, f"kontalkd exited with {exit_code}\n{server.log_tail()}"
