"""A Kontalk network of three kontalkd on loopback (spec §7, scenarios of §7.10): a.test, b.test
and c.test each list the other two in `[[modules.network.servers]]` (with their real OpenPGP
key fingerprints) and in `[s2s] hosts`; a test CA signs the TLS certificates, so the links use
SASL EXTERNAL. Users (phone-hash localparts, spec §1): alice and erin on a, bob on b, carol on
c, dave nowhere.

The three servers are shared by the whole module: the scenarios run in file order, and those
that change the network (N1 disables c.test on a and enables it again; N3 stops c) come where
they leave the others alone.
"""

from __future__ import annotations

import base64
import time

import pytest

from android_client import (
    NS_ADDRESS,
    NS_DELAY,
    NS_LAST,
    NS_PUBKEY,
    NS_RECEIPTS,
    fingerprint_of_block,
    key_of,
    q,
    stanza_error,
    to_xml,
)
from federation_certs import FederationCa
from kontalk_network import (
    PHONES,
    everyone_written_at as _everyone_written_at,
    home_jids as _home_jids,
    matched as _matched,
    online_user as _online,
    roster_match as _roster_match,
    running_network,
    serverlist as _serverlist,
)
from registration_client import assert_result, error_of, open_registration_stream, request_phone

DOMAINS = ("a.test", "b.test", "c.test")
# Far beyond the client's 15 s IQ timeout: a fan-out answered at all was ended by the peers'
# answers (or a refused connection), never by its deadline.
PROBE_TIMEOUT_S = 60


@pytest.fixture(scope="module")
def network(tmp_path_factory):
    root = tmp_path_factory.mktemp("network")
    # Each server its own key: the fingerprints the others list are real (spec §7.1).
    with running_network(root, DOMAINS, ca=FederationCa(root / "ca"),
                         probe_timeout=PROBE_TIMEOUT_S, own_keys=True) as net:
        yield net


@pytest.fixture(autouse=True)
def _attach_logs(request, network):
    # conftest.py attaches these servers' log tails to a failed test's report.
    request.node.kontalk_servers = list(network.servers.values())


# N1: each server lists itself first with its own key, then the other two; `kontalkctl network
# disable` on a reaches the running server; enabling again restores the list.
def test_serverlist_on_each_server_and_disable_without_restart(network):
    expected = {
        domain: [(domain, network.fingerprints[domain])]
        + [(other, network.fingerprints[other]) for other in DOMAINS if other != domain]
        for domain in DOMAINS
    }
    with _online(network, "alice") as alice:
        for domain in DOMAINS:  # over s2s for b and c (spec §7.3: anyone may execute it)
            assert _serverlist(alice, domain) == expected[domain], domain
        a = network.servers["a.test"]
        for command, count in (("disable", 2), ("enable", 3)):
            done = a.ctl("network", command, "c.test")
            assert done.returncode == 0, done.stderr
            started = time.monotonic()
            for _ in range(100):
                items = _serverlist(alice, "a.test")
                if len(items) == count:
                    break
                time.sleep(0.1)
            print(f"{command} took effect after {time.monotonic() - started:.2f} s")
            assert items == (expected["a.test"][:2] if count == 2 else expected["a.test"])


# N2: one answer from probe@a.test with the request's id: local match, then b's, then c's.
def test_roster_match_fans_out_to_the_other_servers(network):
    with _online(network, "alice") as alice:
        started = time.monotonic()
        reply = _roster_match(alice, "a.test", _everyone_written_at("a.test"))
        print(f"fan-out over b and c answered in {time.monotonic() - started:.3f} s")
        assert reply.get("from") == "probe@a.test", to_xml(reply)
        assert _matched(reply) == _home_jids("erin", "bob", "carol")
        many = [f"{n:040x}@a.test" for n in range(501)]
        assert stanza_error(_roster_match(alice, "a.test", many)) == ("modify",
                                                                     "policy-violation")


# N12: a group message to multicast@a.test reaches erin (local), bob and carol (over s2s) once
# each, from alice's full JID.
def test_multicast_reaches_local_and_remote_members_once(network):
    members = _home_jids("erin", "bob", "carol")
    with _online(network, "alice") as alice, _online(network, "erin") as erin, \
            _online(network, "bob") as bob, _online(network, "carol") as carol:
        group_id = alice.group_message(members, b"group payload")
        # A direct message after it on the same path: the next one each member sees from
        # alice must be that one, not a second copy of the group message.
        marker_ids = {member: alice.chat_message(member, body="after the group")
                      for member in members}
        for member, phone in zip(members, (erin, bob, carol)):
            copy = phone.message_from(alice.bare_jid, f"the group message at {member}")
            assert copy.get("id") == group_id, to_xml(copy)
            assert copy.get("from") == alice.full_jid, to_xml(copy)
            assert copy.get("to") in (member, phone.full_jid), to_xml(copy)
            # XEP-0033 §4.4 as test_addressing.py: the `to` addresses stay, marked delivered
            # (spec §8.1 and N12 say "removed": the lead knows of the difference).
            addresses = copy.find(q("addresses", NS_ADDRESS))
            assert addresses is not None, to_xml(copy)
            assert [(a.get("jid"), a.get("delivered")) for a in addresses] == [
                (jid, "true") for jid in members], to_xml(copy)
            after = phone.message_from(alice.bare_jid, f"the direct message at {member}")
            assert after.get("id") == marker_ids[member], to_xml(after)


# N8: bob offline on b: alice's chat with a receipt request is stored on b and delivered with a
# delay stamp when bob logs in; his receipt reaches alice; his key comes from b's keyring.
def test_offline_delivery_receipt_and_pubkey_across_servers(network):
    bob_jid = network.accounts["bob"].jid
    with _online(network, "alice") as alice:
        message_id = alice.chat_message(bob_jid, body="while you were away")
        reply = alice.public_key(bob_jid)
        assert reply.get("from") == bob_jid, to_xml(reply)
        assert fingerprint_of_block(key_of(reply)) == network.accounts["bob"].fingerprint
        with _online(network, "bob") as bob:
            stored = bob.message_from(alice.bare_jid, "alice's message stored on b")
            assert stored.get("id") == message_id, to_xml(stored)
            assert stored.find(q("delay", NS_DELAY)) is not None, to_xml(stored)
            assert stored.find(q("request", NS_RECEIPTS)) is not None, to_xml(stored)
            bob.receipt(stored.get("from"), message_id)
        receipt = alice.message_from(bob_jid, "bob's receipt")
        received = receipt.find(q("received", NS_RECEIPTS))
        assert received is not None and received.get("id") == message_id, to_xml(receipt)


# N8, the rest: a subscription request for a user of another server carries the sender's
# whole key and its fingerprint (spec §7.8: b's server has no copy of alice's key), reaches bob
# when he logs in, and his approval lets alice ask b for his last activity once he is gone.
def test_subscription_with_key_and_last_activity_across_servers(network):
    bob_jid = network.accounts["bob"].jid
    alice_account = network.accounts["alice"]
    with _online(network, "alice") as alice:
        alice.subscription(bob_jid, "subscribe")
        with _online(network, "bob") as bob:
            request = bob.presence_from(alice.bare_jid, "alice's subscription request",
                                        type_="subscribe")
            pubkey = request.find(q("pubkey", NS_PUBKEY))
            assert pubkey is not None, to_xml(request)
            assert pubkey.findtext(q("print", NS_PUBKEY)) == alice_account.fingerprint
            key = base64.b64decode(pubkey.findtext(q("key", NS_PUBKEY)) or "")
            assert fingerprint_of_block(key) == alice_account.fingerprint, to_xml(request)
            bob.subscription(alice.bare_jid, "subscribed")
            alice.presence_from(bob_jid, "bob's approval", type_="subscribed")
        alice.presence_from(bob_jid, "bob going offline", type_="unavailable")
        last = alice.iq("get", f"<query xmlns='{NS_LAST}'/>", to=bob_jid)
        assert last.get("type") == "result" and last.get("from") == bob_jid, to_xml(last)
        assert int(last.find(q("query", NS_LAST)).get("seconds", "-1")) >= 0, to_xml(last)


# N6: a user of another server may not use a's probe engine.
def test_remote_users_may_not_ask_the_probe_engine(network):
    with _online(network, "bob") as bob:
        reply = _roster_match(bob, "a.test", _everyone_written_at("a.test"))
        assert stanza_error(reply) == ("auth", "forbidden"), to_xml(reply)


# N7: carol's number is registered on c: registering it on a without force is a conflict;
# dave's number starts the verification.
def test_registration_of_a_number_registered_on_another_server_is_a_conflict(network):
    a = network.servers["a.test"]
    connection, _ = open_registration_stream(a)
    with connection:
        started = time.monotonic()
        conflict = request_phone(connection, PHONES["carol"])
        print(f"conflict from c answered in {time.monotonic() - started:.3f} s")
        assert error_of(conflict) == (
            "modify", "conflict", "Another user is registered with the same id.")
        assert_result(request_phone(connection, PHONES["dave"]))


# N3 (last: it stops c): the fan-out ends when c's connection is refused, not at the deadline.
def test_roster_match_with_a_server_down_answers_with_the_others(network):
    network.servers["c.test"].stop()
    with _online(network, "alice") as alice:
        started = time.monotonic()
        reply = _roster_match(alice, "a.test", _everyone_written_at("a.test"))
        print(f"fan-out with c down answered in {time.monotonic() - started:.3f} s")
        assert reply.get("from") == "probe@a.test", to_xml(reply)
        assert _matched(reply) == _home_jids("erin", "bob")
    network.servers["a.test"].wait_for_log("probe: c.test answered with an error")
