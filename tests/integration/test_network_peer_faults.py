"""Network peers that misbehave or do not qualify (spec §7.2, §7.5, §7.6; §7.10 N4, N5, N6, N11).

F (fake_s2s_peer.py) poses as c.test, a listed network server, and as d.test, an unlisted one;
a.test maps both to F and runs with a short `probe_timeout`. a.test and b.test are real
kontalkd; a test CA signs the certificates, so links use SASL EXTERNAL. Users: alice and erin on
a, bob on b; carol's and dave's numbers are asked about but registered nowhere, so only F can
claim them.

Then, on servers of their own: TLS with network domains whatever `[s2s] require_tls` says, and
`[s2s] require_certificate` making a dialback-only server a non-member (N11), and `[s2s]
verify_keys` one whose server key is not the listed one.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET

import pytest

from android_client import NS_KONTALK_ROSTER, stanza_error, to_xml
from fake_s2s_peer import NS_SERVER, FakeS2sPeer
from federation_certs import FederationCa, self_signed
from kontalk_network import (
    everyone_written_at,
    home_jids,
    matched,
    network_localpart,
    online_user,
    roster_match,
    running_network,
    serverlist,
)

# Short, so that N4 waits for it; long enough that an answer "at once" comes well before it.
PROBE_TIMEOUT_S = 3
# N4's generous upper bound: the deadline plus anything a loaded machine adds.
SLACK_S = 8
F_FINGERPRINT = "F" * 40
NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas"


@pytest.fixture(scope="module")
def faults(tmp_path_factory):
    root = tmp_path_factory.mktemp("faults")
    ca = FederationCa(root / "ca")
    with FakeS2sPeer({"c.test": ca.issue("c.test"), "d.test": ca.issue("d.test")}) as peer:
        with running_network(root, ("a.test", "b.test"), ca=ca, probe_timeout=PROBE_TIMEOUT_S,
                             peers={"c.test": (peer.port, F_FINGERPRINT),
                                    "d.test": (peer.port, "")}) as net:
            # F's own link to a, for its answers (RFC 6120 §2.4): its c.test certificate.
            assert peer.link_to("a.test", net.s2s_ports["a.test"], "c.test") == "SASL EXTERNAL"
            yield net, peer


@pytest.fixture(autouse=True)
def _attach_logs(request):
    # conftest.py attaches these servers' log tails to a failed test's report.
    if "faults" in request.fixturenames:
        request.node.kontalk_servers = list(request.getfixturevalue("faults")[0].servers.values())


def _timed_match(network) -> tuple[ET.Element, float]:
    with online_user(network, "alice") as alice:
        started = time.monotonic()
        reply = roster_match(alice, "a.test", everyone_written_at("a.test"))
        return reply, time.monotonic() - started


def _probe_answer(probe: ET.Element, items: list[str]) -> str:
    listed = "".join(f"<item jid='{jid}'/>" for jid in items)
    return (f"<iq type='result' id='{probe.get('id')}' from='{probe.get('to')}' "
            f"to='{probe.get('from')}'><query xmlns='{NS_KONTALK_ROSTER}'>{listed}</query></iq>")


# N4: F takes the probe and never answers: a answers with what it has at the deadline.
def test_a_silent_peer_costs_the_probe_timeout(faults):
    network, peer = faults
    peer.on_probe = lambda probe: None
    asked_before = len(peer.probes())
    reply, elapsed = _timed_match(network)
    print(f"answered after {elapsed:.3f} s (probe_timeout {PROBE_TIMEOUT_S} s)")
    assert reply.get("from") == "probe@a.test", to_xml(reply)
    assert matched(reply) == home_jids("erin", "bob")
    assert PROBE_TIMEOUT_S <= elapsed < PROBE_TIMEOUT_S + SLACK_S
    # F was asked (spec §7.6): about the candidates a does not have, written with its domain.
    probe = peer.probes()[asked_before]
    assert probe.get("from") == "probe@a.test" and probe.get("to") == "probe@c.test"
    assert sorted(item.get("jid") for item in probe.iter(f"{{{NS_KONTALK_ROSTER}}}item")) == \
        sorted(everyone_written_at("c.test", ("bob", "carol", "dave")))


# N5: an error from F makes it done at once (spec §7.5 step 4).
def test_an_error_from_a_peer_answers_at_once(faults):
    network, peer = faults
    peer.on_probe = lambda probe: (
        f"<iq type='error' id='{probe.get('id')}' from='{probe.get('to')}' "
        f"to='{probe.get('from')}'><error type='cancel'>"
        f"<service-unavailable xmlns='{NS_STANZAS}'/></error></iq>")
    reply, elapsed = _timed_match(network)
    print(f"answered after {elapsed:.3f} s (probe_timeout {PROBE_TIMEOUT_S} s)")
    assert matched(reply) == home_jids("erin", "bob")
    assert elapsed < PROBE_TIMEOUT_S, "a waited for the deadline despite F's error"


# N5: of F's answer only what was asked, of F's own domain, is kept: carol@c.test, not an unasked
# y@c.test, nor dave (asked) claimed at b.test.
def test_only_asked_matches_of_the_peers_domain_are_kept(faults):
    network, peer = faults
    unasked = f"{'9' * 40}@c.test"
    dave_elsewhere = f"{network_localpart('dave')}@b.test"
    carol_at_c = f"{network_localpart('carol')}@c.test"
    peer.on_probe = lambda probe: _probe_answer(probe, [carol_at_c, unasked, dave_elsewhere])
    reply, elapsed = _timed_match(network)
    print(f"answered after {elapsed:.3f} s (probe_timeout {PROBE_TIMEOUT_S} s)")
    assert matched(reply) == home_jids("erin", "bob") + [carol_at_c]
    assert elapsed < PROBE_TIMEOUT_S, "a waited for the deadline despite F's answer"


# N6, second half: a server outside the list, authenticated (SASL EXTERNAL with its own
# certificate), is refused; c.test, listed, is answered on the same terms.
def test_an_unlisted_server_may_not_probe(faults):
    network, peer = faults
    assert peer.link_to("a.test", network.s2s_ports["a.test"], "d.test") == "SASL EXTERNAL"
    asked = f"<query xmlns='{NS_KONTALK_ROSTER}'><item jid='{home_jids('alice')[0]}'/></query>"
    for domain, probe_id in (("d.test", "probe-d"), ("c.test", "probe-c")):
        peer.send(domain, f"<iq type='get' id='{probe_id}' from='probe@{domain}' "
                          f"to='probe@a.test'>{asked}</iq>")
    refused = peer.wait_for(lambda s: s.get("id") == "probe-d", "a's answer to d.test's probe")
    assert stanza_error(_as_client(refused)) == ("auth", "forbidden"), ET.tostring(refused)
    answered = peer.wait_for(lambda s: s.get("id") == "probe-c", "a's answer to c.test's probe")
    assert answered.get("type") == "result", ET.tostring(answered)
    assert [i.get("jid") for i in answered.iter(f"{{{NS_KONTALK_ROSTER}}}item")] == \
        home_jids("alice")
    network.servers["a.test"].wait_for_log("probe: probe@c.test asks about 1 number(s)")


def _as_client(stanza: ET.Element) -> ET.Element:
    """F's stanzas are in jabber:server; stanza_error reads jabber:client."""
    text = ET.tostring(stanza).decode().replace(NS_SERVER, "jabber:client")
    return ET.fromstring(text)


# Spec §7.2: STARTTLS is mandatory with network domains even with `require_tls = false`, in
# both directions; other domains may then do without. F offers no STARTTLS here.
def test_tls_is_mandatory_with_network_domains_only(tmp_path):
    certificates = {domain: self_signed(tmp_path / "f", domain) for domain in ("c.test", "e.test")}
    with FakeS2sPeer(certificates, starttls=False) as peer, \
            running_network(tmp_path, ("a.test",), ca=None, probe_timeout=PROBE_TIMEOUT_S,
                            peers={"c.test": (peer.port, F_FINGERPRINT), "e.test": (peer.port, "")},
                            s2s={"a.test": {"require_tls": False}}) as network:
        a = network.servers["a.test"]
        port = network.s2s_ports["a.test"]
        with online_user(network, "alice") as alice:
            # To c.test (listed): a gives up on the link, and the fan-out on c with it.
            reply = roster_match(alice, "a.test", everyone_written_at("a.test"))
            assert matched(reply) == home_jids("erin")
            a.wait_for_log("to c.test: link failed: the peer offers no STARTTLS")
            # To e.test (not listed): plain dialback, and the message arrives.
            alice.chat_message("someone@e.test", body="in the clear")
            peer.wait_for(lambda s: s.tag == f"{{{NS_SERVER}}}message", "alice's message")
        assert [(r["from"], r["to"], r["tls"]) for r in peer.dialback_results()] == [
            ("a.test", "e.test", "False")]
        # From e.test: accepted without TLS (a checks the key with F); from c.test: refused,
        # also when the header claims e.test and the dialback request c.test.
        assert peer.link_to("a.test", port, "e.test", starttls=False) == "dialback"
        assert peer.link_to("a.test", port, "c.test", starttls=False) == "refused"
        assert peer.link_to("a.test", port, "c.test", starttls=False,
                            header_domain="e.test") == "refused"
        a.wait_for_log("TLS is required for c.test")


# N11: without a CA the links use dialback; with `require_certificate` a.test keeps them (the
# users' messages pass) but b.test is no member: its probes are refused and a no longer asks it.
def test_require_certificate_makes_a_dialback_only_server_a_non_member(tmp_path):
    with running_network(tmp_path, ("a.test", "b.test"), ca=None, probe_timeout=PROBE_TIMEOUT_S,
                         s2s={"a.test": {"require_certificate": True}}) as network:
        a, b = network.servers["a.test"], network.servers["b.test"]
        with online_user(network, "alice") as alice, online_user(network, "bob") as bob:
            alice.chat_message(network.accounts["bob"].jid, body="over dialback")
            bob.message_from(alice.bare_jid, "alice's message over a dialback link")
            a.wait_for_log("b.test authenticated with dialback")
            # b asks a for bob (alice's number written at b.test, as bob's client does): refused.
            reply = roster_match(bob, "b.test", [f"{network_localpart('alice')}@b.test"])
            assert matched(reply) == []
            a.wait_for_log("probe: refused a roster match from probe@b.test")
            # alice asks: a answers from its own accounts only, without asking b.
            reply = roster_match(alice, "a.test", everyone_written_at("a.test"))
            assert matched(reply) == home_jids("erin")
        assert "probe: probe@a.test asks about" not in b.log_path.read_text()


# Spec §7.2 verify_keys: a.test asks b.test for its server key once per link; with the list's
# fingerprint b is a member, with another one (an operator's edit, no restart) it is not.
def test_verify_keys_makes_a_server_with_another_key_a_non_member(tmp_path):
    with running_network(tmp_path, ("a.test", "b.test"), ca=None, probe_timeout=PROBE_TIMEOUT_S,
                         s2s={"a.test": {"verify_keys": True}}) as network:
        a = network.servers["a.test"]
        with online_user(network, "alice") as alice, online_user(network, "bob") as bob:
            alice.chat_message(network.accounts["bob"].jid, body="a link, and a key question")
            bob.message_from(alice.bare_jid, "alice's message")
            a.wait_for_log(f"the server key of b.test: {network.fingerprints['b.test']}")
            reply = roster_match(alice, "a.test", everyone_written_at("a.test"))
            assert matched(reply) == home_jids("erin", "bob")
            edited = a.ctl("network", "add", "b.test", F_FINGERPRINT)
            assert edited.returncode == 0, edited.stderr
            for _ in range(100):  # the module reads the edits every 2 s
                if ("b.test", F_FINGERPRINT) in serverlist(alice, "a.test"):
                    break
                time.sleep(0.1)
            reply = roster_match(alice, "a.test", everyone_written_at("a.test"))
            assert matched(reply) == home_jids("erin")
            reply = roster_match(bob, "b.test", [f"{network_localpart('alice')}@b.test"])
            assert matched(reply) == []
            a.wait_for_log("probe: refused a roster match from probe@b.test")
