"""kontalkctl storage copy --from CONFIG --to CONFIG (issue 15): a server's data moved from SQLite
to PostgreSQL and back, as docs/deploying.md ("Moving to PostgreSQL") tells an operator to do it.

Everything is made through a real server: accounts with passwords, a certificate login (its key
in the keyring), a roster item with a name and a group, a block list and offline messages. The
server started on the copy must log the same users in and deliver the same offline messages.
Runs in the PostgreSQL pass (scripts/with-postgres, `make test-postgres`).
"""

from __future__ import annotations

import pytest

from clients import REPLY_TIMEOUT_S
from im_helpers import MessageLog, wait_for_stored
from kontalk_server import postgres_url
from roster_helpers import roster_items
from test_certificate_login import certificate_login, certified_credential
from test_roster import roster_set

PASSWORD = "secret"
SQLITE = {"storage": {"backend": "sqlite"}}  # a [storage] of its own: SQLite in either pass

pytestmark = pytest.mark.skipif(
    postgres_url() is None,
    reason="copies to PostgreSQL: needs scripts/with-postgres (KONTALK_TEST_POSTGRES_URL)")


async def _fill(server, clients, tmp_path, recipient: str, bodies: list[str]):
    """alice's roster, block list and offline mail for `recipient`; a certificate user. Returns
    the certificate user's JID and certificate."""
    alice_jid = server.jid("alice")
    recipient_jid = server.add_user(recipient, PASSWORD)
    alice = await clients.slix(server, alice_jid + "/phone", PASSWORD)
    alice.register_plugin("xep_0191")
    await roster_set(alice, recipient_jid, name=recipient.title(), groups=["Friends"])
    await alice["xep_0191"].block(["spam.example"], timeout=REPLY_TIMEOUT_S)
    for body in bodies:
        alice.send_message(mto=recipient_jid, mbody=body, mtype="chat")
    await alice.barrier()
    wait_for_stored(server, len(bodies))
    certificate_jid, _, certificate = certified_credential(server, tmp_path)
    await certificate_login(server, clients, certificate)
    return certificate_jid, certificate


async def _check(server, clients, recipient: str, bodies: list[str], certificate_jid, certificate):
    """What the copy must have kept, seen through the server started on it."""
    received = await clients.slix(server, server.jid(recipient) + "/phone", PASSWORD)
    received.log = MessageLog(received)
    received.send_presence()
    assert [(await received.log.next())["body"] for _ in bodies] == bodies

    alice = await clients.slix(server, server.jid("alice") + "/laptop", PASSWORD)
    alice.register_plugin("xep_0191")
    items = await roster_items(alice)
    item = items[server.jid(recipient)]
    assert (item["name"], set(item["groups"])) == (recipient.title(), {"Friends"}), items
    blocked = await alice["xep_0191"].get_blocked(timeout=REPLY_TIMEOUT_S)
    assert {str(jid) for jid in blocked["blocklist"]["items"]} == {"spam.example"}

    client = await certificate_login(server, clients, certificate)
    assert client.boundjid.bare == certificate_jid


def _copy(source, destination):
    return destination.ctl("storage", "copy", "--from", str(source.config_path),
                           "--to", str(destination.config_path))


async def test_sqlite_to_postgresql_and_back(make_server, clients, tmp_path):
    on_sqlite = make_server(SQLITE)
    assert on_sqlite.storage_backend == "sqlite"
    on_sqlite.add_user("alice", PASSWORD)
    certificate_jid, certificate = await _fill(on_sqlite, clients, tmp_path / "first", "bob",
                                               ["one", "two", "three"])
    await clients.close_all()
    on_sqlite.stop()

    on_postgresql = make_server(start=False)
    assert on_postgresql.storage_backend == "postgresql"
    copied = _copy(on_sqlite, on_postgresql)
    assert copied.returncode == 0, copied.stderr
    assert "accounts: 3 row(s)" in copied.stdout, copied.stdout
    assert "offline_messages: 3 row(s)" in copied.stdout, copied.stdout
    on_postgresql.start()
    await _check(on_postgresql, clients, "bob", ["one", "two", "three"], certificate_jid,
                 certificate)

    # A copy into storage that holds data is refused, and changes nothing.
    refused = _copy(on_sqlite, on_postgresql)
    assert refused.returncode == 1, refused.stdout
    assert "holds data already" in refused.stderr, refused.stderr
    assert on_postgresql.query_storage("SELECT COUNT(*) FROM accounts")[0][0] == 3

    # Back to SQLite, with what happened on PostgreSQL since: new offline mail for carol.
    # (The same phone's new key: a key rollover, which the copy back must keep.)
    certificate_jid, certificate = await _fill(on_postgresql, clients, tmp_path / "second",
                                               "carol", ["four", "five"])
    await clients.close_all()
    on_postgresql.stop()
    back = make_server(SQLITE, start=False)
    copied = _copy(on_postgresql, back)
    assert copied.returncode == 0, copied.stderr
    back.start()
    await _check(back, clients, "carol", ["four", "five"], certificate_jid, certificate)


def test_the_source_must_exist(make_server):
    missing = make_server(SQLITE, start=False)
    destination = make_server(start=False)
    refused = _copy(missing, destination)
    assert refused.returncode == 2
    assert "no database at" in refused.stderr, refused.stderr
    assert not (missing.data_dir / "kontalk.sqlite").exists(), "the copy created the source"
