"""kontalkctl against the running server over its admin socket ([admin] socket): status,
sessions list/kick, reload (TLS certificate renewal), log-level, live user edits, broadcast,
SIGHUP, and the errors when no server runs."""

from __future__ import annotations

import os
import re
import signal
import socket
import ssl
import stat
import subprocess
import time
from pathlib import Path

import pytest

from federation_certs import FederationCa
from kontalk_server import CTL_TIMEOUT_S, DOMAIN, HOST, binary
from raw_client import NS_BIND, RawXmppConnection, stream_error_condition

PASSWORD = "secret"
NS_SM = "urn:xmpp:sm:3"
NOT_RUNNING = 3  # kontalkctl's exit code when no server answers


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr}"
    return result.stdout


def _login(server, localpart: str, resource: str, password: str = PASSWORD) -> RawXmppConnection:
    connection = RawXmppConnection(server.host, server.starttls_port, server.domain)
    connection.login(localpart, password, resource)
    return connection


def _ping(connection: RawXmppConnection, ident: str) -> None:
    connection.send(f"<iq type='get' id='{ident}' to='{DOMAIN}'><ping xmlns='urn:xmpp:ping'/></iq>")
    connection.read_until(rf"<iq[^>]*id=['\"]{ident}['\"][^>]*type=['\"]result['\"]|"
                          rf"<iq[^>]*type=['\"]result['\"][^>]*id=['\"]{ident}['\"]")


def _sessions(server, *args: str) -> list[dict[str, str]]:
    lines = _ok(server.ctl("sessions", "list", *args)).splitlines()
    header = lines[0].split("\t")
    assert header == ["JID", "TRANSPORT", "ADDRESS", "SHARD", "SINCE", "SM"], lines
    return [dict(zip(header, line.split("\t"))) for line in lines[1:]]


# --- the socket itself ----------------------------------------------------------------------


def test_socket_is_owner_only_and_status_reports_the_server(server):
    socket_path = server.data_dir / "admin.sock"
    mode = os.stat(socket_path).st_mode
    assert stat.S_ISSOCK(mode)
    assert stat.S_IMODE(mode) == 0o600

    server.add_user("alice", PASSWORD)
    with _login(server, "alice", "phone"):
        status = _ok(server.ctl("status"))
    assert re.search(r"^version: \d+\.\d+", status, re.M), status
    assert re.search(r"^uptime: \d+ s$", status, re.M), status
    assert "shards: 2" in status
    assert re.search(r"^sessions: 1, tcp 1, websocket 0", status, re.M), status
    assert re.search(r"^memory: [1-9]\d* KiB", status, re.M), status
    assert re.search(r"^journal backlog: \d+ records", status, re.M), status


def test_every_command_says_the_server_is_not_running(make_server):
    server = make_server(start=False)
    for command in (["status"], ["sessions", "list"], ["sessions", "kick", "a@localhost"],
                    ["reload"], ["log-level", "info"], ["broadcast", "hi"]):
        result = server.ctl(*command)
        assert result.returncode == NOT_RUNNING, f"{command}: {result}"
        assert "not running" in result.stderr, f"{command}: {result.stderr}"


def test_user_edits_without_a_server_change_storage_and_say_so(make_server):
    server = make_server(start=False)
    added = server.ctl("user", "add", server.jid("alice"), stdin=PASSWORD + "\n")
    assert "no server running" in _ok(added)
    changed = server.ctl("user", "passwd", server.jid("alice"), stdin="new\n")
    assert "no server running" in _ok(changed)
    server.start()
    with _login(server, "alice", "phone", "new"):
        pass
    server.stop()
    removed = server.ctl("user", "del", server.jid("alice"))
    assert "no server running" in _ok(removed)


def test_stale_socket_is_replaced_and_a_live_one_refuses_a_second_server(make_server):
    server = make_server(start=False)
    stale = server.data_dir / "admin.sock"
    leftover = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    leftover.bind(str(stale))
    leftover.close()  # a file nobody answers on, as a crashed server leaves it
    server.start()
    _ok(server.ctl("status"))

    second = subprocess.run([str(binary("kontalkd")), "--config", str(server.config_path)],
                            capture_output=True, text=True, timeout=CTL_TIMEOUT_S)
    assert second.returncode != 0
    assert "another server is running" in second.stderr, second.stderr
    _ok(server.ctl("status"))  # the first one still answers


def test_malformed_request_gets_an_error_and_the_socket_keeps_serving(server):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as raw:
        raw.connect(str(server.data_dir / "admin.sock"))
        raw.sendall(b"status")  # no final newline
        raw.shutdown(socket.SHUT_WR)
        answer = raw.recv(4096)
    assert answer.startswith(b"error\n"), answer
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as raw:
        raw.connect(str(server.data_dir / "admin.sock"))
        try:
            raw.sendall(b"x\n" * 100_000)  # beyond the request bound
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server stopped reading at the bound and answered
    server.wait_for_log("admin: malformed request: request too large")
    _ok(server.ctl("status"))


# --- sessions -------------------------------------------------------------------------------


def test_sessions_list_names_each_session(server):
    server.add_user("alice", PASSWORD)
    server.add_user("bob", PASSWORD)
    with _login(server, "alice", "phone") as alice, _login(server, "bob", "desk"):
        alice.send(f"<enable xmlns='{NS_SM}' resume='true'/>")
        alice.read_until(r"<enabled[^>]*>")
        listed = {entry["JID"]: entry for entry in _sessions(server)}
        assert set(listed) == {f"alice@{DOMAIN}/phone", f"bob@{DOMAIN}/desk"}
        phone = listed[f"alice@{DOMAIN}/phone"]
        assert phone["TRANSPORT"] == "tcp"
        assert phone["ADDRESS"].startswith("127.0.0.1:")
        assert phone["SHARD"] in ("0", "1")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", phone["SINCE"])
        assert phone["SM"] == "on"
        assert listed[f"bob@{DOMAIN}/desk"]["SM"] == "off"
        only_bob = _sessions(server, "--user", f"bob@{DOMAIN}")
        assert [entry["JID"] for entry in only_bob] == [f"bob@{DOMAIN}/desk"]


def test_kick_ends_a_resumable_session_for_good_and_loses_nothing(server):
    server.add_user("alice", PASSWORD)
    server.add_user("bob", PASSWORD)
    alice = _login(server, "alice", "phone")
    alice.send(f"<enable xmlns='{NS_SM}' resume='true'/>")
    enabled = alice.read_until(r"<enabled[^>]*>")
    previd = re.search(r"id=['\"]([^'\"]+)['\"]", enabled).group(1)
    alice.send("<presence/>")
    with _login(server, "bob", "desk") as bob:
        bob.send(f"<message to='alice@{DOMAIN}' type='chat' id='m1'><body>unacked</body>"
                 "</message>")
        alice.read_until(r"<body>unacked</body>")  # received, never acknowledged

    kicked = _ok(server.ctl("sessions", "kick", f"alice@{DOMAIN}/phone", "--reason", "bye now"))
    assert "kicked 1 session" in kicked
    closing = alice.read_until_closed()
    assert stream_error_condition(closing) == "policy-violation", closing
    assert "bye now" in closing
    alice.close()
    deadline = time.monotonic() + 5
    while _sessions(server, "--user", f"alice@{DOMAIN}") and time.monotonic() < deadline:
        time.sleep(0.05)  # the session ends on its shard once the connection is gone
    assert _sessions(server, "--user", f"alice@{DOMAIN}") == []

    with RawXmppConnection(server.host, server.starttls_port, server.domain) as again:
        again.open_stream()
        again.starttls()
        again.authenticate_plain("alice", PASSWORD)
        again.send(f"<resume xmlns='{NS_SM}' h='0' previd='{previd}'/>")
        assert "<failed" in again.read_until(r"<failed[^>]*>|<resumed[^>]*>")
        again.send(f"<iq type='set' id='b2'><bind xmlns='{NS_BIND}'><resource>phone</resource>"
                   "</bind></iq>")
        again.read_until(r"<iq[^>]*id=['\"]b2['\"].*?</iq>")
        again.send("<presence/>")
        again.read_until(r"<body>unacked</body>")  # from offline storage

    missing = server.ctl("sessions", "kick", f"alice@{DOMAIN}/phone")
    assert missing.returncode == 1 and "no session" in missing.stderr


def test_kick_of_a_bare_jid_ends_every_session_of_the_account(server):
    server.add_user("alice", PASSWORD)
    with _login(server, "alice", "one") as one, _login(server, "alice", "two") as two:
        assert "kicked 2 session" in _ok(server.ctl("sessions", "kick", f"alice@{DOMAIN}"))
        for connection in (one, two):
            assert stream_error_condition(connection.read_until_closed()) == "policy-violation"


# --- live user edits ------------------------------------------------------------------------


def test_user_edits_apply_live(server):
    added = server.ctl("user", "add", server.jid("alice"), stdin=PASSWORD + "\n")
    assert "applied by the running server" in _ok(added)
    connected = _login(server, "alice", "phone")

    changed = server.ctl("user", "passwd", server.jid("alice"), stdin="changed\n")
    assert "applied by the running server" in _ok(changed)
    _ping(connected, "still-here")  # a logged-in session stays
    with RawXmppConnection(server.host, server.starttls_port, server.domain) as old:
        old.open_stream()
        old.starttls()
        assert "<failure" in old.try_plain("alice", PASSWORD)
    with _login(server, "alice", "other", "changed"):
        pass

    removed = _ok(server.ctl("user", "del", server.jid("alice")))
    assert re.search(r"\d session\(s\) ended", removed), removed
    assert stream_error_condition(connected.read_until_closed()) == "not-authorized"
    connected.close()
    missing = server.ctl("user", "passwd", server.jid("alice"), stdin="x\n")
    assert missing.returncode == 1 and "does not exist" in missing.stderr


# --- broadcast and log level ----------------------------------------------------------------


def test_broadcast_reaches_every_online_session(server):
    server.add_user("alice", PASSWORD)
    server.add_user("bob", PASSWORD)
    with _login(server, "alice", "phone") as alice, _login(server, "bob", "desk") as bob:
        assert "sent to 2 session" in _ok(server.ctl("broadcast", "Maintenance at 10 <UTC> & co"))
        for connection in (alice, bob):
            message = connection.read_until(r"<message\b.*?</message>")
            assert re.search(r"type=['\"]headline['\"]", message), message
            assert re.search(rf"from=['\"]{DOMAIN}['\"]", message), message
            assert re.search(r"Maintenance at 10 &lt;UTC(&gt;|>) &amp; co", message), message


def test_log_level_changes_what_the_server_logs(server):
    _ok(server.ctl("log-level", "error"))
    before = server.log_path.read_text()
    _ok(server.ctl("status"))
    time.sleep(0.2)
    assert server.log_path.read_text().count("admin: status") == before.count("admin: status")
    _ok(server.ctl("log-level", "info"))
    _ok(server.ctl("status"))
    server.wait_for_log("admin: status")
    bad = server.ctl("log-level", "loud")
    assert bad.returncode == 1 and "log level" in bad.stderr


# --- reload ---------------------------------------------------------------------------------


def _peer_certificate(server) -> bytes:
    with RawXmppConnection(server.host, server.direct_tls_port, server.domain,
                           direct_tls=True) as connection:
        return connection.sock.getpeercert(binary_form=True)


def _install(pair, fullchain: Path, privkey: Path, ca: Path) -> None:
    """As certbot renews: fullchain.pem (certificate, then the chain) and privkey.pem."""
    fullchain.write_text(pair.certificate.read_text() + ca.read_text())
    privkey.write_text(pair.private_key.read_text())
    privkey.chmod(0o600)


def test_reload_brings_a_renewed_certificate_without_dropping_connections(make_server,
                                                                           tmp_path):
    live = tmp_path / "letsencrypt"
    live.mkdir()
    first_ca = FederationCa(tmp_path / "ca1", "First CA")
    _install(first_ca.issue(DOMAIN), live / "fullchain.pem", live / "privkey.pem",
             first_ca.certificate)
    server = make_server({"tls": {"certificate": str(live / "fullchain.pem"),
                                  "private_key": str(live / "privkey.pem")},
                          "server": {"mode": "production"}})
    server.add_user("alice", PASSWORD)
    first = _peer_certificate(server)
    verified = ssl.create_default_context(cafile=str(first_ca.certificate))
    with socket.create_connection((HOST, server.direct_tls_port)) as plain:
        with verified.wrap_socket(plain, server_hostname=DOMAIN):
            pass  # a CA-signed chain naming the domain, as the Android client requires

    connected = _login(server, "alice", "phone")
    second_ca = FederationCa(tmp_path / "ca2", "Second CA")
    _install(second_ca.issue(DOMAIN), live / "fullchain.pem", live / "privkey.pem",
             second_ca.certificate)
    report = _ok(server.ctl("reload"))
    assert "TLS certificate: " in report and "Second CA" in report, report

    _ping(connected, "after-reload")  # the established connection stays up
    renewed = _peer_certificate(server)
    assert renewed != first
    verified = ssl.create_default_context(cafile=str(second_ca.certificate))
    with socket.create_connection((HOST, server.direct_tls_port)) as plain:
        with verified.wrap_socket(plain, server_hostname=DOMAIN):
            pass
    connected.close()


def test_reload_keeps_the_running_setup_when_the_new_one_is_bad(make_server, tmp_path):
    ca = FederationCa(tmp_path / "ca", "Test CA")
    good = ca.issue(DOMAIN)
    wrong = ca.issue("elsewhere.example")
    certificate = tmp_path / "cert.pem"
    key = tmp_path / "key.pem"
    _install(good, certificate, key, ca.certificate)
    server = make_server({"tls": {"certificate": str(certificate), "private_key": str(key)},
                          "server": {"mode": "production"}})
    before = _peer_certificate(server)

    _install(wrong, certificate, key, ca.certificate)
    refused = server.ctl("reload")
    assert refused.returncode == 1
    assert "does not name localhost" in refused.stderr, refused.stderr
    assert _peer_certificate(server) == before

    _install(good, certificate, key, ca.certificate)
    valid = server.config_path.read_text()
    # kontalkctl reads the same file to find the socket: it stops at what it can check itself.
    server.config_path.write_text(valid + "\n[nonsense]\nbogus = 1\n")
    broken = server.ctl("reload")
    assert broken.returncode != 0 and "nonsense" in broken.stderr, broken.stderr
    # A module's settings only the server checks: the server refuses the reload.
    server.config_path.write_text(valid + "\n[modules.offline]\nbogus = 1\n")
    broken = server.ctl("reload")
    assert broken.returncode == 1, broken
    assert "nothing reloaded" in broken.stderr and "bogus" in broken.stderr, broken.stderr
    assert _peer_certificate(server) == before
    refusals = server.log_path.read_text().count("reload: nothing changed")
    server.process.send_signal(signal.SIGHUP)  # the same through the signal
    deadline = time.monotonic() + 10
    while (server.log_path.read_text().count("reload: nothing changed") == refusals
           and time.monotonic() < deadline):
        time.sleep(0.05)
    assert server.log_path.read_text().count("reload: nothing changed") == refusals + 1
    assert _peer_certificate(server) == before


def test_reload_names_changes_that_need_a_restart(server):
    text = server.config_path.read_text()
    text = text.replace("[log]\nlevel = \"debug\"", "[log]\nlevel = \"info\"")
    text = text.replace("threads = 2", "threads = 1")
    server.config_path.write_text(text)
    report = _ok(server.ctl("reload"))
    assert "log level: info" in report
    assert re.search(r"needs a restart.*server\.threads", report), report
    assert "log.level" not in report.split("needs a restart")[1]
    assert "shards: 2" in _ok(server.ctl("status"))


def test_sighup_reloads_like_kontalkctl(server):
    server.process.send_signal(signal.SIGHUP)
    server.wait_for_log("received SIGHUP: reloading")
    server.wait_for_log("reload: TLS certificate")
    assert server.running
    _ok(server.ctl("status"))


def test_production_mode_refuses_a_certificate_for_another_domain(make_server, tmp_path):
    ca = FederationCa(tmp_path / "ca", "Test CA")
    wrong = ca.issue("elsewhere.example")
    settings = {"tls": {"certificate": str(wrong.certificate),
                        "private_key": str(wrong.private_key)}}
    server = make_server({**settings, "server": {"mode": "production"}}, start=False)
    refused = subprocess.run([str(binary("kontalkd")), "--config", str(server.config_path)],
                             capture_output=True, text=True, timeout=CTL_TIMEOUT_S)
    assert refused.returncode != 0
    assert "does not name localhost" in refused.stderr, refused.stderr

    development = make_server(settings)  # starts, with a warning
    development.wait_for_log("does not name localhost")
