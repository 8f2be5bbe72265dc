"""Presence subscriptions and presence (RFC 6121 §3-4) between local users, and the local half
of a subscription to a contact on another domain."""

from __future__ import annotations

from roster_helpers import PASSWORD, item_of, make_mutual, online, roster_items


async def test_full_subscription_dance(server, clients):
    alice_jid = server.add_user("alice", PASSWORD)
    bob_jid = server.add_user("bob", PASSWORD)
    alice, alice_seen = await online(server, clients, alice_jid + "/phone")
    bob, bob_seen = await online(server, clients, bob_jid + "/laptop", status="at work")

    # §3.1.2: alice asks; her roster shows the pending request.
    alice.send_presence(pto=bob_jid, ptype="subscribe")
    item = item_of(await alice_seen.push(bob_jid), bob_jid)
    assert (item["subscription"], item["ask"]) == ("none", "subscribe"), item
    # §3.1.3: bob is asked, by alice's bare JID.
    request = await bob_seen.presence("subscribe", alice_jid)
    assert request["from"].full == alice_jid, f"not stamped with the bare JID: {request}"

    # §3.1.4/§3.1.5: bob approves; both rosters change; alice gets bob's presence.
    bob.send_presence(pto=alice_jid, ptype="subscribed")
    await bob_seen.push(alice_jid, subscription="from")
    await alice_seen.presence("subscribed", bob_jid)
    item = item_of(await alice_seen.push(bob_jid), bob_jid)
    assert item["subscription"] == "to" and not item["ask"], item
    presence = await alice_seen.presence("available", bob.boundjid.full)
    assert presence["status"] == "at work"

    # The other direction: both.
    bob.send_presence(pto=alice_jid, ptype="subscribe")
    await alice_seen.presence("subscribe", bob_jid)
    alice.send_presence(pto=bob_jid, ptype="subscribed")
    await alice_seen.push(bob_jid, subscription="both")
    await bob_seen.push(alice_jid, subscription="both")
    await bob_seen.presence("available", alice.boundjid.full)

    # §4.4.2: later broadcasts reach the subscribed contact.
    bob.send_presence(pstatus="in a meeting")
    update = await alice_seen.presence("available", bob.boundjid.full)
    assert update["status"] == "in a meeting"

    # §3.3: alice unsubscribes from bob: alice has 'from', bob 'to'; alice sees bob go away.
    alice.send_presence(pto=bob_jid, ptype="unsubscribe")
    await alice_seen.push(bob_jid, subscription="from")
    await bob_seen.presence("unsubscribe", alice_jid)
    await bob_seen.push(alice_jid, subscription="to")
    await alice_seen.presence("unavailable", bob.boundjid.full)

    # §3.2: alice cancels bob's subscription to her presence: none left either way.
    alice.send_presence(pto=bob_jid, ptype="unsubscribed")
    await alice_seen.push(bob_jid, subscription="none")
    await bob_seen.presence("unsubscribed", alice_jid)
    await bob_seen.push(alice_jid, subscription="none")
    await bob_seen.presence("unavailable", alice.boundjid.full)

    # No subscription left: a broadcast reaches nobody.
    alice.send_presence(pstatus="alone")
    await bob_seen.no_presence("available", alice.boundjid.full)


async def test_pre_approval_answers_the_later_subscribe(server, clients):
    alice_jid = server.add_user("alice", PASSWORD)
    bob_jid = server.add_user("bob", PASSWORD)
    alice, alice_seen = await online(server, clients, alice_jid)
    bob, bob_seen = await online(server, clients, bob_jid)

    # §3.4: bob approves before being asked: recorded, not routed to alice.
    bob.send_presence(pto=alice_jid, ptype="subscribed")
    item = item_of(await bob_seen.push(alice_jid), alice_jid)
    assert item["subscription"] == "none" and item["approved"] in (True, "true"), item
    await alice_seen.no_presence("subscribed", bob_jid)

    # alice's later request is answered by the server; bob is never asked.
    alice.send_presence(pto=bob_jid, ptype="subscribe")
    await alice_seen.presence("subscribed", bob_jid)
    await bob_seen.push(alice_jid, subscription="from")
    assert (await roster_items(alice))[bob_jid]["subscription"] == "to"
    await alice_seen.presence("available", bob.boundjid.full)
    await bob_seen.no_presence("subscribe", alice_jid)


async def test_subscription_request_to_offline_user_is_delivered_at_next_login(server, clients):
    alice_jid = server.add_user("alice", PASSWORD)
    bob_jid = server.add_user("bob", PASSWORD)
    alice, alice_seen = await online(server, clients, alice_jid)

    alice.send_presence(pto=bob_jid, ptype="subscribe")
    assert item_of(await alice_seen.push(bob_jid), bob_jid)["ask"] == "subscribe"

    # §3.1.3: stored while bob is offline, delivered when he becomes available ...
    bob, bob_seen = await online(server, clients, bob_jid + "/first")
    await bob_seen.presence("subscribe", alice_jid)
    await bob.close()
    # ... and again at each login until he answers.
    bob, bob_seen = await online(server, clients, bob_jid + "/second")
    await bob_seen.presence("subscribe", alice_jid)
    bob.send_presence(pto=alice_jid, ptype="subscribed")
    await alice_seen.presence("subscribed", bob_jid)
    await bob.close()
    bob, bob_seen = await online(server, clients, bob_jid + "/third")
    await bob_seen.no_presence("subscribe", alice_jid)


async def test_subscription_to_unknown_account_is_unsubscribed(server, clients):
    alice_jid = server.add_user("alice", PASSWORD)
    alice, alice_seen = await online(server, clients, alice_jid)
    alice.send_presence(pto="nobody@localhost", ptype="subscribe")
    await alice_seen.presence("unsubscribed", "nobody@localhost")
    asked = item_of(await alice_seen.push("nobody@localhost"), "nobody@localhost")
    assert asked["ask"] == "subscribe", asked
    # §3.2.3: the unsubscribed answer ends the pending request.
    item = item_of(await alice_seen.push("nobody@localhost"), "nobody@localhost")
    assert item["subscription"] == "none" and not item["ask"], item


async def test_initial_presence_probes_contacts_and_is_broadcast(server, clients):
    alice_jid = server.add_user("alice", PASSWORD)
    bob_jid = server.add_user("bob", PASSWORD)
    alice, alice_seen = await online(server, clients, alice_jid + "/phone")
    bob, bob_seen = await online(server, clients, bob_jid + "/laptop", status="reading")
    await make_mutual(alice, alice_seen, bob, bob_seen)

    # A new resource of alice: its initial presence reaches bob (§4.2.2) and the server's
    # probe brings bob's current presence to the new resource (§4.3.2).
    tablet, tablet_seen = await online(server, clients, alice_jid + "/tablet", status="hello")
    answer = await tablet_seen.presence("available", bob.boundjid.full)
    assert answer["status"] == "reading"
    broadcast = await bob_seen.presence("available", tablet.boundjid.full)
    assert broadcast["status"] == "hello"

    # A non-contact learns nothing (§4.2.2 only goes to subscribers).
    carol, carol_seen = await online(server, clients, server.add_user("carol", PASSWORD))
    tablet.send_presence(pstatus="again")
    await bob_seen.presence("available", tablet.boundjid.full)
    await carol_seen.no_presence("available", tablet.boundjid.full)


async def test_unavailable_presence_on_disconnect(server, clients):
    alice_jid = server.add_user("alice", PASSWORD)
    bob_jid = server.add_user("bob", PASSWORD)
    alice, alice_seen = await online(server, clients, alice_jid + "/phone")
    bob, bob_seen = await online(server, clients, bob_jid)
    await make_mutual(alice, alice_seen, bob, bob_seen)

    # The stream ends without unavailable presence: the server sends it (§4.5.2 / §4.6.3).
    alice.abort()
    await bob_seen.presence("unavailable", alice_jid + "/phone")


async def test_probe_of_offline_contact_gets_last_unavailable_presence(server, clients):
    alice_jid = server.add_user("alice", PASSWORD)
    bob_jid = server.add_user("bob", PASSWORD)
    alice, alice_seen = await online(server, clients, alice_jid)
    bob, bob_seen = await online(server, clients, bob_jid)
    await make_mutual(alice, alice_seen, bob, bob_seen)
    await bob.close()

    alice.send_presence(ptype="unavailable", pstatus="gone fishing")
    await alice.barrier()
    await alice.close()

    bob, bob_seen = await online(server, clients, bob_jid)
    last = await bob_seen.presence("unavailable", alice_jid)
    assert last["from"].full == alice_jid, f"not from the bare JID: {last}"
    assert last["status"] == "gone fishing"
    delay = last.xml.find("{urn:xmpp:delay}delay")
    assert delay is not None and delay.get("stamp"), f"no XEP-0203 delay: {last}"


async def test_directed_presence_target_learns_of_disconnect(server, clients):
    alice_jid = server.add_user("alice", PASSWORD)
    carol_jid = server.add_user("carol", PASSWORD)
    alice, _ = await online(server, clients, alice_jid + "/phone")
    carol, carol_seen = await online(server, clients, carol_jid + "/desk")

    # §4.6: carol is no contact; directed presence still reaches her ...
    alice.send_presence(pto=carol.boundjid.full, pstatus="psst")
    directed = await carol_seen.presence("available", alice_jid + "/phone")
    assert directed["status"] == "psst"
    # ... and she is told when alice goes offline (§4.6.3).
    alice.abort()
    await carol_seen.presence("unavailable", alice_jid + "/phone")


async def test_probe_from_non_subscriber_is_not_answered(server, clients):
    alice_jid = server.add_user("alice", PASSWORD)
    mallory_jid = server.add_user("mallory", PASSWORD)
    await online(server, clients, alice_jid + "/phone")
    mallory, mallory_seen = await online(server, clients, mallory_jid)
    mallory.send_presence(pto=alice_jid, ptype="probe")
    await mallory_seen.no_presence("available", alice_jid + "/phone")
    await mallory_seen.no_presence("unavailable", alice_jid)


async def test_subscription_to_a_remote_contact_is_recorded(server, clients):
    """RFC 6121 §3.1.2 for a contact on another server: the roster records the pending request
    (before federation it was left out, so a later `subscribed` from that server would have
    been ignored as unrequested) and the stanza goes to the router for that server; with no
    link to it here it bounces (an error presence to a bare JID is dropped, RFC 6121 §8.5.2)."""
    alice_jid = server.add_user("alice", PASSWORD)
    alice, alice_seen = await online(server, clients, alice_jid + "/phone")
    contact = "carol@elsewhere.test"
    alice.send_presence(pto=contact, ptype="subscribe")
    item = item_of(await alice_seen.push(contact), contact)
    assert (item["subscription"], item["ask"]) == ("none", "subscribe"), item
    stored = (await roster_items(alice))[contact]
    assert (stored["subscription"], stored["ask"]) == ("none", "subscribe"), stored
