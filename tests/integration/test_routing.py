"""Message routing between local users (RFC 6120 §10, RFC 6121 §8.5)."""

from __future__ import annotations

PASSWORD = "secret"


async def test_two_clients_exchange_messages_both_ways(server, clients):
    alice_jid = server.add_user("alice", PASSWORD)
    bob_jid = server.add_user("bob", PASSWORD)
    alice = await clients.slix(server, alice_jid + "/phone", PASSWORD)
    bob = await clients.slix(server, bob_jid + "/laptop", PASSWORD)

    alice.send_message(mto=bob.boundjid.full, mbody="hello bob", mtype="chat")
    received = await bob.next_message()
    assert received["body"] == "hello bob"
    assert received["type"] == "chat"
    # RFC 6120 §8.1.2.1: the server stamps the sender's full JID.
    assert received["from"] == alice.boundjid, f"from was {received['from']}"

    bob.send_message(mto=alice.boundjid.full, mbody="hello alice", mtype="chat")
    received = await alice.next_message()
    assert received["body"] == "hello alice"
    assert received["from"] == bob.boundjid, f"from was {received['from']}"


async def _available_alice_resources(server, clients, priorities):
    """Log in alice once per priority and make each resource available with it."""
    jid = server.add_user("alice", PASSWORD)
    resources = []
    for index, priority in enumerate(priorities):
        resource = await clients.slix(server, f"{jid}/r{index}", PASSWORD)
        resource.send_presence(ppriority=priority)
        await resource.barrier()  # the presence has been processed
        resources.append(resource)
    return jid, resources


async def test_message_to_bare_jid_goes_only_to_highest_priority_resource(server, clients):
    alice_jid, (high, low) = await _available_alice_resources(server, clients, [5, 1])
    bob = await clients.slix(server, server.add_user("bob", PASSWORD), PASSWORD)

    bob.send_message(mto=alice_jid, mbody="to the bare JID", mtype="chat")
    # A marker sent afterwards straight to the low-priority resource: when it
    # arrives, the bare-JID message would already have arrived there too if the
    # server had (wrongly) delivered it, because bob's stanzas are routed in order.
    bob.send_message(mto=low.boundjid.full, mbody="marker", mtype="chat")

    received = await high.next_message()
    assert received["body"] == "to the bare JID"
    first_at_low = await low.next_message()
    assert first_at_low["body"] == "marker", (
        "the priority-1 resource got the bare-JID message although a priority-5 one was available"
    )


async def test_message_to_bare_jid_goes_to_all_resources_sharing_highest_priority(server, clients):
    alice_jid, resources = await _available_alice_resources(server, clients, [5, 5])
    bob = await clients.slix(server, server.add_user("bob", PASSWORD), PASSWORD)

    bob.send_message(mto=alice_jid, mbody="to both", mtype="chat")

    for resource in resources:
        received = await resource.next_message()
        assert received["body"] == "to both", f"{resource.boundjid} got {received}"
