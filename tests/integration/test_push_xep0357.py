"""XEP-0357 push (spec §8.4, §8.5 P7 and P8): slixmpp enables and disables app servers; a test
session pushapp@DOMAIN/app plays the app server and answers the server's publishes as scripted.
Also the journal contract: a message that caused a publish is still delivered once."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET

import pytest
from slixmpp.exceptions import IqError

from clients import REPLY_TIMEOUT_S, login_slixmpp
from test_push import chat, connect

PASSWORD = "secret"
NS_APP = "urn:xmpp:push:0"
NS_DATA = "jabber:x:data"
NS_PUBSUB = "http://jabber.org/protocol/pubsub"
NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas"
# A publish that would come comes within this (a worker's storage read and one routing).
SETTLE_S = 1.5
PUBLISH = r"<iq[^>]*type=['\"]set['\"][^>]*>.*?</iq>"


def push_server(make_server, **options):
    return make_server({"modules.push": {"min_interval": 0, "idle_after": 3, **options}})


def entries(server) -> list[tuple[str, str, str]]:
    return server.query_storage(
        "SELECT username, jid, node FROM push_app_servers ORDER BY username, jid, node")


def wait_for_entries(server, expected, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while entries(server) != expected:
        assert time.monotonic() < deadline, f"entries {entries(server)}, expected {expected}"
        time.sleep(0.05)


def enable_payload(jid: str | None, node: str | None, secret: str | None = None,
                   name: str = "enable") -> ET.Element:
    element = ET.Element(f"{{{NS_APP}}}{name}")
    if jid is not None:
        element.set("jid", jid)
    if node is not None:
        element.set("node", node)
    if secret is not None:
        form = ET.SubElement(element, f"{{{NS_DATA}}}x", type="submit")
        for var, value in (("FORM_TYPE", "http://jabber.org/protocol/pubsub#publish-options"),
                           ("secret", secret)):
            field = ET.SubElement(form, f"{{{NS_DATA}}}field", var=var)
            ET.SubElement(field, f"{{{NS_DATA}}}value").text = value
    return element


async def ask(client, payload: ET.Element, to: str | None = None) -> str | None:
    """Sends an IQ set to the own account (or `to`); None on result, else the condition."""
    iq = client.make_iq_set(ito=to)
    iq.append(payload)
    try:
        await iq.send(timeout=REPLY_TIMEOUT_S)
    except IqError as error:
        return error.condition
    return None


async def enable_with_slixmpp(server, localpart: str, *requests) -> list[str | None]:
    """Logs `localpart` in with slixmpp, sends the enable/disable payloads, logs out."""
    client = await login_slixmpp(server, server.jid(localpart) + "/phone", PASSWORD)
    try:
        return [await ask(client, payload) for payload in requests]
    finally:
        await client.close()


class AppServer:
    """pushapp@DOMAIN/app: reads the server's publishes and answers them as scripted."""

    def __init__(self, server):
        server.add_user("pushapp", PASSWORD)
        self.jid = server.jid("pushapp") + "/app"
        self.connection = connect(server, "pushapp", "app")
        self.connection.send("<presence/>")

    def next_publish(self, timeout: float = 10) -> ET.Element:
        text = self.connection.read_until(PUBLISH, timeout)
        start = text.rfind("<iq")
        # The raw stream's default namespace is jabber:client; the iq alone parses without it.
        return ET.fromstring(text[start:])

    def answer(self, publish: ET.Element, error: tuple[str, str] | None = None) -> None:
        to, iq_id = publish.get("from"), publish.get("id")
        if error is None:
            self.connection.send(f"<iq type='result' id='{iq_id}' to='{to}'/>")
        else:
            error_type, condition = error
            self.connection.send(
                f"<iq type='error' id='{iq_id}' to='{to}'><error type='{error_type}'>"
                f"<{condition} xmlns='{NS_STANZAS}'/></error></iq>")

    def no_publish(self, wait: float = SETTLE_S) -> None:
        with pytest.raises(AssertionError):
            self.connection.read_until(PUBLISH, wait)

    def close(self) -> None:
        self.connection.close()


def summary(publish: ET.Element) -> dict[str, str]:
    form = publish.find(f"{{{NS_PUBSUB}}}pubsub/{{{NS_PUBSUB}}}publish/{{{NS_PUBSUB}}}item/"
                        f"{{{NS_APP}}}notification/{{{NS_DATA}}}x")
    assert form is not None, ET.tostring(publish)
    return {field.get("var"): field.findtext(f"{{{NS_DATA}}}value")
            for field in form.findall(f"{{{NS_DATA}}}field")}


async def test_disco_enable_disable_and_their_errors(make_server):
    """§8.4: the account's disco feature; jid required (bad-request), valid (jid-malformed);
    re-enabling replaces; a sixth entry is resource-constraint; disable without node removes
    every entry of the jid, and disabling nothing is no error; nobody enables for another."""
    server = push_server(make_server)
    alice_jid = server.add_user("alice", PASSWORD)
    server.add_user("bob", PASSWORD)
    alice = await login_slixmpp(server, alice_jid + "/phone", PASSWORD)
    try:
        info = await alice["xep_0030"].get_info(jid=alice_jid, timeout=REPLY_TIMEOUT_S)
        assert NS_APP in info["disco_info"]["features"]

        assert await ask(alice, enable_payload(None, "n")) == "bad-request"
        assert await ask(alice, enable_payload("a@b@c", "n")) == "jid-malformed"
        assert await ask(alice, enable_payload(None, None, name="disable")) == "bad-request"
        assert await ask(alice, enable_payload("app.example", "n"),
                         to=server.jid("bob")) == "forbidden"
        assert entries(server) == []

        for node in ("n1", "n2", "n3", "n4", "n5"):
            assert await ask(alice, enable_payload("app.example", node, "s1")) is None
        assert await ask(alice, enable_payload("app.example", "n1", "s2")) is None  # replaces
        assert await ask(alice, enable_payload("other.example", "n6")) == "resource-constraint"
        assert entries(server) == [("alice", "app.example", f"n{i}") for i in range(1, 6)]

        assert await ask(alice, enable_payload("app.example", "n2", name="disable")) is None
        assert await ask(alice, enable_payload("other.example", "n6")) is None
        assert await ask(alice, enable_payload("app.example", None, name="disable")) is None
        assert entries(server) == [("alice", "other.example", "n6")]
        assert await ask(alice, enable_payload("nobody.example", None, name="disable")) is None
    finally:
        await alice.close()


async def test_offline_message_publishes_the_summary(make_server):
    """P7: an offline message gives one publish from the domain as §8.4 shows it, with the
    stored publish-options and no sender or body; the journal contract holds."""
    server = push_server(make_server)
    server.add_user("alice", PASSWORD)
    bob = server.add_user("bob", PASSWORD)
    app = AppServer(server)
    results = await enable_with_slixmpp(server, "bob", enable_payload(app.jid, "bobnode", "s3cr3t"))
    assert results == [None]

    alice = connect(server, "alice")
    chat(alice, bob, "wake up")
    publish = app.next_publish()
    assert publish.get("from") == server.domain
    assert publish.get("type") == "set"
    pubsub = publish.find(f"{{{NS_PUBSUB}}}pubsub")
    assert pubsub.find(f"{{{NS_PUBSUB}}}publish").get("node") == "bobnode"
    fields = summary(publish)
    assert fields["FORM_TYPE"] == "urn:xmpp:push:summary"
    assert int(fields["message-count"]) >= 1
    assert fields["pending-subscription-count"] == "0"
    assert "last-message-sender" not in fields and "last-message-body" not in fields, fields
    options = pubsub.find(f"{{{NS_PUBSUB}}}publish-options/{{{NS_DATA}}}x")
    assert options is not None, ET.tostring(publish)
    secret = [f for f in options.findall(f"{{{NS_DATA}}}field") if f.get("var") == "secret"]
    assert secret and secret[0].findtext(f"{{{NS_DATA}}}value") == "s3cr3t"
    app.answer(publish)

    phone = connect(server, "bob")
    phone.send("<presence/>")
    phone.read_until(r"<body>wake up</body>")
    chat(alice, bob + "/phone", "marker")
    received = phone.read_until(r"<body>marker</body>")
    assert "wake up" not in received, "the pushed message was delivered twice"
    assert entries(server) == [("bob", app.jid, "bobnode")]
    alice.close()
    phone.close()
    app.close()


async def test_sender_and_body_when_the_operator_opts_in(make_server):
    """§8.4: include_sender and include_body add last-message-sender and -body."""
    server = push_server(make_server, include_sender=True, include_body=True)
    alice_jid = server.add_user("alice", PASSWORD)
    bob = server.add_user("bob", PASSWORD)
    app = AppServer(server)
    assert await enable_with_slixmpp(server, "bob", enable_payload(app.jid, "n")) == [None]
    alice = connect(server, "alice")
    chat(alice, bob, "hello bob")
    publish = app.next_publish()
    fields = summary(publish)
    assert fields["last-message-sender"] == alice_jid
    assert fields["last-message-body"] == "hello bob"
    assert publish.find(f"{{{NS_PUBSUB}}}pubsub/{{{NS_PUBSUB}}}publish-options") is None
    app.answer(publish)
    alice.close()
    app.close()


async def test_subscription_request_publishes(make_server):
    """§8.4: an inbound subscribe wakes the app server; it is counted as pending."""
    server = push_server(make_server)
    server.add_user("alice", PASSWORD)
    bob = server.add_user("bob", PASSWORD)
    app = AppServer(server)
    assert await enable_with_slixmpp(server, "bob", enable_payload(app.jid, "n")) == [None]
    alice = connect(server, "alice")
    alice.send(f"<presence type='subscribe' to='{bob}'/>")
    publish = app.next_publish()
    fields = summary(publish)
    assert int(fields["pending-subscription-count"]) >= 1, fields
    app.answer(publish)
    alice.close()
    app.close()


async def test_app_server_errors_disable_entries(make_server):
    """P8: item-not-found disables at once; wait errors disable after the third in a row; no
    answer within app_server_timeout counts as transient too."""
    server = push_server(make_server, app_server_timeout=2)
    server.add_user("alice", PASSWORD)
    bob = server.add_user("bob", PASSWORD)
    carol = server.add_user("carol", PASSWORD)
    dan = server.add_user("dan", PASSWORD)
    app = AppServer(server)
    for user in ("bob", "carol", "dan"):
        assert await enable_with_slixmpp(server, user, enable_payload(app.jid, user)) == [None]
    alice = connect(server, "alice")

    chat(alice, bob, "one")
    app.answer(app.next_publish(), ("cancel", "item-not-found"))
    wait_for_entries(server, [("carol", app.jid, "carol"), ("dan", app.jid, "dan")])
    chat(alice, bob, "two")
    app.no_publish()

    for attempt in range(3):
        chat(alice, carol, f"try {attempt}")
        publish = app.next_publish()
        if attempt < 2:
            app.answer(publish, ("wait", "resource-constraint"))
            time.sleep(0.5)  # the answer is counted before the next trigger
            assert ("carol", app.jid, "carol") in entries(server), f"disabled after {attempt + 1}"
        else:
            app.answer(publish, ("wait", "resource-constraint"))
    wait_for_entries(server, [("dan", app.jid, "dan")])

    # Silence: three publishes nobody answers (2 s each) disable the entry too.
    for attempt in range(3):
        chat(alice, dan, f"silent {attempt}")
        app.next_publish()
        if attempt < 2:
            time.sleep(2.5)  # past app_server_timeout
            assert ("dan", app.jid, "dan") in entries(server), f"disabled after {attempt + 1}"
    wait_for_entries(server, [], timeout=10)
    alice.close()
    app.close()


async def test_affiliation_none_message_disables(make_server):
    """§8.4: the app server's <affiliation affiliation='none'/> message removes (sender, node)."""
    server = push_server(make_server)
    bob = server.add_user("bob", PASSWORD)
    app = AppServer(server)
    assert await enable_with_slixmpp(
        server, "bob", enable_payload(app.jid, "keep"), enable_payload(app.jid, "gone")) == [None, None]
    app.connection.send(
        f"<message to='{bob}'><pubsub xmlns='{NS_PUBSUB}' node='gone'>"
        f"<affiliation jid='{bob}' affiliation='none'/></pubsub></message>")
    wait_for_entries(server, [("bob", app.jid, "keep")])
    app.close()
