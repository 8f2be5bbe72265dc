"""The Kontalk Android client's first minutes against kontalkd, replayed wire step by wire step.

Three users register with the real registration flow (spec §4) using bridge certificates made
exactly like the client's X509Bridge (SHA1withRSA, notAfter = notBefore, Bouncy Castle's
xmppAddr otherName), log in with SASL EXTERNAL (the only mechanism Smack 4.3 could use with
them), and then do what MessageCenterService, SyncProcedure and the UI do: roster, presence,
discovery, the server's key, roster match, subscriptions with keys, encrypted chat messages
with receipts, CSI, a group message to multicast@DOMAIN, offline delivery, last activity and
pings. android_client.AndroidClient says where each step comes from in the client.

Asserted on the server's answers: exactly what the client needs to carry on (replies from the
address asked, stream management counts, `<r/>` after messages, `<print/>` in presence, the
order of a subscription approval, `<delay/>` on offline messages, type 'chat' kept).
"""

from __future__ import annotations

import base64
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pgpy
import pytest

from android_client import (
    NS_ADDRESS,
    NS_BLOCKING,
    NS_DELAY,
    NS_DISCO_INFO,
    NS_E2E,
    NS_KONTALK_ROSTER,
    NS_LAST,
    NS_PUBKEY,
    NS_RECEIPTS,
    AndroidAccount,
    AndroidClient,
    encrypted_for,
    fingerprint_of_block,
    key_of,
    pubkey_print,
    q,
    register_android,
    stanza_error,
    to_xml,
)
from android_roster import roster_items, roster_push_for
from kontalk_identity import (
    android_bridge_certificate,
    fingerprint,
    jid_for_phone,
    make_key,
    public_binary,
    server_key,
)
from kontalk_server import KontalkServer

CODE = "246810"
ALICE_PHONE = "+15555215554"
BOB_PHONE = "+15555215555"
CAROL_PHONE = "+15555215556"
NOT_REGISTERED_PHONE = "+15555215557"


def android_server(make_server) -> KontalkServer:
    return make_server(
        {"modules.register": {"provider": "fixed", "fixed_code": CODE, "throttle_ip": "off",
                              "throttle_phone": "off", "throttle_prefix": "off"}}
    )


def register(server: KontalkServer, phone: str, tmp_path: Path, name: str) -> AndroidAccount:
    account = register_android(server, phone, CODE, tmp_path / name, name=name)
    # RegistrationService's login test: connectOnce(key, loginTest=true), then disconnect.
    with AndroidClient(server, account) as login_test:
        login(login_test)
    return account


def login(phone: AndroidClient) -> None:
    """XMPPConnectionHelper.connectOnce + login(), asserting that the server offers only
    EXTERNAL to a client with a certificate: Smack 4.3 prefers SCRAM-SHA-1 (and others) to
    EXTERNAL and would try it with no user name."""
    phone.connect()
    assert phone.mechanisms() == ["EXTERNAL"], f"offered to a certificate: {phone.mechanisms()}"
    phone.authenticate()
    phone.bind()


def features_of(disco_info: ET.Element) -> set[str]:
    return {f.get("var") for f in disco_info.iter(q("feature", NS_DISCO_INFO))}


def assert_subscription_request_carries_key(request: ET.Element, sender: AndroidAccount) -> None:
    """Spec §5: the server adds the requester's key and fingerprint to a subscribe."""
    pubkey = request.find(q("pubkey", NS_PUBKEY))
    assert pubkey is not None, f"subscribe without <pubkey/>: {to_xml(request)}"
    key = pubkey.find(q("key", NS_PUBKEY))
    assert key is not None and key.text, f"subscribe without <key/>: {to_xml(request)}"
    assert fingerprint_of_block(base64.b64decode(key.text)) == sender.fingerprint
    assert (pubkey_print(request) or "").upper() == sender.fingerprint, to_xml(request)


def assert_every_contact_presence_has_print(client: AndroidClient, accounts: list[AndroidAccount]) -> None:
    """Spec §0: every available and unavailable presence from a contact carries the
    contact's current fingerprint (PresenceListener fetches the key when it changes)."""
    prints = {account.jid: account.fingerprint for account in accounts}
    own = client.bare_jid
    for element in client.received:
        if element.tag != q("presence") or element.get("type") not in (None, "unavailable"):
            continue
        sender = (element.get("from") or "").split("/")[0]
        if sender == own or sender not in prints:
            continue
        assert (pubkey_print(element) or "").upper() == prints[sender], (
            f"{client.name} got a presence of {sender} without its fingerprint "
            f"{prints[sender]}: {to_xml(element)}"
        )


def assert_live_message(message: ET.Element, sender: AndroidClient, message_id: str,
                        payload: bytes, *, receipt_request: bool) -> None:
    assert message.get("type") == "chat", f"MessageListener ignores non-chat: {to_xml(message)}"
    assert message.get("id") == message_id, to_xml(message)
    assert message.get("from") == sender.full_jid, to_xml(message)
    e2e = message.find(q("e2e", NS_E2E))
    assert e2e is not None and base64.b64decode(e2e.text or "") == payload, to_xml(message)[:500]
    assert (message.find(q("request", NS_RECEIPTS)) is not None) == receipt_request, to_xml(message)[:500]


async def test_android_clients_first_minutes(make_server, tmp_path):
    server = android_server(make_server)
    alice = register(server, ALICE_PHONE, tmp_path, "Alice")
    bob = register(server, BOB_PHONE, tmp_path, "Bob")
    carol = register(server, CAROL_PHONE, tmp_path, "Carol")
    accounts = [alice, bob, carol]
    server_print = fingerprint(server_key(server.data_dir))

    # Bob's phone: the message center starts in the background.
    bob_phone = AndroidClient(server, bob)
    login(bob_phone)
    replies = bob_phone.start_session(foreground=False)
    assert replies["roster"].get("type") == "result", to_xml(replies["roster"])
    assert not roster_items(replies["roster"]), "a new account has an empty roster"
    features = features_of(replies["disco#info"])
    for feature in (NS_ADDRESS, NS_PUBKEY, NS_LAST, NS_BLOCKING):
        assert feature in features, f"disco#info of the domain lacks {feature}: {sorted(features)}"
    assert fingerprint_of_block(key_of(replies["server key"])) == server_print

    # Alice's phone: just registered, the app is in the foreground.
    alice_phone = AndroidClient(server, alice)
    login(alice_phone)
    alice_phone.start_session(foreground=True)

    # SyncProcedure: one roster match for the address book, hashed, with our own domain.
    book = [jid_for_phone(phone, server.domain) for phone in (BOB_PHONE, CAROL_PHONE, NOT_REGISTERED_PHONE)]
    items = "".join(f"<item jid='{jid}'/>" for jid in book)
    match = alice_phone.iq("get", f"<query xmlns='{NS_KONTALK_ROSTER}'>{items}</query>",
                           to=f"probe@{server.domain}")
    if match.get("type") == "result":
        matched = {item.get("jid") for item in match.iter(q("item", NS_KONTALK_ROSTER))}
        assert matched == {bob.jid, carol.jid}, f"roster match answered {sorted(matched)}"
    # then the sync asks the keys of the roster (empty) and our own, and the block list.
    own_key = alice_phone.public_key(alice.jid)
    assert fingerprint_of_block(key_of(own_key)) == alice.fingerprint
    blocklist = alice_phone.iq("get", f"<blocklist xmlns='{NS_BLOCKING}'/>")
    assert blocklist.get("type") == "result", to_xml(blocklist)

    # Alice opens a chat with Bob: no roster entry, so the client subscribes (ComposeMessage
    # Fragment.onNoUserPresence; the pre-approval event it also posts has no handler).
    alice_phone.subscription(bob.jid, "subscribe")
    roster_push_for(alice_phone, bob.jid, "none", "alice's subscribe")
    request = bob_phone.expect(
        lambda e: e.tag == q("presence") and e.get("type") == "subscribe", "alice's subscribe"
    )
    assert (request.get("from") or "").split("/")[0] == alice.jid, to_xml(request)
    assert_subscription_request_carries_key(request, alice)

    # Bob taps the invitation: the app comes to the foreground (CSI active, available
    # presence), he accepts (MessageCenterService.setUserPrivacy ACCEPT: subscribed, subscribe).
    bob_phone.csi("active")
    bob_phone.presence(away=False)
    bob_phone.subscription(alice.jid, "subscribed")
    bob_phone.subscription(alice.jid, "subscribe")

    # RFC 6121 §3.1.5, §3.1.6: Alice learns of the approval before she sees Bob's presence.
    push = roster_push_for(alice_phone, bob.jid, "to", "bob's approval")
    subscribed = alice_phone.presence_from(bob.jid, "bob's subscribed", type_="subscribed")
    bob_available = alice_phone.presence_from(bob.jid, "bob's presence after approving")
    assert alice_phone.index_of(push) < alice_phone.index_of(bob_available), (
        "bob's presence reached alice before the roster push of the approval"
    )
    assert alice_phone.index_of(subscribed) < alice_phone.index_of(bob_available), (
        "bob's presence reached alice before his subscribed"
    )
    assert (pubkey_print(bob_available) or "").upper() == bob.fingerprint, to_xml(bob_available)
    # PresenceListener: a fingerprint with no key stored yet, so the client fetches the key.
    assert fingerprint_of_block(key_of(alice_phone.public_key(bob.jid))) == bob.fingerprint

    # Bob's subscribe reaches Alice; her roster entry is 'to', so she approves at once
    # (PresenceListener.isAlreadyTrusted; Smack's Roster answers 'subscribed').
    bob_request = alice_phone.presence_from(bob.jid, "bob's subscribe", type_="subscribe")
    assert_subscription_request_carries_key(bob_request, bob)
    alice_phone.subscription(bob.jid, "subscribed")
    roster_push_for(alice_phone, bob.jid, "both", "alice approving bob")
    roster_push_for(bob_phone, alice.jid, "both", "alice's approval")
    bob_phone.presence_from(alice.jid, "alice's subscribed", type_="subscribed")
    alice_available = bob_phone.presence_from(alice.jid, "alice's presence after approving")
    assert (pubkey_print(alice_available) or "").upper() == alice.fingerprint, to_xml(alice_available)

    # An encrypted chat message with a receipt request (MessageCenterService.sendMessage).
    payload = encrypted_for("<message><body>hi bob</body></message>", bob)
    first_id = alice_phone.chat_message(bob.jid, e2e=payload)
    alice_phone.expect_all_acknowledged()  # MessageAckListener: marked sent on the server's <a/>
    delivered = bob_phone.message_from(alice.jid, "alice's first message")
    assert_live_message(delivered, alice_phone, first_id, payload, receipt_request=True)
    assert delivered.find(q("delay", NS_DELAY)) is None, "a live message carries <delay/>"
    bob_phone.expect_ack_request_after(delivered)
    bob_phone.receipt(delivered.get("from"), first_id)
    bob_phone.expect_all_acknowledged()
    receipt = alice_phone.message_from(bob.jid, "bob's receipt")
    received = receipt.find(q("received", NS_RECEIPTS))
    assert received is not None and received.get("id") == first_id, to_xml(receipt)
    assert receipt.get("type") == "chat", to_xml(receipt)
    alice_phone.expect_ack_request_after(receipt)

    # Bob's screen goes off (IdleConnectionHandler: CSI inactive, away). A message with a body
    # still reaches him at once (spec §6).
    bob_phone.csi("inactive")
    bob_phone.presence(away=True)
    payload = encrypted_for("<message><body>still there?</body></message>", bob)
    second_id = alice_phone.chat_message(bob.jid, e2e=payload)
    delivered = bob_phone.message_from(alice.jid, "alice's message while bob is inactive")
    assert_live_message(delivered, alice_phone, second_id, payload, receipt_request=True)
    bob_phone.expect_ack_request_after(delivered)
    bob_phone.receipt(delivered.get("from"), second_id)
    alice_phone.message_from(bob.jid, "bob's second receipt")

    # Carol is offline. Alice creates a group with Bob and Carol: one message to
    # multicast@DOMAIN, the group command inside the encrypted payload, no receipt request.
    group_payload = encrypted_for(
        "<message><group xmlns='http://kontalk.org/extensions/message#group' id='g1' "
        f"owner='{alice.jid}' type='create'><subject>Lunch</subject></group></message>",
        bob, carol,
    )
    group_id = alice_phone.group_message([bob.jid, carol.jid], group_payload)
    alice_phone.expect_all_acknowledged()
    copy = bob_phone.message_from(alice.jid, "the group message")
    assert_live_message(copy, alice_phone, group_id, group_payload, receipt_request=False)
    bob_phone.expect_ack_request_after(copy)
    # ... and a 1:1 message to Carol, who is offline.
    payload_to_carol = encrypted_for("<message><body>welcome carol</body></message>", carol)
    carol_message_id = alice_phone.chat_message(carol.jid, e2e=payload_to_carol)
    alice_phone.expect_all_acknowledged()

    # Carol's phone starts: both messages arrive with <delay/>, in order, still 'chat'.
    carol_phone = AndroidClient(server, carol)
    login(carol_phone)
    carol_phone.start_session(foreground=False)
    stored_group = carol_phone.message_from(alice.jid, "the group message, from offline storage")
    stored_chat = carol_phone.message_from(alice.jid, "alice's message, from offline storage")
    assert stored_group.get("id") == group_id and stored_chat.get("id") == carol_message_id, (
        f"offline messages out of order: {stored_group.get('id')}, {stored_chat.get('id')}"
    )
    for stored, payload, receipt_request in ((stored_group, group_payload, False),
                                             (stored_chat, payload_to_carol, True)):
        assert_live_message(stored, alice_phone, stored.get("id"), payload,
                            receipt_request=receipt_request)
        delay = stored.find(q("delay", NS_DELAY))
        assert delay is not None and delay.get("stamp"), f"no <delay/>: {to_xml(stored)[:400]}"
        carol_phone.expect_ack_request_after(stored)
    carol_phone.receipt(stored_chat.get("from"), carol_message_id)
    carol_phone.expect_all_acknowledged()
    receipt = alice_phone.message_from(carol.jid, "carol's receipt")
    assert receipt.find(q("received", NS_RECEIPTS)).get("id") == carol_message_id

    # Bob's message center shuts down (idle): Alice sees him go, with his fingerprint, and
    # asks when he was last seen (ComposeMessageFragment: LastActivityRequest).
    bob_phone.close_stream()
    gone = alice_phone.presence_from(bob.jid, "bob going offline", type_="unavailable")
    assert (pubkey_print(gone) or "").upper() == bob.fingerprint, to_xml(gone)
    last = alice_phone.iq("get", f"<query xmlns='{NS_LAST}'/>", to=bob.jid)
    assert last.get("type") == "result", to_xml(last)
    assert int(last.find(q("query", NS_LAST)).get("seconds", "-1")) >= 0, to_xml(last)
    # SyncProcedure reads item-not-found as "this account is gone" (XEP-0012, spec §7.8).
    nobody = alice_phone.iq("get", f"<query xmlns='{NS_LAST}'/>",
                            to=jid_for_phone(NOT_REGISTERED_PHONE, server.domain))
    assert stanza_error(nobody)[1] == "item-not-found", to_xml(nobody)

    # The adaptive ping manager pings the server; the client answers the server's pings.
    assert alice_phone.ping_server().get("type") == "result"

    for phone in (alice_phone, carol_phone, bob_phone):
        assert_every_contact_presence_has_print(phone, accounts)
    alice_phone.close_stream()
    carol_phone.close_stream()


async def test_roster_match_answers_the_registered_contacts(make_server, tmp_path):
    """SyncProcedure's roster match (spec §7.4): the matches among the address book, from
    probe@DOMAIN (Smack drops a reply from elsewhere), with the request's id."""
    server = android_server(make_server)
    alice = register(server, ALICE_PHONE, tmp_path, "Alice")
    bob = register(server, BOB_PHONE, tmp_path, "Bob")
    with AndroidClient(server, alice) as phone:
        login(phone)
        phone.start_session(foreground=True)
        book = [jid_for_phone(p, server.domain) for p in (BOB_PHONE, NOT_REGISTERED_PHONE)]
        items = "".join(f"<item jid='{jid}'/>" for jid in book)
        reply = phone.iq("get", f"<query xmlns='{NS_KONTALK_ROSTER}'>{items}</query>",
                         to=f"probe@{server.domain}")
        assert reply.get("type") == "result", f"roster match refused: {to_xml(reply)}"
        matched = [item.get("jid") for item in reply.iter(q("item", NS_KONTALK_ROSTER))]
        assert matched == [bob.jid], f"roster match answered {matched}"


@pytest.mark.parametrize("name_count", [1, 2])
def test_android_certificate_is_what_x509bridge_makes(tmp_path, name_count):
    """The test's certificate has the client's encodings (so that the replay proves something
    about the real client): checked with openssl on the DER it wrote."""
    jid = jid_for_phone(ALICE_PHONE, "localhost")
    key = make_key(jid)
    if name_count == 2:
        key.add_uid(pgpy.PGPUID.new("Second", email=jid_for_phone(BOB_PHONE, "localhost")),
                    selfsign=True)
    certificate, _ = android_bridge_certificate(key, public_binary(key), tmp_path)
    text = subprocess.run(["openssl", "x509", "-in", str(certificate), "-noout", "-text"],
                          capture_output=True, text=True, timeout=30, check=True).stdout
    assert "Signature Algorithm: sha1WithRSAEncryption" in text
    assert "Serial Number: 1 (0x1)" in text
    not_before = next(line for line in text.splitlines() if "Not Before" in line).split(": ", 1)[1]
    not_after = next(line for line in text.splitlines() if "Not After" in line).split(": ", 1)[1]
    assert not_before == not_after, "a key that never expires: notAfter = notBefore"
    assert "X509v3 Basic Constraints: critical\n                CA:TRUE" in text
    assert "X509v3 Key Usage: critical" in text
    assert "Netscape Cert Type" in text
    der = subprocess.run(["openssl", "x509", "-in", str(certificate), "-outform", "DER"],
                         capture_output=True, timeout=30, check=True).stdout
    other_name = bytes.fromhex("06082b06010505070805") + b"\x0c" + bytes([len(jid)]) + jid.encode()
    assert b"\xa0" + bytes([len(other_name)]) + other_name in der, "no implicitly tagged xmppAddr"
    assert der.count(b"\x06\x08\x2b\x06\x01\x05\x05\x07\x08\x05") == name_count
    assert public_binary(key) in der, "the keyring is not in the certificate"
