"""A Redis server of one test's own (Debian redis-server): the session directory of a cluster
of kontalkd nodes (issue 15). It listens on a free loopback port, keeps nothing on disk and is
stopped (SIGTERM, else SIGKILL) when the test ends; close() and start() restart it empty, as a
Redis that lost everything."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

from kontalk_server import HOST, free_port

REDIS_SERVER = "/usr/bin/redis-server"
START_TIMEOUT_S = 20.0


class RedisServer:
    def __init__(self, directory: Path):
        self.port = free_port()
        self.url = f"redis://{HOST}:{self.port}"
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.log_path = directory / "redis.log"
        self.start()

    def start(self) -> None:
        """Starts redis-server on this object's port, empty (nothing is kept on disk)."""
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", HOST, "--save", "",
             "--appendonly", "no", "--dir", str(self.directory), "--logfile", str(self.log_path)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._answers_ping():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise AssertionError(f"redis-server did not start: {self.log_path.read_text()}")
            time.sleep(0.05)

    def _answers_ping(self) -> bool:
        try:
            with socket.create_connection((HOST, self.port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
