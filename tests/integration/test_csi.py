"""Client State Indication (XEP-0352): while a session is inactive the server holds
back presence updates and chat states, delivers messages with a body at once, and
flushes what it held when the session is active again."""

from __future__ import annotations

import asyncio

from slixmpp.xmlstream import ET
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath

from clients import LOGIN_TIMEOUT_S, REPLY_TIMEOUT_S

PASSWORD = "secret"
NS_CHATSTATES = "http://jabber.org/protocol/chatstates"


async def login_with_csi(clients, server, jid):
    """A slixmpp client with the XEP-0352 plugin, which sends the nonzas only
    when the server offered the <csi/> stream feature."""
    client = clients.start_slix(server, jid, PASSWORD)
    client.register_plugin("xep_0352")
    await asyncio.wait_for(asyncio.shield(client.session_started), LOGIN_TIMEOUT_S)
    assert client["xep_0352"].enabled, "the server did not offer <csi xmlns='urn:xmpp:csi:0'/>"
    # slixmpp's "message" event skips messages without a body; chat states have none.
    client.presences = asyncio.Queue()
    client.all_messages = asyncio.Queue()
    for name, queue in (("presence", client.presences), ("message", client.all_messages)):
        client.register_handler(
            Callback(f"test {name}", MatchXPath(f"{{jabber:client}}{name}"), queue.put_nowait)
        )
    return client


async def next_from(queue, client, what):
    try:
        return await asyncio.wait_for(queue.get(), REPLY_TIMEOUT_S)
    except asyncio.TimeoutError:
        raise AssertionError(f"{client.boundjid} received no {what}") from None


async def next_presence(client):
    return await next_from(client.presences, client, "presence")


async def next_message(client):
    """The next message of any kind, chat states included."""
    return await next_from(client.all_messages, client, "message")


def send_chat_state(sender, to, state):
    message = sender.make_message(mto=to, mtype="chat")
    message.append(ET.Element(f"{{{NS_CHATSTATES}}}{state}"))
    message.send()


def chat_state_of(message):
    for child in message.xml:
        if child.tag.startswith(f"{{{NS_CHATSTATES}}}"):
            return child.tag.split("}", 1)[1]
    return None


async def go_inactive(client):
    client["xep_0352"].send_inactive()
    await client.barrier()  # the nonza was handled before the ping


async def go_active(client):
    client["xep_0352"].send_active()
    await client.barrier()  # what was held was delivered before the ping reply


async def test_inactive_session_gets_messages_at_once_but_presence_only_when_active(server, clients):
    alice = await clients.slix(server, server.add_user("alice", PASSWORD) + "/phone", PASSWORD)
    bob = await login_with_csi(clients, server, server.add_user("bob", PASSWORD) + "/phone")
    await go_inactive(bob)

    alice.send_presence(pto=bob.boundjid.full, pstatus="first")
    alice.send_presence(pto=bob.boundjid.full, pstatus="latest")
    alice.send_message(mto=bob.boundjid.full, mbody="urgent", mtype="chat")

    received = await next_message(bob)
    assert received["body"] == "urgent"
    # alice's stanzas reach bob in the order she sent them: had the presences not
    # been held, they would have arrived before the message.
    assert bob.presences.empty(), f"presence reached an inactive session: {bob.presences.get_nowait()}"

    await go_active(bob)
    presence = await next_presence(bob)
    assert presence["from"] == alice.boundjid
    assert presence["status"] == "latest", "only the newest presence per contact is kept"
    assert bob.presences.empty(), "an older presence of the same contact was delivered too"


async def test_chat_states_are_held_and_superseded_by_a_message(server, clients):
    alice = await clients.slix(server, server.add_user("alice", PASSWORD) + "/phone", PASSWORD)
    bob = await login_with_csi(clients, server, server.add_user("bob", PASSWORD) + "/phone")
    await go_inactive(bob)

    send_chat_state(alice, bob.boundjid.full, "composing")
    send_chat_state(alice, bob.boundjid.full, "paused")
    await alice.barrier()
    await bob.barrier()
    assert bob.all_messages.empty(), "a chat state reached an inactive session"
    await go_active(bob)
    assert chat_state_of(await next_message(bob)) == "paused"
    assert bob.all_messages.empty(), "the superseded chat state was delivered too"

    # A message with a body makes the chat state held before it meaningless.
    await go_inactive(bob)
    send_chat_state(alice, bob.boundjid.full, "composing")
    alice.send_message(mto=bob.boundjid.full, mbody="done typing", mtype="chat")
    assert (await next_message(bob))["body"] == "done typing"
    await go_active(bob)
    assert bob.all_messages.empty(), "a chat state older than the message was delivered after it"


async def test_held_stanzas_over_the_limit_are_flushed(make_server, clients):
    server = make_server({"modules.csi": {"max_held": 2}})
    alice = await clients.slix(server, server.add_user("alice", PASSWORD) + "/phone", PASSWORD)
    carol = await clients.slix(server, server.add_user("carol", PASSWORD) + "/phone", PASSWORD)
    bob = await login_with_csi(clients, server, server.add_user("bob", PASSWORD) + "/phone")
    await go_inactive(bob)

    alice.send_presence(pto=bob.boundjid.full, pstatus="alice")
    send_chat_state(alice, bob.boundjid.full, "composing")
    await alice.barrier()
    carol.send_presence(pto=bob.boundjid.full, pstatus="carol")

    # The third held stanza exceeds max_held = 2: everything goes out, in order,
    # although bob is still inactive.
    assert (await next_presence(bob))["status"] == "alice"
    assert chat_state_of(await next_message(bob)) == "composing"
    assert (await next_presence(bob))["status"] == "carol"
