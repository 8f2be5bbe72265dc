"""The Kontalk network on one server (spec §7.1, §7.3-§7.7, scenarios N1, N2, N6, N7 of §7.10):
network@DOMAIN's server list and its edits with kontalkctl, and roster match and registration
with peers that cannot be reached yet (every stanza to another domain bounces with
remote-server-not-found until s2s exists: that bounce makes a peer done at once)."""

from __future__ import annotations

import re
import time

from kontalk_identity import jid_for_phone
from raw_client import RawXmppConnection
from registration_client import (
    assert_result,
    error_of,
    open_registration_stream,
    request_phone,
    username_for,
)

PASSWORD = "secret"
NS_COMMANDS = "http://jabber.org/protocol/commands"
NS_ROSTER_MATCH = "http://kontalk.org/extensions/roster"
B_FPR = "8FA6D1A3C0F1E52B6F0C9D1A7E40B2C3D4E5F601"
C_FPR = "37D0E678CDD19FB9B182B3804C9539B401F8229C"
# A probe_timeout far beyond the raw client's 10 s read timeout: an answer that comes at all
# came because the bounces made the peers done, not because their deadline passed.
NETWORK = {
    "modules.network": {
        "probe_timeout": 60,
        "servers": [
            {"domain": "b.test", "fingerprint": B_FPR},
            {"domain": "c.test", "fingerprint": C_FPR.lower()},
            {"domain": "off.test", "fingerprint": C_FPR, "enabled": False},
        ],
    },
    "modules.register": {"provider": "fixed", "fixed_code": "123456"},
}


def _server_fingerprint(server) -> str:
    return re.search(r"server key ([0-9A-F]{40})", server.wait_for_log("server key ")).group(1)


def _serverlist(raw: RawXmppConnection, domain: str, request_id: str) -> str:
    raw.send(f"<iq type='set' id='{request_id}' to='network@{domain}'>"
             f"<command xmlns='{NS_COMMANDS}' node='serverlist' action='execute'/></iq>")
    return raw.read_until(rf"<iq[^>]*id=['\"]{request_id}['\"][^>]*(/>|>.*?</iq>)")


def _items(answer: str) -> list[tuple[str, str]]:
    return re.findall(r"<item node=['\"]([^'\"]+)['\"] fingerprint=['\"]([^'\"]+)['\"]", answer)


def _match(raw: RawXmppConnection, domain: str, jids: list[str], request_id: str) -> str:
    items = "".join(f"<item jid='{jid}'/>" for jid in jids)
    raw.send(f"<iq type='get' id='{request_id}' to='probe@{domain}'>"
             f"<query xmlns='{NS_ROSTER_MATCH}'>{items}</query></iq>")
    return raw.read_until(rf"<iq[^>]*id=['\"]{request_id}['\"][^>]*(/>|>.*?</iq>)")


def _matched(answer: str) -> list[str]:
    return re.findall(r"<item jid=['\"]([^'\"]+)['\"]", answer)


# N1: enabled servers, local first with the server's own key, then list order; a disabled
# server is left out; `kontalkctl network disable` reaches the running server.
def test_serverlist_lists_enabled_servers_and_follows_kontalkctl(make_server):
    server = make_server(NETWORK)
    server.add_user("alice", PASSWORD)
    local = (server.domain, _server_fingerprint(server))
    with RawXmppConnection(server.host, server.starttls_port, server.domain) as alice:
        alice.login("alice", PASSWORD)
        answer = _serverlist(alice, server.domain, "sl1")
        assert "type='result'" in answer and f"from='network@{server.domain}'" in answer, answer
        assert "status='completed'" in answer and "sessionid='" in answer, answer
        assert _items(answer) == [local, ("b.test", B_FPR), ("c.test", C_FPR)], answer

        disabled = server.ctl("network", "disable", "c.test")
        assert disabled.returncode == 0, disabled.stderr
        started = time.monotonic()
        for attempt in range(100):
            items = _items(_serverlist(alice, server.domain, f"poll{attempt}"))
            if len(items) == 2:
                break
            time.sleep(0.2)
        print(f"disable took effect after {time.monotonic() - started:.1f} s")
        assert items == [local, ("b.test", B_FPR)]

        added = server.ctl("network", "add", "e.test", C_FPR)
        assert added.returncode == 0, added.stderr
        for attempt in range(100):
            items = _items(_serverlist(alice, server.domain, f"again{attempt}"))
            if len(items) == 3:
                break
            time.sleep(0.2)
        assert items == [local, ("b.test", B_FPR), ("e.test", C_FPR)]
        listed = server.ctl("network", "list")
        assert listed.stdout.splitlines() == [
            "c.test - disabled", f"e.test {C_FPR} enabled"], listed.stdout

        for command in (("remove", "b.test"), ("enable", "c.test")):
            done = server.ctl("network", *command)
            assert done.returncode == 0, done.stderr
        expected = [local, ("c.test", C_FPR), ("e.test", C_FPR)]
        for attempt in range(100):  # two edits: the server may see the first alone, then both
            items = _items(_serverlist(alice, server.domain, f"last{attempt}"))
            if items == expected:
                break
            time.sleep(0.2)
        assert items == expected


def test_kontalkctl_network_refuses_bad_arguments(make_server):
    server = make_server(NETWORK)
    bad_fpr = server.ctl("network", "add", "e.test", "1234")
    assert bad_fpr.returncode == 2 and "40 hex digits" in bad_fpr.stderr, bad_fpr.stderr
    bad_domain = server.ctl("network", "disable", "not a domain")
    assert bad_domain.returncode == 2 and "not a domain name" in bad_domain.stderr


def test_network_is_in_service_discovery_with_its_command(make_server):
    server = make_server(NETWORK)
    server.add_user("alice", PASSWORD)
    with RawXmppConnection(server.host, server.starttls_port, server.domain) as alice:
        alice.login("alice", PASSWORD)
        alice.send(f"<iq type='get' id='items' to='{server.domain}'>"
                   "<query xmlns='http://jabber.org/protocol/disco#items'/></iq>")
        items = alice.read_until(r"<iq[^>]*id=['\"]items['\"].*?</iq>")
        assert f"jid='network@{server.domain}'" in items and "Network information" in items
        alice.send(f"<iq type='get' id='cmds' to='network@{server.domain}'>"
                   f"<query xmlns='http://jabber.org/protocol/disco#items' node='{NS_COMMANDS}'/>"
                   "</iq>")
        commands = alice.read_until(r"<iq[^>]*id=['\"]cmds['\"].*?</iq>")
        assert f"jid='network@{server.domain}'" in commands, commands
        assert "node='serverlist'" in commands and "Retrieve server list" in commands, commands
        alice.send(f"<iq type='get' id='info' to='network@{server.domain}'>"
                   "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>")
        info = alice.read_until(r"<iq[^>]*id=['\"]info['\"].*?</iq>")
        assert "category='component'" in info and "type='generic'" in info, info
        other = _serverlist_node(alice, server.domain, "nope")
        assert "<item-not-found" in other, other


def _serverlist_node(raw: RawXmppConnection, domain: str, node: str) -> str:
    raw.send(f"<iq type='set' id='n-{node}' to='network@{domain}'>"
             f"<command xmlns='{NS_COMMANDS}' node='{node}'/></iq>")
    return raw.read_until(rf"<iq[^>]*id=['\"]n-{node}['\"][^>]*(/>|>.*?</iq>)")


# N2 on one server, N3's "unreachable peer is done at once": erin is local; bob, carol and
# dave are asked of b.test and c.test, whose bounces end the fan-out; then 501 items.
def test_fan_out_with_unreachable_peers_answers_with_local_matches(make_server):
    server = make_server(NETWORK)
    server.add_user("alice", PASSWORD)
    erin = jid_for_phone("+15555215560", server.domain)
    server.add_user(erin.split("@")[0], PASSWORD)
    others = [jid_for_phone(phone, server.domain)
              for phone in ("+15555215561", "+15555215562", "+15555215563")]
    with RawXmppConnection(server.host, server.starttls_port, server.domain) as alice:
        alice.login("alice", PASSWORD)
        started = time.monotonic()
        answer = _match(alice, server.domain, [others[0], erin, *others[1:]], "fan")
        print(f"fan-out answered in {time.monotonic() - started:.3f} s")
        assert "type='result'" in answer and f"from='probe@{server.domain}'" in answer, answer
        assert _matched(answer) == [erin]
        many = [jid_for_phone(f"+1555000{number:04d}", server.domain) for number in range(501)]
        assert "<policy-violation" in _match(alice, server.domain, many, "big")
    # Both enabled peers were asked about the three others (the disabled one not), each with
    # its own id.
    asked = re.findall(r"probe: asking (\S+) about (\d+) number\(s\), id (\S+)",
                       server.log_path.read_text())
    assert sorted((peer, count) for peer, count, _ in asked) == [("b.test", "3"), ("c.test", "3")]
    assert len({request_id for _, _, request_id in asked}) == 2
    # Each was done through the router's bounce (an error), not its deadline.
    for peer in ("b.test", "c.test"):
        server.wait_for_log(f"probe: {peer} answered with an error")


# N7 on one server: a local account is a conflict; an unregistered number starts the
# verification once the unreachable peers are done.
def test_registration_checks_local_accounts_then_the_peers(make_server):
    server = make_server(NETWORK)
    carol = "+15555215570"
    server.add_user(username_for(carol), PASSWORD)
    connection, _ = open_registration_stream(server)
    with connection:
        conflict = request_phone(connection, carol)
        assert error_of(conflict) == (
            "modify", "conflict", "Another user is registered with the same id.")
        started = time.monotonic()
        dave = request_phone(connection, "+15555215571")
        print(f"verification started after {time.monotonic() - started:.3f} s")
        assert_result(dave)


# N6 with one server: a local user may ask (the tests above); a client that has not
# authenticated is forbidden (spec §7.4). Remote users and unlisted servers' probes need s2s
# (unit tests: FanOutTest.OthersAreForbidden).
def test_unauthenticated_clients_are_forbidden(make_server):
    server = make_server(NETWORK)
    server.add_user("alice", PASSWORD)
    connection, _ = open_registration_stream(server)
    with connection:
        connection.send(f"<iq type='get' id='anon' to='probe@{server.domain}'>"
                        f"<query xmlns='{NS_ROSTER_MATCH}'><item jid='alice@{server.domain}'/>"
                        "</query></iq>")
        refused = connection.read_until(r"<iq[^>]*id=['\"]anon['\"].*?</iq>")
        assert "type='error'" in refused and "<forbidden" in refused, refused
