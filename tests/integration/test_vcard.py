"""vcard-temp (XEP-0054): users publish their own vCard and read anyone's."""

from __future__ import annotations

import pytest
from slixmpp.exceptions import IqError

PASSWORD = "secret"


async def login(clients, server, localpart):
    client = await clients.slix(server, server.add_user(localpart, PASSWORD) + "/phone", PASSWORD)
    client.register_plugin("xep_0054")
    return client


async def test_server_advertises_vcard_temp(server, clients):
    alice = await login(clients, server, "alice")
    info = await alice["xep_0030"].get_info(jid=server.domain, timeout=10)
    assert "vcard-temp" in info["disco_info"]["features"]


async def test_published_vcard_is_returned_to_its_owner_and_to_others(server, clients):
    alice = await login(clients, server, "alice")
    bob = await login(clients, server, "bob")

    vcard = alice["xep_0054"].make_vcard()
    vcard["FN"] = "Alice Liddell"
    vcard["NICKNAME"] = "alice & co <3"
    await alice["xep_0054"].publish_vcard(vcard, timeout=10)

    for reader in (alice, bob):
        reply = await reader["xep_0054"].get_vcard(alice.boundjid.bare, local=False, timeout=10)
        assert reply["vcard_temp"]["FN"] == "Alice Liddell"
        assert reply["vcard_temp"]["NICKNAME"] == ["alice & co <3"]

    vcard["FN"] = "Alice L."
    await alice["xep_0054"].publish_vcard(vcard, timeout=10)
    reply = await bob["xep_0054"].get_vcard(alice.boundjid.bare, local=False, timeout=10)
    assert reply["vcard_temp"]["FN"] == "Alice L.", "publishing again replaces the vCard"


async def test_account_without_vcard_has_an_empty_one(server, clients):
    alice = await login(clients, server, "alice")
    server.add_user("bob", PASSWORD)
    reply = await alice["xep_0054"].get_vcard(f"bob@{server.domain}", local=False, timeout=10)
    vcard = reply.xml.find("{vcard-temp}vCard")
    assert vcard is not None and len(vcard) == 0, f"expected an empty vCard: {reply}"


async def test_vcard_of_unknown_account_is_service_unavailable(server, clients):
    alice = await login(clients, server, "alice")
    with pytest.raises(IqError) as raised:
        await alice["xep_0054"].get_vcard(f"nobody@{server.domain}", local=False, timeout=10)
    assert raised.value.iq["error"]["condition"] == "service-unavailable"


async def test_vcard_over_the_size_limit_is_not_acceptable(make_server, clients):
    server = make_server({"modules.vcard": {"max_bytes": 200}})
    alice = await login(clients, server, "alice")
    vcard = alice["xep_0054"].make_vcard()
    vcard["DESC"] = "x" * 300
    with pytest.raises(IqError) as raised:
        await alice["xep_0054"].publish_vcard(vcard, timeout=10)
    assert raised.value.iq["error"]["condition"] == "not-acceptable"
    reply = await alice["xep_0054"].get_vcard(alice.boundjid.bare, local=False, timeout=10)
    assert len(reply.xml.find("{vcard-temp}vCard")) == 0, "the refused vCard was stored"


async def test_cannot_publish_someone_elses_vcard(server, clients):
    alice = await login(clients, server, "alice")
    bob = await login(clients, server, "bob")
    vcard = alice["xep_0054"].make_vcard()
    vcard["FN"] = "Not Bob"
    with pytest.raises(IqError) as raised:
        await alice["xep_0054"].publish_vcard(vcard, jid=bob.boundjid.bare, timeout=10)
    assert raised.value.iq["error"]["condition"] == "forbidden"


def test_vcard_sets_sent_back_to_back_apply_in_order(server):
    # Issue 11 item 10: each set ran on whichever worker took it, so the stored vCard could be
    # any of the last few. Sets of one account now apply in the order sent: the last one wins.
    from raw_client import RawXmppConnection

    server.add_user("carol", PASSWORD)
    with RawXmppConnection(server.host, server.starttls_port, server.domain) as carol:
        carol.login("carol", PASSWORD, "phone")
        sets = "".join(
            f"<iq type='set' id='set{number}'><vCard xmlns='vcard-temp'><FN>version {number}</FN>"
            "</vCard></iq>"
            for number in range(40)
        )
        carol.send(sets + "<iq type='get' id='read'><vCard xmlns='vcard-temp'/></iq>")
        answer = carol.read_until(r"<iq[^>]*id=['\"]read['\"].*?</iq>")
        assert "<FN>version 39</FN>" in answer, answer[-400:]
