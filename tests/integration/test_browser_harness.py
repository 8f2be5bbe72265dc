"""The browser harness itself (converse_browser.py) against Prosody 0.12's mod_websocket.

This tests no kontalkd code. It runs the scenario of test_browser_converse.py (converse.js in
headless Chromium logs in over WebSocket, chats with a slixmpp user on TCP both ways) against a
WebSocket server known to work, so that when the kontalkd test fails, this one says whether the
harness (page, browser, certificate pinning, DOM waits) or kontalkd is at fault.
"""

from __future__ import annotations

from converse_browser import artifacts_dir, chat_round_trip
from federation_certs import self_signed
from federation_peers import ProsodyPeer

DOMAIN = "p.test"
PASSWORD = "secret"


async def test_converse_chats_over_prosody_websocket(tmp_path, clients, request):
    certificate = self_signed(tmp_path / "certs", DOMAIN)
    prosody = ProsodyPeer(tmp_path / "prosody", DOMAIN, certificate, secure=False, websocket=True)
    alice = prosody.register("alice", PASSWORD)
    bob = prosody.register("bob", PASSWORD)
    prosody.start()
    try:
        on_tcp = await clients.slix(prosody, bob, PASSWORD, mechanism="PLAIN")
        on_tcp.send_presence()  # Prosody drops chat to an account with no available resource
        await on_tcp.barrier()
        seconds = await chat_round_trip(
            websocket_url=f"wss://{prosody.host}:{prosody.https_port}/xmpp-websocket",
            certificate=certificate.certificate,
            jid=alice,
            password=PASSWORD,
            peer=on_tcp,
            artifacts=artifacts_dir(request, tmp_path / "artifacts"),
        )
        print(f"browser start to answer shown: {seconds:.1f} s")
    finally:
        prosody.stop()
