"""Roster and presence steps of the Android client shared by several tests: going online the
way MessageCenterService does right after login, and the subscription handshake of
ComposeMessageFragment (subscribe) and PresenceListener / setUserPrivacy (approve)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from android_client import NS_ROSTER, AndroidAccount, AndroidClient, q, to_xml
from kontalk_server import KontalkServer


def roster_items(element: ET.Element) -> dict[str, ET.Element]:
    return {item.get("jid"): item for item in element.iter(q("item", NS_ROSTER))}


def roster_push_for(client: AndroidClient, contact: str, subscription: str, what: str) -> ET.Element:
    """The next roster push (RFC 6121 §2.1.6) of `contact` with `subscription`."""
    return client.expect(
        lambda e: e.tag == q("iq") and e.get("type") == "set"
        and (item := roster_items(e).get(contact)) is not None
        and item.get("subscription") == subscription,
        f"{what}: roster push of {contact} with subscription '{subscription}'",
    )


def online(server: KontalkServer, account: AndroidAccount, *, foreground: bool = False,
           **options) -> AndroidClient:
    """Login, then at once the roster get and the presence (no waiting in between, as
    Roster.reload and MessageCenterService.authenticated); waits for the roster result."""
    client = AndroidClient(server, account, **options)
    client.login()
    roster_id = client.roster_get()
    client.presence(away=not foreground)
    roster = client.expect_reply(roster_id, None)
    assert roster.get("type") == "result", to_xml(roster)
    return client


def subscribe_request_from(client: AndroidClient, sender: str, what: str) -> ET.Element:
    return client.presence_from(sender, what, type_="subscribe")


def make_mutual(a: AndroidClient, b: AndroidClient) -> None:
    """a subscribes to b; b accepts (subscribed, then subscribe); a's roster entry is then
    'to', so a approves at once: both end with subscription 'both'."""
    a.subscription(b.bare_jid, "subscribe")
    subscribe_request_from(b, a.bare_jid, "the subscription request")
    b.subscription(a.bare_jid, "subscribed")
    b.subscription(a.bare_jid, "subscribe")
    subscribe_request_from(a, b.bare_jid, "the subscription request back")
    a.subscription(b.bare_jid, "subscribed")
    roster_push_for(a, b.bare_jid, "both", "mutual subscription")
    roster_push_for(b, a.bare_jid, "both", "mutual subscription")
