"""Kontalk group messages (spec §8.1): the Android client sends one message to
multicast@DOMAIN with a type='to' address per member (KontalkGroupController). Groups of a
few hundred members exist, so 500 addresses must pass with the default configuration."""

from __future__ import annotations

from android_client import (
    NS_E2E,
    certified_account,
    encrypted_for,
    q,
    stanza_error,
    to_xml,
)
from android_roster import online
from kontalk_identity import jid_for_phone

MEMBERS = 500


async def test_group_message_to_500_members_reaches_them(make_server, tmp_path):
    server = make_server({"limits": {"max_stanza_bytes": None}})  # the defaults throughout
    alice = certified_account(server, "+15555215554", tmp_path, android_style=False)
    online_members = [
        certified_account(server, phone, tmp_path, android_style=False)
        for phone in ("+15555215555", "+15555215556", "+15555215557")
    ]
    alice_phone = online(server, alice, smack_mechanisms=False)
    phones = [online(server, member, smack_mechanisms=False) for member in online_members]

    # The online members first, in the middle and last; the others registered elsewhere in
    # the address book but not online here (any account JID of the domain).
    members = [jid_for_phone(f"+1555600{index:04d}", server.domain) for index in range(MEMBERS)]
    members[0], members[MEMBERS // 2], members[-1] = (m.jid for m in online_members)
    payload = encrypted_for("<message><body>hello everyone</body></message>", *online_members)
    group_id = alice_phone.group_message(members, payload)
    alice_phone.expect_all_acknowledged()

    for member, phone in zip(online_members, phones):
        copy = phone.message_from(alice.jid, f"the group message for member {member.jid}")
        assert copy.get("id") == group_id and copy.get("type") == "chat", to_xml(copy)[:400]
        assert copy.find(q("e2e", NS_E2E)) is not None, to_xml(copy)[:400]
    refusals = [
        to_xml(e)[:300] for e in alice_phone.inbox
        if e.tag == q("message") and e.get("type") == "error" and e.get("id") == group_id
        and stanza_error(e)[1] in ("not-acceptable", "policy-violation", "resource-constraint")
    ]
    assert not refusals, f"the group message was refused: {refusals}"
    for phone in [alice_phone, *phones]:
        phone.close_stream()
