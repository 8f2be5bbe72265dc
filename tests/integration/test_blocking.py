"""Blocking Command (XEP-0191): the block list, pushes, and what the server does
with stanzas between a user and the entities it blocks."""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET

import pytest
from slixmpp.exceptions import IqError
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath

from clients import REPLY_TIMEOUT_S
from im_helpers import MessageLog, error_condition, has_child

PASSWORD = "secret"
BLOCKING_ERRORS = "urn:xmpp:blocking:errors"
STANZA_ERRORS = "urn:ietf:params:xml:ns:xmpp-stanzas"


def refused_with(error: IqError, condition: str) -> bool:
    """By the raw XML: slixmpp 1.8 does not know every RFC 6120 condition
    (policy-violation reads as '')."""
    return has_child(error.iq["error"], STANZA_ERRORS, condition)


class PresenceLog:
    """Every <presence/> a client receives; `seen` keeps the ones next_from skipped."""

    def __init__(self, client):
        self.queue = asyncio.Queue()
        self.seen = []
        client.register_handler(
            Callback("test: every presence", MatchXPath("{jabber:client}presence"), self.queue.put_nowait)
        )

    async def next_from(self, jid, timeout=REPLY_TIMEOUT_S):
        """The next presence from `jid`; others before it go to `seen`."""
        while True:
            try:
                presence = await asyncio.wait_for(self.queue.get(), timeout)
            except asyncio.TimeoutError:
                raise AssertionError(f"no presence from {jid} within {timeout} s") from None
            if presence["from"] == jid:
                return presence
            self.seen.append(presence)

    def all_seen(self):
        while not self.queue.empty():
            self.seen.append(self.queue.get_nowait())
        return self.seen


async def login(clients, server, localpart, resource="phone", *, create=True):
    jid = server.add_user(localpart, PASSWORD) if create else server.jid(localpart)
    client = await clients.slix(server, f"{jid}/{resource}", PASSWORD)
    client.register_plugin("xep_0191")
    client.log = MessageLog(client)
    client.presences = PresenceLog(client)
    return client


async def blocklist(client):
    reply = await client["xep_0191"].get_blocked(timeout=REPLY_TIMEOUT_S)
    return {str(jid) for jid in reply["blocklist"]["items"]}


async def send_marker(sender, recipient):
    sender.send_message(mto=recipient.boundjid.full, mbody="marker", mtype="chat")
    await sender.barrier()


async def test_block_and_unblock_edit_the_list(server, clients):
    alice = await login(clients, server, "alice")
    assert await blocklist(alice) == set()
    await alice["xep_0191"].block(["bob@localhost", "spam.example"], timeout=REPLY_TIMEOUT_S)
    assert await blocklist(alice) == {"bob@localhost", "spam.example"}
    await alice["xep_0191"].unblock(["spam.example"], timeout=REPLY_TIMEOUT_S)
    assert await blocklist(alice) == {"bob@localhost"}
    await alice["xep_0191"].block(["carol@localhost"], timeout=REPLY_TIMEOUT_S)
    await alice["xep_0191"].unblock([], timeout=REPLY_TIMEOUT_S)  # empty: unblock all
    assert await blocklist(alice) == set()


async def test_changes_are_pushed_to_resources_that_asked_for_the_list(server, clients):
    phone = await login(clients, server, "alice")
    laptop = await login(clients, server, "alice", "laptop", create=False)
    pushes = asyncio.Queue()
    laptop.add_event_handler("blocked", pushes.put_nowait)
    laptop.add_event_handler("unblocked", pushes.put_nowait)
    await blocklist(laptop)

    await phone["xep_0191"].block(["bob@localhost"], timeout=REPLY_TIMEOUT_S)
    push = await asyncio.wait_for(pushes.get(), REPLY_TIMEOUT_S)
    assert {str(jid) for jid in push["block"]["items"]} == {"bob@localhost"}
    assert push["from"] in ("", laptop.boundjid.bare), push

    await phone["xep_0191"].unblock(["bob@localhost"], timeout=REPLY_TIMEOUT_S)
    push = await asyncio.wait_for(pushes.get(), REPLY_TIMEOUT_S)
    assert {str(jid) for jid in push["unblock"]["items"]} == {"bob@localhost"}


async def test_blocked_contact_cannot_message_and_user_cannot_message_it(server, clients):
    alice = await login(clients, server, "alice")
    bob = await login(clients, server, "bob")
    carol = await login(clients, server, "carol")
    for client in (alice, bob):
        client.send_presence()
        await client.barrier()
    await alice["xep_0191"].block([bob.boundjid.bare], timeout=REPLY_TIMEOUT_S)

    # Inbound (XEP-0191 §3.5): dropped for alice, service-unavailable for bob.
    message = bob.make_message(mto=alice.boundjid.bare, mbody="let me in", mtype="chat")
    message["id"] = "blocked-in"
    message.send()
    error = await bob.log.next()
    assert error["id"] == "blocked-in" and error["type"] == "error"
    assert error_condition(error) == "service-unavailable"
    await send_marker(carol, alice)
    assert (await alice.log.next())["body"] == "marker", "a blocked contact's message arrived"

    # Outbound (XEP-0191 §3.6): not-acceptable with <blocked/>.
    message = alice.make_message(mto=bob.boundjid.full, mbody="hello?", mtype="chat")
    message["id"] = "blocked-out"
    message.send()
    error = await alice.log.next()
    assert error["id"] == "blocked-out" and error["type"] == "error"
    assert error_condition(error) == "not-acceptable"
    assert has_child(error["error"], BLOCKING_ERRORS, "blocked"), error
    await send_marker(carol, bob)
    assert (await bob.log.next())["body"] == "marker", "a message to a blocked contact arrived"

    # IQs from a blocked contact are refused too.
    with pytest.raises(IqError) as refused:
        await bob["xep_0030"].get_info(jid=alice.boundjid.full, timeout=REPLY_TIMEOUT_S)
    assert refused.value.iq["error"]["condition"] == "service-unavailable"

    await alice["xep_0191"].unblock([bob.boundjid.bare], timeout=REPLY_TIMEOUT_S)
    bob.send_message(mto=alice.boundjid.bare, mbody="finally", mtype="chat")
    assert (await alice.log.next())["body"] == "finally"


async def test_blocking_hides_presence(server, clients):
    alice = await login(clients, server, "alice")
    bob = await login(clients, server, "bob")
    alice.send_presence()
    await alice.barrier()
    bob.send_presence()
    await bob.barrier()
    # Directed presence reaches the other account while nothing is blocked.
    alice.send_presence(pto=bob.boundjid.bare, pstatus="hi bob")
    assert (await bob.presences.next_from(alice.boundjid))["status"] == "hi bob"

    await alice["xep_0191"].block([bob.boundjid.bare], timeout=REPLY_TIMEOUT_S)
    # XEP-0191 §3.3: the blocked contact sees alice's available resource go away.
    gone = await bob.presences.next_from(alice.boundjid)
    assert gone["type"] == "unavailable"

    # Bob's presence no longer reaches alice, alice's no longer reaches bob.
    bob.send_presence(pto=alice.boundjid.bare, pstatus="see me?")
    await bob.barrier()
    alice.send_presence(pto=bob.boundjid.bare, pstatus="see me?")
    await alice.barrier()
    carol = await login(clients, server, "carol")
    carol.send_presence(pto=alice.boundjid.bare, pstatus="marker")
    carol.send_presence(pto=bob.boundjid.bare, pstatus="marker")
    assert (await alice.presences.next_from(carol.boundjid))["status"] == "marker"
    assert (await bob.presences.next_from(carol.boundjid))["status"] == "marker"
    # Everything before the markers has arrived (each sender's stanzas stay in order and
    # the markers were sent after the barriers).
    assert not [p for p in alice.presences.all_seen() if p["from"] == bob.boundjid]
    assert not [p for p in bob.presences.all_seen() if p["from"] == alice.boundjid]


async def test_offline_messages_from_blocked_contacts_are_not_stored(server, clients):
    alice = await login(clients, server, "alice")
    await alice["xep_0191"].block(["bob@localhost"], timeout=REPLY_TIMEOUT_S)
    await alice.close()

    bob = await login(clients, server, "bob")
    message = bob.make_message(mto=alice.boundjid.bare, mbody="store me", mtype="chat")
    message["id"] = "offline-blocked"
    message.send()
    error = await bob.log.next()
    assert error["id"] == "offline-blocked" and error_condition(error) == "service-unavailable"
    carol = await login(clients, server, "carol")
    carol.send_message(mto=alice.boundjid.bare, mbody="from carol", mtype="chat")
    await carol.barrier()

    alice = await login(clients, server, "alice", create=False)
    alice.send_presence()
    first = await alice.log.next()
    assert first["body"] == "from carol", "the blocked contact's message was stored"


async def test_block_list_survives_restart(make_server, clients):
    server = make_server()
    alice = await login(clients, server, "alice")
    await alice["xep_0191"].block(["bob@localhost"], timeout=REPLY_TIMEOUT_S)
    await alice.close()
    server.stop()
    server.start()
    alice = await login(clients, server, "alice", create=False)
    assert await blocklist(alice) == {"bob@localhost"}


async def test_limits_on_items(make_server, clients):
    server = make_server({"modules.blocking": {"max_items": 3, "max_items_per_request": 2}})
    alice = await login(clients, server, "alice")
    with pytest.raises(IqError) as too_many:
        await alice["xep_0191"].block(["a@x.example", "b@x.example", "c@x.example"], timeout=REPLY_TIMEOUT_S)
    assert refused_with(too_many.value, "policy-violation"), too_many.value.iq
    await alice["xep_0191"].block(["a@x.example", "b@x.example"], timeout=REPLY_TIMEOUT_S)
    await alice["xep_0191"].block(["c@x.example", "a@x.example"], timeout=REPLY_TIMEOUT_S)
    with pytest.raises(IqError) as full:
        await alice["xep_0191"].block(["d@x.example"], timeout=REPLY_TIMEOUT_S)
    assert refused_with(full.value, "policy-violation"), full.value.iq
    assert await blocklist(alice) == {"a@x.example", "b@x.example", "c@x.example"}


async def test_malformed_jid_and_empty_block_are_refused(server, clients):
    alice = await login(clients, server, "alice")
    # slixmpp refuses to build an invalid JID, so the request is written by hand.
    request = alice.make_iq_set()
    request.append(ET.fromstring("<block xmlns='urn:xmpp:blocking'><item jid='a@b@c'/></block>"))
    with pytest.raises(IqError) as malformed:
        await request.send(timeout=REPLY_TIMEOUT_S)
    assert malformed.value.iq["error"]["condition"] == "jid-malformed"
    with pytest.raises(IqError) as empty:
        await alice["xep_0191"].block([], timeout=REPLY_TIMEOUT_S)
    assert empty.value.iq["error"]["condition"] == "bad-request"


async def test_server_advertises_blocking(server, clients):
    alice = await login(clients, server, "alice")
    info = await alice["xep_0030"].get_info(jid=server.domain, timeout=REPLY_TIMEOUT_S)
    assert "urn:xmpp:blocking" in info["disco_info"]["features"]


async def test_blocking_hides_presence_broadcasts_between_contacts(server, clients):
    from roster_helpers import make_mutual, online

    alice_jid, bob_jid, carol_jid = (server.add_user(name, PASSWORD) for name in ("alice", "bob", "carol"))
    alice, alice_seen = await online(server, clients, alice_jid + "/phone")
    bob, bob_seen = await online(server, clients, bob_jid + "/phone")
    carol, carol_seen = await online(server, clients, carol_jid + "/phone")
    for client in (alice, bob, carol):
        client.register_plugin("xep_0191")
        client.log = MessageLog(client)
        client.presences = PresenceLog(client)
    await make_mutual(alice, alice_seen, bob, bob_seen)
    await make_mutual(alice, alice_seen, carol, carol_seen)

    await alice["xep_0191"].block([bob_jid], timeout=REPLY_TIMEOUT_S)
    # XEP-0191 §3.3: bob sees alice go unavailable; from then on nothing of hers.
    while (await bob.presences.next_from(alice.boundjid))["type"] != "unavailable":
        pass  # earlier presences of alice (bounded: next_from times out)
    bob.presences.seen.clear()
    alice.presences.all_seen().clear()

    alice.send_presence(pstatus="only for carol")
    while (await carol.presences.next_from(alice.boundjid))["status"] != "only for carol":
        pass
    bob.send_presence(pstatus="not for alice")
    await bob.barrier()  # bob's broadcast has been routed
    # Markers after the broadcasts: whatever the broadcasts would have delivered is there.
    await send_marker(carol, bob)
    assert (await bob.log.next())["body"] == "marker"
    await send_marker(carol, alice)
    assert (await alice.log.next())["body"] == "marker"
    assert not [p for p in bob.presences.all_seen() if p["from"] == alice.boundjid]
    assert not [p for p in alice.presences.all_seen() if p["from"] == bob.boundjid]
