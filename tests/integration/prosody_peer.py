"""Prosody 0.12 (Debian) as a federation peer for the s2s tests: a child process with a private
config, data directory and log, on loopback ports, nothing under /etc touched.

Outgoing s2s finds the test domains through prosody_plugins/mod_test_host_map.lua (Prosody has no
setting to map a domain to an address): set `host_map` before start().

With `websocket=True` it also serves XMPP over WebSocket (RFC 7395, mod_websocket) over HTTPS with
its certificate at wss://127.0.0.1:`https_port`/xmpp-websocket, for the browser harness's self-test
(test_browser_harness.py).
"""

from __future__ import annotations

import shutil
import signal
import subprocess
from pathlib import Path

from federation_certs import CertificatePair
from kontalk_server import free_port
from peer_process import HOST, PeerProcess

PLUGINS = Path(__file__).resolve().parent / "prosody_plugins"
STOP_TIMEOUT_S = 15.0


def _lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class ProsodyPeer(PeerProcess):
    def __init__(self, workdir: Path, domain: str, certificate: CertificatePair, *,
                 secure: bool, ca_file: Path | None = None, stream_management: bool = False,
                 websocket: bool = False):
        """`stream_management`: load mod_smacks (XEP-0198), as Debian's default config does; on
        s2s Prosody then offers it after SASL authentication and enables it on its own links
        when offered after authentication."""
        if shutil.which("prosody") is None:
            raise RuntimeError("prosody is not installed: run scripts/install-deps")
        super().__init__(workdir, domain, certificate, secure=secure, ca_file=ca_file,
                         log_path=workdir / "prosody.log")
        self.stream_management = stream_management
        self.config_path = workdir / "prosody.cfg.lua"
        # Where outgoing s2s to each domain connects ("address:port").
        self.host_map: dict[str, str] = {}
        self.https_port = free_port() if websocket else 0
        self._write_config()  # prosodyctl register reads it before start()

    def _write_config(self) -> None:
        data = self.workdir / "data"
        data.mkdir(parents=True, exist_ok=True)
        ssl = (f"{{ certificate = {_lua_string(str(self.certificate.certificate))}; "
               f"key = {_lua_string(str(self.certificate.private_key))}"
               + (f"; cafile = {_lua_string(str(self.ca_file))}" if self.ca_file else "") + " }")
        smacks = ' "smacks";' if self.stream_management else ""
        mapped = "; ".join(f"[{_lua_string(d)}] = {_lua_string(a)}"
                           for d, a in self.host_map.items())
        # mod_websocket on mod_http: HTTPS only, on loopback, and a request for 127.0.0.1 goes to
        # the test domain (http_default_host) since no name resolves to it. mod_blocklist too:
        # converse.js 14 opens a chat only once it has the XEP-0191 blocklist.
        https = "" if not self.https_port else f"""http_ports = {{ }}
https_ports = {{ {self.https_port} }}
http_interfaces = {{ "{HOST}" }}
https_interfaces = {{ "{HOST}" }}
https_ssl = {ssl}
http_default_host = {_lua_string(self.domain)}
"""
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
s2s_secure_auth = {"true" if self.secure else "false"}
modules_enabled = {{ "roster"; "saslauth"; "tls"; "disco"; "ping"; "version"; "posix";
                    "dialback"; "s2s"; "test_host_map";{smacks}{' "websocket"; "blocklist";' if self.https_port else ""} }}
modules_disabled = {{ "offline" }}
authentication = "internal_plain"
storage = "internal"
test_host_map = {{ {mapped} }}
ssl = {ssl}
{https}VirtualHost {_lua_string(self.domain)}
  ssl = {ssl}
""")

    def listening_ports(self) -> tuple[int, ...]:
        return super().listening_ports() + ((self.https_port,) if self.https_port else ())

    def register(self, localpart: str, password: str) -> str:
        subprocess.run(["prosodyctl", "--config", str(self.config_path), "register", localpart,
                        self.domain, password], check=True, capture_output=True, timeout=30)
        return f"{localpart}@{self.domain}"

    def start(self) -> None:
        self._write_config()
        with open(self.workdir / "prosody.stdout", "ab") as output:
            self.process = subprocess.Popen(["prosody", "--config", str(self.config_path), "-F"],
                                            stdout=output, stderr=subprocess.STDOUT)
        self.wait_until_listening()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
