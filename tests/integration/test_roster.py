"""Roster management (RFC 6121 §2): get, set, remove, pushes, versioning, validation, limits."""

from __future__ import annotations

import pytest
from slixmpp.exceptions import IqError

from clients import REPLY_TIMEOUT_S
from raw_client import RawXmppConnection
from roster_helpers import PASSWORD, item_of, online, roster_items

NS_ROSTER = "jabber:iq:roster"


def error_condition(stanza) -> str:
    """The condition element's name, read from the XML: slixmpp 1.8 reports conditions
    RFC 6120 added after RFC 3920 (policy-violation) as an empty string."""
    error = stanza.xml.find("{jabber:client}error")
    for child in error if error is not None else []:
        if child.tag.startswith("{urn:ietf:params:xml:ns:xmpp-stanzas}") and not child.tag.endswith("}text"):
            return child.tag.split("}", 1)[1]
    return ""


def roster_set(client, jid: str, **item) -> object:
    iq = client.Iq()
    iq["type"] = "set"
    iq["roster"]["items"] = {jid: item}
    return iq.send(timeout=REPLY_TIMEOUT_S)


async def expect_error(awaitable, condition: str) -> None:
    with pytest.raises(IqError) as failure:
        await awaitable
    got = error_condition(failure.value.iq)
    assert got == condition, f"expected {condition}, got {got}: {failure.value.iq}"


def test_roster_versioning_and_pre_approval_are_stream_features(server):
    server.add_user("alice", PASSWORD)
    with RawXmppConnection(server.host, server.starttls_port, server.domain) as connection:
        connection.open_stream()
        connection.starttls()
        features = connection.authenticate_plain("alice", PASSWORD)
    assert "urn:xmpp:features:rosterver" in features, features
    assert "urn:xmpp:features:pre-approval" in features, features


async def test_set_pushes_to_interested_resources_and_get_returns_item(server, clients):
    alice_jid = server.add_user("alice", PASSWORD)
    bob_jid = server.add_user("bob", PASSWORD)
    phone, phone_seen = await online(server, clients, alice_jid + "/phone")
    laptop, laptop_seen = await online(server, clients, alice_jid + "/laptop")
    # A resource that never asked for the roster is not interested (§2.1.6).
    quiet, quiet_seen = await online(server, clients, alice_jid + "/quiet", roster=False)

    assert await roster_items(phone) == {}
    await roster_set(phone, bob_jid, name="Bob", groups=["Friends", "Work"])

    for seen in (phone_seen, laptop_seen):
        item = item_of(await seen.push(bob_jid), bob_jid)
        assert item["name"] == "Bob"
        assert sorted(item["groups"]) == ["Friends", "Work"]
        assert item["subscription"] == "none"
    assert quiet_seen.pushes.empty(), "a resource that never requested the roster got a push"

    items = await roster_items(laptop)
    assert set(items) == {bob_jid}
    assert items[bob_jid]["name"] == "Bob"
    assert items[bob_jid]["subscription"] == "none"

    # An update keeps the item and replaces name and groups.
    await roster_set(laptop, bob_jid, name="Robert", groups=["Family"])
    item = item_of(await phone_seen.push(bob_jid), bob_jid)
    assert item["name"] == "Robert" and item["groups"] == ["Family"]


async def test_remove_pushes_removal_and_unknown_item_is_item_not_found(server, clients):
    alice_jid = server.add_user("alice", PASSWORD)
    bob_jid = server.add_user("bob", PASSWORD)
    alice, seen = await online(server, clients, alice_jid)
    await roster_set(alice, bob_jid, name="Bob")
    await seen.push(bob_jid)

    await roster_set(alice, bob_jid, subscription="remove")
    assert item_of(await seen.push(bob_jid), bob_jid)["subscription"] == "remove"
    assert await roster_items(alice) == {}

    # §2.5.3: removing what is not there.
    await expect_error(roster_set(alice, bob_jid, subscription="remove"), "item-not-found")


async def test_roster_versioning(server, clients):
    alice_jid = server.add_user("alice", PASSWORD)
    alice, seen = await online(server, clients, alice_jid)

    async def get(ver: str):
        iq = alice.Iq()
        iq["type"] = "get"
        iq["roster"]["ver"] = ver
        return await iq.send(timeout=REPLY_TIMEOUT_S)

    first = await get("")
    version = first["roster"]["ver"]
    assert version, "the roster result carries no 'ver' (§2.6.3)"

    # §2.6.3: the client's version is current: an empty result without <query/>.
    current = await get(version)
    assert current.xml.find(f"{{{NS_ROSTER}}}query") is None, f"not empty: {current}"

    await roster_set(alice, "carol@localhost", name="Carol")
    push = await seen.push("carol@localhost")
    new_version = push["roster"]["ver"]
    assert new_version and new_version != version, "the push carries no new 'ver' (§2.6.2)"

    # A stale version gets the full roster with the new version.
    stale = await get(version)
    assert stale["roster"]["ver"] == new_version
    assert "carol@localhost" in stale["roster"]["items"]
    assert (await get(new_version)).xml.find(f"{{{NS_ROSTER}}}query") is None


async def test_invalid_items_are_refused(make_server, clients):
    server = make_server({"modules.roster": {"max_name_length": 10, "max_group_length": 8,
                                             "max_groups": 2}})
    alice_jid = server.add_user("alice", PASSWORD)
    alice, _ = await online(server, clients, alice_jid)
    contact = "bob@localhost"

    # §2.3.3: sizes beyond the server's limits and empty groups are not acceptable.
    await expect_error(roster_set(alice, contact, name="x" * 11), "not-acceptable")
    await expect_error(roster_set(alice, contact, groups=["y" * 9]), "not-acceptable")
    await expect_error(roster_set(alice, contact, groups=["a", "b", "c"]), "not-acceptable")
    await expect_error(roster_set(alice, contact, groups=[""]), "not-acceptable")
    # The roster cannot hold its owner.
    await expect_error(roster_set(alice, alice_jid, name="me"), "not-allowed")
    # Items within the limits are fine.
    await roster_set(alice, contact, name="x" * 10, groups=["y" * 8, "z"])

    # Exactly one item per set.
    iq = alice.Iq()
    iq["type"] = "set"
    iq["roster"]["items"] = {"c@localhost": {"name": "C"}, "d@localhost": {"name": "D"}}
    await expect_error(iq.send(timeout=REPLY_TIMEOUT_S), "bad-request")
    assert set(await roster_items(alice)) == {contact}


async def test_roster_size_limit(make_server, clients):
    server = make_server({"modules.roster": {"max_items": 2}})
    alice_jid = server.add_user("alice", PASSWORD)
    server.add_user("dave", PASSWORD)
    alice, seen = await online(server, clients, alice_jid)

    await roster_set(alice, "bob@localhost", name="Bob")
    await roster_set(alice, "carol@localhost", name="Carol")
    await expect_error(roster_set(alice, "dave@localhost", name="Dave"), "policy-violation")
    # Changing an existing item is still allowed at the limit.
    await roster_set(alice, "bob@localhost", name="Bobby")

    # A subscription request that would need a new item is refused too.
    alice.send_presence(pto="dave@localhost", ptype="subscribe")
    error = await seen.presence("error", "dave@localhost")
    assert error_condition(error) == "policy-violation", error
    assert set(await roster_items(alice)) == {"bob@localhost", "carol@localhost"}


async def test_another_users_roster_is_forbidden(server, clients):
    alice_jid = server.add_user("alice", PASSWORD)
    bob_jid = server.add_user("bob", PASSWORD)
    alice, _ = await online(server, clients, alice_jid)
    iq = alice.Iq()
    iq["type"] = "get"
    iq["to"] = bob_jid
    iq.enable("roster")
    await expect_error(iq.send(timeout=REPLY_TIMEOUT_S), "forbidden")
