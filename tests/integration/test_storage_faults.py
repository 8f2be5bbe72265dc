"""Storage faults under the delivery contract (ARCHITECTURE.md §6, issue 11 item 2).

A real disk-full condition (the database on a small tmpfs that the test fills) and a database
whose file system turns read-only under the running server (fault_fs.py: a FUSE pass-through
that answers EROFS on demand, as a kernel remount would; chmod and chattr do not affect files
already open). In both, a sender with stream management keeps sending to an offline recipient.
The server must:
- hold back the sender's <a/> for everything that is not durable (nothing acknowledged is
  lost, nothing is answered with an error);
- keep bounded memory: once its journal holds journal_backlog_bytes, it stops reading from the
  sender (measured: the sender's unsent bytes stay unsent, the server's RSS stays flat);
- say what failed, once, with the status, and not retry in a tight loop;
- recover by itself when space is freed or the file system is writable again, acknowledge
  everything, and deliver every acknowledged message to the recipient.

The tests mount file systems, so they need root (the CI and development containers run as
root). The numbers they measure are printed (pytest -s shows them).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any, Iterator

import pytest
import slixmpp

PASSWORD = "secret"
BACKLOG_BYTES = 256 * 1024  # the journal's bound in these tests
WAIT_S = 60.0
FAULT_LASTS_S = 5.0  # how long storage stays broken after the sender's bytes settled
FAULT_FS = Path(__file__).with_name("fault_fs.py")

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="mounts file systems: needs root"),
    pytest.mark.sqlite_only("breaks the file system under the SQLite file; on PostgreSQL "
                            "test_postgresql.py stops the database server instead"),
]


# --- file systems ----------------------------------------------------------------------


@contextlib.contextmanager
def tmpfs(mount_point: Path, size: str) -> Iterator[Path]:
    mount_point.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount_point)], check=True)
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(directory: Path) -> Path:
    """Writes a file until the file system is full (ENOSPC); returns it."""
    filler = directory / "filler"
    with open(filler, "wb", buffering=0) as file:
        for chunk in (1 << 20, 4096, 512):
            block = b"\0" * chunk
            while True:
                try:
                    file.write(block)
                except OSError as error:
                    if error.errno != errno.ENOSPC:
                        raise
                    break
    return filler


class FaultFs:
    """fault_fs.py mounted at `mount_point` over `backing`; writes() turns writes on and off."""

    def __init__(self, root: Path) -> None:
        self.backing = root / "backing"
        self.mount_point = root / "mnt"
        self.switch = root / "read-only"
        self.backing.mkdir(parents=True)
        self.mount_point.mkdir(parents=True)
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> "FaultFs":
        self.process = subprocess.Popen(
            ["/usr/bin/python3", str(FAULT_FS), str(self.backing), str(self.mount_point), str(self.switch)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 10
        while not os.path.ismount(self.mount_point):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"fault_fs.py did not mount: {self.process.stderr.read()!r}")
            time.sleep(0.05)
        return self

    def writes(self, allowed: bool) -> None:
        if allowed:
            self.switch.unlink(missing_ok=True)
        else:
            self.switch.touch()

    def __exit__(self, *exc_info: Any) -> None:
        subprocess.run(["umount", "-l", str(self.mount_point)], check=False)
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)


# --- the server and its clients -----------------------------------------------------------


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for {pid}")


def log_lines(server: Any, fragment: str) -> list[str]:
    return [line for line in server.log_path.read_text(errors="replace").splitlines() if fragment in line]


async def sm_client(clients: Any, server: Any, jid: str) -> Any:
    """A slixmpp client with stream management that records what the server acknowledged."""
    client = clients.start_slix(server, jid, PASSWORD)
    client.register_plugin("xep_0198")
    client.acked: set[str] = set()
    client.errors: list[Any] = []
    enabled = asyncio.get_running_loop().create_future()
    client.add_event_handler("sm_enabled", lambda _: enabled.done() or enabled.set_result(True))
    client.add_event_handler(
        "stanza_acked",
        lambda stanza: isinstance(stanza, slixmpp.Message) and client.acked.add(stanza["body"]),
    )
    client.add_event_handler("message_error", client.errors.append)
    await asyncio.wait_for(asyncio.shield(client.session_started), 15)
    await asyncio.wait_for(enabled, 10)
    return client


async def unsent_bytes_once_steady(client: Any) -> int:
    """The sender's bytes the server has not read (beyond what the kernel buffers), once
    slixmpp has handed every stanza to its transport and that stops changing or is empty."""
    previous, steady = -1, 0
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        if not client.waiting_queue.empty():
            continue  # slixmpp has not even tried to send everything yet
        unsent = client.transport.get_write_buffer_size() if client.transport else 0
        steady = steady + 1 if unsent == previous else 0
        if unsent == 0 or steady >= 6:
            return unsent
        previous = unsent
    raise AssertionError("the sender's unsent bytes never settled")


async def all_acknowledged(client: Any, count: int) -> None:
    """Waits (bounded) until the server acknowledged `count` messages, asking it with <r/>:
    slixmpp asks only every few stanzas, so the last few would otherwise never be covered."""
    deadline = time.monotonic() + WAIT_S
    while len(client.acked) < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(client.acked)} of {count} acknowledged within {WAIT_S} s")
        client["xep_0198"].request_ack()
        await asyncio.sleep(0.5)


async def receive_all(clients: Any, server: Any, jid: str, count: int) -> list[str]:
    """Bob comes online (stream management, acknowledging) and collects `count` bodies."""
    bob = await sm_client(clients, server, jid)
    bob.send_presence()
    bodies = []
    deadline = time.monotonic() + WAIT_S
    while len(bodies) < count and time.monotonic() < deadline:
        try:
            message = await asyncio.wait_for(bob.messages.get(), max(0.1, deadline - time.monotonic()))
        except asyncio.TimeoutError:
            break
        if message["body"]:
            bodies.append(message["body"])
    bob["xep_0198"].request_ack()
    return bodies


def body(number: int, size: int) -> str:
    label = f"m{number}:"
    return label + "x" * (size - len(label))


async def run_fault(
    clients: Any,
    server: Any,
    *,
    break_storage: Any,
    repair_storage: Any,
    messages: int,
    body_bytes: int,
    storage_error: str,
) -> dict[str, Any]:
    """Sends `messages` to offline bob while storage is broken, then repairs it. Measures
    first, asserts after, so that a failing run still shows its numbers."""
    alice = await sm_client(clients, server, server.add_user("alice", PASSWORD) + "/phone")
    bob_jid = server.add_user("bob", PASSWORD)
    await alice.barrier()
    rss_before = rss_kib(server.process.pid)

    break_storage()
    sent = [body(number, body_bytes) for number in range(messages)]
    for text in sent:
        alice.send_message(mto=bob_jid, mbody=text, mtype="chat")
    # Until the server read everything (no backpressure) or stopped reading (backpressure),
    # and then a while longer: the fault lasts, as real ones do.
    unsent = await unsent_bytes_once_steady(alice)
    await asyncio.sleep(FAULT_LASTS_S)
    rss_while_broken = rss_kib(server.process.pid)
    acked_while_broken = len(alice.acked)
    failure_lines = log_lines(server, storage_error)

    repair_storage()
    repaired = time.monotonic()
    await all_acknowledged(alice, messages)
    recovered_after = time.monotonic() - repaired
    received = await receive_all(clients, server, bob_jid + "/phone", messages)

    counts = Counter(received)
    result = {
        "sent": messages,
        "acknowledged while broken": acked_while_broken,
        "acknowledged": len(alice.acked),
        "delivered": len(set(received) & alice.acked),
        "lost": len(alice.acked - set(received)),
        "duplicates": sum(n - 1 for n in counts.values() if n > 1),
        "errors to sender": len(alice.errors),
        "unsent at sender while broken (bytes)": unsent,
        "server RSS growth while broken (KiB)": rss_while_broken - rss_before,
        "log lines about the failure": len(failure_lines),
        "all acknowledged after repair (s)": round(recovered_after, 1),
    }
    print("\n" + ", ".join(f"{key}: {value}" for key, value in result.items()))
    assert failure_lines, f"no log line names the failure ({storage_error})"
    assert "unavailable" in failure_lines[0], f"the log does not give the status: {failure_lines[0]}"
    assert len(failure_lines) <= 3, "the failure is logged over and over:\n" + "\n".join(failure_lines[:5])
    assert acked_while_broken == 0, "acknowledged although nothing could be made durable"
    assert not alice.errors, f"the sender got errors: {alice.errors[:3]}"
    assert result["lost"] == 0, f"{result['lost']} acknowledged message(s) lost"
    assert set(received) == set(sent)
    return result


def _fault_config(database: Path) -> dict:
    return {
        "storage": {"path": str(database)},
        "modules.offline": {
            "journal_backlog_bytes": BACKLOG_BYTES,
            "max_messages_per_user": 100000,
            "sender_share_percent": 100,
        },
        # Only the journal may hold the sender back, not the inbound byte rate.
        "limits": {"bytes_per_second": 1 << 30, "byte_burst": 1 << 30},
        "log": {"level": "info"},
    }


def _assert_held_back(result: dict, sent_bytes: int) -> None:
    """Backpressure: the server stopped reading long before it had everything, and its memory
    did not take what it could not store."""
    assert result["unsent at sender while broken (bytes)"] > 0, "the server read everything"
    assert result["server RSS growth while broken (KiB)"] < sent_bytes // 1024 // 2


# --- the tests -----------------------------------------------------------------------------


async def test_disk_full_holds_back_senders_and_loses_nothing(make_server, clients, tmp_path):
    messages, body_bytes = 1500, 16 * 1024  # 24 MiB: far more than the journal may hold
    with tmpfs(tmp_path / "db", "96m") as mount:
        server = make_server(_fault_config(mount / "kontalk.sqlite"))
        filler: list[Path] = []
        result = await run_fault(
            clients,
            server,
            break_storage=lambda: filler.append(fill(mount)),
            repair_storage=lambda: filler[0].unlink(),
            messages=messages,
            body_bytes=body_bytes,
            storage_error="database or disk is full",
        )
        server.stop()
    _assert_held_back(result, messages * body_bytes)


async def test_read_only_database_holds_back_senders_and_recovers(make_server, clients, tmp_path):
    messages, body_bytes = 2500, 4096  # 10 MiB: more than the kernel's socket buffers hold
    with FaultFs(tmp_path / "faultfs") as fault_fs:
        server = make_server(_fault_config(fault_fs.mount_point / "kontalk.sqlite"))
        result = await run_fault(
            clients,
            server,
            break_storage=lambda: fault_fs.writes(False),
            repair_storage=lambda: fault_fs.writes(True),
            messages=messages,
            body_bytes=body_bytes,
            storage_error="disk I/O error",
        )
        server.stop()
    _assert_held_back(result, messages * body_bytes)
