"""kontalkctl against the server's data directory: user management and migrations."""

from __future__ import annotations

import asyncio

import pytest

from clients import LOGIN_TIMEOUT_S

PASSWORD = "secret"


def _listed_users(server) -> list[str]:
    result = server.ctl("user", "list")
    assert result.returncode == 0, f"user list failed: {result.stderr}"
    return [line.strip() for line in result.stdout.splitlines() if line.strip()]


def test_user_add_list_del_round_trip(server):
    alice = server.add_user("alice", PASSWORD)
    bob = server.add_user("bob", PASSWORD)
    assert sorted(_listed_users(server)) == sorted([alice, bob])

    deleted = server.ctl("user", "del", alice)
    assert deleted.returncode == 0, f"user del failed: {deleted.stderr}"
    assert _listed_users(server) == [bob]


async def test_added_user_can_log_in_and_deleted_user_cannot(server, clients):
    alice = server.add_user("alice", PASSWORD)
    session = await clients.slix(server, alice, PASSWORD)
    await session.close()

    assert server.ctl("user", "del", alice).returncode == 0
    retry = clients.start_slix(server, alice, PASSWORD)
    failure = await asyncio.wait_for(retry.auth_failed, LOGIN_TIMEOUT_S)
    assert failure["condition"] == "not-authorized", f"SASL failure was {failure}"


def test_adding_existing_user_fails(server):
    alice = server.add_user("alice", PASSWORD)
    again = server.ctl("user", "add", alice, stdin="other\n")
    assert again.returncode != 0, "adding an existing user succeeded"
    assert again.stderr.strip(), "no error message on stderr"
    assert _listed_users(server) == [alice]


def test_deleting_missing_user_fails(server):
    missing = server.ctl("user", "del", server.jid("nobody"))
    assert missing.returncode != 0, "deleting a missing user succeeded"
    assert missing.stderr.strip(), "no error message on stderr"


@pytest.mark.parametrize("running", [False, True], ids=["fresh_data_dir", "server_running"])
def test_migrate_exits_zero_and_is_idempotent(make_server, running):
    server = make_server(start=running)
    for attempt in range(2):
        result = server.ctl("migrate")
        assert result.returncode == 0, f"migrate #{attempt + 1} failed: {result.stderr}"
