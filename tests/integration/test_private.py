"""Private XML storage (XEP-0049) and bookmarks through it (XEP-0048): set, get, replace, the
limits and refusals, persistence across a restart."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from slixmpp.exceptions import IqError
from slixmpp.plugins.xep_0048 import Bookmarks

PASSWORD = "secret"
NS_PRIVATE = "jabber:iq:private"


async def login(clients, server, localpart, resource="phone"):
    client = await clients.slix(server, f"{localpart}@{server.domain}/{resource}", PASSWORD)
    client.register_plugin("xep_0049")
    client.register_plugin("xep_0048")
    return client


async def private(client, kind, *children, to=None):
    iq = client.make_iq_set(ito=to) if kind == "set" else client.make_iq_get(ito=to)
    query = ET.SubElement(iq.xml, f"{{{NS_PRIVATE}}}query")
    for child in children:
        query.append(child)
    reply = await iq.send(timeout=10)
    return reply.xml.find(f"{{{NS_PRIVATE}}}query")


def prefs(text: str | None = None) -> ET.Element:
    element = ET.Element("{urn:example:prefs}prefs")
    if text is not None:
        ET.SubElement(element, "{urn:example:prefs}colour").text = text
    return element


def stored_colour(query) -> str | None:
    colour = query.find("{urn:example:prefs}prefs/{urn:example:prefs}colour")
    return None if colour is None else colour.text


async def test_set_get_and_replace(server, clients):
    server.add_user("alice", PASSWORD)
    alice = await login(clients, server, "alice")
    empty = await private(alice, "get", prefs())
    assert empty.find("{urn:example:prefs}prefs") is not None, "nothing stored: the empty element"
    assert stored_colour(empty) is None
    await private(alice, "set", prefs("blue & <green>"))
    assert stored_colour(await private(alice, "get", prefs())) == "blue & <green>"
    await private(alice, "set", prefs("red"))
    assert stored_colour(await private(alice, "get", prefs())) == "red"
    other = await private(alice, "get", ET.Element("{urn:example:other}prefs"))
    assert len(other.find("{urn:example:other}prefs")) == 0, "keyed by name and namespace"


async def test_another_account_cannot_read_or_write(server, clients):
    server.add_user("alice", PASSWORD)
    server.add_user("bob", PASSWORD)
    alice = await login(clients, server, "alice")
    bob = await login(clients, server, "bob")
    await private(alice, "set", prefs("red"))
    for kind in ("get", "set"):
        with pytest.raises(IqError) as raised:
            await private(bob, kind, prefs("blue"), to=f"alice@{server.domain}")
        assert raised.value.iq["error"]["condition"] == "forbidden"
    assert stored_colour(await private(alice, "get", prefs())) == "red"
    assert stored_colour(await private(bob, "get", prefs())) is None


@pytest.mark.parametrize("children", [
    [], [prefs("a"), ET.Element("{urn:example:b}b")], [ET.Element("{jabber:client}message")],
    [ET.Element("{jabber:iq:roster}query")]])
async def test_refuses_not_exactly_one_child_and_jabber_namespaces(server, clients, children):
    server.add_user("alice", PASSWORD)
    alice = await login(clients, server, "alice")
    for kind in ("set", "get"):
        with pytest.raises(IqError) as raised:
            await private(alice, kind, *children)
        assert raised.value.iq["error"]["condition"] == "not-acceptable"
    assert server.query_storage("SELECT count(*) FROM private_xml") == [(0,)]


async def test_limits_per_element_and_per_account(make_server, clients):
    server = make_server({"modules.private": {"max_element_bytes": 300,
                                              "max_bytes_per_user": 500}})
    server.add_user("alice", PASSWORD)
    alice = await login(clients, server, "alice")
    with pytest.raises(IqError) as raised:
        await private(alice, "set", prefs("x" * 400))
    assert raised.value.iq["error"]["condition"] == "not-acceptable"
    await private(alice, "set", prefs("x" * 200))
    second = ET.Element("{urn:example:b}b")
    second.text = "y" * 200
    await private(alice, "set", second)
    third = ET.Element("{urn:example:c}c")
    third.text = "z" * 200
    with pytest.raises(IqError) as raised:
        await private(alice, "set", third)
    assert raised.value.iq["error"]["condition"] == "resource-constraint"
    assert (await private(alice, "get", ET.Element("{urn:example:c}c")))[0].text is None
    # A replacement counts instead of the element it replaces, not on top of it.
    await private(alice, "set", prefs("w" * 200))
    await private(alice, "set", prefs("small"))
    third.text = "z" * 150
    await private(alice, "set", third)
    assert (await private(alice, "get", ET.Element("{urn:example:c}c")))[0].text == "z" * 150


async def test_bookmarks_round_trip_and_survive_a_restart(server, clients):
    server.add_user("alice", PASSWORD)
    alice = await login(clients, server, "alice")
    bookmarks = Bookmarks()
    bookmarks.add_conference("room@conference.example.org", "Alice", name="The Room",
                             autojoin=True)
    bookmarks.add_url("https://kontalk.org/", name="Kontalk")
    await alice["xep_0048"].set_bookmarks(bookmarks, method="xep_0049", timeout=10)
    # A second device of the account sees them.
    other = await login(clients, server, "alice", resource="desk")
    reply = await other["xep_0048"].get_bookmarks(method="xep_0049", timeout=10)
    stored = reply["private"]["bookmarks"]
    assert [c["jid"] for c in stored["conferences"]] == ["room@conference.example.org"]
    assert stored["conferences"][0]["nick"] == "Alice"
    assert stored["conferences"][0]["autojoin"] is True
    assert [u["url"] for u in stored["urls"]] == ["https://kontalk.org/"]
    await clients.close_all()

    server.stop()
    server.start()
    again = await login(clients, server, "alice")
    reply = await again["xep_0048"].get_bookmarks(method="xep_0049", timeout=10)
    assert [c["name"] for c in reply["private"]["bookmarks"]["conferences"]] == ["The Room"]
