"""Message Carbons (XEP-0280): a user's carbons-enabled clients see the chats of
the user's other clients, sent and received."""

from __future__ import annotations

import asyncio

from slixmpp.xmlstream import ET
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath

from clients import REPLY_TIMEOUT_S

PASSWORD = "secret"
NS_CARBONS = "urn:xmpp:carbons:2"
NS_FORWARD = "urn:xmpp:forward:0"


async def login(clients, server, jid, *, carbons=False, priority=None):
    client = await clients.slix(server, jid, PASSWORD)
    client.register_plugin("xep_0280")
    # slixmpp's "message" event skips messages without a body, and carbons have none.
    client.all_messages = asyncio.Queue()
    client.register_handler(
        Callback("test message", MatchXPath("{jabber:client}message"), client.all_messages.put_nowait)
    )
    if carbons:
        await client["xep_0280"].enable(timeout=10)
    if priority is not None:
        client.send_presence(ppriority=priority)
        await client.barrier()
    return client


async def next_message(client):
    """The next message of any kind, carbons included."""
    try:
        return await asyncio.wait_for(client.all_messages.get(), REPLY_TIMEOUT_S)
    except asyncio.TimeoutError:
        raise AssertionError(f"{client.boundjid} received no message") from None


def carbon_body(message, direction):
    inner = message.xml.find(
        f"{{{NS_CARBONS}}}{direction}/{{{NS_FORWARD}}}forwarded/{{jabber:client}}message"
    )
    assert inner is not None, f"not a {direction} carbon: {message}"
    return inner.findtext("{jabber:client}body"), inner


async def test_server_advertises_carbons(server, clients):
    alice = await login(clients, server, server.add_user("alice", PASSWORD))
    info = await alice["xep_0030"].get_info(jid=server.domain, timeout=10)
    assert NS_CARBONS in info["disco_info"]["features"]


async def test_other_resource_gets_received_and_sent_carbons(server, clients):
    alice_jid = server.add_user("alice", PASSWORD)
    phone = await login(clients, server, alice_jid + "/phone")
    laptop = await login(clients, server, alice_jid + "/laptop", carbons=True)
    bob = await login(clients, server, server.add_user("bob", PASSWORD) + "/pc")

    bob.send_message(mto=phone.boundjid.full, mbody="to your phone", mtype="chat")
    assert (await next_message(phone))["body"] == "to your phone"
    carbon = await next_message(laptop)
    assert carbon["from"] == laptop.boundjid.bare
    body, inner = carbon_body(carbon, "received")
    assert body == "to your phone"
    assert inner.get("from") == bob.boundjid.full

    phone.send_message(mto=bob.boundjid.full, mbody="from my phone", mtype="chat")
    assert (await next_message(bob))["body"] == "from my phone"
    body, inner = carbon_body(await next_message(laptop), "sent")
    assert body == "from my phone"
    assert inner.get("to") == bob.boundjid.full


async def test_bare_jid_message_is_copied_only_to_resources_that_did_not_get_it(server, clients):
    alice_jid = server.add_user("alice", PASSWORD)
    high = await login(clients, server, alice_jid + "/high", carbons=True, priority=5)
    low = await login(clients, server, alice_jid + "/low", carbons=True, priority=1)
    bob = await login(clients, server, server.add_user("bob", PASSWORD) + "/pc")

    bob.send_message(mto=alice_jid, mbody="to the bare JID", mtype="chat")
    assert (await next_message(high))["body"] == "to the bare JID"
    body, _ = carbon_body(await next_message(low), "received")
    assert body == "to the bare JID"

    # The resource that got the message gets no carbon of it: the marker comes next.
    bob.send_message(mto=high.boundjid.full, mbody="marker", mtype="chat")
    assert (await next_message(high))["body"] == "marker"


async def test_private_messages_and_disabled_sessions_get_no_carbons(server, clients):
    alice_jid = server.add_user("alice", PASSWORD)
    phone = await login(clients, server, alice_jid + "/phone")
    laptop = await login(clients, server, alice_jid + "/laptop", carbons=True)
    bob = await login(clients, server, server.add_user("bob", PASSWORD) + "/pc")

    private = bob.make_message(mto=phone.boundjid.full, mbody="private", mtype="chat")
    private.append(ET.Element(f"{{{NS_CARBONS}}}private"))
    private.append(ET.Element("{urn:xmpp:hints}no-copy"))
    private.send()
    assert (await next_message(phone))["body"] == "private"

    await laptop["xep_0280"].disable(timeout=10)
    bob.send_message(mto=phone.boundjid.full, mbody="after disable", mtype="chat")
    assert (await next_message(phone))["body"] == "after disable"

    bob.send_message(mto=laptop.boundjid.full, mbody="marker", mtype="chat")
    first = await next_message(laptop)
    assert first["body"] == "marker", f"the laptop got a carbon it should not have: {first}"
