"""RFC 6121 §3.1.5 and §3.1.6: when a contact approves a subscription request, the requester
learns of the approval (the `subscribed` presence and the roster push that makes the contact
'to') before the contact's current presence arrives. The Android client files presence only
for roster entries it is subscribed to; a presence that overtakes the approval is lost to it.

Clients are the Android replay client (android_client) with OpenSSL-made bridge certificates,
so that this test is about presence routing, not certificate encoding."""

from __future__ import annotations

from android_client import certified_account, pubkey_print, to_xml
from android_roster import online, roster_push_for, subscribe_request_from

ROUNDS = 5  # different pairs of users: an ordering race shows on some of them


async def test_approval_reaches_the_requester_before_the_approvers_presence(make_server, tmp_path):
    server = make_server()
    for round_ in range(ROUNDS):
        requester = certified_account(server, f"+1555520{round_:02d}01", tmp_path, android_style=False)
        approver = certified_account(server, f"+1555520{round_:02d}02", tmp_path, android_style=False)
        asking = online(server, requester, smack_mechanisms=False)
        approving = online(server, approver, foreground=True, smack_mechanisms=False)

        asking.subscription(approver.jid, "subscribe")
        subscribe_request_from(approving, requester.jid, "the subscription request")
        approving.subscription(requester.jid, "subscribed")

        push = roster_push_for(asking, approver.jid, "to", "the approval")
        subscribed = asking.presence_from(approver.jid, "the approver's subscribed", type_="subscribed")
        presence = asking.presence_from(approver.jid, "the approver's current presence")
        order = [to_xml(e)[:120] for e in asking.received]
        assert asking.index_of(subscribed) < asking.index_of(presence), (
            f"round {round_}: the approver's presence overtook 'subscribed': {order}"
        )
        assert asking.index_of(push) < asking.index_of(presence), (
            f"round {round_}: the approver's presence overtook the roster push: {order}"
        )
        assert (pubkey_print(presence) or "").upper() == approver.fingerprint, to_xml(presence)
        asking.close_stream()
        approving.close_stream()
