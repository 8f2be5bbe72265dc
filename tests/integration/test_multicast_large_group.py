"""Kontalk group messages (spec §8.1): the Android client sends one message to
multicast@DOMAIN with a type='to' address per member (KontalkGroupController). Groups of a
few hundred members exist, so 500 addresses must pass with the default configuration; and a
group keeps members whose accounts are gone (nothing removes them), whose copies must not
cost the sender its connection."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from android_client import (
    NS_E2E,
    AndroidAccount,
    AndroidClient,
    certified_account,
    encrypted_for,
    q,
    stanza_error,
    to_xml,
)
from android_roster import online
from kontalk_identity import jid_for_phone
from kontalk_server import KontalkServer

MEMBERS = 500
ACCOUNT_CREATORS = 4  # kontalkctl processes at a time


def group_of(online_members: list[AndroidAccount], others: list[str]) -> list[str]:
    """The online members first, in the middle and last; the others between them."""
    members = list(others)
    members.insert(0, online_members[0].jid)
    members.insert(MEMBERS // 2, online_members[1].jid)
    members.append(online_members[2].jid)
    assert len(members) == MEMBERS
    return members


def other_members(server: KontalkServer) -> list[str]:
    return [jid_for_phone(f"+1555600{index:04d}", server.domain) for index in range(MEMBERS - 3)]


def create_accounts(server: KontalkServer, jids: list[str]) -> None:
    """Accounts for the offline members (kontalkctl user add, a few at a time)."""
    def add(jid: str) -> None:
        result = server.ctl("user", "add", jid, stdin="unused password\n")
        assert result.returncode == 0, f"kontalkctl user add {jid}: {result.stderr}"

    with ThreadPoolExecutor(ACCOUNT_CREATORS) as pool:
        list(pool.map(add, jids))


def send_to_group(server, tmp_path, *, other_accounts_exist: bool):
    alice = certified_account(server, "+15555215554", tmp_path, android_style=False)
    online_members = [
        certified_account(server, phone, tmp_path, android_style=False)
        for phone in ("+15555215555", "+15555215556", "+15555215557")
    ]
    others = other_members(server)
    if other_accounts_exist:
        create_accounts(server, others)
    alice_phone = online(server, alice, smack_mechanisms=False)
    phones = [online(server, member, smack_mechanisms=False) for member in online_members]
    payload = encrypted_for("<message><body>hello everyone</body></message>", *online_members)
    group_id = alice_phone.group_message(group_of(online_members, others), payload)
    alice_phone.expect_all_acknowledged()
    for member, phone in zip(online_members, phones):
        copy = phone.message_from(alice.jid, f"the group message for member {member.jid}")
        assert copy.get("id") == group_id and copy.get("type") == "chat", to_xml(copy)[:400]
        assert copy.find(q("e2e", NS_E2E)) is not None, to_xml(copy)[:400]
    return alice_phone, phones, group_id


def refusals(sender: AndroidClient, group_id: str) -> list[str]:
    return [
        to_xml(e)[:300] for e in sender.inbox
        if e.tag == q("message") and e.get("type") == "error" and e.get("id") == group_id
        and stanza_error(e)[1] in ("not-acceptable", "policy-violation", "resource-constraint")
    ]


async def test_group_message_to_500_members_reaches_them(make_server, tmp_path):
    server = make_server({"limits": {"max_stanza_bytes": None}})  # the defaults throughout
    alice_phone, phones, group_id = send_to_group(server, tmp_path, other_accounts_exist=True)
    assert not refusals(alice_phone, group_id), f"the group message was refused: {refusals(alice_phone, group_id)}"
    for phone in [alice_phone, *phones]:
        phone.close_stream()


async def test_group_with_500_members_whose_accounts_are_gone_keeps_the_sender_connected(
    make_server, tmp_path
):
    """497 members without an account: whatever the server answers for them (XEP-0033 §4.4
    leaves it open), the sender, a phone reading slowly, stays connected."""
    server = make_server({"limits": {"max_stanza_bytes": None}})
    alice_phone, phones, group_id = send_to_group(server, tmp_path, other_accounts_exist=False)
    assert not refusals(alice_phone, group_id), f"the group message was refused: {refusals(alice_phone, group_id)}"
    assert alice_phone.ping_server().get("type") == "result"  # still connected
    for phone in [alice_phone, *phones]:
        phone.close_stream()
