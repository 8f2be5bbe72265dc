"""What the federation peers (prosody_peer.py, ejabberd_peer.py) share: identity, ports named
like KontalkServer's (so the test clients connect to any of them), waiting for the ports, and
reading the log."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

from federation_certs import CertificatePair
from kontalk_server import free_port

HOST = "127.0.0.1"
START_TIMEOUT_S = 90.0


class PeerProcess:
    def __init__(self, workdir: Path, domain: str, certificate: CertificatePair, *,
                 secure: bool, ca_file: Path | None, log_path: Path):
        self.workdir = workdir
        self.domain = domain
        self.certificate = certificate
        # True: s2s links authenticate by certificate only (SASL EXTERNAL, `ca_file` the trust
        # anchor); False: dialback is accepted (self-signed certificates).
        self.secure = secure
        self.ca_file = ca_file
        self.host = HOST
        self.starttls_port = self.c2s_port = free_port()
        self.direct_tls_port = 0
        self.s2s_port = free_port()
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None
        workdir.mkdir(parents=True, exist_ok=True)

    def listening_ports(self) -> tuple[int, ...]:
        """The ports start() waits for."""
        return (self.c2s_port, self.s2s_port)

    def wait_until_listening(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        for port in self.listening_ports():
            while True:
                try:
                    socket.create_connection((HOST, port), timeout=0.5).close()
                    break
                except OSError:
                    if self.process is not None and self.process.poll() is not None:
                        raise RuntimeError(f"{self.domain} exited with {self.process.returncode}"
                                           f" during start-up; see {self.workdir}") from None
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"{self.domain} does not listen on {port}; "
                                           f"see {self.workdir}") from None
                    time.sleep(0.1)

    def log_tail(self, lines: int = 60) -> str:
        if not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def log_contains(self, fragment: str) -> bool:
        return self.log_path.exists() and fragment in self.log_path.read_text(errors="replace")
