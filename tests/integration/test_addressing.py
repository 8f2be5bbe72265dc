"""Extended Stanza Addressing (XEP-0033): the server is a multicast service at its
domain and at multicast@DOMAIN (where Kontalk clients send group messages)."""

from __future__ import annotations

import pytest
from slixmpp.xmlstream import ET

PASSWORD = "secret"
NS_ADDRESS = "http://jabber.org/protocol/address"


async def login(clients, server, localpart):
    client = await clients.slix(server, server.add_user(localpart, PASSWORD) + "/phone", PASSWORD)
    client.register_plugin("xep_0033")
    # Copies go to the recipients' bare JIDs: only available resources get them live.
    client.send_presence()
    await client.barrier()
    return client


def addresses_of(message):
    block = message.xml.find(f"{{{NS_ADDRESS}}}addresses")
    assert block is not None, f"no <addresses/> in {message}"
    return [dict(address.attrib) for address in block]


async def test_server_advertises_the_multicast_service(server, clients):
    alice = await login(clients, server, "alice")
    info = await alice["xep_0030"].get_info(jid=server.domain, timeout=10)
    assert NS_ADDRESS in info["disco_info"]["features"]


@pytest.mark.parametrize("service", ["multicast@{domain}", "{domain}"])
async def test_one_message_with_three_addresses_reaches_three_users_and_nobody_sees_bcc(
    server, clients, service
):
    alice = await login(clients, server, "alice")
    bob, carol, dave = [await login(clients, server, name) for name in ("bob", "carol", "dave")]

    message = alice.make_message(
        mto=service.format(domain=server.domain), mbody="hello group", mtype="chat"
    )
    message["addresses"].add_address(atype="to", jid=bob.boundjid.bare)
    message["addresses"].add_address(atype="cc", jid=carol.boundjid.bare)
    message["addresses"].add_address(atype="bcc", jid=dave.boundjid.bare)
    message["addresses"].add_address(atype="replyto", jid=alice.boundjid.bare)
    message["addresses"].add_address(atype="noreply")
    message.send()

    for recipient in (bob, carol, dave):
        received = await recipient.next_message()
        assert received["body"] == "hello group"
        assert received["from"] == alice.boundjid
        assert received["to"].bare == recipient.boundjid.bare
        addresses = addresses_of(received)
        types = sorted(address.get("type") for address in addresses)
        assert types == ["cc", "noreply", "replyto", "to"], f"{recipient.boundjid}: {addresses}"
        block = received.xml.find(f"{{{NS_ADDRESS}}}addresses")
        assert "dave" not in ET.tostring(block, encoding="unicode"), (
            f"{recipient.boundjid} can see the bcc: {received}"
        )
        for address in addresses:
            expected = "true" if address["type"] in ("to", "cc") else None
            assert address.get("delivered") == expected, address


async def test_too_many_addresses_are_refused_and_nobody_gets_the_message(make_server, clients):
    server = make_server({"modules.addressing": {"max_addresses": 3}})
    alice = await login(clients, server, "alice")
    bob = await login(clients, server, "bob")

    message = alice.make_message(mto=f"multicast@{server.domain}", mbody="too many", mtype="chat")
    for index in range(3):
        message["addresses"].add_address(atype="to", jid=f"user{index}@{server.domain}")
    message["addresses"].add_address(atype="to", jid=bob.boundjid.bare)
    message.send()

    error = await alice.next_message()
    assert error["type"] == "error"
    assert error["error"]["condition"] == "not-acceptable"
    alice.send_message(mto=bob.boundjid.full, mbody="marker", mtype="chat")
    assert (await bob.next_message())["body"] == "marker", "bob got the refused multicast"


async def test_message_to_multicast_without_addresses_is_a_bad_request(server, clients):
    alice = await login(clients, server, "alice")
    alice.send_message(mto=f"multicast@{server.domain}", mbody="to whom?", mtype="chat")
    error = await alice.next_message()
    assert error["type"] == "error"
    assert error["error"]["condition"] == "bad-request"


async def test_multicast_respects_the_senders_block_list(server, clients):
    """A group message must not reach a member the sender blocks (XEP-0191 §3.6 for each copy):
    the sender gets the same not-acceptable + <blocked/> refusal as for a direct message."""
    alice = await login(clients, server, "alice")
    bob, dave = [await login(clients, server, name) for name in ("bob", "dave")]
    alice.register_plugin("xep_0191")
    await alice["xep_0191"].block([dave.boundjid.bare], timeout=10)

    message = alice.make_message(mto=f"multicast@{server.domain}", mbody="group", mtype="chat")
    message["addresses"].add_address(atype="to", jid=bob.boundjid.bare)
    message["addresses"].add_address(atype="to", jid=dave.boundjid.bare)
    message.send()

    assert (await bob.next_message())["body"] == "group"
    refusal = await alice.next_message()
    assert refusal["type"] == "error" and refusal["from"].bare == dave.boundjid.bare, refusal
    assert refusal["error"]["condition"] == "not-acceptable", refusal
    assert refusal.xml.find(".//{urn:xmpp:blocking:errors}blocked") is not None, refusal
    bob.send_message(mto=dave.boundjid.full, mbody="marker", mtype="chat")
    assert (await dave.next_message())["body"] == "marker", "dave got the blocked sender's copy"
