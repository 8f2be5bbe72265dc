"""kontalkd federating with other XMPP servers (RFC 6120, spec §7.2, §7.10 interop notes):
kontalkd serving k.test with Prosody 0.12 (p.test) and with ejabberd 23.01 (e.test), each pair
once over dialback (self-signed certificates, XEP-0220) and once over SASL EXTERNAL (a test CA,
XEP-0178). A user on each side exchanges messages both ways, a presence subscription and IQs.

Prosody and ejabberd send SASL EXTERNAL with their domain as authzid (base64, not "="), which
XEP-0178 §3 allows. If one of these tests fails, test_federation_peers.py says whether the
harness works at all.
"""

from __future__ import annotations

import asyncio

import pytest

from federation_certs import FederationCa, self_signed
from federation_peers import EjabberdPeer, ProsodyPeer, SrvDnsServer
from kontalk_server import HOST, free_port

PASSWORD = "secret"
TIMEOUT_S = 20.0
KONTALK_DOMAIN = "k.test"


async def _wait_for(awaitable, what: str):
    try:
        return await asyncio.wait_for(awaitable, TIMEOUT_S)
    except asyncio.TimeoutError:
        raise AssertionError(f"no {what} within {TIMEOUT_S} s") from None


def _kontalkd(make_server, tmp_path, peer, ca: FederationCa | None):
    s2s_port = free_port()
    certificate = ca.issue(KONTALK_DOMAIN) if ca else self_signed(tmp_path / "certs",
                                                                  KONTALK_DOMAIN)
    s2s = {"listen": [f"{HOST}:{s2s_port}"],
           "hosts": {peer.domain: f"{HOST}:{peer.s2s_port}"}}
    if ca is not None:
        s2s["ca_file"] = str(ca.certificate)
    return make_server({
        "server": {"domain": KONTALK_DOMAIN},
        "s2s": s2s,
        "tls": {"certificate": str(certificate.certificate),
                "private_key": str(certificate.private_key)},
    }), s2s_port


async def _ready(client) -> None:
    # Interested and available (RFC 6121 §2.1.6, §8.5.2.1.1): Prosody and ejabberd drop chat to
    # an account with no available resource; the test answers subscriptions itself.
    client.auto_authorize = None
    client.auto_subscribe = False
    await client.get_roster(timeout=TIMEOUT_S)
    client.send_presence()
    await client.barrier()


async def _exchange(kontalk, kontalk_user: str, peer, peer_user: str, clients) -> None:
    on_kontalk = await clients.slix(kontalk, kontalk_user + "/phone", PASSWORD)
    on_peer = await clients.slix(peer, peer_user + "/laptop", PASSWORD, mechanism="PLAIN")
    for client in (on_kontalk, on_peer):
        await _ready(client)

    # Messages both ways, to the bare JID and to a full JID.
    on_kontalk.send_message(mto=peer_user, mbody="hello from kontalk", mtype="chat")
    received = await on_peer.next_message(TIMEOUT_S)
    assert received["body"] == "hello from kontalk", received
    assert received["from"] == on_kontalk.boundjid, f"from was {received['from']}"
    on_peer.send_message(mto=on_kontalk.boundjid.full, mbody="hello from the peer", mtype="chat")
    received = await on_kontalk.next_message(TIMEOUT_S)
    assert received["body"] == "hello from the peer", received
    assert received["from"] == on_peer.boundjid, f"from was {received['from']}"

    # IQs: to the other server itself, and to a user's full JID (answered by slixmpp).
    version = await on_kontalk["xep_0092"].get_version(jid=peer.domain, timeout=TIMEOUT_S)
    assert version["type"] == "result" and version["from"] == peer.domain, version
    version = await on_peer["xep_0092"].get_version(jid=KONTALK_DOMAIN, timeout=TIMEOUT_S)
    assert version["type"] == "result" and version["from"] == KONTALK_DOMAIN, version
    version = await on_peer["xep_0092"].get_version(jid=on_kontalk.boundjid.full,
                                                    timeout=TIMEOUT_S)
    assert version["type"] == "result" and version["from"] == on_kontalk.boundjid, version

    # RFC 6121 §3: the kontalkd user asks; the peer's user approves; its presence arrives.
    requests: asyncio.Queue = asyncio.Queue()
    on_peer.add_event_handler("presence_subscribe", requests.put_nowait)
    available: asyncio.Queue = asyncio.Queue()
    on_kontalk.add_event_handler(
        "presence_available",
        lambda presence: available.put_nowait(presence)
        if presence["from"].bare == peer_user else None)
    on_kontalk.send_presence(pto=peer_user, ptype="subscribe")
    request = await _wait_for(requests.get(), f"subscription request at {peer_user}")
    assert request["from"].bare == kontalk_user, request
    on_peer.send_presence(pto=kontalk_user, ptype="subscribed")
    presence = await _wait_for(available.get(), f"presence of {peer_user} at {kontalk_user}")
    assert presence["from"] == on_peer.boundjid, presence


def _assert_kontalkd_authenticated(kontalk, peer_domain: str, secure: bool) -> None:
    method = "SASL EXTERNAL" if secure else "dialback"
    other = "dialback" if secure else "SASL EXTERNAL"
    kontalk.wait_for_log(f"{peer_domain} authenticated with {method}")  # the peer's link
    kontalk.wait_for_log(f"authenticated with {method}; sending")  # kontalkd's own link
    assert f"authenticated with {other}" not in kontalk.log_path.read_text()


@pytest.mark.parametrize("secure", [False, True], ids=["dialback", "sasl-external"])
async def test_kontalkd_federates_with_prosody(tmp_path, make_server, clients, secure):
    ca = FederationCa(tmp_path / "ca") if secure else None
    certificate = ca.issue("p.test") if ca else self_signed(tmp_path / "certs", "p.test")
    prosody = ProsodyPeer(tmp_path / "prosody", "p.test", certificate, secure=secure,
                          ca_file=ca.certificate if ca else None, stream_management=True)
    kontalk, kontalk_s2s_port = _kontalkd(make_server, tmp_path, prosody, ca)
    prosody.host_map = {KONTALK_DOMAIN: f"{HOST}:{kontalk_s2s_port}"}
    try:
        peer_user = prosody.register("pat", PASSWORD)
        prosody.start()
        await _exchange(kontalk, kontalk.add_user("kim", PASSWORD), prosody, peer_user, clients)
    finally:
        await clients.close_all()
        clients.slix_clients.clear()
        prosody.stop()
    _assert_kontalkd_authenticated(kontalk, "p.test", secure)
    if secure:
        assert prosody.log_contains(f"Accepting SASL EXTERNAL identity from {KONTALK_DOMAIN}")
        # Spec §7.9: Prosody offers XEP-0198 on s2s once the stream is authenticated, which
        # SASL EXTERNAL's restart shows; both links use it.
        kontalk.wait_for_log("to p.test: stream management enabled; the peer acknowledges with <a/>")
        kontalk.wait_for_log("stream management enabled by p.test")
    else:
        assert not prosody.log_contains("SASL EXTERNAL identity")
        assert prosody.log_contains("verified dialback key"), prosody.log_tail()
        # With dialback Prosody's only features come before authentication, without <sm/>.
        kontalk.wait_for_log("to p.test: authenticated with dialback; sending")
        assert "to p.test: stream management enabled" not in kontalk.log_path.read_text()


@pytest.mark.parametrize("secure", [False, True], ids=["dialback", "sasl-external"])
async def test_kontalkd_federates_with_ejabberd(tmp_path, make_server, clients, secure):
    ca = FederationCa(tmp_path / "ca") if secure else None
    certificate = ca.issue("e.test") if ca else self_signed(tmp_path / "certs", "e.test")
    ejabberd = EjabberdPeer(tmp_path / "ejabberd", "e.test", certificate, secure=secure,
                            ca_file=ca.certificate if ca else None)
    kontalk, kontalk_s2s_port = _kontalkd(make_server, tmp_path, ejabberd, ca)
    dns = SrvDnsServer()
    dns.ports[KONTALK_DOMAIN] = kontalk_s2s_port
    ejabberd.dns_port = dns.port
    try:
        ejabberd.start()
        peer_user = ejabberd.register("eve", PASSWORD)
        await _exchange(kontalk, kontalk.add_user("kim", PASSWORD), ejabberd, peer_user, clients)
    finally:
        await clients.close_all()
        clients.slix_clients.clear()
        ejabberd.stop()  # also flushes its log, which ejabberd writes asynchronously
        dns.stop()
    _assert_kontalkd_authenticated(kontalk, "e.test", secure)
    if secure:
        assert ejabberd.log_contains(
            f"Accepted inbound s2s EXTERNAL authentication {KONTALK_DOMAIN}"), ejabberd.log_tail()
        assert ejabberd.log_contains(
            f"Accepted outbound s2s EXTERNAL authentication e.test -> {KONTALK_DOMAIN}"), \
            ejabberd.log_tail()
    else:
        # kontalkd tries EXTERNAL first (ejabberd offers it), which fails on a self-signed
        # certificate; then dialback on the same stream.
        assert not ejabberd.log_contains("Accepted inbound s2s EXTERNAL authentication")
        assert ejabberd.log_contains(
            f"Accepted inbound s2s dialback authentication {KONTALK_DOMAIN} -> e.test"), \
            ejabberd.log_tail()
        assert ejabberd.log_contains(
            f"Accepted outbound s2s dialback authentication e.test -> {KONTALK_DOMAIN}"), \
            ejabberd.log_tail()
