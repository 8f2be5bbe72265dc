"""Server-to-server links between two kontalkd (RFC 6120, spec §7.2, §7.9, §7.10).

Two servers, a.test and b.test, each with an [s2s] listener on a free loopback port and
`hosts` mapping the other (`.test` never resolves). With a test CA signing both certificates
the links authenticate with SASL EXTERNAL (XEP-0178); with the servers' own self-signed
certificates, with dialback (XEP-0220). A raw fake peer checks that a link cannot send from a
domain it did not authenticate, and a mapped domain whose port is closed checks the bounces.
A test DNS server (srv_dns_server.py) serves the SRV look-ups of [s2s] dns_servers.
"""

from __future__ import annotations

import asyncio
import re
import socket
import ssl
import slixmpp

from federation_certs import FederationCa
from kontalk_server import HOST, free_port
from srv_dns_server import SrvDnsServer
from raw_client import NS_SASL, NS_STREAMS, NS_TLS, RawXmppConnection, stream_error_condition

PASSWORD = "secret"
REPLY_TIMEOUT_S = 15.0


# --- servers --------------------------------------------------------------------------------

def _s2s_config(domain: str, port: int, hosts: dict[str, str], ca: FederationCa | None) -> dict:
    config = {
        "server": {"domain": domain},
        "s2s": {"listen": [f"{HOST}:{port}"], "hosts": hosts},
    }
    if ca is not None:
        pair = ca.issue(domain)
        config["s2s"]["ca_file"] = str(ca.certificate)
        config["tls"] = {"certificate": str(pair.certificate), "private_key": str(pair.private_key)}
    return config


def _two_servers(make_server, ca: FederationCa | None):
    port_a, port_b = free_port(), free_port()
    while port_b == port_a:
        port_b = free_port()
    a = make_server(_s2s_config("a.test", port_a, {"b.test": f"{HOST}:{port_b}"}, ca))
    b = make_server(_s2s_config("b.test", port_b, {"a.test": f"{HOST}:{port_a}"}, ca))
    return a, b


async def _wait_for(queue_or_future, what: str):
    try:
        return await asyncio.wait_for(queue_or_future, REPLY_TIMEOUT_S)
    except asyncio.TimeoutError:
        raise AssertionError(f"no {what} within {REPLY_TIMEOUT_S} s") from None


async def _exchange(a, b, clients) -> None:
    """Messages both ways, a presence subscription, IQs to a server and to a full JID."""
    alice_jid = a.add_user("alice", PASSWORD)
    bob_jid = b.add_user("bob", PASSWORD)
    alice = await clients.slix(a, alice_jid + "/phone", PASSWORD)
    bob = await clients.slix(b, bob_jid + "/laptop", PASSWORD)
    # Interested (RFC 6121 §2.1.6) and available, so that subscription requests and messages to
    # the bare JIDs are delivered (§8.5.2.1.1); subscriptions are answered by the test.
    for client in (alice, bob):
        client.auto_authorize = None
        client.auto_subscribe = False
        await client.get_roster(timeout=REPLY_TIMEOUT_S)
        client.send_presence()
        await client.barrier()

    alice.send_message(mto=bob_jid, mbody="hello bob", mtype="chat")
    received = await bob.next_message(REPLY_TIMEOUT_S)
    assert received["body"] == "hello bob"
    assert received["from"] == alice.boundjid, f"from was {received['from']}"

    bob.send_message(mto=alice.boundjid.full, mbody="hello alice", mtype="chat")
    received = await alice.next_message(REPLY_TIMEOUT_S)
    assert received["body"] == "hello alice"
    assert received["from"] == bob.boundjid, f"from was {received['from']}"

    # IQs: one to the other server itself, one to a client there (answered by slixmpp).
    version = await alice["xep_0092"].get_version(jid="b.test", timeout=REPLY_TIMEOUT_S)
    assert version["type"] == "result", version
    assert version["from"] == "b.test"
    version = await bob["xep_0092"].get_version(jid=alice.boundjid.full, timeout=REPLY_TIMEOUT_S)
    assert version["type"] == "result", version
    assert version["from"] == alice.boundjid
    # An error the other server's router answers comes back over the link too.
    try:
        await bob["xep_0092"].get_version(jid=alice_jid + "/gone", timeout=REPLY_TIMEOUT_S)
        raise AssertionError("an IQ to a resource that does not exist got a result")
    except slixmpp.exceptions.IqError as error:
        assert error.iq["error"]["condition"] == "service-unavailable", error.iq

    # RFC 6121 §3: alice asks bob; bob approves; then bob's presence reaches alice.
    subscribe_requests: asyncio.Queue = asyncio.Queue()
    bob.add_event_handler("presence_subscribe", subscribe_requests.put_nowait)
    available: asyncio.Queue = asyncio.Queue()
    alice.add_event_handler(
        "presence_available",
        lambda presence: available.put_nowait(presence)
        if presence["from"].bare == bob_jid else None,
    )
    alice.send_presence(pto=bob_jid, ptype="subscribe")
    request = await _wait_for(subscribe_requests.get(), "subscription request at bob")
    assert request["from"].bare == alice_jid
    bob.send_presence(pto=alice_jid, ptype="subscribed")
    presence = await _wait_for(available.get(), "presence of bob at alice")
    assert presence["from"] == bob.boundjid


async def test_links_authenticate_with_sasl_external_when_a_ca_vouches(
    make_server, clients, tmp_path
):
    a, b = _two_servers(make_server, FederationCa(tmp_path / "ca"))
    await _exchange(a, b, clients)
    # Each side's inbound link authenticated the other with its certificate.
    a.wait_for_log("b.test authenticated with SASL EXTERNAL")
    b.wait_for_log("a.test authenticated with SASL EXTERNAL")
    assert "authenticated with dialback" not in a.log_path.read_text()


async def test_links_fall_back_to_dialback_with_self_signed_certificates(make_server, clients):
    a, b = _two_servers(make_server, None)
    await _exchange(a, b, clients)
    a.wait_for_log("b.test authenticated with dialback")
    b.wait_for_log("a.test authenticated with dialback")
    assert "authenticated with SASL EXTERNAL" not in a.log_path.read_text()


def _s2s_header(origin: str, target: str) -> str:
    return (
        f"<?xml version='1.0'?><stream:stream xmlns='jabber:server' xmlns:stream='{NS_STREAMS}' "
        f"xmlns:db='jabber:server:dialback' from='{origin}' to='{target}' version='1.0'>"
    )


def test_a_link_cannot_send_from_a_domain_it_did_not_authenticate(make_server, tmp_path):
    ca = FederationCa(tmp_path / "ca")
    port = free_port()
    b = make_server(_s2s_config("b.test", port, {}, ca))
    b.add_user("bob", PASSWORD)
    certificate = ca.issue("c.test")
    with RawXmppConnection(HOST, port, "b.test") as peer:
        peer.send(_s2s_header("c.test", "b.test"))
        features = peer.read_until(r"</stream:features>")
        assert "<starttls" in features and "<required" in features, features
        peer.send(f"<starttls xmlns='{NS_TLS}'/>")
        peer.read_until(r"<proceed[^>]*>")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        context.load_cert_chain(certificate.certificate, certificate.private_key)
        peer.sock = context.wrap_socket(peer.sock, server_hostname="b.test")
        peer.send(_s2s_header("c.test", "b.test"))
        features = peer.read_until(r"</stream:features>")
        assert "<mechanism>EXTERNAL</mechanism>" in features, features
        peer.send(f"<auth xmlns='{NS_SASL}' mechanism='EXTERNAL'>=</auth>")
        outcome = peer.read_until(r"<success[^>]*?(/>|</success>)|</failure>")
        assert "<success" in outcome, outcome
        peer.send(_s2s_header("c.test", "b.test"))
        peer.read_until(r"</stream:features>|<stream:features[^>]*/>")
        # Authenticated as c.test: a stanza from another domain is forged.
        peer.send("<message from='mallory@evil.test' to='bob@b.test' id='forged' type='chat'>"
                  "<body>trust me</body></message>")
        received = peer.read_until_closed()
        assert stream_error_condition(received) == "invalid-from", received
    b.wait_for_log("evil.test, a domain this link did not authenticate")


def test_sasl_external_is_not_offered_for_a_certificate_of_another_domain(make_server, tmp_path):
    ca = FederationCa(tmp_path / "ca")
    port = free_port()
    make_server(_s2s_config("b.test", port, {}, ca))
    certificate = ca.issue("c.test")
    with RawXmppConnection(HOST, port, "b.test") as peer:
        peer.send(_s2s_header("d.test", "b.test"))  # claims d.test with c.test's certificate
        peer.read_until(r"</stream:features>")
        peer.send(f"<starttls xmlns='{NS_TLS}'/>")
        peer.read_until(r"<proceed[^>]*>")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        context.load_cert_chain(certificate.certificate, certificate.private_key)
        peer.sock = context.wrap_socket(peer.sock, server_hostname="b.test")
        peer.send(_s2s_header("d.test", "b.test"))
        features = peer.read_until(r"</stream:features>")
        assert "EXTERNAL" not in features, features
        assert "urn:xmpp:features:dialback" in features, features
        peer.send(f"<auth xmlns='{NS_SASL}' mechanism='EXTERNAL'>=</auth>")
        outcome = peer.read_until(r"</failure>|<failure[^>]*/>")
        assert "invalid-mechanism" in outcome, outcome


# Spec §7.9 and §7.10 N10: how long a message for another server may wait in the remote queue
# before it goes back to its sender ([modules.offline] remote_queue_ttl for the Kontalk
# network's servers, remote_queue_ttl_outside_network for the rest: the spec's s2s.queue_ttl);
# short here, so that the bounce comes within the test.
QUEUE_TTL_S = 3
SHORT_QUEUE = {"remote_queue_ttl": QUEUE_TTL_S, "remote_queue_ttl_outside_network": QUEUE_TTL_S}


async def test_stanzas_for_an_unreachable_domain_bounce(make_server, clients):
    closed_port = free_port()  # nothing listens there
    a = make_server({
        "server": {"domain": "a.test"},
        "s2s": {"hosts": {"down.test": f"{HOST}:{closed_port}"}},
        "modules.offline": SHORT_QUEUE,
    })
    alice = await clients.slix(a, a.add_user("alice", PASSWORD) + "/phone", PASSWORD)

    # Spec §7.9 (N10): a message waits, stored, while its server is down, and comes back to its
    # sender with the same id, its body and remote-server-timeout after the queue's time.
    message = alice.make_message(mto="carol@down.test", mbody="are you there?", mtype="chat")
    message["id"] = "m-1"
    sent_at = asyncio.get_running_loop().time()
    message.send()
    bounced = await alice.next_message(QUEUE_TTL_S + REPLY_TIMEOUT_S)
    waited = asyncio.get_running_loop().time() - sent_at
    assert waited >= QUEUE_TTL_S - 1, f"bounced after {waited:.1f} s, before the queue's time"
    assert bounced["type"] == "error", bounced
    assert bounced["id"] == "m-1"
    assert bounced["from"].bare == "carol@down.test"
    assert bounced["error"]["condition"] == "remote-server-timeout", bounced
    assert bounced["body"] == "are you there?"

    # An IQ to a domain whose server refuses connections: remote-server-not-found.
    try:
        await alice["xep_0092"].get_version(jid="down.test", timeout=REPLY_TIMEOUT_S)
        raise AssertionError("the IQ to an unreachable domain got a result")
    except slixmpp.exceptions.IqError as error:
        assert error.iq["error"]["condition"] == "remote-server-not-found", error.iq
        assert error.iq["error"]["type"] == "cancel"
    a.wait_for_log("s2s-out")
    assert re.search(r"link failed: cannot connect", a.log_path.read_text())


async def test_srv_records_come_from_the_configured_dns_servers_and_a_missing_domain_bounces_at_once(
    make_server, clients
):
    """[s2s] dns_servers: b.test is found by its SRV record alone (no hosts entry), and a domain
    the DNS server says does not exist is not waited for (spec §7.9): the message comes back at
    once, same id and body, remote-server-not-found type cancel, though the queue's time is an
    hour."""
    dns = SrvDnsServer()
    try:
        port_a, port_b = free_port(), free_port()
        while port_b == port_a:
            port_b = free_port()
        dns.ports["b.test"] = port_b
        a = make_server({
            "server": {"domain": "a.test"},
            "s2s": {"listen": [f"{HOST}:{port_a}"], "dns_servers": [f"{HOST}:{dns.port}"]},
            "modules.offline": {"remote_queue_ttl_outside_network": 3600},
        })
        b = make_server(_s2s_config("b.test", port_b, {"a.test": f"{HOST}:{port_a}"}, None))
        alice = await clients.slix(a, a.add_user("alice", PASSWORD) + "/phone", PASSWORD)
        bob = await clients.slix(b, b.add_user("bob", PASSWORD) + "/phone", PASSWORD)

        alice.send_message(mto=bob.boundjid.full, mbody="found you by SRV", mtype="chat")
        received = await bob.next_message(REPLY_TIMEOUT_S)
        assert received["body"] == "found you by SRV"
        assert re.search(r"1 SRV target\(s\), first 127\.0\.0\.1:" + str(port_b),
                         a.log_path.read_text())

        message = alice.make_message(mto="carol@nosuch.test", mbody="anyone?", mtype="chat")
        message["id"] = "m-nx"
        message.send()
        bounced = await alice.next_message(REPLY_TIMEOUT_S)
        assert bounced["type"] == "error", bounced
        assert bounced["id"] == "m-nx"
        assert bounced["from"].bare == "carol@nosuch.test"
        assert bounced["body"] == "anyone?"
        assert bounced["error"]["condition"] == "remote-server-not-found", bounced
        assert bounced["error"]["type"] == "cancel"
        a.wait_for_log("DNS says the domain does not exist")
    finally:
        dns.stop()


async def test_queue_time_follows_network_membership_and_bounces_wait_for_an_offline_sender(
    make_server, clients
):
    closed_port = free_port()
    a = make_server({
        "server": {"domain": "a.test"},
        "s2s": {"hosts": {"down.test": f"{HOST}:{closed_port}",
                          "member.test": f"{HOST}:{closed_port}"}},
        "modules.offline": {"remote_queue_ttl": 3600,
                            "remote_queue_ttl_outside_network": QUEUE_TTL_S},
        "modules.network": {"servers": [
            {"domain": "member.test", "fingerprint": "37D0E678CDD19FB9B182B3804C9539B401F8229C"},
        ]},
    })
    alice_jid = a.add_user("alice", PASSWORD)
    alice = await clients.slix(a, alice_jid + "/phone", PASSWORD)
    for message_id, to in (("m-member", "bob@member.test"), ("m-outside", "carol@down.test")):
        message = alice.make_message(mto=to, mbody=f"for {to}", mtype="chat")
        message["id"] = message_id
        message.send()
    await alice.barrier()
    await alice.close()

    # Spec §7.9: a server outside the network gets remote_queue_ttl_outside_network; the bounce
    # finds its sender gone and is stored offline (the router drops errors for a gone
    # resource), to be delivered at the next login. A network member keeps its queue.
    a.wait_for_log("was not taken within the queue's time", timeout=QUEUE_TTL_S + REPLY_TIMEOUT_S)
    alice = await clients.slix(a, alice_jid + "/phone", PASSWORD)
    alice.send_presence()  # XEP-0160: initial presence asks for stored messages
    bounced = await alice.next_message()
    assert bounced["type"] == "error" and bounced["id"] == "m-outside", bounced
    assert bounced["error"]["condition"] == "remote-server-timeout", bounced
    assert bounced["body"] == "for carol@down.test"
    assert bounced.xml.find("{urn:xmpp:delay}delay") is not None, "stored offline: XEP-0203"
    await alice.barrier()
    assert alice.messages.empty(), "the network member's message bounced too"


async def test_stanzas_for_a_peer_that_never_answers_bounce_after_the_connect_timeout(
    make_server, clients
):
    # A listener that accepts and stays silent: the link cannot be authenticated.
    silent = socket.create_server((HOST, 0))
    try:
        a = make_server({
            "server": {"domain": "a.test"},
            "s2s": {"hosts": {"mute.test": f"{HOST}:{silent.getsockname()[1]}"},
                    "connect_timeout": 2},
            "modules.offline": SHORT_QUEUE,
        })
        alice = await clients.slix(a, a.add_user("alice", PASSWORD) + "/phone", PASSWORD)
        message = alice.make_message(mto="dave@mute.test", mbody="hello?", mtype="chat")
        message["id"] = "m-2"
        message.send()
        version = asyncio.ensure_future(
            alice["xep_0092"].get_version(jid="mute.test", timeout=REPLY_TIMEOUT_S))
        bounced = await alice.next_message(QUEUE_TTL_S + REPLY_TIMEOUT_S)
        assert bounced["type"] == "error" and bounced["id"] == "m-2", bounced
        assert bounced["error"]["condition"] == "remote-server-timeout", bounced
        # Spec §7.9: an IQ request waiting for the link gets remote-server-timeout, type wait.
        try:
            await version
            raise AssertionError("the IQ to a silent peer got a result")
        except slixmpp.exceptions.IqError as error:
            assert error.iq["error"]["condition"] == "remote-server-timeout", error.iq
            assert error.iq["error"]["type"] == "wait"
        a.wait_for_log("not authenticated within 2 s")
    finally:
        silent.close()


def test_misbehaving_peers_get_stream_errors(make_server):
    port = free_port()
    b = make_server(_s2s_config("b.test", port, {}, None))
    # A client stream on the s2s port: the header first, then <invalid-namespace/> (RFC 6120
    # §4.9.1.1, §4.9.3.10).
    with RawXmppConnection(HOST, port, "b.test") as peer:
        peer.send(
            f"<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
            f"xmlns:stream='{NS_STREAMS}' from='c.test' to='b.test' version='1.0'>")
        received = peer.read_until_closed()
        assert 0 <= received.find("<stream:stream") < received.find("<stream:error"), received
        assert stream_error_condition(received) == "invalid-namespace", received
    # Not XML at all: still our header first, then <not-well-formed/>.
    with RawXmppConnection(HOST, port, "b.test") as peer:
        peer.send("GET / HTTP/1.1\r\n\r\n")
        received = peer.read_until_closed()
        assert 0 <= received.find("<stream:stream") < received.find("<stream:error"), received
        assert stream_error_condition(received) == "not-well-formed", received
    # A stanza before authentication (after STARTTLS, as required): <not-authorized/>.
    with RawXmppConnection(HOST, port, "b.test") as peer:
        peer.send(_s2s_header("c.test", "b.test"))
        peer.read_until(r"</stream:features>")
        peer.send(f"<starttls xmlns='{NS_TLS}'/>")
        peer.read_until(r"<proceed[^>]*>")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        peer.sock = context.wrap_socket(peer.sock, server_hostname="b.test")
        peer.send(_s2s_header("c.test", "b.test"))
        peer.read_until(r"</stream:features>")
        peer.send("<message from='x@c.test' to='bob@b.test'><body>hi</body></message>")
        assert stream_error_condition(peer.read_until_closed()) == "not-authorized"
    b.wait_for_log("before authentication")
