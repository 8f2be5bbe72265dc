"""Last Activity of an account (XEP-0012 §4) as the Android client uses it: SyncProcedure reads
`item-not-found` as "this account no longer exists" and unsubscribes; the chat screen shows
"last seen" from a result. So: an unknown account → item-not-found; a known account asked by
someone without a presence subscription to it → forbidden; by a subscriber → a result."""

from __future__ import annotations

from android_client import NS_LAST, certified_account, q, stanza_error, to_xml
from android_roster import make_mutual, online
from kontalk_identity import jid_for_phone

QUERY = f"<query xmlns='{NS_LAST}'/>"


async def test_last_activity_depends_on_existence_and_subscription(make_server, tmp_path):
    server = make_server()
    alice = certified_account(server, "+15555215554", tmp_path, android_style=False)
    bob = certified_account(server, "+15555215555", tmp_path, android_style=False)
    carol = certified_account(server, "+15555215556", tmp_path, android_style=False)
    alice_phone = online(server, alice, smack_mechanisms=False)
    bob_phone = online(server, bob, smack_mechanisms=False)
    carol_phone = online(server, carol, smack_mechanisms=False)
    make_mutual(alice_phone, bob_phone)
    bob_phone.close_stream()
    alice_phone.presence_from(bob.jid, "bob leaving", type_="unavailable")

    unknown = alice_phone.iq("get", QUERY, to=jid_for_phone("+15555215557", server.domain))
    assert stanza_error(unknown) == ("cancel", "item-not-found"), to_xml(unknown)

    stranger = carol_phone.iq("get", QUERY, to=bob.jid)
    assert stanza_error(stranger)[1] == "forbidden", to_xml(stranger)

    subscriber = alice_phone.iq("get", QUERY, to=bob.jid)
    assert subscriber.get("type") == "result", to_xml(subscriber)
    assert int(subscriber.find(q("query", NS_LAST)).get("seconds", "-1")) >= 0, to_xml(subscriber)
    alice_phone.close_stream()
    carol_phone.close_stream()
