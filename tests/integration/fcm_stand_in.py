"""A loopback stand-in for FCM HTTP v1 and Google's OAuth token endpoint (spec §8.5).

`POST /token` answers an access token (test-token, then test-token-2, ...) valid for
`expires_in` seconds; `POST /v1/projects/test-project/messages:send` records the request and
answers what the test scripted for the message's device token (200 by default). Plain HTTP on
127.0.0.1, as §8.5 allows. Also writes the service account JSON with a fresh RSA key.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

PROJECT = "test-project"
SEND_PATH = f"/v1/projects/{PROJECT}/messages:send"
CLIENT_EMAIL = "kontalk-push@test-project.iam.gserviceaccount.com"
WAIT_S = 10.0


@dataclass
class Answer:
    status: int
    body: dict
    headers: dict[str, str] = field(default_factory=dict)


def fcm_error(status: int, code: str, error_code: str) -> Answer:
    """An FCM v1 error answer with an FcmError detail (as Google sends)."""
    return Answer(status, {"error": {"code": status, "message": code, "status": code, "details": [
        {"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": error_code},
    ]}})


@dataclass
class Push:
    token: str
    authorization: str
    body: dict
    at: float


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class FcmStandIn:
    def __init__(self, directory: Path, *, expires_in: int = 3600):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.expires_in = expires_in
        self.pushes: list[Push] = []
        self.token_requests: list[dict[str, list[str]]] = []
        self.scripts: dict[str, list[Answer]] = {}
        self.lock = threading.Lock()
        # hang(): sends are recorded, then never answered until close().
        self.hanging = False
        self.released = threading.Event()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args) -> None:  # quiet
                pass

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length).decode()
                if self.path == "/token":
                    answer = stand_in._token(body)
                elif self.path == SEND_PATH:
                    answer = stand_in._send(self.headers.get("Authorization", ""), body)
                else:
                    answer = Answer(404, {"error": {"status": "NOT_FOUND"}})
                data = json.dumps(answer.body).encode()
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.service_account = directory / "service-account.json"
        pem = self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()).decode()
        self.service_account.write_text(json.dumps({
            "type": "service_account", "project_id": PROJECT, "private_key_id": "k1",
            "private_key": pem, "client_email": CLIENT_EMAIL,
            "token_uri": f"{self.base_url}/token",
        }))

    def close(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()

    # --- the endpoints ----------------------------------------------------------

    def _token(self, body: str) -> Answer:
        form = parse_qs(body)
        with self.lock:
            self.token_requests.append(form)
            number = len(self.token_requests)
        token = "test-token" if number == 1 else f"test-token-{number}"
        return Answer(200, {"access_token": token, "expires_in": self.expires_in,
                            "token_type": "Bearer"})

    def _send(self, authorization: str, body: str) -> Answer:
        message = json.loads(body)
        token = message["message"]["token"]
        with self.lock:
            self.pushes.append(Push(token, authorization, message, time.monotonic()))
            hanging = self.hanging
        if hanging:
            self.released.wait()
            return Answer(503, {"error": {"status": "UNAVAILABLE"}})
        with self.lock:
            script = self.scripts.get(token)
            if script:
                return script.pop(0)
        return Answer(200, {"name": f"projects/{PROJECT}/messages/1"})

    # --- for the tests ------------------------------------------------------------

    def script(self, token: str, *answers: Answer) -> None:
        """The next answers to pushes for `token`; 200 after them."""
        with self.lock:
            self.scripts[token] = list(answers)

    def hang(self) -> None:
        """A dead provider: from now on sends get no answer (the connection stays open)."""
        with self.lock:
            self.hanging = True

    def pushes_for(self, token: str) -> list[Push]:
        with self.lock:
            return [push for push in self.pushes if push.token == token]

    def wait_for_pushes(self, token: str, count: int, timeout: float = WAIT_S) -> list[Push]:
        deadline = time.monotonic() + timeout
        while len(self.pushes_for(token)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{len(self.pushes_for(token))} push(es) for {token}, expected {count}; all: "
                    f"{[(p.token, p.authorization) for p in self.pushes]}")
            time.sleep(0.05)
        return self.pushes_for(token)

    def verify_assertion(self, form: dict[str, list[str]]) -> dict:
        """Checks the JWT bearer grant (RFC 7523) against our key; returns its claims."""
        assert form["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"], form
        header, claims, signature = form["assertion"][0].split(".")
        assert json.loads(_b64url_decode(header))["alg"] == "RS256"
        self.key.public_key().verify(_b64url_decode(signature), f"{header}.{claims}".encode(),
                                     padding.PKCS1v15(), hashes.SHA256())
        return json.loads(_b64url_decode(claims))
