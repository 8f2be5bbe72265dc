"""Last Activity (XEP-0012): server uptime, and an account's time since its last
unavailable presence for the account itself and its presence subscribers."""

from __future__ import annotations

import asyncio

import pytest
from slixmpp.exceptions import IqError

from clients import REPLY_TIMEOUT_S
from roster_helpers import PASSWORD, make_mutual, online


async def last_activity(client, jid):
    reply = await client["xep_0012"].get_last_activity(jid, timeout=REPLY_TIMEOUT_S)
    return reply["last_activity"]


async def login(clients, server, jid, **options):
    client, seen = await online(server, clients, jid, **options)
    client.register_plugin("xep_0012")
    return client, seen


async def test_server_answers_its_uptime(server, clients):
    alice, _ = await login(clients, server, server.add_user("alice", PASSWORD) + "/phone")
    activity = await last_activity(alice, server.domain)
    assert int(activity["seconds"]) >= 0
    info = await alice["xep_0030"].get_info(jid=server.domain, timeout=REPLY_TIMEOUT_S)
    assert "jabber:iq:last" in info["disco_info"]["features"]


async def eventual_status(client, jid, expected):
    """Asks until the answer carries `expected` as status: recording runs beside
    routing, so the query may overtake it. Bounded; returns the activity."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + REPLY_TIMEOUT_S
    while True:
        activity = await last_activity(client, jid)
        if (activity["status"] or "") == expected:
            return activity
        assert loop.time() < deadline, f"status stayed {activity['status']!r}, wanted {expected!r}"
        await asyncio.sleep(0.05)


async def test_account_learns_its_own_last_unavailable_presence_with_status(server, clients):
    jid = server.add_user("alice", PASSWORD)
    phone, _ = await login(clients, server, jid + "/phone")
    # An available resource: active right now (XEP-0012 §4).
    assert int((await last_activity(phone, jid))["seconds"]) == 0

    phone.send_presence(ptype="unavailable", pstatus="gone fishing")
    await phone.barrier()
    # A second resource that never becomes available asks about its account.
    laptop, _ = await login(clients, server, jid + "/laptop", available=False)
    activity = await eventual_status(laptop, jid, "gone fishing")
    assert int(activity["seconds"]) >= 0


async def test_subscriber_may_ask_others_may_not(server, clients):
    alice_jid = server.add_user("alice", PASSWORD)
    bob_jid = server.add_user("bob", PASSWORD)
    carol_jid = server.add_user("carol", PASSWORD)
    alice, alice_seen = await login(clients, server, alice_jid + "/phone")
    bob, bob_seen = await login(clients, server, bob_jid + "/phone")
    carol, _ = await login(clients, server, carol_jid + "/phone")
    await make_mutual(alice, alice_seen, bob, bob_seen)
    assert int((await last_activity(bob, alice_jid))["seconds"]) == 0, "alice is online"

    alice.send_presence(ptype="unavailable", pstatus="sleeping")
    await alice.barrier()
    activity = await eventual_status(bob, alice_jid, "sleeping")
    assert int(activity["seconds"]) >= 0

    with pytest.raises(IqError) as refused:
        await last_activity(carol, alice_jid)
    assert refused.value.iq["error"]["condition"] == "forbidden"

    # A connection that ends without unavailable presence counts as going unavailable.
    alice.send_presence(pstatus="back")
    await alice.barrier()
    await alice.close()
    await bob_seen.presence("unavailable", alice.boundjid.full)
    await eventual_status(bob, alice_jid, "")


async def test_unknown_account_is_item_not_found(server, clients):
    # The Kontalk clients prune a contact on item-not-found, and only on that (spec §7.8).
    alice, _ = await login(clients, server, server.add_user("alice", PASSWORD) + "/phone")
    with pytest.raises(IqError) as refused:
        await last_activity(alice, server.jid("nobody"))
    assert refused.value.iq["error"]["condition"] == "item-not-found"
