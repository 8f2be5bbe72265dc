"""TLS session resumption ([tls] session_ticket_lifetime, net/session_ticket_keys.hpp): a client
that reconnects with the ticket of its last connection skips the full handshake (what a phone
does every time its network changes), still logs in, and an operator can turn tickets off.
Python's ssl module is the client: it keeps the ticket in SSLSocket.session."""

from __future__ import annotations

import base64
import ssl

from raw_client import RawXmppConnection, no_verify_context

STREAM_HEADER = (
    "<?xml version='1.0'?><stream:stream to='{domain}' xmlns='jabber:client' "
    "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"
)


def _connect(server, context: ssl.SSLContext, session: ssl.SSLSession | None) -> RawXmppConnection:
    """A direct TLS (XEP-0368) connection that has read the stream features; TLS 1.3 tickets
    arrive after the handshake, with the first data the server sends."""
    connection = RawXmppConnection(server.host, server.direct_tls_port, server.domain)
    connection.sock = context.wrap_socket(
        connection.sock, server_hostname=server.domain, session=session
    )
    connection.send(STREAM_HEADER.format(domain=server.domain))
    connection.read_until(r"</stream:features>")
    return connection


def _login_plain(connection: RawXmppConnection, user: str, password: str) -> None:
    token = base64.b64encode(f"\0{user}\0{password}".encode()).decode()
    connection.send(
        f"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>{token}</auth>"
    )
    connection.read_until(r"<success[^>]*>|<failure")
    assert "<success" in connection.transcript, connection.transcript


def test_a_reconnecting_client_resumes_its_tls_session_and_logs_in(make_server):
    server = make_server()
    server.add_user("alice", "secret")
    context = no_verify_context()
    with _connect(server, context, None) as first:
        assert first.sock.session is not None, "no session ticket was issued"
        assert not first.sock.session_reused
        ticket = first.sock.session
    with _connect(server, context, ticket) as second:
        assert second.sock.session_reused, "the ticket was not accepted"
        _login_plain(second, "alice", "secret")


def test_tls_1_2_clients_resume_with_tickets_too(make_server):
    server = make_server()
    context = no_verify_context()
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    with _connect(server, context, None) as first:
        ticket = first.sock.session
    with _connect(server, context, ticket) as second:
        assert second.sock.version() == "TLSv1.2"
        assert second.sock.session_reused


def test_a_ticket_from_before_a_restart_gets_a_full_handshake(make_server):
    server = make_server()
    context = no_verify_context()
    with _connect(server, context, None) as first:
        ticket = first.sock.session
    server.stop()
    server.start()
    # Keys live in memory only: the old ticket is unknown and the handshake simply completes.
    with _connect(server, context, ticket) as second:
        assert not second.sock.session_reused


def test_lifetime_zero_turns_resumption_off(make_server):
    server = make_server({"tls": {"session_ticket_lifetime": 0}})
    context = no_verify_context()
    with _connect(server, context, None) as first:
        ticket = first.sock.session
    with _connect(server, context, ticket) as second:
        assert not second.sock.session_reused


def test_a_resumed_session_keeps_the_bridge_certificate_for_sasl_external(server, tmp_path):
    """The ticket carries the client certificate of the full handshake: a Kontalk client that
    resumes still logs in with its bridge certificate (spec §3) although it sends none again."""
    from test_certificate_login import certified_credential

    jid, _, certificate = certified_credential(server, tmp_path)
    context = no_verify_context()
    context.set_ciphers("DEFAULT:@SECLEVEL=0")  # older Kontalk keys: RSA with SHA-1 (spec §2)
    context.load_cert_chain(str(certificate[0]), str(certificate[1]))
    with _connect(server, context, None) as first:
        ticket = first.sock.session
    with _connect(server, context, ticket) as second:
        assert second.sock.session_reused
        assert "<mechanism>EXTERNAL</mechanism>" in second.transcript, second.transcript
        second.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='EXTERNAL'>=</auth>")
        second.read_until(r"<success[^>]*>|<failure")
        assert "<success" in second.transcript, server.log_tail()
    assert jid in server.ctl("user", "list").stdout.split()
