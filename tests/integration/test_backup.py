"""kontalkctl backup --to FILE: an online backup (SQLite's backup API) taken while the server
runs, restored as docs/deploying.md says: the file becomes a stopped server's database, beside
a copy of the server key."""

from __future__ import annotations

import shutil
import stat

import pytest

from im_helpers import MessageLog, wait_for_stored

PASSWORD = "secret"

# kontalkctl backup is SQLite's online backup API into a file; a PostgreSQL database is backed up
# with PostgreSQL's own tools (docs/deploying.md, "Backups").
pytestmark = pytest.mark.sqlite_only("kontalkctl backup copies the SQLite file (pg_dump's job "
                                     "on PostgreSQL)")


async def test_backup_taken_while_running_restores_accounts_and_offline_messages(
    make_server, clients, tmp_path
):
    server = make_server()
    alice_jid = server.add_user("alice", PASSWORD)
    bob_jid = server.add_user("bob", PASSWORD)
    alice = await clients.slix(server, alice_jid + "/phone", PASSWORD)
    alice.send_message(mto=bob_jid, mbody="in the backup", mtype="chat")
    await alice.barrier()
    wait_for_stored(server, 1)

    backup = tmp_path / "kontalk-backup.sqlite"
    backup.write_text("an older backup, replaced")
    taken = server.ctl("backup", "--to", str(backup))
    assert taken.returncode == 0, taken.stderr
    assert "server key" in taken.stdout, "the output does not say what else to copy"
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600, "the backup holds password verifiers"
    assert not (tmp_path / "kontalk-backup.sqlite.partial").exists()

    # Written after the backup: the restored server must not know it.
    alice.send_message(mto=bob_jid, mbody="after the backup", mtype="chat")
    await alice.barrier()
    wait_for_stored(server, 2)

    restored = make_server(start=False)
    shutil.copyfile(backup, restored.data_dir / "kontalk.sqlite")
    (restored.data_dir / "pgp").mkdir(mode=0o700)
    shutil.copy2(server.data_dir / "pgp" / "server-key.sec", restored.data_dir / "pgp")
    restored.start()

    bob = await clients.slix(restored, bob_jid + "/phone", PASSWORD)
    bob.log = MessageLog(bob)
    bob.send_presence()
    received = await bob.log.next()
    assert received["body"] == "in the backup"
    assert received["from"].bare == alice_jid
    # A live message after the offline queue: nothing else was stored in the backup.
    alice_restored = await clients.slix(restored, alice_jid + "/laptop", PASSWORD)
    alice_restored.send_message(mto=bob.boundjid.full, mbody="marker", mtype="chat")
    await alice_restored.barrier()
    assert (await bob.log.next())["body"] == "marker", "a message from after the backup came back"


def test_backup_refuses_a_missing_database(make_server, tmp_path):
    server = make_server(start=False)
    backup = tmp_path / "backup.sqlite"
    refused = server.ctl("backup", "--to", str(backup))
    assert refused.returncode == 2
    assert "no database" in refused.stderr
    assert not backup.exists()
    assert not (server.data_dir / "kontalk.sqlite").exists(), "the backup created a database"


def test_a_backup_that_cannot_be_put_in_place_leaves_nothing_behind(server, tmp_path):
    in_the_way = tmp_path / "a-directory"
    in_the_way.mkdir()
    failed = server.ctl("backup", "--to", str(in_the_way))
    assert failed.returncode == 1
    assert "backup failed" in failed.stderr
    assert not (tmp_path / "a-directory.partial").exists()
