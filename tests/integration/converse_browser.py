"""converse.js in headless Chromium: a real web XMPP client for the WebSocket tests (RFC 7395).

The page is served from a temporary directory by a loopback HTTP server in the test process: an
index.html that starts converse.js with `websocket_url` as its only transport (no BOSH, no
XEP-0156 discovery), password login and the chat with one peer opened at login. converse.js is
the npm package pinned in tests/browser/package.json, which scripts/install-deps installs with
`npm ci` into tests/browser/node_modules; nothing is downloaded when a test runs. Debian's
chromium is driven through Debian's chromedriver by python3-selenium.

The server's certificate is self-signed: Chromium is told to accept exactly that certificate's
public key (--ignore-certificate-errors-spki-list), so TLS stays on and any other certificate is
still refused.

Every wait is on the page's DOM with a timeout; a failure says which state was not reached, and
the screenshot and browser console log (converse.js logs every stanza at loglevel debug) are
saved in the artifacts directory either way.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import hashlib
import http.server
import json
import logging
import os
import re
import secrets
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

# Every WebDriver request at DEBUG (pytest.ini's log_level) would bury a failure's own report.
for _chatty in ("selenium", "urllib3"):
    logging.getLogger(_chatty).setLevel(logging.INFO)

REPO = Path(__file__).resolve().parents[2]
CONVERSE_PACKAGE = REPO / "tests" / "browser" / "node_modules" / "converse.js"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
HOST = "127.0.0.1"
# Login covers the page load, the WebSocket and TLS handshakes, SASL, bind and converse.js's
# start-up queries (roster, disco, ...): the longest wait on a loaded two-core machine.
LOGIN_TIMEOUT_S = 30.0
MESSAGE_TIMEOUT_S = 10.0
# Strophe.js's connection states (converse.js logs "Status changed to: <state>") that end a login.
_FAILED_STATES = ("CONNFAIL", "AUTHFAIL", "DISCONNECTED", "CONNTIMEOUT", "ERROR")


def converse_version() -> str:
    """The installed converse.js version (tests/browser/package-lock.json pins it)."""
    manifest = CONVERSE_PACKAGE / "package.json"
    if not manifest.exists():
        raise FileNotFoundError(
            f"{CONVERSE_PACKAGE} is missing: run scripts/install-deps (npm ci in tests/browser)"
        )
    return json.loads(manifest.read_text())["version"]


def spki_pin(certificate_pem: Path) -> str:
    """Base64 SHA-256 of the first certificate's SubjectPublicKeyInfo: what Chromium's
    --ignore-certificate-errors-spki-list takes."""
    certificate = x509.load_pem_x509_certificate(certificate_pem.read_bytes())
    spki = certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(hashlib.sha256(spki).digest()).decode()


def artifacts_dir(request: Any, fallback: Path) -> Path:
    """Where a test's screenshot and console log go: $KONTALK_TEST_ARTIFACTS/<test name> when
    that is set (for CI to keep), else `fallback` (in the test's tmp_path). The path is printed
    and recorded as the test's `artifacts` property (pytest --junitxml shows it)."""
    root = os.environ.get("KONTALK_TEST_ARTIFACTS")
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    directory = Path(root) / name if root else fallback
    directory.mkdir(parents=True, exist_ok=True)
    request.node.user_properties.append(("artifacts", str(directory)))
    return directory


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *_args: Any) -> None:
        pass  # the browser's console log says what it loaded


class ConversePage:
    """index.html plus converse.js's dist/ in a temporary directory, served on a loopback port."""

    def __init__(self, *, websocket_url: str, jid: str, password: str, peer: str):
        converse_version()  # a clear error when npm ci has not run
        self.settings = {
            "websocket_url": websocket_url,
            "authentication": "login",
            "auto_login": True,
            "jid": jid,
            "password": password,
            # WebSocket only: no BOSH URL is given and no XEP-0156 host-meta lookup is made.
            "discover_connection_methods": False,
            # A dropped stream must fail the test, not be retried behind its back.
            "auto_reconnect": False,
            # The chat with the peer is open at login; the peer is no roster contact.
            "auto_join_private_chats": [peer],
            "allow_non_roster_messaging": True,
            "assets_path": "/dist/",
            "i18n": "en",
            "locales": ["en"],
            "play_sounds": False,
            "show_desktop_notifications": False,
            # Chats float over the page; in "fullscreen" an auto-joined chat can stay hidden
            # behind the contact list until the user picks it.
            "view_mode": "overlayed",
            "loglevel": "debug",
        }
        self._directory = tempfile.TemporaryDirectory(prefix="converse-page-")
        root = Path(self._directory.name)
        (root / "dist").symlink_to(CONVERSE_PACKAGE / "dist", target_is_directory=True)
        (root / "index.html").write_text(f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kontalk-server: converse.js</title>
<link rel="stylesheet" href="/dist/converse.min.css">
<script type="module" src="/dist/converse.min.js"></script></head>
<body class="converse-overlayed">
<script type="module">converse.initialize({json.dumps(self.settings)});</script>
</body></html>
""")
        handler = functools.partial(_QuietHandler, directory=str(root))
        self._server = http.server.ThreadingHTTPServer((HOST, 0), handler)
        self.url = f"http://{HOST}:{self._server.server_address[1]}/index.html"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "ConversePage":
        self._thread.start()
        return self

    def __exit__(self, *_exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._directory.cleanup()


class ConverseBrowser:
    """One headless Chromium showing a ConversePage; blocking calls (use asyncio.to_thread)."""

    def __init__(self, *, accept_spki: str, artifacts: Path):
        for tool in (CHROMIUM, CHROMEDRIVER):
            if not os.access(tool, os.X_OK):
                raise FileNotFoundError(f"{tool} is missing: run scripts/install-deps")
        self.artifacts = artifacts
        self._profile = tempfile.mkdtemp(prefix="chromium-profile-")
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for argument in (
            "--headless=new",
            "--no-sandbox",  # tests run as root, where Chromium's sandbox refuses to start
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--window-size=1280,900",
            f"--user-data-dir={self._profile}",
            # Chromium honours the SPKI list only with its own --user-data-dir.
            f"--ignore-certificate-errors-spki-list={accept_spki}",
        ):
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        self._console: list[dict[str, Any]] = []

    def close(self) -> None:
        try:
            self.save_artifacts()
        finally:
            self.driver.quit()
            shutil.rmtree(self._profile, ignore_errors=True)

    def open(self, url: str) -> None:
        self.driver.get(url)

    # --- waits on the DOM ---------------------------------------------------------------

    def _wait(self, timeout: float, what: str, condition) -> Any:
        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.1).until(condition)
        except TimeoutException:
            self._console.extend(self.driver.get_log("browser"))
            notable = [entry.get("message", "") for entry in self._console
                       if entry.get("level") == "SEVERE" or "Status changed" in entry.get("message", "")]
            raise AssertionError(
                f"converse.js: {what} within {timeout} s; screenshot and console log in "
                f"{self.artifacts}; its last errors and connection states:\n"
                + "\n".join(notable[-10:])
            ) from None

    def wait_chat_ready(self, peer: str, timeout: float = LOGIN_TIMEOUT_S) -> None:
        """Logged in: converse.js shows the chat with `peer` and its message box (it renders
        chats only once the session is established). Fails at once when converse.js reports
        that the connection failed or ended (it does not reconnect: auto_reconnect is off)."""

        def ready(driver: webdriver.Chrome) -> bool:
            if driver.find_elements(By.CSS_SELECTOR, self._textarea(peer)):
                return True
            entries = driver.get_log("browser")
            self._console.extend(entries)
            for entry in entries:
                message = entry.get("message", "")
                if any(f"Status changed to: {state}" in message for state in _FAILED_STATES):
                    raise AssertionError(f"converse.js could not log in: {message}; screenshot "
                                         f"and console log in {self.artifacts}")
            return False

        self._wait(timeout, f"no chat with {peer} ready to type in", ready)

    def send(self, peer: str, text: str) -> None:
        """Type `text` into the chat with `peer` and press Enter, as a user does."""
        box = self.driver.find_element(By.CSS_SELECTOR, self._textarea(peer))
        box.send_keys(text)
        box.send_keys(Keys.ENTER)

    def wait_message_from(self, peer: str, text: str, timeout: float = MESSAGE_TIMEOUT_S) -> None:
        """The chat with `peer` shows a message from `peer` whose text is `text`."""
        script = """
            const [peer, text] = arguments;
            return [...document.querySelectorAll('.chat-msg')].some(message =>
                (message.dataset.from || '').split('/')[0] === peer &&
                message.querySelector('.chat-msg__text')?.textContent.trim() === text);
        """
        self._wait(timeout, f"no message {text!r} from {peer} shown",
                   lambda driver: driver.execute_script(script, peer, text))

    @staticmethod
    def _textarea(peer: str) -> str:
        return f'converse-chat[jid="{peer}"] textarea.chat-textarea'

    # --- artifacts ----------------------------------------------------------------------

    def save_artifacts(self) -> None:
        """converse.png (the page as it is now) and console.log (every console line so far)."""
        try:
            self.driver.save_screenshot(str(self.artifacts / "converse.png"))
            self._console.extend(self.driver.get_log("browser"))
        except WebDriverException as error:
            (self.artifacts / "artifact-error.txt").write_text(f"{error}\n")
        with open(self.artifacts / "console.log", "w") as log:
            for entry in self._console:
                log.write(f"{entry.get('timestamp')} {entry.get('level')} {entry.get('message')}\n")


# --- the scenario both browser tests run ------------------------------------------------------


async def _next_body(peer: Any, timeout: float) -> Any:
    """The next message with a body that `peer` (a clients.SlixClient) receives; converse.js
    also sends chat states (XEP-0085) without one while the user types."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        remaining = deadline - asyncio.get_running_loop().time()
        if remaining <= 0:
            raise AssertionError(f"{peer.boundjid} received no message with a body within {timeout} s")
        message = await peer.next_message(remaining)
        if message["body"]:
            return message


async def chat_round_trip(
    *, websocket_url: str, certificate: Path, jid: str, password: str, peer: Any, artifacts: Path
) -> float:
    """converse.js logs in as `jid` over `websocket_url` (accepting only `certificate`'s key),
    sends a chat to `peer` (a logged-in clients.SlixClient on TCP with its presence sent), which
    must receive it from `jid` and answers; the page must show the answer. Returns the seconds
    from browser start to the answer shown. Screenshot and console log go to `artifacts`."""
    peer_jid = peer.boundjid.bare
    token = secrets.token_hex(4)
    outgoing = f"hello from converse.js {token}"
    answer = f"hello back from slixmpp {token}"
    print(f"converse.js {converse_version()}: artifacts in {artifacts}")
    started = time.monotonic()
    with ConversePage(websocket_url=websocket_url, jid=jid, password=password, peer=peer_jid) as page:
        browser = await asyncio.to_thread(
            ConverseBrowser, accept_spki=spki_pin(certificate), artifacts=artifacts
        )
        try:
            await asyncio.to_thread(browser.open, page.url)
            await asyncio.to_thread(browser.wait_chat_ready, peer_jid)
            await asyncio.to_thread(browser.send, peer_jid, outgoing)
            message = await _next_body(peer, MESSAGE_TIMEOUT_S)
            assert (message["body"], message["type"]) == (outgoing, "chat"), message
            assert message["from"].bare == jid and message["from"].resource, message
            peer.send_message(mto=message["from"], mbody=answer, mtype="chat")
            await asyncio.to_thread(browser.wait_message_from, peer_jid, answer)
            return time.monotonic() - started
        finally:
            await asyncio.to_thread(browser.close)
