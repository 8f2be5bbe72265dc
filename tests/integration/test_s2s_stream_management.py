"""Acknowledgements, keepalives and the stanza rate on s2s links (spec §7.9, XEP-0198,
RFC 6120 §4.6.1).

A recorded message for another server leaves a's remote queue (`remote_messages`) only once the
peer acknowledged it: with XEP-0198 `<a h/>` when the peer offers stream management, else with
the answer to a ping. Two kontalkd (a.test, b.test) use stream management both ways; the
scripted peer F (fake_s2s_peer.py, posing as f.test) offers it or not, answers `<r/>` rightly,
never or with an `h` beyond what was sent, and notes the keepalives and the end of a's idle link.
"""

from __future__ import annotations

import asyncio
import re
import time
import xml.etree.ElementTree as ET

import pytest

from fake_s2s_peer import NS_SERVER, FakeS2sPeer
from federation_certs import FederationCa, self_signed
from kontalk_server import HOST, free_port
from raw_client import RawXmppConnection

PASSWORD = "secret"
NS_SM = "urn:xmpp:sm:3"
WAIT_S = 60.0


def _remote_queue_length(server) -> int:
    """Messages the server keeps for other servers (read beside the running server: WAL)."""
    return server.query_storage("SELECT COUNT(*) FROM remote_messages")[0][0]


def _wait_until_queue_empty(server, what: str) -> float:
    started = time.monotonic()
    while _remote_queue_length(server) > 0:
        assert time.monotonic() - started < WAIT_S, what
        time.sleep(0.05)
    return time.monotonic() - started


def _send_acknowledged(server, to: str, bodies: list[str]) -> None:
    """alice sends chats (recorded: they have bodies) and waits for her server's <a/>."""
    with RawXmppConnection(server.host, server.starttls_port, server.domain) as alice:
        alice.login("alice", PASSWORD, "phone")
        alice.send(f"<enable xmlns='{NS_SM}'/>")
        alice.read_until(r"<enabled[^>]*/?>")
        alice.send("".join(f"<message to='{to}' id='{body}' type='chat'><body>{body}</body>"
                           "</message>" for body in bodies))
        alice.send(f"<r xmlns='{NS_SM}'/>")
        alice.read_until(rf"<a xmlns=['\"]{NS_SM}['\"] h=['\"]{len(bodies)}['\"]\s*/>",
                         timeout=WAIT_S)


def _is_message(body: str):
    return lambda stanza: (stanza.tag == f"{{{NS_SERVER}}}message"
                           and stanza.findtext(f"{{{NS_SERVER}}}body") == body)


def _server_with_f(make_server, peer: FakeS2sPeer, **s2s) -> tuple:
    """a.test mapping f.test to F; alice on a. Returns (a, a's s2s port)."""
    port = free_port()
    a = make_server({
        "server": {"domain": "a.test"},
        "s2s": {"listen": [f"{HOST}:{port}"], "hosts": {"f.test": f"{HOST}:{peer.port}"},
                **s2s},
        "modules.offline": {"sender_share_percent": 100},
    })
    a.add_user("alice", PASSWORD)
    return a, port


# --- two kontalkd ---------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["dialback", "SASL EXTERNAL"])
async def test_two_servers_settle_the_remote_queue_with_stream_management(
    make_server, clients, tmp_path, method
):
    ca = FederationCa(tmp_path / "ca") if method == "SASL EXTERNAL" else None
    port_a, port_b = free_port(), free_port()
    while port_b == port_a:
        port_b = free_port()
    servers = []
    for domain, port, peer, peer_port in (("a.test", port_a, "b.test", port_b),
                                          ("b.test", port_b, "a.test", port_a)):
        config = {"server": {"domain": domain},
                  "s2s": {"listen": [f"{HOST}:{port}"], "hosts": {peer: f"{HOST}:{peer_port}"}},
                  "modules.offline": {"sender_share_percent": 100}}
        if ca is not None:
            pair = ca.issue(domain)
            config["s2s"]["ca_file"] = str(ca.certificate)
            config["tls"] = {"certificate": str(pair.certificate),
                             "private_key": str(pair.private_key)}
        servers.append(make_server(config))
    a, b = servers
    a.add_user("alice", PASSWORD)
    bob_jid = b.add_user("bob", PASSWORD)

    bodies = [f"sm-{n}" for n in range(50)]
    await asyncio.to_thread(_send_acknowledged, a, bob_jid, bodies)
    # Settled by b's <a/>: a's link enabled stream management and never fell back to pings.
    elapsed = await asyncio.to_thread(_wait_until_queue_empty, a, "b never acknowledged")
    print(f"{len(bodies)} messages settled {elapsed:.2f} s after alice's <a/> ({method})")
    b.wait_for_log(f"a.test authenticated with {method}")
    a.wait_for_log("to b.test: stream management enabled; the peer acknowledges with <a/>")
    b.wait_for_log("stream management enabled by a.test")
    assert "acknowledgements by ping" not in a.log_path.read_text()

    bob = await clients.slix(b, bob_jid + "/phone", PASSWORD)
    bob.send_presence()
    received: set[str] = set()
    while received != set(bodies):
        message = await bob.next_message(WAIT_S)
        received.add(message["body"])


# --- F --------------------------------------------------------------------------------------

def test_a_peer_without_stream_management_settles_by_ping(make_server, tmp_path):
    with FakeS2sPeer({"f.test": self_signed(tmp_path / "f", "f.test")},
                     answer_pings=True) as peer:
        a, port = _server_with_f(make_server, peer)
        # F answers pings over its own link to a (RFC 6120 §2.4).
        assert peer.link_to("a.test", port, "f.test") == "dialback"
        _send_acknowledged(a, "x@f.test", ["p-1"])
        peer.wait_for(_is_message("p-1"), "alice's message")
        _wait_until_queue_empty(a, "F's ping answer settled nothing")
        line = a.wait_for_log("acknowledgements by ping")
        assert "to f.test: authenticated with dialback" in line, line
        assert "stream management enabled" not in a.log_path.read_text()
        assert not [event for event in peer.events() if event[0] == "enabled"]


def test_only_an_acknowledgement_settles_and_a_missing_one_means_resending(make_server, tmp_path):
    with FakeS2sPeer({"f.test": self_signed(tmp_path / "f", "f.test")},
                     stream_management=True) as peer:
        # The first link's <r/> goes unanswered; later links are answered rightly.
        def answer(handled: int) -> int | None:
            enabled = [event for event in peer.events() if event[0] == "enabled"]
            return handled if len(enabled) >= 2 else None

        peer.sm_answer = answer
        a, _ = _server_with_f(make_server, peer, connect_timeout=2)
        _send_acknowledged(a, "x@f.test", ["r-1"])
        # Unacknowledged: a gives the link up after connect_timeout and sends r-1 again.
        a.wait_for_log("to f.test: 1 message(s) not acknowledged by the peer are sent again later",
                       timeout=WAIT_S)
        deadline = time.monotonic() + WAIT_S
        while len(peer.received(_is_message("r-1"))) < 2:
            assert time.monotonic() < deadline, "r-1 was not sent again"
            time.sleep(0.05)
        # The second link's <a/> settles it: the queue empties and nothing more is sent.
        _wait_until_queue_empty(a, "F's <a/> settled nothing")
        copies = len(peer.received(_is_message("r-1")))
        enabled = [event for event in peer.events() if event[0] == "enabled"]
        assert len(enabled) >= 2, enabled
        assert all(resume == "" for _, _, resume in enabled), enabled  # no resumption asked
        print(f"r-1 arrived {copies} times; settled by the second link's <a/>")


def test_an_unsolicited_acknowledgement_settles_too(make_server, tmp_path):
    with FakeS2sPeer({"f.test": self_signed(tmp_path / "f", "f.test")},
                     stream_management=True) as peer:
        peer.sm_answer = lambda handled: None  # <r/> is never answered ...
        peer.sm_unsolicited = True  # ... but each stanza is acknowledged unasked
        a, _ = _server_with_f(make_server, peer)
        _send_acknowledged(a, "x@f.test", ["u-1", "u-2"])
        _wait_until_queue_empty(a, "F's unsolicited <a/> settled nothing")
        assert len(peer.received(_is_message("u-1"))) == 1
        assert "not acknowledged by the peer" not in a.log_path.read_text()


def test_an_acknowledgement_of_more_than_was_sent_is_a_stream_error(make_server, tmp_path):
    with FakeS2sPeer({"f.test": self_signed(tmp_path / "f", "f.test")},
                     stream_management=True) as peer:
        peer.sm_answer = lambda handled: handled + 5
        a, _ = _server_with_f(make_server, peer)
        _send_acknowledged(a, "x@f.test", ["h-1"])
        _, domain, detail = peer.wait_for_event("stream-error", timeout=WAIT_S)
        assert domain == "f.test"
        assert detail.startswith("undefined-condition"), detail
        assert "Handled count too high: h='6', 1 stanza(s) sent." in detail, detail
        a.wait_for_log("to f.test: the peer acknowledged 6 stanza(s); 1 were sent")
        # Nothing settled: h-1 stays queued for another try.
        a.wait_for_log("to f.test: 1 message(s) not acknowledged by the peer are sent again later")


def test_an_idle_link_sends_keepalives_and_still_closes_when_unused(make_server, tmp_path):
    with FakeS2sPeer({"f.test": self_signed(tmp_path / "f", "f.test")}) as peer:
        a, _ = _server_with_f(make_server, peer, keepalive_interval=1, idle_timeout=5)
        with RawXmppConnection(a.host, a.starttls_port, a.domain) as alice:
            alice.login("alice", PASSWORD, "phone")
            # Directed presence: volatile, so no acknowledgement keeps the link busy.
            alice.send("<presence to='x@f.test'/>")
            peer.wait_for(lambda stanza: stanza.tag == f"{{{NS_SERVER}}}presence",
                          "alice's presence")
            started = time.monotonic()
            peer.wait_for_event("keepalive", timeout=WAIT_S)
            # Keepalives are not traffic: the link still closes after idle_timeout.
            peer.wait_for_event("closed", timeout=WAIT_S)
            closed_after = time.monotonic() - started
        events = peer.events()
        keepalives = [event for event in events if event[0] == "keepalive"]
        assert events.index(keepalives[0]) < events.index(next(e for e in events
                                                                if e[0] == "closed"))
        a.wait_for_log("to f.test: closing: idle")
        print(f"{len(keepalives)} keepalive(s) on the idle link, closed {closed_after:.1f} s "
              "after the presence")


async def test_the_inbound_stanza_rate_pauses_reading_and_loses_nothing(
    make_server, clients, tmp_path
):
    with FakeS2sPeer({"f.test": self_signed(tmp_path / "f", "f.test")}) as peer:
        a, port = _server_with_f(make_server, peer, stanzas_per_second=20, stanza_burst=5)
        bob_jid = a.add_user("bob", PASSWORD)
        assert await asyncio.to_thread(peer.link_to, "a.test", port, "f.test") == "dialback"
        count = 100
        started = time.monotonic()
        for n in range(count):
            await asyncio.to_thread(
                peer.send, "f.test",
                f"<message from='x@f.test/r' to='{bob_jid}' id='s-{n}' type='chat'>"
                f"<body>s-{n}</body></message>")
        a.wait_for_log("inbound rate limit, pausing reads")
        bob = await clients.slix(a, bob_jid + "/phone", PASSWORD)
        bob.send_presence()
        received: set[str] = set()
        while len(received) < count:
            message = await bob.next_message(WAIT_S)
            assert re.fullmatch(r"s-\d+", message["body"]), message
            received.add(message["body"])
        elapsed = time.monotonic() - started
        print(f"{count} stanzas at 20/s (burst 5): all delivered, {elapsed:.1f} s")
