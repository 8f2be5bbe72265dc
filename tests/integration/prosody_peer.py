"""Prosody 0.12 (Debian) as a federation peer for the s2s tests: a child process with a private
config, data directory and log, on loopback ports, nothing under /etc touched.

Outgoing s2s finds the test domains through prosody_plugins/mod_test_host_map.lua (Prosody has no
setting to map a domain to an address). `secure` chooses the authentication Prosody requires of
its s2s links: True = certificates only (SASL EXTERNAL, with `ca_file` as trust anchor), False =
dialback accepted (self-signed certificates).
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from federation_certs import CertificatePair
from kontalk_server import free_port

HOST = "127.0.0.1"
PLUGINS = Path(__file__).resolve().parent / "prosody_plugins"
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 15.0


def _lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class ProsodyPeer:
    def __init__(self, workdir: Path, domain: str, certificate: CertificatePair, *,
                 secure: bool, ca_file: Path | None = None):
        if shutil.which("prosody") is None:
            raise RuntimeError("prosody is not installed: run scripts/install-deps")
        self.workdir = workdir
        self.domain = domain
        # Named like KontalkServer's, so the test clients connect to either.
        self.host = HOST
        self.starttls_port = self.c2s_port = free_port()
        self.direct_tls_port = 0
        self.s2s_port = free_port()
        self.log_path = workdir / "prosody.log"
        self.config_path = workdir / "prosody.cfg.lua"
        self.process: subprocess.Popen[bytes] | None = None
        self.certificate = certificate
        self.secure = secure
        self.ca_file = ca_file
        # Where outgoing s2s to each domain connects ("address:port"); set before start(), as
        # the peers' ports are known only once all exist.
        self.host_map: dict[str, str] = {}
        self._write_config()

    def _write_config(self) -> None:
        data = self.workdir / "data"
        data.mkdir(parents=True, exist_ok=True)
        certificate, ca_file, secure = self.certificate, self.ca_file, self.secure
        ssl = (f"{{ certificate = {_lua_string(str(certificate.certificate))}; "
               f"key = {_lua_string(str(certificate.private_key))}"
               + (f"; cafile = {_lua_string(str(ca_file))}" if ca_file else "") + " }")
        mapped = "; ".join(f"[{_lua_string(d)}] = {_lua_string(a)}"
                           for d, a in self.host_map.items())
        self.config_path.write_text(f"""-- written by tests/integration/prosody_peer.py
daemonize = false
run_as_root = true
data_path = {_lua_string(str(data))}
pidfile = {_lua_string(str(self.workdir / "prosody.pid"))}
log = {{ debug = {_lua_string(str(self.log_path))} }}
plugin_paths = {{ {_lua_string(str(PLUGINS))} }}
interfaces = {{ "{HOST}" }}
c2s_ports = {{ {self.c2s_port} }}
c2s_direct_tls_ports = {{ }}
s2s_ports = {{ {self.s2s_port} }}
s2s_direct_tls_ports = {{ }}
c2s_require_encryption = true
s2s_require_encryption = true
s2s_secure_auth = {"true" if secure else "false"}
modules_enabled = {{ "roster"; "saslauth"; "tls"; "disco"; "ping"; "version"; "posix";
                    "dialback"; "s2s"; "test_host_map" }}
modules_disabled = {{ "offline" }}
authentication = "internal_plain"
storage = "internal"
test_host_map = {{ {mapped} }}
ssl = {ssl}
VirtualHost {_lua_string(self.domain)}
  ssl = {ssl}
""")

    def register(self, localpart: str, password: str) -> str:
        subprocess.run(["prosodyctl", "--config", str(self.config_path), "register", localpart,
                        self.domain, password], check=True, capture_output=True, timeout=30)
        return f"{localpart}@{self.domain}"

    def start(self) -> None:
        self._write_config()
        log = open(workdir_log := self.workdir / "prosody.stdout", "ab")
        self.process = subprocess.Popen(["prosody", "--config", str(self.config_path), "-F"],
                                        stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + START_TIMEOUT_S
        for port in (self.c2s_port, self.s2s_port):
            while True:
                if self.process.poll() is not None:
                    raise RuntimeError(f"prosody exited with {self.process.returncode}; "
                                       f"see {workdir_log} and {self.log_path}")
                try:
                    socket.create_connection((HOST, port), timeout=0.5).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"prosody did not listen on {port}; see {self.log_path}")
                    time.sleep(0.1)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log_tail(self, lines: int = 60) -> str:
        if not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def log_contains(self, fragment: str) -> bool:
        return self.log_path.exists() and fragment in self.log_path.read_text(errors="replace")
