"""[tls] min_version (issue 10): TLS 1.2 stays accepted by default (the Kontalk Android client on
older phones negotiates it), and an operator can require 1.3. Checked on the direct TLS port
(XEP-0368) with Python's ssl module pinned to one version at a time."""

from __future__ import annotations

import socket
import ssl

import pytest

from raw_client import READ_TIMEOUT_S, no_verify_context


def _handshake(server, version: ssl.TLSVersion) -> str:
    """The version negotiated with a client that offers only `version`, or the error."""
    context = no_verify_context()
    context.minimum_version = version
    context.maximum_version = version
    with socket.create_connection((server.host, server.direct_tls_port), READ_TIMEOUT_S) as raw:
        try:
            with context.wrap_socket(raw, server_hostname=server.domain) as tls:
                return tls.version() or ""
        except ssl.SSLError as error:
            return f"refused: {error.reason}"


@pytest.mark.parametrize("version,name", [(ssl.TLSVersion.TLSv1_2, "TLSv1.2"),
                                          (ssl.TLSVersion.TLSv1_3, "TLSv1.3")])
def test_by_default_tls_1_2_and_1_3_are_accepted(make_server, version, name):
    assert _handshake(make_server(), version) == name


def test_min_version_1_3_refuses_a_tls_1_2_client(make_server):
    server = make_server({"tls": {"min_version": "1.3"}})
    assert _handshake(server, ssl.TLSVersion.TLSv1_2).startswith("refused"), "1.2 was accepted"
    assert _handshake(server, ssl.TLSVersion.TLSv1_3) == "TLSv1.3"
