"""Monitoring (issue 13): GET /metrics in the Prometheus text format and GET /healthz, on the
`[http] metrics_listen` listener only.

/metrics is read with the Prometheus client library's own text parser
(prometheus_client.parser), and its counters must move as real clients log in, fail to log in,
send messages, upload a file, leave a message offline and connect over WebSocket. /healthz
answers 200 while storage commits and 503 once the database's file system turns read-only
(fault_fs.py, as in test_storage_faults.py).
"""

from __future__ import annotations

import asyncio
import http.client
import os
import time

import pytest
from prometheus_client.parser import text_string_to_metric_families

import test_s2s as s2s
import test_upload as upload
from clients import LOGIN_TIMEOUT_S
from im_helpers import MessageLog
from kontalk_server import HOST
from test_storage_faults import FaultFs
from websocket_client import WsXmpp

PASSWORD = "metrics password"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
WAIT_S = 15


def get(server, path: str, port: int | None = None) -> tuple[int, dict[str, str], str]:
    conn = http.client.HTTPConnection(HOST, port or server.metrics_port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        conn.close()


def scrape(server) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of /metrics, by (name, sorted labels), parsed by prometheus_client."""
    status, headers, body = get(server, "/metrics")
    assert status == 200, body
    assert headers["Content-Type"] == CONTENT_TYPE
    samples = {}
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def until(server, name: str, labels: dict[str, str], predicate, what: str) -> dict:
    """Scrapes until `predicate(value)` holds (gauges refresh every few seconds)."""
    deadline = time.monotonic() + WAIT_S
    while True:
        samples = await asyncio.to_thread(scrape, server)
        if predicate(value(samples, name, **labels)):
            return samples
        if time.monotonic() > deadline:
            raise AssertionError(f"{name}{labels}: {what}; is {value(samples, name, **labels)}")
        await asyncio.sleep(0.2)


async def test_metrics_parse_and_counters_move_with_traffic(server, clients):
    before = await asyncio.to_thread(scrape, server)
    for name in ("process_cpu_seconds_total", "process_resident_memory_bytes"):
        assert value(before, name) > 0, name

    alice_jid = server.add_user("alice", PASSWORD)
    bob_jid = server.add_user("bob", PASSWORD)
    carol_jid = server.add_user("carol", PASSWORD)
    alice = await clients.slix(server, alice_jid + "/phone", PASSWORD, mechanism="SCRAM-SHA-1")
    bob = await clients.slix(server, bob_jid + "/phone", PASSWORD, mechanism="PLAIN")
    bob.log = MessageLog(bob)
    bob.send_presence()
    wrong = clients.start_slix(server, alice_jid + "/other", "wrong", mechanism="SCRAM-SHA-256")
    failure = await asyncio.wait_for(wrong.auth_failed, LOGIN_TIMEOUT_S)
    assert failure["condition"] == "not-authorized"

    for index in range(5):
        alice.send_message(mto=bob.boundjid.full, mbody=f"hello {index}", mtype="chat")
    for _ in range(5):
        await bob.log.next()
    # To carol, who never logged in: offline storage.
    alice.send_message(mto=carol_jid, mbody="for later", mtype="chat")
    await alice.barrier()

    after = await until(server, "kontalk_offline_messages", {"queue": "local"},
                        lambda stored: stored >= 1, "the offline message was not counted")

    def moved(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("kontalk_c2s_logins_total", mechanism="SCRAM-SHA-1", result="success") == 1
    assert moved("kontalk_c2s_logins_total", mechanism="PLAIN", result="success") == 1
    assert moved("kontalk_c2s_logins_total", mechanism="SCRAM-SHA-256", result="failure") >= 1
    assert moved("kontalk_stanzas_routed_total", kind="message", destination="local") >= 6
    assert moved("kontalk_stanzas_delivered_total", kind="message") >= 5
    assert moved("kontalk_stanzas_undeliverable_total", kind="message") >= 1
    assert moved("kontalk_stanzas_routed_total", kind="presence", destination="local") >= 1
    assert moved("kontalk_stanzas_routed_total", kind="iq", destination="local") >= 1
    assert value(after, "kontalk_c2s_sessions", transport="tcp") == 2
    assert value(after, "kontalk_c2s_connections", transport="tcp") >= 2
    assert value(after, "kontalk_journal_commit_seconds_count") > value(
        before, "kontalk_journal_commit_seconds_count")
    assert value(after, "kontalk_journal_accepting") == 1
    # Buckets are cumulative and end with +Inf = count.
    assert value(after, "kontalk_journal_commit_seconds_bucket", le="+Inf") == value(
        after, "kontalk_journal_commit_seconds_count")

    await bob.close()
    await until(server, "kontalk_c2s_sessions", {"transport": "tcp"}, lambda n: n == 1,
                "a closed session is still counted")


async def test_websocket_session_counts_under_its_transport(server):
    jid = server.add_user("dave", PASSWORD)
    client = await WsXmpp.connect(server)
    try:
        await client.login("dave", PASSWORD)
        await client.bind("browser")
        samples = await until(server, "kontalk_c2s_sessions", {"transport": "websocket"},
                              lambda n: n == 1, "the WebSocket session is not counted")
        assert value(samples, "kontalk_c2s_sessions", transport="tcp") == 0
        assert value(samples, "kontalk_c2s_logins_total", mechanism="SCRAM-SHA-1",
                     result="success") == 1, jid
    finally:
        await client.close()
    await until(server, "kontalk_c2s_sessions", {"transport": "websocket"}, lambda n: n == 0,
                "the closed WebSocket session is still counted")


async def test_s2s_links_and_remote_stanzas_are_counted(make_server, clients):
    a, b = s2s._two_servers(make_server, None)
    await s2s._exchange(a, b, clients)
    for server in (a, b):
        samples = await asyncio.to_thread(scrape, server)
        assert value(samples, "kontalk_s2s_links", direction="outbound") == 1
        assert value(samples, "kontalk_s2s_links", direction="inbound") >= 1
        assert value(samples, "kontalk_stanzas_routed_total", kind="message",
                     destination="remote") >= 1
        assert value(samples, "kontalk_stanzas_routed_total", kind="iq",
                     destination="remote") >= 1
    # Everything sent was acknowledged (the exchange waited for the answers) and nothing waits
    # for a link.
    await until(a, "kontalk_s2s_unacknowledged_messages", {}, lambda n: n == 0,
                "acknowledged messages are still counted")
    assert value(await asyncio.to_thread(scrape, a), "kontalk_s2s_queued_stanzas") == 0


async def test_upload_moves_upload_bytes(server, clients):
    alice = await clients.slix(server, server.add_user("alice", PASSWORD) + "/phone", PASSWORD)
    before = await asyncio.to_thread(scrape, server)
    data = os.urandom(70_000)
    url, error = await upload.request_slot(alice, server, "photo.jpg", len(data), "image/jpeg")
    assert error is None, error
    status, _, _ = await asyncio.to_thread(upload.put, server, url, data, "image/jpeg")
    assert status == 200
    status, _, body = await asyncio.to_thread(upload.http_request, server, "GET", url)
    assert status == 200 and body == data
    after = await asyncio.to_thread(scrape, server)
    assert value(after, "kontalk_upload_received_bytes_total") - value(
        before, "kontalk_upload_received_bytes_total") == len(data)
    assert value(after, "kontalk_upload_served_bytes_total") - value(
        before, "kontalk_upload_served_bytes_total") == len(data)
    assert value(after, "kontalk_upload_files_stored_total") - value(
        before, "kontalk_upload_files_stored_total") == 1


async def test_metrics_are_not_served_on_the_public_http_listener(server):
    status, _, body = await asyncio.to_thread(
        upload.http_request, server, "GET", f"https://{server.domain}:{server.http_port}/metrics")
    assert status == 404, body
    # And the metrics listener serves nothing else.
    status, _, _ = await asyncio.to_thread(get, server, "/upload/x")
    assert status == 404
    status, _, _ = await asyncio.to_thread(get, server, "/metrics/x")
    assert status == 404


async def test_metrics_listener_can_be_turned_off(make_server):
    server = make_server({"http": {"metrics_listen": []}})
    with pytest.raises(ConnectionRefusedError):
        await asyncio.to_thread(get, server, "/healthz")


@pytest.mark.skipif(os.geteuid() != 0, reason="mounts file systems: needs root")
@pytest.mark.sqlite_only("breaks the file system under the SQLite file; on PostgreSQL "
                         "test_postgresql.py checks /healthz while the database server is down")
async def test_healthz_is_503_while_storage_cannot_commit(make_server, tmp_path):
    with FaultFs(tmp_path / "faultfs") as fault_fs:
        server = make_server({"storage": {"path": str(fault_fs.mount_point / "kontalk.sqlite")}})
        status, _, body = await asyncio.to_thread(get, server, "/healthz")
        assert (status, body) == (200, "ok\n")
        fault_fs.writes(False)
        try:
            status, _, body = await asyncio.to_thread(get, server, "/healthz")
            assert status == 503, body
            assert "storage" in body, body
        finally:
            fault_fs.writes(True)
        deadline = time.monotonic() + WAIT_S
        while (status := (await asyncio.to_thread(get, server, "/healthz"))[0]) != 200:
            assert time.monotonic() < deadline, f"/healthz stayed {status} after the repair"
            await asyncio.sleep(0.2)
        server.stop()
