"""With require_tls, nothing but STARTTLS is allowed on a plain stream (RFC 6120 §5.3.1, §5.4.1)."""

from __future__ import annotations

import base64
import re

from raw_client import NS_SASL, RawXmppConnection, stream_error_condition

PASSWORD = "secret"


def test_features_before_tls_mark_starttls_required(server):
    with RawXmppConnection(server.host, server.starttls_port, server.domain) as raw:
        features = raw.open_stream()
    assert re.search(r"<starttls\b[^>]*>\s*<required\s*/>\s*</starttls>", features), (
        f"features before TLS do not contain <starttls><required/></starttls>:\n{features}"
    )


def test_sasl_plain_before_starttls_is_refused(server):
    server.add_user("alice", PASSWORD)
    token = base64.b64encode(f"\0alice\0{PASSWORD}".encode()).decode()
    with RawXmppConnection(server.host, server.starttls_port, server.domain) as raw:
        raw.open_stream()
        raw.send(f"<auth xmlns='{NS_SASL}' mechanism='PLAIN'>{token}</auth>")
        # Either a SASL <failure/> (the stream stays open) or a stream error and close.
        try:
            received = raw.read_until(r"</failure>|<failure[^>]*/>|</stream:stream>")
        except AssertionError:
            received = raw.transcript  # closed without </stream:stream>: also a refusal
    assert "<success" not in received, f"PLAIN succeeded without TLS:\n{received}"
    refused_by_sasl = "<failure" in received and "encryption-required" in received
    refused_by_stream_error = stream_error_condition(received) is not None
    assert refused_by_sasl or refused_by_stream_error or raw.closed_by_peer, (
        f"<auth> before STARTTLS was neither failed nor closed:\n{received}"
    )
