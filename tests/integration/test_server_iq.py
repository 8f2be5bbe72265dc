"""IQs the server answers itself: XEP-0030, XEP-0199, XEP-0092, XEP-0202, and
the RFC 6120 §8.4 service-unavailable default for namespaces nobody handles."""

from __future__ import annotations

import asyncio
import datetime
import re

import aioxmpp
import aioxmpp.disco
import aioxmpp.ping
import aioxmpp.version
import pytest

from clients import REPLY_TIMEOUT_S, EntityTime, UnknownQuery

PASSWORD = "secret"
REQUIRED_FEATURES = {
    "http://jabber.org/protocol/disco#info",
    "http://jabber.org/protocol/disco#items",
    "urn:xmpp:ping",
    "jabber:iq:version",
    "urn:xmpp:time",
}


@pytest.fixture
async def alice(server, clients):
    return await clients.aio_login(server, server.add_user("alice", PASSWORD), PASSWORD)


@pytest.fixture
def server_jid(server):
    return aioxmpp.JID.fromstr(server.domain)


async def test_disco_info_of_server_lists_im_server_identity_and_features(alice, server_jid):
    disco = alice.summon(aioxmpp.DiscoClient)
    info = await asyncio.wait_for(
        disco.query_info(server_jid, require_fresh=True, timeout=REPLY_TIMEOUT_S),
        REPLY_TIMEOUT_S,
    )
    identities = {(identity.category, identity.type_) for identity in info.identities}
    assert ("server", "im") in identities, f"identities: {identities}"
    missing = REQUIRED_FEATURES - set(info.features)
    assert not missing, f"disco#info lacks {missing}; has {sorted(info.features)}"


async def test_disco_items_of_server_answers(alice, server_jid):
    disco = alice.summon(aioxmpp.DiscoClient)
    items = await asyncio.wait_for(
        disco.query_items(server_jid, require_fresh=True, timeout=REPLY_TIMEOUT_S),
        REPLY_TIMEOUT_S,
    )
    # Which items exist is configuration; the reply must parse and list JIDs.
    assert all(item.jid is not None for item in items.items)


async def test_ping_server_answers_xep0199(alice, server_jid):
    # Raises aioxmpp.errors.XMPPError if the server answers with an error.
    await asyncio.wait_for(aioxmpp.ping.ping(alice, server_jid), REPLY_TIMEOUT_S)


async def test_software_version_names_kontalk_server_xep0092(alice, server_jid):
    reply = await asyncio.wait_for(
        aioxmpp.version.query_version(alice, server_jid), REPLY_TIMEOUT_S
    )
    assert reply.name == "kontalk-server", f"version name: {reply.name!r}"
    assert reply.version, "version reply has no <version/>"


async def test_entity_time_has_utc_and_tzo_xep0202(alice, server_jid):
    reply = await asyncio.wait_for(
        alice.send(aioxmpp.IQ(type_=aioxmpp.IQType.GET, to=server_jid, payload=EntityTime())),
        REPLY_TIMEOUT_S,
    )
    assert reply.tzo is not None and re.fullmatch(r"Z|[+-]\d{2}:\d{2}", reply.tzo), (
        f"bad <tzo/>: {reply.tzo!r}"
    )
    # XEP-0082 DateTime in UTC, optional fraction, "Z" suffix.
    assert reply.utc is not None and re.fullmatch(
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z", reply.utc
    ), f"bad <utc/>: {reply.utc!r}"
    server_now = datetime.datetime.fromisoformat(reply.utc.replace("Z", "+00:00"))
    skew = abs(datetime.datetime.now(datetime.timezone.utc) - server_now)
    assert skew < datetime.timedelta(hours=1), f"server clock says {reply.utc}"


async def _expect_service_unavailable(client, to):
    iq = aioxmpp.IQ(type_=aioxmpp.IQType.GET, to=to, payload=UnknownQuery())
    with pytest.raises(aioxmpp.errors.XMPPCancelError) as error:
        await asyncio.wait_for(client.send(iq), REPLY_TIMEOUT_S)
    assert error.value.condition == aioxmpp.ErrorCondition.SERVICE_UNAVAILABLE, (
        f"expected service-unavailable, got {error.value}"
    )


async def test_iq_with_unknown_namespace_to_server_gets_service_unavailable(alice, server_jid):
    await _expect_service_unavailable(alice, server_jid)


async def test_iq_with_unknown_namespace_to_other_users_bare_jid_gets_service_unavailable(
    server, clients, alice
):
    bob_jid = server.add_user("bob", PASSWORD)
    # bob is online too, so the answer cannot be an artefact of an absent user.
    await clients.aio_login(server, bob_jid, PASSWORD)
    await _expect_service_unavailable(alice, aioxmpp.JID.fromstr(bob_jid))
