"""kontalkd on PostgreSQL ([storage] backend = "postgresql", issue 15), what only PostgreSQL has:
a database server that restarts under a running kontalkd, and a url that leads nowhere.

The restart runs on a PostgreSQL server of the test's own (postgres_cluster.py), never on the
suite's shared one; the delivery contract is checked as test_storage_faults.py checks it on a
broken SQLite file: while the database is down the sender's messages are held back, not
acknowledged and not refused; once it is back, all are acknowledged and delivered.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from im_helpers import MessageLog, wait_for_stored
from kontalk_server import HOST, free_port, postgres_url
from postgres_cluster import PostgresCluster
from test_metrics import get
from test_storage_faults import BACKLOG_BYTES, run_fault

PASSWORD = "secret"
WAIT_S = 60.0


def _held_back_config() -> dict:
    """As test_storage_faults.py's: a small journal backlog, no byte rate in the way."""
    return {
        "modules.offline": {
            "journal_backlog_bytes": BACKLOG_BYTES,
            "max_messages_per_user": 100000,
            "sender_share_percent": 100,
        },
        "limits": {"bytes_per_second": 1 << 30, "byte_burst": 1 << 30},
        "log": {"level": "info"},
    }


async def _wait_for_healthz(server, expected: int) -> str:
    deadline = time.monotonic() + WAIT_S
    while True:
        status, _, body = await asyncio.to_thread(get, server, "/healthz")
        if status == expected:
            return body
        assert time.monotonic() < deadline, f"/healthz stayed {status}, not {expected}: {body}"
        await asyncio.sleep(0.2)


@pytest.fixture
def own_postgres():
    with PostgresCluster() as cluster:
        yield cluster


@pytest.mark.skipif(postgres_url() is None, reason="runs in the PostgreSQL pass only "
                    "(scripts/with-postgres), where CI spends its PostgreSQL time")
async def test_a_postgresql_restart_holds_back_senders_and_loses_nothing(
    own_postgres, make_server, clients
):
    # own_postgres first: it goes last, after the server and its database.
    server = make_server(_held_back_config(), postgres=own_postgres.url)
    # run_fault asserts the contract: nothing acknowledged while PostgreSQL is down, no error to
    # the sender, the failure logged once as unavailable, every message acknowledged and
    # delivered once it is back. (How the journal holds back a sender is backend-independent:
    # test_storage_faults.py measures it.)
    await run_fault(
        clients,
        server,
        break_storage=own_postgres.stop,
        repair_storage=own_postgres.start,
        messages=1000,
        body_bytes=4096,
        storage_error="offline: storage failed",
    )

    # /healthz says so while PostgreSQL is down, and recovers with it.
    assert await _wait_for_healthz(server, 200) == "ok\n"
    own_postgres.stop()
    try:
        assert "storage" in await _wait_for_healthz(server, 503)
    finally:
        own_postgres.start()
    await _wait_for_healthz(server, 200)
    # And a login after the second restart: the pool replaced its broken connections.
    carol = await clients.slix(server, server.add_user("carol", PASSWORD) + "/phone", PASSWORD)
    assert carol.boundjid.bare == server.jid("carol")


@pytest.mark.skipif(postgres_url() is None, reason="needs the suite's PostgreSQL "
                    "(scripts/with-postgres sets KONTALK_TEST_POSTGRES_URL)")
async def test_connections_ended_by_postgresql_are_replaced(make_server, clients):
    server = make_server()
    alice_jid = server.add_user("alice", PASSWORD)
    bob_jid = server.add_user("bob", PASSWORD)
    alice = await clients.slix(server, alice_jid + "/phone", PASSWORD)
    alice.send_message(mto=bob_jid, mbody="before", mtype="chat")
    await alice.barrier()
    wait_for_stored(server, 1)

    # What an administrator's pg_terminate_backend or a failover does to kontalkd's connections.
    ended = server.postgres.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE datname = '{server.postgres.name}' AND pid <> pg_backend_pid()")
    assert ended and all(row[0] for row in ended), ended

    alice.send_message(mto=bob_jid, mbody="after", mtype="chat")
    await alice.barrier()
    wait_for_stored(server, 2)
    bob = await clients.slix(server, bob_jid + "/phone", PASSWORD)
    bob.log = MessageLog(bob)
    bob.send_presence()
    assert [(await bob.log.next())["body"] for _ in range(2)] == ["before", "after"]


def _start_refused(server) -> str:
    """Starts kontalkd, which must exit non-zero on its own; returns its log."""
    server.start_refused()
    return server.log_path.read_text(errors="replace")


def test_an_unreachable_url_stops_the_start_with_a_clear_error(make_server):
    port = free_port()  # nothing listens there
    server = make_server(
        {"storage": {"backend": "postgresql", "url": f"postgresql://kontalk@{HOST}:{port}/kontalk"}},
        start=False)
    log = _start_refused(server)
    lines = [line for line in log.splitlines() if "storage" in line and str(port) in line]
    assert lines, f"no log line names the storage and the unreachable port\n{log}"
    assert "refused" in lines[0].lower(), lines[0]


@pytest.mark.skipif(postgres_url() is None, reason="needs the suite's PostgreSQL "
                    "(scripts/with-postgres sets KONTALK_TEST_POSTGRES_URL)")
def test_a_url_naming_no_database_stops_the_start_with_a_clear_error(make_server):
    url = postgres_url().rsplit("/", 1)[0] + "/no_such_database"
    server = make_server({"storage": {"backend": "postgresql", "url": url}}, start=False)
    log = _start_refused(server)
    lines = [line for line in log.splitlines() if "no_such_database" in line]
    assert lines, f"no log line names the missing database\n{log}"
    assert "does not exist" in lines[0], lines[0]


@pytest.mark.skipif(postgres_url() is None, reason="needs the suite's PostgreSQL "
                    "(scripts/with-postgres sets KONTALK_TEST_POSTGRES_URL)")
def test_kontalkctl_backup_on_postgresql_points_to_pg_dump(server, tmp_path):
    refused = server.ctl("backup", "--to", str(tmp_path / "backup.sqlite"))
    assert refused.returncode != 0
    assert "pg_dump" in refused.stderr, refused.stderr
    assert not (tmp_path / "backup.sqlite").exists()
