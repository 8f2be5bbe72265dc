"""Start and stop the three servers of the comparison as child processes.

Each server gets a private work directory (config, data, logs) under the benchmark's directory,
listens on loopback only, uses the same certificate and the same accounts, and is pinned to CPU 0
with taskset. Nothing under /etc is touched and no system service is used.

bench/s2s runs two at once, federated: each gets its own name (work directory), ports, domain and
certificate, and a `Federation` that turns on s2s towards the other domain. Prosody reaches it
through the integration tests' mod_test_host_map plugin, ejabberd through their SrvDnsServer
(tests/integration/README.md, "Federation peers").
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "tests" / "integration"))
import srv_dns_server  # noqa: E402  (the integration tests' DNS server for ejabberd's s2s)

# Prosody cannot map a domain to an address without this test-only plugin (spec §7.10 notes).
PROSODY_PLUGINS = HERE.parent.parent / "tests" / "integration" / "prosody_plugins"
HOST = "127.0.0.1"
START_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 30.0
SERVER_CPU = "0"


def make_certificate(workdir: Path) -> tuple[Path, Path]:
    """One self-signed EC P-256 certificate for all servers (cheap handshakes for everyone)."""
    cert, key = workdir / "bench-cert.pem", workdir / "bench-key.pem"
    if not (cert.exists() and key.exists()):
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-days", "365", "-subj", "/CN=localhost", "-addext",
             "subjectAltName=DNS:localhost", "-keyout", str(key), "-out", str(cert)],
            check=True, capture_output=True)
    for path in (cert, key):
        path.chmod(0o644)  # ejabberd reads them as its own user
    return cert, key


def fill(template: str, values: dict[str, str]) -> str:
    text = (HERE / template).read_text()
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    return text


def wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} during start-up; see {log}")
        try:
            socket.create_connection((HOST, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not listen on {port} within {START_TIMEOUT_S} s; see {log}")


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for {pid}")


@dataclass
class Federation:
    """s2s for bench/s2s: this server's s2s port, and the other domains' s2s ports on HOST.
    Links authenticate with dialback (the certificates are self-signed)."""

    port: int
    peers: dict[str, int] = field(default_factory=dict)  # domain -> s2s port
    dns_port: int = 0  # ejabberd: the SrvDnsServer that answers SRV queries for `peers`


def lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Server:
    """One server under test. Subclasses set name and port (defaults for bench/compare, which
    the constructor may override) and implement the hooks."""

    name = "server"
    port = 0

    def __init__(self, workdir: Path, accounts: Path, cert: Path, key: Path, *,
                 name: str | None = None, port: int | None = None, domain: str = "localhost",
                 federation: Federation | None = None, stream_management: bool = False):
        self.name = name or type(self).name
        self.port = port or type(self).port
        self.domain = domain
        self.federation = federation
        # XEP-0198 on (bench/compare --stream-management): the peers load their module for it
        # (Prosody mod_smacks, ejabberd mod_stream_mgmt, both with their defaults); kontalkd
        # always offers it.
        self.stream_management = stream_management
        self.workdir = workdir / self.name
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.accounts = accounts  # from accounts.prepare(), or accounts.for_domain(…, domain)
        self.cert, self.key = cert, key
        self.process: subprocess.Popen | None = None
        self.log = self.workdir / "console.log"

    def command(self) -> list[str]:
        raise NotImplementedError

    def prepare(self) -> None:
        """Writes the configuration and creates the accounts (once per work directory)."""

    def after_start(self) -> None:
        """Runs once the port accepts connections."""

    def measured_pid(self) -> int:
        """The process whose RSS is the server's memory."""
        assert self.process is not None
        return self.process.pid

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                ["taskset", "-c", SERVER_CPU, *self.command()],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd=self.workdir,
                start_new_session=True, env=self.environment(),
                # Inherit Python's SIG_IGN for SIGPIPE: kontalkd does not ignore it yet and
                # dies when a client closes while it writes (reported; harmless for the peers).
                restore_signals=False, **self.process_user())
        wait_for_port(self.port, self.process, self.log)
        self.after_start()

    def environment(self) -> dict[str, str]:
        return dict(os.environ)

    def process_user(self) -> dict:
        """subprocess options that choose the user the server runs as (default: ours)."""
        return {}

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        # Children of the group that outlived the leader (e.g. beam.smp under su).
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process = None


class Kontalkd(Server):
    name = "kontalkd"
    port = 15222

    def __init__(self, workdir: Path, accounts: Path, cert: Path, key: Path, build_dir: Path, *,
                 fresh_start: bool = False, stock_byte_limits: bool = False, **options):
        super().__init__(workdir, accounts, cert, key, **options)
        self.build_dir = build_dir
        # The byte rates ([limits] per client, [s2s] per inbound link) are lifted like the peers'
        # shapers unless stock_byte_limits.
        self.stock_byte_limits = stock_byte_limits
        self.config = self.workdir / "kontalkd.toml"
        self.data = self.workdir / "data"
        # fresh_start: every start() gets the database as it was right after the account import,
        # so that messages one run left in the journal, the offline store or the remote queue
        # never reach the next run.
        self.fresh_start = fresh_start
        self.pristine = self.workdir / f"pristine-{accounts.name}"

    def prepare(self) -> None:
        self.config.write_text(fill("kontalkd.toml.in", {
            "DOMAIN": self.domain, "DATA": str(self.data), "PORT": str(self.port),
            "TLSPORT": str(self.port + 1), "CERT": str(self.cert), "KEY": str(self.key),
            "WORK": str(self.workdir), "S2S": self._s2s_section(),
            "STORAGE": self.storage_section(),
            "BYTE_LIMITS": "" if self.stock_byte_limits else
            "bytes_per_second = 1073741824\nbyte_burst = 1073741824"}))
        marker = self.workdir / f".imported-{self.accounts.name}"
        if self.fresh_start and not self.pristine.exists():
            marker.unlink(missing_ok=True)  # import into a fresh database, then keep a copy of it
        if not marker.exists():
            shutil.rmtree(self.data, ignore_errors=True)
            self._ctl("user", "import", str(self.accounts / "kontalk-import.txt"))
            marker.touch()
        if self.fresh_start and not self.pristine.exists():
            # The server's OpenPGP key too, or every start would generate one.
            if not (self.data / "pgp" / "server-key.sec").exists():
                self._ctl("key", "generate")
            shutil.copytree(self.data, self.pristine)

    def storage_section(self) -> str:
        """The [storage] keys (bench/durability chooses its own)."""
        return ("# Comparable to the peers' storage (Prosody's files, ejabberd's Mnesia): no fsync\n"
                "# per commit.\n"
                'synchronous = "normal"')

    def _ctl(self, *args: str) -> None:
        subprocess.run([str(self.build_dir / "src" / "kontalkctl"), "--config", str(self.config),
                        *args], check=True, capture_output=True)

    def _s2s_section(self) -> str:
        if self.federation is None:
            return ""
        hosts = ", ".join(f'"{domain}" = "{HOST}:{port}"'
                          for domain, port in self.federation.peers.items())
        return ("[s2s]\n# bench/s2s: federated over loopback; self-signed certificates, so dialback\n"
                f'listen = ["{HOST}:{self.federation.port}"]\n'
                f"hosts = {{ {hosts} }}\n"
                "# Every sender's window waits while the link is set up: none of it may bounce.\n"
                "max_queued_stanzas = 1000000\n"
                + ("" if self.stock_byte_limits else
                   "bytes_per_second = 1073741824\nbyte_burst = 1073741824\n"))

    def start(self) -> None:
        if self.fresh_start:
            shutil.rmtree(self.data, ignore_errors=True)
            shutil.copytree(self.pristine, self.data)
        super().start()

    def command(self) -> list[str]:
        return [str(self.build_dir / "src" / "kontalkd"), "--config", str(self.config)]


class Prosody(Server):
    name = "prosody"
    port = 25222

    def prepare(self) -> None:
        data = self.workdir / "data"
        self.config = self.workdir / "prosody.cfg.lua"
        self.config.write_text(fill("prosody.cfg.lua.in", {
            "DOMAIN": self.domain, "DATA": str(data), "PORT": str(self.port),
            "CERT": str(self.cert), "KEY": str(self.key), "WORK": str(self.workdir),
            **self._s2s_values(),
            "SM_MODULES": '; "smacks"' if self.stream_management else ""}))
        marker = self.workdir / f".imported-{self.accounts.name}"
        # Federated, mod_offline may have stored messages of an earlier run: start afresh.
        if marker.exists() and self.federation is None:
            return
        shutil.rmtree(data, ignore_errors=True)
        # Prosody's file store names a host's directory with every character other than a
        # letter or digit written as %xx (util.datamanager): b.test is b%2etest.
        for host in (self.accounts / "prosody").iterdir():
            encoded = "".join(c if c.isascii() and c.isalnum() else f"%{ord(c):02x}"
                              for c in host.name)
            shutil.copytree(host, data / encoded)
        marker.touch()

    def _s2s_values(self) -> dict[str, str]:
        if self.federation is None:
            # Autoloaded modules we do not want without federation.
            return {"S2S_MODULES": "", "MODULES_DISABLED": '"s2s"; "s2s_auth_certs"', "S2S": ""}
        mapped = "; ".join(f"[{lua_string(domain)}] = {lua_string(f'{HOST}:{port}')}"
                           for domain, port in self.federation.peers.items())
        return {
            "S2S_MODULES": '; "s2s"; "dialback"; "test_host_map"',
            "MODULES_DISABLED": "",
            "S2S": "\n".join([
                "-- bench/s2s: federated over loopback; self-signed certificates, so dialback.",
                f"plugin_paths = {{ {lua_string(str(PROSODY_PLUGINS))} }}",
                f"s2s_ports = {{ {self.federation.port} }}",
                "s2s_direct_tls_ports = { }",
                "s2s_require_encryption = true",
                "s2s_secure_auth = false",
                f"test_host_map = {{ {mapped} }}"])}

    def command(self) -> list[str]:
        return ["prosody", "--config", str(self.config)]


class Ejabberd(Server):
    name = "ejabberd"
    port = 35222
    dist_port = 35299
    node = "ejabberd-bench@localhost"

    def _ctl(self) -> list[str]:
        return ["ejabberdctl", "--config-dir", str(self.workdir), "--config",
                str(self.workdir / "ejabberd.yml"), "--ctl-config",
                str(self.workdir / "ejabberdctl.cfg"), "--logs", str(self.workdir / "logs"),
                "--spool", str(self.workdir / "spool")]

    def prepare(self) -> None:
        if not (self.workdir / f".imported-{self.accounts.name}").exists():
            # import_prosody does not replace existing accounts: start from an empty Mnesia.
            shutil.rmtree(self.workdir / "spool", ignore_errors=True)
            for marker in self.workdir.glob(".imported-*"):
                marker.unlink()
        (self.workdir / "logs").mkdir(exist_ok=True)
        (self.workdir / "spool").mkdir(exist_ok=True)
        certkey = self.workdir / "certkey.pem"
        certkey.write_text(self.cert.read_text() + self.key.read_text())
        (self.workdir / "ejabberd.yml").write_text(fill("ejabberd.yml.in", {
            "DOMAIN": self.domain, "PORT": str(self.port), "CERTKEY": str(certkey),
            **self._s2s_values(),
            "SM_MODULES": "  mod_stream_mgmt: {}" if self.stream_management else ""}))
        if self.federation is None:
            shutil.copy("/etc/ejabberd/inetrc", self.workdir / "inetrc")  # read, not edited
        else:
            # ejabberd has no per-domain address map: its SRV queries go to our DNS server.
            (self.workdir / "inetrc").write_text(
                srv_dns_server.ejabberd_inetrc(self.federation.dns_port, self.domain))
        (self.workdir / "ejabberdctl.cfg").write_text(fill("ejabberdctl.cfg.in", {
            "DISTPORT": str(self.dist_port)}))
        # ejabberdctl runs the node as the ejabberd user (su), which must own its directories.
        user = pwd.getpwnam("ejabberd")
        for path in [self.workdir, *self.workdir.rglob("*")]:
            os.chown(path, user.pw_uid, user.pw_gid)
        for parent in self.workdir.parents:
            if parent == Path("/"):
                break
            parent.chmod(parent.stat().st_mode | 0o011)  # traversable

    def _s2s_values(self) -> dict[str, str]:
        if self.federation is None:
            return {"S2S_LISTEN": "", "S2S_ACCESS": "", "S2S_OPTIONS": "", "S2S_MODULES": ""}
        return {
            "S2S_LISTEN": (f"  -\n    port: {self.federation.port}\n    ip: \"{HOST}\"\n"
                           "    module: ejabberd_s2s_in\n    shaper: none"),
            "S2S_ACCESS": "  s2s:\n    allow: all",
            "S2S_OPTIONS": ("# bench/s2s: federated over loopback; self-signed certificates, so "
                            "dialback.\ns2s_use_starttls: required\ns2s_access: s2s\n"
                            "outgoing_s2s_families: [ipv4]\ns2s_dns_timeout: 2\n"
                            "s2s_dns_retries: 1"),
            "S2S_MODULES": "  mod_s2s_dialback: {}"}

    def command(self) -> list[str]:
        return [*self._ctl(), "foreground"]

    # ejabberdctl started as root switches to the ejabberd user with su, whose PAM session resets
    # the open-file limit to 1,024. Starting it as that user directly keeps our raised limit.
    def process_user(self) -> dict:
        return {"user": "ejabberd", "group": "ejabberd"}

    def environment(self) -> dict[str, str]:
        return {**os.environ, "HOME": pwd.getpwnam("ejabberd").pw_dir}

    def _run_ctl(self, *args: str, timeout: float) -> None:
        subprocess.run([*self._ctl(), *args], check=True, capture_output=True, timeout=timeout,
                       env=self.environment(), cwd=self.workdir, **self.process_user())

    def after_start(self) -> None:
        self._run_ctl("started", timeout=120)
        marker = self.workdir / f".imported-{self.accounts.name}"
        if marker.exists():
            return
        # Mnesia keeps the accounts in the spool across restarts; import them once, from the
        # same Prosody files (same salts, iteration counts and keys).
        copy = self.workdir / "import"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(self.accounts / "prosody", copy)
        user = pwd.getpwnam("ejabberd")
        for path in [copy, *copy.rglob("*")]:
            os.chown(path, user.pw_uid, user.pw_gid)
        self._run_ctl("import_prosody", str(copy), timeout=1800)
        marker.touch()

    def measured_pid(self) -> int:
        pid = self._beam_pid()
        if pid is None:
            raise RuntimeError("ejabberd's beam.smp process not found")
        return pid

    def _beam_pid(self) -> int | None:
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if cmdline and cmdline[0].endswith(b"beam.smp") and self.node.encode() in cmdline:
                return int(entry.name)
        return None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            try:
                self._run_ctl("stop", timeout=60)
            except subprocess.SubprocessError:
                pass  # the group is killed below
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                pass
        super().stop()
        # beam.smp runs under su and may outlive the process group: the next start must not
        # find the old node still holding the port.
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while (pid := self._beam_pid()) is not None:
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
            time.sleep(0.2)
