"""A real web client: converse.js in headless Chromium chats through kontalkd's WebSocket endpoint.

converse.js logs in over XMPP over WebSocket (RFC 7395: wss://…/xmpp-websocket on the `[http]`
listener, subprotocol `xmpp`, kontalkd's self-signed [tls] certificate pinned in Chromium), sends a
chat that a slixmpp user on the TCP c2s port receives, and shows that user's answer. The harness
(converse_browser.py) is checked against Prosody by test_browser_harness.py.

Until kontalkd has the endpoint the test skips, and only then: when `kontalkd --config-reference`
never mentions WebSocket AND the opening handshake to /xmpp-websocket is answered 404 (no route).
Any other answer than 101 fails the test, so once the endpoint exists the test runs by itself.
"""

from __future__ import annotations

import base64
import http.client
import os
import ssl
import subprocess

import pytest

from converse_browser import artifacts_dir, chat_round_trip
from kontalk_server import CTL_TIMEOUT_S, KontalkServer, binary

PASSWORD = "secret"
WEBSOCKET_PATH = "/xmpp-websocket"


def opening_handshake_status(server: KontalkServer) -> int:
    """The status kontalkd answers a WebSocket opening handshake for XMPP with (RFC 6455 §4.1,
    RFC 7395 §3.1): 101 when it switches protocols."""
    if server.config["http"].get("tls", True):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # the self-signed test certificate
        connection = http.client.HTTPSConnection(server.host, server.http_port, timeout=10,
                                                 context=context)
    else:
        connection = http.client.HTTPConnection(server.host, server.http_port, timeout=10)
    try:
        connection.request("GET", WEBSOCKET_PATH, headers={
            "Upgrade": "websocket",
            "Connection": "Upgrade",
            "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(),
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Protocol": "xmpp",
        })
        return connection.getresponse().status
    finally:
        connection.close()


def require_websocket_endpoint(server: KontalkServer) -> None:
    """Skip when this kontalkd build has no WebSocket endpoint at all; fail when it has one that
    does not accept the handshake."""
    status = opening_handshake_status(server)
    if status == 101:
        return
    reference = subprocess.run([str(binary("kontalkd")), "--config-reference"], check=True,
                               capture_output=True, text=True, timeout=CTL_TIMEOUT_S).stdout
    documented = "websocket" in reference.lower()
    if status == 404 and not documented:
        pytest.skip("this kontalkd has no XMPP-over-WebSocket endpoint: `kontalkd "
                    "--config-reference` never mentions WebSocket and GET /xmpp-websocket with "
                    "Upgrade: websocket was answered 404")
    pytest.fail(f"the WebSocket opening handshake to {WEBSOCKET_PATH} was answered {status}, not "
                f"101 (`kontalkd --config-reference` "
                f"{'mentions' if documented else 'does not mention'} WebSocket)")


async def test_converse_chats_with_tcp_user_over_websocket(server, clients, request, tmp_path):
    require_websocket_endpoint(server)
    alice = server.add_user("alice", PASSWORD)
    bob = server.add_user("bob", PASSWORD)
    on_tcp = await clients.slix(server, bob, PASSWORD)
    on_tcp.send_presence()  # a chat to the bare JID goes to an available resource (RFC 6121 §8.5.2)
    await on_tcp.barrier()
    seconds = await chat_round_trip(
        websocket_url=f"wss://{server.host}:{server.http_port}{WEBSOCKET_PATH}",
        certificate=server.data_dir / "tls" / "certificate.pem",
        jid=alice,
        password=PASSWORD,
        peer=on_tcp,
        artifacts=artifacts_dir(request, tmp_path / "artifacts"),
    )
    print(f"browser start to answer shown: {seconds:.1f} s")
