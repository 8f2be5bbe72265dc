"""Run a real kontalkd for one test: config, ports, process lifetime, users.

The helper owns everything a test needs to treat the server as a black box:
it writes the TOML config into the test's tmp_path, starts the binary, waits
until both client ports accept connections and stops it again, asserting a
clean exit. kontalkctl is driven through the same config file.

With KONTALK_TEST_POSTGRES_URL set (scripts/with-postgres sets it), every server stores its data
in a PostgreSQL database of its own on that server instead of SQLite: the database is named after
the server's data directory, so that a server restarted on the same directory finds its data again.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

DOMAIN = "localhost"
HOST = "127.0.0.1"
STARTUP_TIMEOUT_S = 20.0
SHUTDOWN_TIMEOUT_S = 10.0
CTL_TIMEOUT_S = 30.0
LOG_TAIL_LINES = 60
LOG_WAIT_S = 10.0


def postgres_url() -> str | None:
    """The PostgreSQL server every test server stores into, or None for SQLite (the default)."""
    return os.environ.get("KONTALK_TEST_POSTGRES_URL") or None


def _postgres_database_url(url: str, database: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + database))


def postgres_admin(url: str, statement: str, parameters: tuple = ()) -> list[tuple]:
    """Runs one statement outside a transaction (CREATE and DROP DATABASE need that)."""
    import psycopg2  # only needed on PostgreSQL

    connection = psycopg2.connect(url, connect_timeout=10)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(statement, parameters)
            return [tuple(row) for row in cursor.fetchall()] if cursor.description else []
    finally:
        connection.close()


class PostgresDatabase:
    """The database of one server's data directory on the test PostgreSQL server."""

    def __init__(self, server_url: str, data_dir: Path):
        self.server_url = server_url
        digest = hashlib.sha1(str(data_dir.resolve()).encode()).hexdigest()[:20]
        self.name = f"kontalk_test_{digest}"
        self.url = _postgres_database_url(server_url, self.name)

    def create(self) -> None:
        """Creates the database unless it exists (a restarted server keeps its data)."""
        if not postgres_admin(self.server_url, "SELECT 1 FROM pg_database WHERE datname = %s",
                              (self.name,)):
            postgres_admin(self.server_url, f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        """Housekeeping in a throwaway PostgreSQL server: best effort. Not WITH (FORCE): that
        would have to end an autovacuum worker, which only a superuser may; a plain DROP waits
        for it (the server itself has stopped)."""
        import psycopg2  # only needed on PostgreSQL

        try:
            postgres_admin(self.server_url, f'DROP DATABASE IF EXISTS "{self.name}"')
        except psycopg2.Error as error:
            warnings.warn(f"could not drop test database {self.name}: {error}")

    def query(self, sql: str) -> list[tuple]:
        return postgres_admin(self.url, sql)


def build_dir() -> Path:
    """Build directory holding src/kontalkd and src/kontalkctl."""
    default = Path(__file__).resolve().parents[2] / "build"
    return Path(os.environ.get("KONTALK_BUILD_DIR", default))


def binary(name: str) -> Path:
    path = build_dir() / "src" / name
    if not os.access(path, os.X_OK):
        raise FileNotFoundError(
            f"{path} is missing or not executable; build it or set KONTALK_BUILD_DIR"
        )
    return path


def _listening_port_slice() -> range:
    """The ports this test process hands out for servers to listen on.

    Never from the kernel's ephemeral range: a port the kernel had just called free (bind to 0)
    could be taken, before the server bound it, as the source port of an outgoing connection of
    a test running beside ("Address already in use" at start-up). Ports below that range are
    never picked for outgoing connections. Each pytest-xdist worker gets a slice of its own, and
    a random start within it, so two test runs on one machine seldom meet either."""
    try:
        ephemeral_low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        ephemeral_low = 32768
    first, last = 10000, max(ephemeral_low, 12000)
    workers = max(int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")), 1)
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").lstrip("gw") or 0) % workers
    size = (last - first) // workers
    return range(first + worker * size, first + (worker + 1) * size)


_port_slice = _listening_port_slice()
_port_cursor = random.randrange(len(_port_slice))


def free_port() -> int:
    """A loopback port, below the ephemeral range, that is free now and that this process has
    not handed out recently (the next one of its slice that binds)."""
    global _port_cursor
    for _ in range(len(_port_slice)):
        port = _port_slice[_port_cursor % len(_port_slice)]
        _port_cursor += 1
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((HOST, port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {_port_slice}")


_shared_key_dir: Path | None = None


def shared_server_key() -> Path:
    """One server OpenPGP key for DOMAIN per test process, made by kontalkctl on first use."""
    global _shared_key_dir
    if _shared_key_dir is None:
        directory = Path(tempfile.mkdtemp(prefix="kontalk-shared-key-"))
        config = directory / "kontalk.toml"
        config.write_text(f'[server]\ndomain = "{DOMAIN}"\ndata_dir = "{directory / "var"}"\n')
        subprocess.run(
            [str(binary("kontalkctl")), "--config", str(config), "key", "generate"],
            check=True, capture_output=True, timeout=CTL_TIMEOUT_S,
        )
        _shared_key_dir = directory
    return _shared_key_dir / "var" / "pgp" / "server-key.sec"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, dict):  # an inline table, e.g. [s2s] hosts or one of an array of tables
        return "{ " + ", ".join(
            f"{_toml_value(str(key))} = {_toml_value(item)}" for key, item in value.items()
        ) + " }"
    raise TypeError(f"cannot write {value!r} as TOML")


def to_toml(config: dict[str, dict[str, Any]]) -> str:
    """Serialise a two-level {section: {key: value}} dict (all our config needs)."""
    lines: list[str] = []
    for section, keys in config.items():
        lines.append(f"[{section}]")
        lines.extend(f"{key} = {_toml_value(value)}" for key, value in keys.items())
        lines.append("")
    return "\n".join(lines)


def merge_config(
    base: dict[str, dict[str, Any]], overrides: dict[str, dict[str, Any]] | None
) -> dict[str, dict[str, Any]]:
    """`overrides` on top of `base`; an override of None removes the key, so that the
    server's own default applies (e.g. {"limits": {"max_stanza_bytes": None}})."""
    merged = {section: dict(keys) for section, keys in base.items()}
    for section, keys in (overrides or {}).items():
        target = merged.setdefault(section, {})
        for key, value in keys.items():
            if value is None:
                target.pop(key, None)
            else:
                target[key] = value
    return {section: keys for section, keys in merged.items() if keys}


class KontalkServer:
    """One kontalkd process with its own config, data directory and ports."""

    def __init__(
        self,
        workdir: Path,
        overrides: dict[str, dict[str, Any]] | None = None,
        *,
        reuse_server_key: bool = True,
        postgres: str | None = None,
    ):
        """`postgres`: the PostgreSQL server to store into (a server URL as
        KONTALK_TEST_POSTGRES_URL, which is the default); ignored when `overrides` name a
        [storage] of their own."""
        self.workdir = workdir
        # Generating the 3072-bit server key takes about a second per server; tests that do
        # not look at generation share one key (see shared_server_key).
        self.reuse_server_key = reuse_server_key
        self.host = HOST
        self.starttls_port = free_port()
        self.direct_tls_port = free_port()
        while self.direct_tls_port == self.starttls_port:
            self.direct_tls_port = free_port()
        # [http] (uploads): a port of its own per server, never the default 5443 that two
        # servers of one test would share.
        self.http_port = free_port()
        while self.http_port in (self.starttls_port, self.direct_tls_port):
            self.http_port = free_port()
        # [http] metrics_listen: likewise never the default 9090 (tests run in parallel).
        self.metrics_port = free_port()
        while self.metrics_port in (self.starttls_port, self.direct_tls_port, self.http_port):
            self.metrics_port = free_port()
        self.data_dir = workdir / "var"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        # A test that names its own [storage] (a SQLite file on a faulty file system) keeps it.
        own_storage = overrides is not None and "storage" in overrides
        self.postgres: PostgresDatabase | None = None
        postgres = postgres or postgres_url()
        if postgres is not None and not own_storage:
            self.postgres = PostgresDatabase(postgres, self.data_dir)
            self.postgres.create()
        self.config = merge_config(
            {
                "server": {"domain": DOMAIN, "data_dir": str(self.data_dir), "threads": 2},
                **self._storage_config(),
                "c2s": {
                    "listen": [f"{HOST}:{self.starttls_port}"],
                    "direct_tls": [f"{HOST}:{self.direct_tls_port}"],
                    "require_tls": True,
                    "resource_conflict": "replace",
                },
                "http": {
                    "listen": [f"{HOST}:{self.http_port}"],
                    "metrics_listen": [f"{HOST}:{self.metrics_port}"],
                },
                "limits": {"max_stanza_bytes": 65536},
                "log": {"level": "debug"},
            },
            overrides,
        )
        # A test may serve another domain ([server] domain), e.g. two federating servers.
        self.domain = self.config["server"]["domain"]
        self.config_path = workdir / "kontalk.toml"
        self.config_path.write_text(to_toml(self.config))
        self.log_path = workdir / "kontalkd.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._log_file = None

    def _storage_config(self) -> dict[str, dict[str, Any]]:
        if self.postgres is None:
            return {}
        return {"storage": {"backend": "postgresql", "url": self.postgres.url}}

    @property
    def storage_backend(self) -> str:
        return self.config.get("storage", {}).get("backend", "sqlite")

    def query_storage(self, sql: str) -> list[tuple]:
        """The rows of one SELECT on the server's database, read beside the running server
        (SQLite: read-only, in WAL mode the server is not held up)."""
        if self.postgres is not None:
            return self.postgres.query(sql)
        path = self.data_dir / "kontalk.sqlite"
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) as database:
            return database.execute(sql).fetchall()

    def drop_storage(self) -> None:
        """Drops the server's PostgreSQL database (stopped servers only); SQLite: nothing, the
        file goes with the test's temporary directory."""
        if self.postgres is not None:
            self.postgres.drop()

    # --- process lifetime ---------------------------------------------------

    def start(self, *, environment: dict[str, str] | None = None, wait: bool = True) -> None:
        """Start kontalkd; `environment` adds variables to the test's own; `wait`: return only
        once both client ports accept."""
        key = self.data_dir / "pgp" / "server-key.sec"
        if self.reuse_server_key and "pgp_key" not in self.config["server"] and not key.exists():
            key.parent.mkdir(mode=0o700, exist_ok=True)
            shutil.copyfile(shared_server_key(), key)
            key.chmod(0o600)
        self._log_file = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [str(binary("kontalkd")), "--config", str(self.config_path)],
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=self._log_file,
            env={**os.environ, **(environment or {})},
        )
        if wait:
            self._wait_until_listening()

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        pending = {self.starttls_port, self.direct_tls_port}
        while pending:
            exit_code = self.process.poll()
            if exit_code is not None:
                raise AssertionError(
                    f"kontalkd exited with {exit_code} during start-up\n{self.log_tail()}"
                )
            for port in list(pending):
                try:
                    socket.create_connection((HOST, port), timeout=0.5).close()
                    pending.discard(port)
                except OSError:
                    pass
            if pending and time.monotonic() > deadline:
                raise AssertionError(
                    f"kontalkd did not listen on {sorted(pending)} within "
                    f"{STARTUP_TIMEOUT_S} s\n{self.log_tail()}"
                )
            if pending:
                time.sleep(0.05)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def terminate(self) -> None:
        """Send SIGTERM without waiting: the graceful-shutdown request."""
        assert self.process is not None, "server was never started"
        self.process.send_signal(signal.SIGTERM)

    def wait_exit(self, timeout: float = SHUTDOWN_TIMEOUT_S) -> int:
        assert self.process is not None, "server was never started"
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=timeout)
            raise AssertionError(
                f"kontalkd did not exit within {timeout} s of SIGTERM (killed it)\n"
                f"{self.log_tail()}"
            ) from None

    def stop(self) -> None:
        """Graceful shutdown: SIGTERM, at most 10 s, exit code 0."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.terminate()
        exit_code = self.wait_exit()
        self._close_log()
        assert exit_code == 0, f"kontalkd exited with {exit_code}\n{self.log_tail()}"

    def kill(self) -> None:
        """SIGKILL, for fault-injection tests: no chance to clean up.

        Forgets the process afterwards, so a later stop() (e.g. the fixture's)
        does not report the deliberate kill as an unclean exit.
        """
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=SHUTDOWN_TIMEOUT_S)
        self.process = None
        self._close_log()

    def start_refused(self, timeout: float = 30.0) -> int:
        """Starts kontalkd expecting it to give up on its own (a start-up error): returns its
        non-zero exit code; fails if it exits 0 or keeps running."""
        self.start(wait=False)
        exit_code = self.wait_exit(timeout=timeout)
        self.process = None  # exited: nothing left for stop()
        self._close_log()
        assert exit_code != 0, f"kontalkd exited 0\n{self.log_tail()}"
        return exit_code

    def _close_log(self) -> None:
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return "(no kontalkd log)"
        tail = "\n".join(text.splitlines()[-lines:])
        return f"--- last {lines} lines of {self.log_path} ---\n{tail}"

    def wait_for_log(self, fragment: str, timeout: float = LOG_WAIT_S) -> str:
        """The first log line containing `fragment`; fails after `timeout` seconds.

        kontalkd writes some lines after it has answered the client (a refused login, a key
        rollover), so a test that checks the log polls it instead of reading it once.
        """
        deadline = time.monotonic() + timeout
        while True:
            for line in self.log_path.read_text(errors="replace").splitlines():
                if fragment in line:
                    return line
            if time.monotonic() > deadline:
                raise AssertionError(f"no log line with {fragment!r}\n{self.log_tail()}")
            time.sleep(0.05)

    # --- kontalkctl -----------------------------------------------------------

    def ctl(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        """Run kontalkctl against this server's config; never raises on exit code."""
        return subprocess.run(
            [str(binary("kontalkctl")), "--config", str(self.config_path), *args],
            input=stdin if stdin is not None else "",
            capture_output=True,
            text=True,
            timeout=CTL_TIMEOUT_S,
        )

    def jid(self, localpart: str) -> str:
        return f"{localpart}@{self.domain}"

    def add_user(self, localpart: str, password: str) -> str:
        """Create a user with kontalkctl; returns the bare JID."""
        jid = self.jid(localpart)
        result = self.ctl("user", "add", jid, stdin=password + "\n")
        assert result.returncode == 0, (
            f"kontalkctl user add {jid} failed with {result.returncode}: {result.stderr}"
        )
        return jid
