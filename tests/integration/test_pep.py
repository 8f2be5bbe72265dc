"""Personal eventing (XEP-0163) over publish-subscribe (XEP-0060): publish, notifications
through entity capabilities (XEP-0115), access models, publish-options (XEP-0223), last
items on login, limits and persistence; with the payloads of OMEMO, avatars (XEP-0084),
nicknames (XEP-0172) and bookmarks (XEP-0402)."""

from __future__ import annotations

import pytest
from slixmpp.exceptions import IqError
from slixmpp.plugins.xep_0004 import Form
from slixmpp.xmlstream import ET

from clients import REPLY_TIMEOUT_S
from roster_helpers import QUIET_S, Inbox, Observer, make_mutual

PASSWORD = "secret"
PUBSUB = "http://jabber.org/protocol/pubsub"
AVATAR_METADATA = "urn:xmpp:avatar:metadata"
DEVICELIST = "eu.siacs.conversations.axolotl.devicelist"
BOOKMARKS = "urn:xmpp:bookmarks:1"
NICK = "http://jabber.org/protocol/nick"


class PepUser:
    """A slixmpp client with the PEP plugins, the +notify features it wants in its
    entity capabilities, and the event notifications it received."""

    def __init__(self, client, observer: Observer):
        self.client = client
        self.observer = observer
        self.events = Inbox()
        client.add_event_handler("pubsub_publish", self.events.add)
        client.add_event_handler("pubsub_retract", self.events.add)

    @property
    def bare(self) -> str:
        return self.client.boundjid.bare

    async def event(self, node: str, owner: str, item_id: str | None = None):
        def matches(msg) -> bool:
            items = msg["pubsub_event"]["items"]
            return (
                msg["from"].bare == owner
                and items["node"] == node
                and (item_id is None or items["item"]["id"] == item_id)
            )

        return await self.events.take(
            matches, f"{self.client.boundjid} got no event of {node} from {owner}", REPLY_TIMEOUT_S
        )

    async def no_event(self, node: str) -> None:
        try:
            got = await self.events.take(
                lambda msg: msg["pubsub_event"]["items"]["node"] == node, "", QUIET_S
            )
        except AssertionError:
            return
        raise AssertionError(f"{self.client.boundjid} unexpectedly got {got}")

    async def publish(self, node: str, payload, item_id: str | None = None, options: dict | None = None):
        form = None
        if options is not None:
            form = Form()
            form["type"] = "submit"
            form.add_field(var="FORM_TYPE", ftype="hidden", value=f"{PUBSUB}#publish-options")
            for var, value in options.items():
                form.add_field(var=var, value=value)
        return await self.client["xep_0060"].publish(
            self.bare, node, id=item_id, payload=payload, options=form, timeout=REPLY_TIMEOUT_S
        )

    async def items(self, owner: str, node: str, **options):
        result = await self.client["xep_0060"].get_items(owner, node, timeout=REPLY_TIMEOUT_S, **options)
        return [(item["id"], item.xml[0] if len(item.xml) else None) for item in result["pubsub"]["items"]]


async def pep_user(server, clients, localpart: str, interests=(), *, create: bool = True,
                   resource: str = "phone") -> PepUser:
    jid = f"{localpart}@{server.domain}"
    if create:
        server.add_user(localpart, PASSWORD)
    client = await clients.slix(server, f"{jid}/{resource}", PASSWORD)
    for plugin in ("xep_0004", "xep_0060", "xep_0115", "xep_0163"):
        client.register_plugin(plugin)
    client.auto_authorize = None
    client.auto_subscribe = False
    user = PepUser(client, Observer(client))
    for namespace in interests:
        client["xep_0030"].add_feature(f"{namespace}+notify")
    await client["xep_0115"].update_caps(broadcast=False)
    await client.get_roster(timeout=REPLY_TIMEOUT_S)
    client.send_presence()
    await client.barrier()
    return user


async def befriend(one: PepUser, other: PepUser) -> None:
    await make_mutual(one.client, one.observer, other.client, other.observer)


def element(xml: str):
    return ET.fromstring(xml)


def avatar_metadata(avatar_id: str):
    return element(
        f"<metadata xmlns='{AVATAR_METADATA}'><info bytes='1234' id='{avatar_id}' "
        "height='64' width='64' type='image/png'/></metadata>"
    )


def devicelist(*device_ids: int):
    devices = "".join(f"<device id='{device}'/>" for device in device_ids)
    return element(f"<list xmlns='eu.siacs.conversations.axolotl'>{devices}</list>")


def bookmark(name: str):
    return element(f"<conference xmlns='{BOOKMARKS}' name='{name}' autojoin='true'><nick>al</nick></conference>")


def error_of(raised) -> tuple[str, str]:
    """(condition, pubsub#errors condition or '')."""
    error = raised.value.iq.xml.find("{jabber:client}error")

    def condition_in(namespace: str) -> str:
        # Read from the XML: slixmpp 1.8 knows only RFC 3920's conditions (no policy-violation).
        tags = [child.tag for child in error if child.tag.startswith(f"{{{namespace}}}") and not child.tag.endswith("}text")]
        return tags[0].split("}")[1] if tags else ""

    return condition_in("urn:ietf:params:xml:ns:xmpp-stanzas"), condition_in(f"{PUBSUB}#errors")


async def test_the_account_is_a_pep_service_in_disco(server, clients):
    alice = await pep_user(server, clients, "alice")
    info = await alice.client["xep_0030"].get_info(jid=alice.bare, timeout=REPLY_TIMEOUT_S)
    assert ("pubsub", "pep", None, None) in info["disco_info"]["identities"]
    features = info["disco_info"]["features"]
    for feature in ("publish", "publish-options", "retrieve-items", "access-whitelist", "auto-create"):
        assert f"{PUBSUB}#{feature}" in features, feature
    domain = await alice.client["xep_0030"].get_info(jid=server.domain, timeout=REPLY_TIMEOUT_S)
    assert ("pubsub", "pep", None, None) not in domain["disco_info"]["identities"]


async def test_without_the_module_the_account_is_no_pep_service(make_server, clients):
    server = make_server({"modules": {"enabled": ["disco", "roster", "ping", "version", "time"]}})
    alice = await pep_user(server, clients, "alice")
    info = await alice.client["xep_0030"].get_info(jid=alice.bare, timeout=REPLY_TIMEOUT_S)
    assert ("pubsub", "pep", None, None) not in info["disco_info"]["identities"]
    assert f"{PUBSUB}#publish" not in info["disco_info"]["features"]


async def test_avatar_metadata_reaches_a_subscribed_contact_with_notify(server, clients):
    alice = await pep_user(server, clients, "alice")
    bob = await pep_user(server, clients, "bob", [AVATAR_METADATA])
    await befriend(alice, bob)

    published = await alice.publish(AVATAR_METADATA, avatar_metadata("a1"), item_id="a1")
    assert published["pubsub"]["publish"]["item"]["id"] == "a1"
    event = await bob.event(AVATAR_METADATA, alice.bare, "a1")
    info = event["pubsub_event"]["items"]["item"].xml.find(f"{{{AVATAR_METADATA}}}metadata/{{{AVATAR_METADATA}}}info")
    assert info is not None and info.get("id") == "a1"
    # The contact reads the item too (access model presence).
    assert [item_id for item_id, _ in await bob.items(alice.bare, AVATAR_METADATA)] == ["a1"]


async def test_no_event_without_notify_or_without_subscription(server, clients):
    alice = await pep_user(server, clients, "alice")
    carol = await pep_user(server, clients, "carol")  # subscribed, no +notify
    dave = await pep_user(server, clients, "dave", [NICK])  # +notify, no subscription
    await befriend(alice, carol)

    await alice.publish(NICK, element(f"<nick xmlns='{NICK}'>Alice</nick>"))
    await carol.no_event(NICK)
    await dave.no_event(NICK)
    with pytest.raises(IqError) as refused:
        await dave.items(alice.bare, NICK)
    assert error_of(refused) == ("not-authorized", "presence-subscription-required")


async def test_an_id_is_generated_when_the_client_leaves_it_out(server, clients):
    alice = await pep_user(server, clients, "alice", [NICK])
    published = await alice.publish(NICK, element(f"<nick xmlns='{NICK}'>A</nick>"))
    generated = published["pubsub"]["publish"]["item"]["id"]
    assert generated
    # The account's own resource hears its own events (XEP-0163 §4.3.1).
    await alice.event(NICK, alice.bare, generated)
    assert [item_id for item_id, _ in await alice.items(alice.bare, NICK)] == [generated]


async def test_omemo_device_lists_round_trip_between_two_clients(server, clients):
    alice = await pep_user(server, clients, "alice", [DEVICELIST])
    bob = await pep_user(server, clients, "bob", [DEVICELIST])
    await befriend(alice, bob)
    # Conversations publishes its device list and bundle world-readable.
    open_access = {"pubsub#access_model": "open"}
    await alice.publish(DEVICELIST, devicelist(1111), item_id="current", options=open_access)
    await bob.publish(DEVICELIST, devicelist(2222, 2223), item_id="current", options=open_access)
    bundle_node = "eu.siacs.conversations.axolotl.bundles:1111"
    await alice.publish(bundle_node, element("<bundle xmlns='eu.siacs.conversations.axolotl'><identityKey>QUJD</identityKey></bundle>"),
                        item_id="current", options=open_access)

    seen_by_bob = await bob.event(DEVICELIST, alice.bare, "current")
    assert [d.get("id") for d in seen_by_bob["pubsub_event"]["items"]["item"].xml.iter("{eu.siacs.conversations.axolotl}device")] == ["1111"]
    seen_by_alice = await alice.event(DEVICELIST, bob.bare, "current")
    assert [d.get("id") for d in seen_by_alice["pubsub_event"]["items"]["item"].xml.iter("{eu.siacs.conversations.axolotl}device")] == ["2222", "2223"]

    # Bob fetches Alice's bundle by item id, as a client does before its first message.
    result = await bob.client["xep_0060"].get_item(alice.bare, bundle_node, "current", timeout=REPLY_TIMEOUT_S)
    (item,) = result["pubsub"]["items"]
    assert item.xml.find("{eu.siacs.conversations.axolotl}bundle/{eu.siacs.conversations.axolotl}identityKey").text == "QUJD"

    # A new device replaces the list: the same id, one item.
    await alice.publish(DEVICELIST, devicelist(1111, 1112), item_id="current", options=open_access)
    await bob.event(DEVICELIST, alice.bare, "current")
    items = await bob.items(alice.bare, DEVICELIST)
    assert [item_id for item_id, _ in items] == ["current"]
    assert [d.get("id") for d in items[0][1].iter("{eu.siacs.conversations.axolotl}device")] == ["1111", "1112"]


async def test_bookmarks_with_publish_options_stay_private(server, clients):
    alice = await pep_user(server, clients, "alice", [BOOKMARKS])
    laptop = await pep_user(server, clients, "alice", [BOOKMARKS], create=False, resource="laptop")
    bob = await pep_user(server, clients, "bob", [BOOKMARKS])
    await befriend(alice, bob)
    # XEP-0402 §3: every bookmark is published with these options.
    options = {"pubsub#persist_items": "true", "pubsub#max_items": "max",
               "pubsub#send_last_published_item": "never", "pubsub#access_model": "whitelist"}
    await alice.publish(BOOKMARKS, bookmark("Coven"), item_id="coven@conference.example.org", options=options)
    await alice.publish(BOOKMARKS, bookmark("Tea"), item_id="tea@conference.example.org", options=options)

    # The account's other resource hears both; the contact nothing, and may not read them.
    await laptop.event(BOOKMARKS, alice.bare, "coven@conference.example.org")
    await laptop.event(BOOKMARKS, alice.bare, "tea@conference.example.org")
    await bob.no_event(BOOKMARKS)
    with pytest.raises(IqError) as refused:
        await bob.items(alice.bare, BOOKMARKS)
    assert error_of(refused) == ("not-allowed", "closed-node")
    ids = [item_id for item_id, _ in await laptop.items(alice.bare, BOOKMARKS)]
    assert ids == ["coven@conference.example.org", "tea@conference.example.org"]

    # Options that disagree with the node are a failed precondition, and change nothing.
    with pytest.raises(IqError) as conflict:
        await alice.publish(BOOKMARKS, bookmark("Open"), item_id="open@conference.example.org",
                            options={"pubsub#access_model": "open"})
    assert error_of(conflict) == ("conflict", "precondition-not-met")
    assert len(await alice.items(alice.bare, BOOKMARKS)) == 2
    config = await alice.client["xep_0060"].get_node_config(alice.bare, BOOKMARKS, timeout=REPLY_TIMEOUT_S)
    values = config["pubsub_owner"]["configure"]["form"].get_values()
    assert values["pubsub#access_model"] == "whitelist"


async def test_the_last_item_reaches_a_contact_when_it_comes_online(server, clients):
    alice = await pep_user(server, clients, "alice")
    bob = await pep_user(server, clients, "bob")
    await befriend(alice, bob)
    await bob.client.close()
    await alice.publish(NICK, element(f"<nick xmlns='{NICK}'>Old</nick>"), item_id="1")
    await alice.publish(NICK, element(f"<nick xmlns='{NICK}'>Alice</nick>"), item_id="2")

    bob = await pep_user(server, clients, "bob", [NICK], create=False)
    event = await bob.event(NICK, alice.bare, "2")
    assert event["pubsub_event"]["items"]["item"].xml.find(f"{{{NICK}}}nick").text == "Alice"


async def test_retract_and_node_configuration(server, clients):
    alice = await pep_user(server, clients, "alice")
    bob = await pep_user(server, clients, "bob", [AVATAR_METADATA])
    await befriend(alice, bob)
    for avatar in ("a1", "a2", "a3"):
        await alice.publish(AVATAR_METADATA, avatar_metadata(avatar), item_id=avatar,
                            options={"pubsub#max_items": "5"})
        await bob.event(AVATAR_METADATA, alice.bare, avatar)
    assert [i for i, _ in await bob.items(alice.bare, AVATAR_METADATA, max_items=2)] == ["a2", "a3"]

    await alice.client["xep_0060"].retract(alice.bare, AVATAR_METADATA, "a2", notify=True, timeout=REPLY_TIMEOUT_S)
    retracted = await bob.events.take(lambda msg: msg["pubsub_event"]["items"]["node"] == AVATAR_METADATA,
                                      "no retraction", REPLY_TIMEOUT_S)
    assert retracted["pubsub_event"]["items"]["retract"]["id"] == "a2"

    form = Form()
    form["type"] = "submit"
    form.add_field(var="FORM_TYPE", ftype="hidden", value=f"{PUBSUB}#node_config")
    form.add_field(var="pubsub#max_items", value="1")
    form.add_field(var="pubsub#access_model", value="whitelist")
    await alice.client["xep_0060"].set_node_config(alice.bare, AVATAR_METADATA, form, timeout=REPLY_TIMEOUT_S)
    assert [i for i, _ in await alice.items(alice.bare, AVATAR_METADATA)] == ["a3"]
    with pytest.raises(IqError) as refused:
        await bob.items(alice.bare, AVATAR_METADATA)
    assert error_of(refused) == ("not-allowed", "closed-node")
    with pytest.raises(IqError) as forbidden:
        await bob.client["xep_0060"].delete_node(alice.bare, AVATAR_METADATA, timeout=REPLY_TIMEOUT_S)
    assert error_of(forbidden)[0] == "forbidden"

    await alice.client["xep_0060"].delete_node(alice.bare, AVATAR_METADATA, timeout=REPLY_TIMEOUT_S)
    with pytest.raises(IqError) as gone:
        await alice.items(alice.bare, AVATAR_METADATA)
    assert error_of(gone)[0] == "item-not-found"


async def test_limits_refuse_and_change_nothing(make_server, clients):
    server = make_server({"modules.pep": {"max_nodes": 2, "max_items": 3, "max_item_bytes": 300}})
    alice = await pep_user(server, clients, "alice")

    with pytest.raises(IqError) as too_big:
        await alice.publish(NICK, element(f"<nick xmlns='{NICK}'>{'x' * 400}</nick>"))
    assert error_of(too_big) == ("not-acceptable", "payload-too-big")
    with pytest.raises(IqError) as absent:
        await alice.items(alice.bare, NICK)
    assert error_of(absent)[0] == "item-not-found", "the refused publish created the node"

    with pytest.raises(IqError) as too_many_items:
        await alice.publish(NICK, element(f"<nick xmlns='{NICK}'>A</nick>"), options={"pubsub#max_items": "4"})
    assert error_of(too_many_items)[0] == "not-acceptable"

    await alice.publish(NICK, element(f"<nick xmlns='{NICK}'>A</nick>"), options={"pubsub#max_items": "max"})
    await alice.publish(AVATAR_METADATA, avatar_metadata("a1"))
    with pytest.raises(IqError) as too_many_nodes:
        await alice.publish(DEVICELIST, devicelist(1))
    assert error_of(too_many_nodes) == ("policy-violation", "max-nodes-exceeded")
    nodes = server.query_storage("SELECT node FROM pep_nodes ORDER BY node")
    assert sorted(row[0] for row in nodes) == sorted([NICK, AVATAR_METADATA])

    # "max" is the server's limit: a fourth item pushes out the first.
    for nick in ("B", "C", "D"):
        await alice.publish(NICK, element(f"<nick xmlns='{NICK}'>{nick}</nick>"), item_id=nick)
    assert [i for i, _ in await alice.items(alice.bare, NICK)] == ["B", "C", "D"]


async def test_items_survive_a_restart(make_server, clients):
    server = make_server()
    alice = await pep_user(server, clients, "alice")
    await alice.publish(AVATAR_METADATA, avatar_metadata("kept"), item_id="kept")
    await alice.client.close()
    server.stop()
    server.start()
    alice = await pep_user(server, clients, "alice", create=False)
    items = await alice.items(alice.bare, AVATAR_METADATA)
    assert [item_id for item_id, _ in items] == ["kept"]
    assert items[0][1].find(f"{{{AVATAR_METADATA}}}info").get("id") == "kept"
    assert server.query_storage("SELECT item_id FROM pep_items") == [("kept",)]


async def test_a_caps_answer_that_does_not_hash_to_its_ver_is_not_believed(server, clients):
    alice = await pep_user(server, clients, "alice")
    server.add_user("mallory", PASSWORD)
    client = await clients.slix(server, f"mallory@{server.domain}/phone", PASSWORD)
    client.register_plugin("xep_0060")
    client.auto_authorize = None
    client.auto_subscribe = False
    mallory = PepUser(client, Observer(client))
    # Announces a 'ver' (another client's, say) and answers its disco#info with +notify: were
    # the answer believed, every client announcing that 'ver' would get these features.
    client["xep_0030"].add_feature(f"{NICK}+notify", node="urn:test#bogus0000000000000000000000=")
    await client.get_roster(timeout=REPLY_TIMEOUT_S)
    presence = client.make_presence()
    presence.append(element("<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' "
                            "node='urn:test' ver='bogus0000000000000000000000='/>"))
    presence.send()
    await befriend(alice, mallory)
    await alice.publish(NICK, element(f"<nick xmlns='{NICK}'>Alice</nick>"))
    await mallory.no_event(NICK)
