"""Authentication paths of RFC 6120 §5 (STARTTLS), §6 (SASL) and XEP-0368 (direct TLS)."""

from __future__ import annotations

import asyncio

import aiosasl
import pytest

from clients import LOGIN_TIMEOUT_S, login_aioxmpp

PASSWORD = "correct horse battery staple"


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"])
async def test_slixmpp_login_over_starttls_with_each_sasl_mechanism(server, clients, mechanism):
    jid = server.add_user("alice", PASSWORD)
    client = await clients.slix(server, jid, PASSWORD, mechanism=mechanism)
    assert client["feature_mechanisms"].mech.name == mechanism, "slixmpp used another mechanism"
    assert "starttls" in client.features, "login completed without STARTTLS"
    assert client.boundjid.bare == jid


async def test_slixmpp_login_over_direct_tls_xep0368(server, clients):
    jid = server.add_user("alice", PASSWORD)
    client = await clients.slix(server, jid, PASSWORD, direct_tls=True)
    assert client.boundjid.bare == jid


async def test_aioxmpp_login_over_starttls(server, clients):
    jid = server.add_user("alice", PASSWORD)
    client = await clients.aio_login(server, jid, PASSWORD)
    assert str(client.local_jid.bare()) == jid


async def test_aioxmpp_login_over_direct_tls_xep0368(server, clients):
    jid = server.add_user("alice", PASSWORD)
    client = await clients.aio_login(server, jid, PASSWORD, direct_tls=True)
    assert str(client.local_jid.bare()) == jid


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"])
async def test_wrong_password_is_rejected_with_not_authorized_slixmpp(server, clients, mechanism):
    jid = server.add_user("alice", PASSWORD)
    client = clients.start_slix(server, jid, "wrong password", mechanism=mechanism)
    failure = await asyncio.wait_for(client.auth_failed, LOGIN_TIMEOUT_S)
    assert failure["condition"] == "not-authorized", f"SASL failure was {failure}"
    logged_in = client.session_started.done() and client.session_started.exception() is None
    assert not logged_in, "a session started despite the wrong password"


async def test_unknown_user_is_rejected_with_not_authorized_slixmpp(server, clients):
    server.add_user("alice", PASSWORD)
    client = clients.start_slix(server, server.jid("nobody"), PASSWORD)
    failure = await asyncio.wait_for(client.auth_failed, LOGIN_TIMEOUT_S)
    assert failure["condition"] == "not-authorized", f"SASL failure was {failure}"


async def test_wrong_password_is_rejected_with_not_authorized_aioxmpp(server, clients):
    jid = server.add_user("alice", PASSWORD)
    client = clients.aio(server, jid, "wrong password")
    with pytest.raises(aiosasl.AuthenticationFailure) as failure:
        await login_aioxmpp(client)
    assert failure.value.opaque_error == "not-authorized", f"SASL failure was {failure.value!r}"
