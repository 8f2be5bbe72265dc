"""Resource binding (RFC 6120 §7): server-generated resources and conflicts (§7.7.2.2)."""

from __future__ import annotations

import asyncio

import aioxmpp
import pytest

from clients import REPLY_TIMEOUT_S, login_aioxmpp

PASSWORD = "secret"


async def test_client_without_resource_gets_server_generated_one(server, clients):
    jid = server.add_user("alice", PASSWORD)
    first = await clients.slix(server, jid, PASSWORD)
    second = await clients.aio_login(server, jid, PASSWORD)
    assert first.boundjid.resource, f"slixmpp bound {first.boundjid} without a resource"
    assert second.local_jid.resource, f"aioxmpp bound {second.local_jid} without a resource"
    assert first.boundjid.resource != second.local_jid.resource, (
        "two sessions got the same generated resource"
    )
    # The first session must not have been replaced by the second.
    await first.barrier()


async def test_resource_conflict_replace_disconnects_old_session_with_conflict(server, clients):
    full_jid = server.add_user("alice", PASSWORD) + "/phone"
    old = await clients.slix(server, full_jid, PASSWORD)
    new = await clients.slix(server, full_jid, PASSWORD)

    error = await asyncio.wait_for(old.stream_errors.get(), REPLY_TIMEOUT_S)
    assert error["condition"] == "conflict", f"old session got stream error {error}"
    await asyncio.wait_for(old.closed.wait(), REPLY_TIMEOUT_S)

    assert new.boundjid.full == full_jid
    await new.barrier()


async def test_resource_conflict_refuse_fails_new_bind_with_conflict(make_server, clients):
    server = make_server({"c2s": {"resource_conflict": "refuse"}})
    full_jid = server.add_user("alice", PASSWORD) + "/phone"
    old = await clients.slix(server, full_jid, PASSWORD)

    newcomer = clients.aio(server, full_jid, PASSWORD)
    with pytest.raises(aioxmpp.errors.StreamNegotiationFailure) as failure:
        await login_aioxmpp(newcomer)
    # aioxmpp wraps the bind IQ's error; the stanza error is the context.
    bind_error = failure.value.__context__
    assert isinstance(bind_error, aioxmpp.errors.XMPPError), f"bind failed with {failure.value!r}"
    assert bind_error.condition == aioxmpp.ErrorCondition.CONFLICT, f"bind error: {bind_error}"

    assert old.stream_errors.empty(), "the existing session was disturbed"
    await old.barrier()
