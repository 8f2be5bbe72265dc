"""A PostgreSQL server of one test's own, which the test may stop and start again.

scripts/with-postgres makes it (initdb into a temporary directory, a free loopback port, the
`kontalk` role) and keeps it while its command runs: here that command writes the URL to a file
and then waits for its standard input to close. Stopping and starting go through pg_ctl on the
same data directory, port and options, so that what a client sees is a database server restart.
The suite's shared server (KONTALK_TEST_POSTGRES_URL) is never restarted: other tests use it.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "with-postgres"
BIN = Path(os.environ.get("WITH_POSTGRES_BIN", "/usr/lib/postgresql/15/bin"))
START_TIMEOUT_S = 60.0


def _as_server(*command: str) -> list[str]:
    """PostgreSQL refuses to run as root; scripts/with-postgres runs it as `postgres` then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


class PostgresCluster:
    def __init__(self, *, durable: bool = False):
        # Under /tmp with mode 0755: the `postgres` user must reach the data directory.
        self.directory = Path(tempfile.mkdtemp(prefix="kontalk-test-postgres-"))
        self.directory.chmod(0o755)
        url_file = self.directory / "url"
        environment = {**os.environ, "TMPDIR": str(self.directory)}
        if durable:
            environment["WITH_POSTGRES_DURABLE"] = "1"
        self.process = subprocess.Popen(
            ["bash", str(SCRIPT), "sh", "-c",
             'echo "$KONTALK_TEST_POSTGRES_URL" > "$0.partial" && mv "$0.partial" "$0" '
             '&& exec cat >/dev/null', str(url_file)],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            env=environment,
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while not url_file.exists():
            if self.process.poll() is not None:
                raise AssertionError(f"scripts/with-postgres failed: {self.process.stderr.read()!r}")
            if time.monotonic() > deadline:
                self.close()
                raise AssertionError("scripts/with-postgres did not start PostgreSQL in time")
            time.sleep(0.05)
        self.url = url_file.read_text().strip()
        self.data = next(self.directory.glob("kontalk-postgres.*")) / "data"

    def stop(self) -> None:
        """A fast shutdown: PostgreSQL ends every client connection, as at a restart."""
        subprocess.run(_as_server(str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w",
                                  "stop"), check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        """Starts it again with the options of its first start (postmaster.opts)."""
        command = shlex.split((self.data / "postmaster.opts").read_text())
        options = []
        arguments = iter(command[1:])
        for argument in arguments:
            if argument == "-D":
                next(arguments)  # pg_ctl passes the data directory itself
            else:
                options.append(argument)
        subprocess.run(_as_server(str(BIN / "pg_ctl"), "-D", str(self.data), "-w", "-t", "60",
                                  "-l", str(self.data.parent / "restarted.log"), "-o",
                                  shlex.join(options), "start"),
                       check=True, capture_output=True, timeout=90)

    def close(self) -> None:
        """Ends scripts/with-postgres's command; the script stops the server and deletes it."""
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=60)
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> "PostgresCluster":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
