"""A Kontalk media message carries its thumbnail inside the encrypted payload (XEP-0231 data
in the encrypted stanza), so one element's text reaches hundreds of KiB. With the default
limits a 512 KiB payload must pass end to end. (kontalk_server sets a smaller
max_stanza_bytes for every test server; this test removes it to get the server's default.)"""

from __future__ import annotations

import base64
import hashlib
import os

from android_client import NS_E2E, certified_account, q, to_xml
from android_roster import online

PAYLOAD_TEXT_BYTES = 512 * 1024  # characters of base64 in <e2e/>


async def test_message_with_a_512_kib_element_text_passes_with_the_defaults(make_server, tmp_path):
    server = make_server({"limits": {"max_stanza_bytes": None}})
    alice = certified_account(server, "+15555215554", tmp_path, android_style=False)
    bob = certified_account(server, "+15555215555", tmp_path, android_style=False)
    alice_phone = online(server, alice, smack_mechanisms=False)
    bob_phone = online(server, bob, smack_mechanisms=False)

    payload = os.urandom(PAYLOAD_TEXT_BYTES // 4 * 3)  # base64: exactly 512 KiB of text
    assert len(base64.b64encode(payload)) == PAYLOAD_TEXT_BYTES
    message_id = alice_phone.chat_message(bob.jid, e2e=payload)
    alice_phone.expect_all_acknowledged()

    delivered = bob_phone.message_from(alice.jid, "the 512 KiB message", timeout=30)
    assert delivered.get("id") == message_id, to_xml(delivered)[:300]
    e2e = delivered.find(q("e2e", NS_E2E))
    assert e2e is not None and e2e.text, "the payload is missing"
    received = base64.b64decode(e2e.text)
    assert hashlib.sha256(received).hexdigest() == hashlib.sha256(payload).hexdigest(), (
        f"payload changed on the way ({len(received)} bytes arrived)"
    )
    bob_phone.expect_ack_request_after(delivered)
    alice_phone.close_stream()
    bob_phone.close_stream()
