"""Smoke test of the benchmark's load generator: each scenario runs end to end, tiny and brief,
against a test kontalkd, and prints a well-formed JSON result. No timing assertions."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from kontalk_server import HOST, KontalkServer, build_dir, free_port

SESSIONS = 4
PASSWORD = "smoke-secret"
GENERATOR_TIMEOUT_S = 60
ROOT = Path(__file__).resolve().parents[2]

SCENARIO_METRICS = {
    "login-storm": {"elapsed_s", "logins_per_s", "server_cpu_us_per_login"},
    "idle-density": {"login_elapsed_s", "sessions_held", "rss_per_session_bytes"},
    "throughput": {"window", "measured_s", "delivered", "delivered_per_s"},
    "latency": {"offered_per_s", "measured_sent", "measured_delivered", "latency_p50_ms", "latency_p999_ms",
                "latency_p99_ms", "latency_max_ms"},
}


def xmpp_load() -> str:
    path = build_dir() / "bench" / "xmpp-load"
    if not os.access(path, os.X_OK):
        pytest.skip(f"{path} is not built (KONTALK_BUILD_BENCH)")
    return str(path)


def run_generator(server: KontalkServer, scenario: str, *extra: str) -> dict:
    completed = subprocess.run(
        [xmpp_load(), "--scenario", scenario, "--port", str(server.starttls_port),
         "--sessions", str(SESSIONS), "--password", PASSWORD, "--warmup", "0.2",
         "--duration", "1", "--settle", "0.2", "--rate", "50",
         "--server-pid", str(server.process.pid), *extra],
        capture_output=True, text=True, timeout=GENERATOR_TIMEOUT_S)
    assert completed.returncode == 0, f"xmpp-load failed:\n{completed.stderr}"
    return json.loads(completed.stdout.strip().splitlines()[-1])


@pytest.fixture
def loaded_server(server: KontalkServer) -> KontalkServer:
    for index in range(SESSIONS):
        server.add_user(f"user{index}", PASSWORD)
    return server


@pytest.mark.parametrize("scenario", sorted(SCENARIO_METRICS))
def test_scenario_runs_end_to_end(loaded_server: KontalkServer, scenario: str) -> None:
    result = run_generator(loaded_server, scenario)
    assert result["scenario"] == scenario
    assert result["ok"] is True
    assert result["logins_ok"] == SESSIONS
    assert result["logins_failed"] == 0
    assert SCENARIO_METRICS[scenario] <= set(result["metrics"])
    if scenario == "throughput":
        assert result["delivered"] > 0
    if scenario == "idle-density":
        assert result["metrics"]["sessions_held"] == SESSIONS


def test_direct_tls_and_plain(loaded_server: KontalkServer) -> None:
    completed = subprocess.run(
        [xmpp_load(), "--scenario", "login-storm", "--port", str(loaded_server.direct_tls_port),
         "--tls", "direct", "--mechanism", "PLAIN", "--sessions", str(SESSIONS),
         "--password", PASSWORD],
        capture_output=True, text=True, timeout=GENERATOR_TIMEOUT_S)
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["logins_ok"] == SESSIONS


def test_login_storm_resumes_every_tls_session_in_its_second_storm(
        loaded_server: KontalkServer) -> None:
    # bench/login-cost's XMPP half: the second storm offers each account's session ticket.
    result = run_generator(loaded_server, "login-storm", "--tls-resume")
    assert result["logins_ok"] == 2 * SESSIONS
    metrics = result["metrics"]
    assert metrics["resumed_fraction"] == 1.0, metrics
    assert metrics["resumed_server_cpu_us_per_login"] > 0


def test_wrong_password_is_reported(loaded_server: KontalkServer) -> None:
    completed = subprocess.run(
        [xmpp_load(), "--scenario", "login-storm", "--port", str(loaded_server.starttls_port),
         "--sessions", "1", "--password", "wrong"],
        capture_output=True, text=True, timeout=GENERATOR_TIMEOUT_S)
    assert completed.returncode == 1
    result = json.loads(completed.stdout)
    assert result["ok"] is False
    assert result["first_error"] == "login failed: not-authorized"


def test_throughput_with_stream_management_gets_every_message_acknowledged(
        loaded_server: KontalkServer) -> None:
    # The scenario bench/durability runs: the server's <a/> returns the sender's credit.
    result = run_generator(loaded_server, "throughput", "--stream-management")
    assert result["ok"] is True
    metrics = result["metrics"]
    assert metrics["acknowledged"] > 0
    assert metrics["unacknowledged_at_end"] == 0
    assert metrics["ack_latency_samples"] > 0


def test_s2s_throughput_crosses_the_link(make_server) -> None:
    # bench/s2s's scenario between two federated test servers: senders on a.test, receivers on
    # b.test; their self-signed certificates make the links use dialback.
    port_a, port_b = free_port(), free_port()
    while port_b == port_a:
        port_b = free_port()
    a = make_server({"server": {"domain": "a.test"},
                     "s2s": {"listen": [f"{HOST}:{port_a}"], "hosts": {"b.test": f"{HOST}:{port_b}"}}})
    b = make_server({"server": {"domain": "b.test"},
                     "s2s": {"listen": [f"{HOST}:{port_b}"], "hosts": {"a.test": f"{HOST}:{port_a}"}}})
    for index in range(SESSIONS):
        a.add_user(f"user{index}", PASSWORD)
        b.add_user(f"user{index}", PASSWORD)
    completed = subprocess.run(
        [xmpp_load(), "--scenario", "s2s-throughput", "--port", str(a.starttls_port),
         "--domain", "a.test", "--receiver-port", str(b.starttls_port), "--receiver-domain",
         "b.test", "--sessions", str(SESSIONS), "--password", PASSWORD, "--warmup", "0.2",
         "--duration", "1", "--server-pid", str(a.process.pid),
         "--receiver-server-pid", str(b.process.pid)],
        capture_output=True, text=True, timeout=GENERATOR_TIMEOUT_S)
    assert completed.returncode == 0, f"xmpp-load failed:\n{completed.stderr}"
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert result["scenario"] == "s2s-throughput"
    assert result["logins_ok"] == 2 * SESSIONS
    metrics = result["metrics"]
    assert metrics["pairs"] == SESSIONS
    assert metrics["delivered"] > 0, metrics
    assert metrics["undelivered_at_end"] == 0, metrics
    for key in ("generator_cpu_percent", "sender_server_cpu_percent",
                "receiver_server_cpu_percent", "latency_p50_ms", "link_setup_s"):
        assert metrics[key] is not None, key


def test_websocket_bench_delivers_over_both_transports() -> None:
    # bench/websocket, tiny: every message of every pair arrives over TCP and over WebSocket.
    completed = subprocess.run(
        ["/usr/bin/python3", str(ROOT / "bench" / "websocket"), "--build-dir", str(build_dir()),
         "--pairs", "2", "--messages", "20"],
        capture_output=True, text=True, timeout=GENERATOR_TIMEOUT_S)
    assert completed.returncode == 0, f"bench/websocket failed:\n{completed.stderr}"
    rows = {line.split()[0]: line.split() for line in completed.stdout.splitlines()[2:]}
    assert set(rows) == {"tcp", "websocket"}, completed.stdout


def test_idle_profile_attributes_the_idle_heap(tmp_path) -> None:
    # bench/idle-profile, tiny: kontalkd under heaptrack with 20 idle sessions, heap by component.
    if not Path("/usr/bin/heaptrack").exists():
        pytest.skip("heaptrack is not installed (scripts/install-deps)")
    completed = subprocess.run(
        ["/usr/bin/python3", str(ROOT / "bench" / "idle-profile"), "--build-dir", str(build_dir()),
         "--sessions", "20", "--settle", "2", "--workdir", str(tmp_path)],
        capture_output=True, text=True, timeout=GENERATOR_TIMEOUT_S)
    assert completed.returncode == 0, f"bench/idle-profile failed:\n{completed.stderr}"
    assert "heap live with 20 idle sessions" in completed.stdout, completed.stdout
    openssl = [line for line in completed.stdout.splitlines() if line.endswith("  OpenSSL")]
    assert openssl and float(openssl[0].split()[0]) > 5, completed.stdout  # SSL_new alone is 7.6 KiB
