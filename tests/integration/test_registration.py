"""Kontalk registration, phone step and providers (spec §4.1, §4.5): forms, errors
with their exact texts, throttling, and the log, fixed and HTTP providers."""

from __future__ import annotations

import http.server
import re
import subprocess
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from registration_client import (
    NS_REGISTER,
    assert_result,
    error_of,
    form_values,
    iq,
    log_contains,
    open_registration_stream,
    request_phone,
    retrieve_private_key,
    submit_code,
    username_for,
)

PHONE = "+15555215554"
FIXED = {"modules.register": {"provider": "fixed", "fixed_code": "123456"}}


def fixed_config(**extra):
    return {"modules.register": {**FIXED["modules.register"], **extra}}


def test_username_is_sha1_of_e164():
    assert username_for(PHONE) == "4bdd4f929f3a1062253e4e496bafba0bdfb5db75"


def test_registration_is_offered_before_authentication(make_server):
    server = make_server(FIXED)
    connection, features = open_registration_stream(server)
    with connection:
        assert "<register xmlns='http://jabber.org/features/iq-register'/>" in features, features


def test_phone_step_answers_form_with_sender_and_challenge(make_server):
    server = make_server(fixed_config(sender_id="ACME"))
    connection, _ = open_registration_stream(server)
    with connection:
        reply = request_phone(connection, "+1 (555) 521-5554")
    assert_result(reply)
    # Spec §0: the Android client rejects a phone-step reply without 'from'.
    assert reply.get("from") == server.domain
    query = reply.find(f"{{{NS_REGISTER}}}query")
    assert query is not None and query.find(f"{{{NS_REGISTER}}}instructions").text
    values = form_values(reply)
    assert values["FORM_TYPE"] == NS_REGISTER
    assert values["from"] == "ACME"
    assert values["challenge"] == "pin"
    assert "can-fallback" not in values
    assert log_contains(server, rf"verification of \{PHONE} \({username_for(PHONE)}\) started")


def test_bad_phone_number_is_refused(make_server):
    server = make_server(FIXED)
    connection, _ = open_registration_stream(server)
    with connection:
        reply = request_phone(connection, "5555215554")
    assert error_of(reply) == ("modify", "bad-request", "Bad phone number.")
    assert log_contains(server, "refused: bad phone number")


def test_terms_must_be_accepted_when_configured(make_server):
    server = make_server(fixed_config(terms_url="https://example.net/terms"))
    connection, _ = open_registration_stream(server)
    with connection:
        refused = request_phone(connection, PHONE)
        accepted = request_phone(connection, PHONE, **{"accept-terms": "true"})
    assert error_of(refused) == ("modify", "bad-request", "Service terms were not accepted.")
    assert_result(accepted)


def test_registered_number_conflicts_unless_forced(make_server):
    server = make_server(FIXED)
    server.add_user(username_for(PHONE), "secret")
    connection, _ = open_registration_stream(server)
    with connection:
        refused = request_phone(connection, PHONE)
        forced = request_phone(connection, PHONE, force="true")
    assert error_of(refused) == (
        "modify",
        "conflict",
        "Another user is registered with the same id.",
    )
    # RFC 6120 §8.2 / spec §4.1: the query is echoed.
    assert refused.find(f"{{{NS_REGISTER}}}query") is not None
    assert_result(forced)
    assert log_contains(server, "already registered")


def test_fourth_attempt_within_the_window_is_throttled(make_server):
    # Spec §0: 3 attempts per 30 s by IP is the default.
    server = make_server(FIXED)
    connection, _ = open_registration_stream(server)
    with connection:
        for number in ("+15555210001", "+15556220002", "+15557230003"):
            assert_result(request_phone(connection, number))
        reply = request_phone(connection, "+15558240004")
    assert error_of(reply) == ("wait", "service-unavailable", "Too many attempts.")
    assert log_contains(server, "throttled by address")


def test_same_number_is_throttled_across_addresses_by_phone_limit(make_server):
    server = make_server(fixed_config(throttle_ip="off", throttle_phone="2/60"))
    replies = []
    for _ in range(3):
        connection, _ = open_registration_stream(server)
        with connection:
            replies.append(request_phone(connection, PHONE))
    assert_result(replies[0])
    assert_result(replies[1])
    assert error_of(replies[2]) == ("wait", "service-unavailable", "Too many attempts.")
    assert log_contains(server, "throttled by phone")


def test_numbers_sharing_a_prefix_are_throttled(make_server):
    server = make_server(fixed_config(throttle_ip="off", throttle_prefix="2/60"))
    connection, _ = open_registration_stream(server)
    with connection:
        assert_result(request_phone(connection, "+15555210001"))
        assert_result(request_phone(connection, "+15555220002"))
        reply = request_phone(connection, "+15555230003")
    assert error_of(reply)[1] == "service-unavailable"
    assert log_contains(server, "throttled by prefix")


def test_log_provider_writes_code_to_log_and_file(make_server):
    server = make_server()  # provider "log" is the default
    connection, _ = open_registration_stream(server)
    with connection:
        assert_result(request_phone(connection, PHONE))
    code = (server.data_dir / "verification" / PHONE).read_text().strip()
    assert re.fullmatch(r"\d{6}", code), code
    assert log_contains(server, rf"verification code for \{PHONE} on localhost is {code}")


def test_plain_get_returns_instructions_form(make_server):
    server = make_server(FIXED)
    connection, _ = open_registration_stream(server)
    with connection:
        reply = iq(connection, "get", f"<query xmlns='{NS_REGISTER}'/>")
    assert_result(reply)
    values = form_values(reply)
    assert values["FORM_TYPE"] == NS_REGISTER
    assert "phone" in values


def test_form_without_phone_or_code_is_bad_request(make_server):
    server = make_server(FIXED)
    connection, _ = open_registration_stream(server)
    with connection:
        reply = iq(connection, "set", f"<query xmlns='{NS_REGISTER}'/>")
    assert error_of(reply) == (
        "modify",
        "bad-request",
        "Please provide either a phone number or a public key and a verification code.",
    )


def test_code_without_any_key_is_bad_request(make_server):
    server = make_server(FIXED)
    connection, _ = open_registration_stream(server)
    with connection:
        assert_result(request_phone(connection, PHONE))
        reply = submit_code(connection, "123456")
    assert error_of(reply)[1] == "bad-request"


def test_unknown_private_key_token_is_not_authorized(make_server):
    server = make_server(FIXED)
    connection, _ = open_registration_stream(server)
    with connection:
        reply = retrieve_private_key(connection, "1" * 40)
    assert error_of(reply) == ("auth", "not-authorized", "Invalid private key token.")


# --- the HTTP(S) SMS gateway provider -------------------------------------------------


class _Gateway(http.server.BaseHTTPRequestHandler):
    """A stand-in SMS gateway that records POSTs and answers `status`."""

    status = 200
    received: list[tuple[str, str, str]] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode()
        self.received.append((self.path, self.headers.get("Content-Type", ""), body))
        self.send_response(self.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def gateway(tmp_path: Path):
    """Starts a gateway; yields (url_for(tls), received); stops it afterwards."""
    servers = []

    def start(tls: bool, status: int = 200):
        handler = type("Gateway", (_Gateway,), {"status": status, "received": []})
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        scheme = "http"
        if tls:
            import ssl

            cert, key = tmp_path / "gw.pem", tmp_path / "gw.key"
            subprocess.run(
                ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj",
                 "/CN=127.0.0.1", "-days", "1", "-keyout", str(key), "-out", str(cert)],
                check=True, capture_output=True, timeout=60,
            )
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(cert), str(key))
            httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
            scheme = "https"
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        servers.append((httpd, thread))
        return f"{scheme}://127.0.0.1:{httpd.server_address[1]}/sms", handler.received

    yield start
    for httpd, thread in servers:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


def _http_config(url: str, **extra):
    return {
        "modules.register": {
            "provider": "http",
            "http_url": url,
            "http_body": '{"to":"{phone}","text":"Code {code}"}',
            "http_content_type": "application/json",
            "http_timeout": 5,
            **extra,
        }
    }


@pytest.mark.parametrize("tls", [False, True], ids=["http", "https"])
def test_http_provider_posts_code_to_gateway(make_server, gateway, tls):
    url, received = gateway(tls)
    server = make_server(_http_config(url, http_insecure_tls=tls))
    connection, _ = open_registration_stream(server)
    with connection:
        assert_result(request_phone(connection, PHONE))
    assert len(received) == 1, received
    path, content_type, body = received[0]
    assert path == "/sms" and content_type == "application/json"
    assert re.fullmatch(r'\{"to":"\+15555215554","text":"Code \d{6}"\}', body), body


def test_https_gateway_with_untrusted_certificate_fails_without_insecure_flag(make_server, gateway):
    url, received = gateway(True)
    server = make_server(_http_config(url))
    connection, _ = open_registration_stream(server)
    with connection:
        reply = request_phone(connection, PHONE)
    assert error_of(reply) == ("modify", "not-acceptable", "Unable to verify number.")
    assert received == []
    assert log_contains(server, "provider http failed")


def test_failing_gateway_falls_back_to_fallback_provider(make_server, gateway):
    url, received = gateway(False, status=500)
    config = _http_config(url, fallback_provider="fixed", fixed_code="123456")
    server = make_server(config)
    connection, _ = open_registration_stream(server)
    with connection:
        reply = request_phone(connection, PHONE)
    assert_result(reply)
    assert len(received) == 1
    assert log_contains(server, "answered HTTP 500; trying fixed")
    assert "can-fallback" not in form_values(reply)


def test_fallback_requested_by_client_and_offered(make_server, gateway):
    url, received = gateway(False)
    server = make_server(_http_config(url, fallback_provider="fixed", fixed_code="123456"))
    connection, _ = open_registration_stream(server)
    with connection:
        primary = request_phone(connection, "+15555215554")
        fallback = request_phone(connection, "+15556215554", fallback="true")
    assert form_values(primary).get("can-fallback") == "true"
    assert_result(fallback)
    assert len(received) == 1  # the fallback (fixed) sent nothing to the gateway
