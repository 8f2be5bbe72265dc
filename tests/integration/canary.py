"""A canary pair of users whose round trips show what an attack does to everyone else.

While a test attacks the server, the canary sends a message from one user to the other every
`interval` seconds and times how long it takes to arrive. The test asserts only that every round
trip completes (an attack must never stall other users indefinitely) and reports the timings:
latency under load is measured, never a timed assertion that flakes (DEVELOPERS' rule).

    with Canary(server) as canary:
        ...attack...
    canary.report("whitespace flood")   # prints p50 / p99 / max, asserts nothing was lost
"""

from __future__ import annotations

import json
import os
import statistics
import threading
import time
from pathlib import Path

from raw_client import RawXmppConnection

PASSWORD = "canary-secret"
REPORT_ENV = "KONTALK_HOSTILE_REPORT"  # a file to append one JSON line per report to


class Canary:
    def __init__(self, server, *, interval: float = 0.05, timeout: float = 30.0):
        self.server = server
        self.interval = interval
        self.timeout = timeout
        server.add_user("canary-a", PASSWORD)
        server.add_user("canary-b", PASSWORD)
        self.sender = RawXmppConnection(server.host, server.starttls_port, server.domain)
        self.sender.login("canary-a", PASSWORD, "a")
        self.receiver = RawXmppConnection(server.host, server.starttls_port, server.domain)
        self.receiver.login("canary-b", PASSWORD, "b")
        self.round_trips: list[float] = []
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "Canary":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(timeout=self.timeout + 5)
        self.sender.close()
        self.receiver.close()

    def _run(self) -> None:
        number = 0
        while not self._stop.is_set():
            number += 1
            marker = f"canary-{number}"
            started = time.monotonic()
            try:
                self.sender.send(f"<message to='canary-b@{self.server.domain}/b' type='chat' "
                                 f"id='{marker}'><body>{marker}</body></message>")
                self.receiver.read_until(f"<body>{marker}</body>", timeout=self.timeout)
            except (AssertionError, OSError) as error:
                self.failures.append(f"{marker}: {error}"[:300])
                return
            self.round_trips.append(time.monotonic() - started)
            self._stop.wait(self.interval)

    def report(self, attack: str) -> dict:
        """Prints the timings, appends them to $KONTALK_HOSTILE_REPORT, asserts none was lost."""
        assert not self.failures, f"{attack}: the canary lost a round trip: {self.failures}"
        assert self.round_trips, f"{attack}: the canary made no round trip"
        times = sorted(self.round_trips)
        result = {
            "attack": attack,
            "round_trips": len(times),
            "p50_ms": round(statistics.median(times) * 1000, 2),
            "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))] * 1000, 2),
            "max_ms": round(times[-1] * 1000, 2),
        }
        print(f"canary under {attack}: {json.dumps(result)}")
        if os.environ.get(REPORT_ENV):
            with Path(os.environ[REPORT_ENV]).open("a") as report:
                report.write(json.dumps(result) + "\n")
        return result
