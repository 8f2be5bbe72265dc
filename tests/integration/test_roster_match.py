"""Roster match at probe@DOMAIN (spec §7.4), as the Kontalk clients use it to find which of their
contacts are on Kontalk: local accounts only (the network fan-out of §7.5 comes with federation)."""

from __future__ import annotations

import re

from kontalk_identity import jid_for_phone
from raw_client import RawXmppConnection

PASSWORD = "secret"
NS_ROSTER_MATCH = "http://kontalk.org/extensions/roster"


def _ask(raw: RawXmppConnection, domain: str, jids: list[str], request_id: str = "m1") -> str:
    items = "".join(f"<item jid='{jid}'/>" for jid in jids)
    raw.send(f"<iq type='get' id='{request_id}' to='probe@{domain}'>"
             f"<query xmlns='{NS_ROSTER_MATCH}'>{items}</query></iq>")
    # Either an empty self-closed reply or everything up to its own end tag.
    return raw.read_until(rf"<iq[^>]*id=['\"]{request_id}['\"][^>]*(/>|>.*?</iq>)")


def _matched(answer: str) -> list[str]:
    return re.findall(r"<item jid=['\"]([^'\"]+)['\"]", answer)


def test_matches_local_accounts_in_request_order_from_probe(server):
    bob = jid_for_phone("+15555215555", server.domain)
    carol = jid_for_phone("+15555215556", server.domain)
    dave = jid_for_phone("+15555215557", server.domain)  # not registered
    for jid in (bob, carol):
        server.add_user(jid.split("@")[0], PASSWORD)
    server.add_user("alice", PASSWORD)
    with RawXmppConnection(server.host, server.starttls_port, server.domain) as alice:
        alice.login("alice", PASSWORD)
        answer = _ask(alice, server.domain,
                      [carol, dave, bob, carol, "x@example.org", f"{bob}/phone"])
        assert "type='result'" in answer and f"from='probe@{server.domain}'" in answer, answer
        # Other domains are ignored, duplicates answered once, non-matches absent (§7.4).
        assert _matched(answer) == [carol, bob]
        assert _matched(_ask(alice, server.domain, [dave], "m2")) == []


def test_too_many_items_and_unparsable_jids_are_refused(server):
    server.add_user("alice", PASSWORD)
    with RawXmppConnection(server.host, server.starttls_port, server.domain) as alice:
        alice.login("alice", PASSWORD)
        many = [jid_for_phone(f"+1555000{number:04d}", server.domain) for number in range(501)]
        assert "<policy-violation" in _ask(alice, server.domain, many, "big")
        refused = _ask(alice, server.domain, ["@bad@"], "bad")
        assert "<bad-request" in refused and "Invalid JID string" in refused, refused


def test_probe_is_a_service_of_the_domain_in_service_discovery(server):
    server.add_user("alice", PASSWORD)
    with RawXmppConnection(server.host, server.starttls_port, server.domain) as alice:
        alice.login("alice", PASSWORD)
        alice.send(f"<iq type='get' id='items' to='{server.domain}'>"
                   "<query xmlns='http://jabber.org/protocol/disco#items'/></iq>")
        items = alice.read_until(r"<iq[^>]*id=['\"]items['\"].*?</iq>")
        assert f"jid='probe@{server.domain}'" in items and "Kontalk probe engine" in items, items
        alice.send(f"<iq type='get' id='info' to='probe@{server.domain}'>"
                   "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>")
        info = alice.read_until(r"<iq[^>]*id=['\"]info['\"].*?</iq>")
        assert "category='component'" in info and "type='generic'" in info, info
        assert "http://kontalk.org/extensions/roster#probe" in info, info
