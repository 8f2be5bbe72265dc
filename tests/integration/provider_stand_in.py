"""A local stand-in for a verification provider's HTTP API (spec §4.5).

An http.server on 127.0.0.1 in a thread: it answers each (method, path) with
scripted answers, in order (the last one repeats), records every request, and
answers 404 to anything unscripted. Tests point kontalkd's provider URL at it.
"""

from __future__ import annotations

import http.server
import json
import threading
import urllib.parse
from dataclasses import dataclass, field


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: str

    def form(self) -> dict[str, str]:
        """The body as application/x-www-form-urlencoded fields."""
        return dict(urllib.parse.parse_qsl(self.body, keep_blank_values=True))

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class _Script:
    answers: dict[tuple[str, str], list[tuple[int, str]]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(http.server.BaseHTTPRequestHandler):
    script: _Script

    def _answer(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode() if length else ""
        recorded = Recorded(
            method=self.command,
            path=url.path,
            query=dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True)),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=body,
        )
        with self.script.lock:
            self.script.requests.append(recorded)
            queue = self.script.answers.get((self.command, url.path))
            if queue:
                status, text = queue[0] if len(queue) == 1 else queue.pop(0)
            else:
                status, text = 404, '{"error":"not scripted"}'
        payload = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = _answer  # noqa: N815 (http.server's naming)
    do_POST = _answer  # noqa: N815

    def log_message(self, *args) -> None:
        pass


class ProviderStandIn:
    def __init__(self) -> None:
        self._script = _Script()
        handler = type("StandInHandler", (_Handler,), {"script": self._script})
        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def script(self, method: str, path: str, *answers: tuple[int, dict | str]) -> None:
        """Answers for (method, path), in order; the last one repeats."""
        encoded = [(status, body if isinstance(body, str) else json.dumps(body)) for status, body in answers]
        with self._script.lock:
            self._script.answers[(method, path)] = encoded

    def requests(self, method: str | None = None, path: str | None = None) -> list[Recorded]:
        with self._script.lock:
            return [
                r for r in self._script.requests
                if (method is None or r.method == method) and (path is None or r.path == path)
            ]

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=10)
