"""An idle stream frees its XML parser and output buffers after a second of silence and rebuilds
them on its next read (bench/README.md, idle density). The client must not notice: namespace
prefixes declared on its stream header still apply, a stanza split across the silence is still one
stanza, and the stream's end tag still matches its start tag.
"""

from __future__ import annotations

import time

from raw_client import NS_STREAMS, RawXmppConnection

PASSWORD = "idle-secret"
NS_DISCO_INFO = "http://jabber.org/protocol/disco#info"
# The parser is released at the first sweep after a second without input; sweeps come every second.
IDLE_S = 2.5


def _login_declaring_prefix(server) -> RawXmppConnection:
    """Logs in with a stream header (after SASL) that also binds the prefix d to disco#info."""
    client = RawXmppConnection(server.host, server.starttls_port, server.domain)
    client.open_stream()
    client.starttls()
    assert "<success" in client.try_plain("idle", PASSWORD)
    client.send(
        f"<?xml version='1.0'?><stream:stream to='{server.domain}' version='1.0' "
        f"xmlns='jabber:client' xmlns:stream='{NS_STREAMS}' xmlns:d='{NS_DISCO_INFO}'>"
    )
    client.read_until(r"</stream:features>|<stream:features[^>]*/>")
    client.bind("idle")
    return client


def test_idle_stream_keeps_its_context_when_its_parser_is_rebuilt(server):
    server.add_user("idle", PASSWORD)
    client = _login_declaring_prefix(server)
    for round_ in range(3):
        time.sleep(IDLE_S)
        # d: is declared only on the stream header.
        client.send(f"<iq type='get' id='disco{round_}' to='{server.domain}'><d:query/></iq>")
        reply = client.read_until(rf"<iq[^>]*id=['\"]disco{round_}['\"].*?(</iq>|/>)")
        assert "type='result'" in reply or 'type="result"' in reply, reply
        assert NS_DISCO_INFO in reply, reply

    # A stanza that is incomplete while the stream is silent is not cut.
    client.send("<iq type='get' id='ping1'><pi")
    time.sleep(IDLE_S)
    client.send("ng xmlns='urn:xmpp:ping'/></iq>")
    reply = client.read_until(r"<iq[^>]*id=['\"]ping1['\"][^>]*>")
    assert "result" in reply, reply

    time.sleep(IDLE_S)
    client.send("</stream:stream>")
    closing = client.read_until_closed()
    assert "</stream:stream>" in closing, closing
    assert "<stream:error" not in closing, closing


def test_idle_stream_still_rejects_an_unbound_prefix(server):
    server.add_user("idle", PASSWORD)
    client = _login_declaring_prefix(server)
    time.sleep(IDLE_S)
    client.send("<iq type='get' id='bad'><x:query/></iq>")
    closing = client.read_until_closed()
    assert "bad-namespace-prefix" in closing, closing

