"""ejabberd 23.01 (Debian) as a federation peer for the s2s tests: a private node (config, Mnesia
spool, logs under the test's directory, a fixed distribution port instead of epmd), listening on
loopback, run as the ejabberd user as Debian's package expects; nothing under /etc touched.

Outgoing s2s: ejabberd has no per-domain address map. Its SRV lookups go to the nameserver of
its private inetrc, a srv_dns_server.SrvDnsServer run by the test (spec §7.10 notes).
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
from pathlib import Path

from federation_certs import CertificatePair
from kontalk_server import free_port
from peer_process import HOST, START_TIMEOUT_S, PeerProcess
from srv_dns_server import ejabberd_inetrc

STOP_TIMEOUT_S = 30.0


class EjabberdPeer(PeerProcess):
    def __init__(self, workdir: Path, domain: str, certificate: CertificatePair, *,
                 secure: bool, ca_file: Path | None = None):
        if shutil.which("ejabberdctl") is None:
            raise RuntimeError("ejabberd is not installed: run scripts/install-deps")
        super().__init__(workdir, domain, certificate, secure=secure, ca_file=ca_file,
                         log_path=workdir / "logs" / "ejabberd.log")
        self.dist_port = free_port()
        self.node = f"ejabberd-test-{self.dist_port}@localhost"
        # Set before start(): the test's DNS server (srv_dns_server.py) that maps domains to ports.
        self.dns_port = 0

    def _ctl(self) -> list[str]:
        return ["ejabberdctl", "--config-dir", str(self.workdir), "--config",
                str(self.workdir / "ejabberd.yml"), "--ctl-config",
                str(self.workdir / "ejabberdctl.cfg"), "--logs", str(self.workdir / "logs"),
                "--node", self.node, "--spool", str(self.workdir / "spool")]

    def _write_config(self) -> None:
        (self.workdir / "logs").mkdir(parents=True, exist_ok=True)
        (self.workdir / "spool").mkdir(parents=True, exist_ok=True)
        certfiles = [str(self.certificate.combined())]
        ca = f'ca_file: "{self.ca_file}"\n' if self.ca_file else ""
        # Without mod_s2s_dialback, ejabberd authenticates s2s links by certificate only.
        dialback = "" if self.secure else "  mod_s2s_dialback: {}\n"
        (self.workdir / "ejabberd.yml").write_text(f"""# written by tests/integration/ejabberd_peer.py
hosts:
  - "{self.domain}"
loglevel: debug
log_rotate_count: 0
certfiles:
  - "{certfiles[0]}"
{ca}s2s_use_starttls: required
s2s_access: all
outgoing_s2s_families: [ipv4]
s2s_dns_timeout: 2
s2s_dns_retries: 1
auth_method: internal
default_db: mnesia
listen:
  - port: {self.c2s_port}
    ip: "{HOST}"
    module: ejabberd_c2s
    starttls_required: true
    shaper: none
  - port: {self.s2s_port}
    ip: "{HOST}"
    module: ejabberd_s2s_in
    shaper: none
acl:
  local:
    user_regexp: ""
access_rules:
  c2s:
    allow: all
  s2s:
    allow: all
modules:
  mod_roster: {{}}
  mod_disco: {{}}
  mod_ping: {{}}
  mod_version:
    show_os: false
{dialback}""")
        (self.workdir / "inetrc").write_text(ejabberd_inetrc(self.dns_port, self.domain))
        (self.workdir / "ejabberdctl.cfg").write_text(
            f"ERLANG_NODE={self.node}\nERL_DIST_PORT={self.dist_port}\n"
            "EJABBERD_BYPASS_WARNINGS=true\n")
        user = pwd.getpwnam("ejabberd")
        for path in [self.workdir, *self.workdir.rglob("*"), self.certificate.private_key,
                     self.certificate.certificate]:
            os.chown(path, user.pw_uid, user.pw_gid)
        for parent in self.workdir.parents:
            if parent == Path("/"):
                break
            parent.chmod(parent.stat().st_mode | 0o011)  # traversable by the ejabberd user

    def _environment(self) -> dict[str, str]:
        return {**os.environ, "HOME": pwd.getpwnam("ejabberd").pw_dir}

    def _run_ctl(self, *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self._ctl(), *args], check=True, capture_output=True, text=True,
                              timeout=timeout, env=self._environment(), cwd=self.workdir,
                              user="ejabberd", group="ejabberd")

    def start(self) -> None:
        self._write_config()
        out = open(self.workdir / "ejabberd.stdout", "ab")
        self.process = subprocess.Popen([*self._ctl(), "foreground"], stdout=out,
                                        stderr=subprocess.STDOUT, env=self._environment(),
                                        cwd=self.workdir, user="ejabberd", group="ejabberd",
                                        start_new_session=True)
        out.close()
        self._run_ctl("started", timeout=START_TIMEOUT_S)
        self.wait_until_listening()

    def register(self, localpart: str, password: str) -> str:
        """Needs the node running (ejabberdctl talks to it)."""
        self._run_ctl("register", localpart, self.domain, password, timeout=60)
        return f"{localpart}@{self.domain}"

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            self._run_ctl("stop", timeout=60)
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except (subprocess.SubprocessError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
