"""Verify-API providers (spec §4.5) end to end: the real kontalkd talks to a local
stand-in of each service (provider_stand_in) while a client goes through the phone
step and the code step (spec §4.1, §4.2) on real TLS streams, with a real key and
bridge certificate for the code step.

Covered: Vonage (Nexmo Verify) and JMP (pin), Checkmobi reverse caller id
(missedcall) and caller id (callerid); success, wrong code, the provider failing
(5xx, connection refused) at either step, the fallback provider, JMP's concurrent
request as a throttle.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from kontalk_server import free_port
from provider_stand_in import ProviderStandIn
from registration_client import (
    CODE_FORM,
    NS_REGISTER,
    assert_result,
    error_of,
    form,
    form_values,
    iq,
    log_contains,
    open_registration_stream,
    request_phone,
    username_for,
)
from registration_keys import bridge_certificate, make_key, public_binary

PHONE = "+390612345678"
FIXED_CODE = "123456"
INVALID_CODE = ("modify", "bad-request", "Invalid verification code.")
THROTTLED = ("wait", "service-unavailable", "Too many attempts.")
UNABLE = ("modify", "not-acceptable", "Unable to verify number.")

VONAGE_STARTED = {"request_id": "abcdef0123456789abcdef0123456789", "status": "0"}
JMP_STARTED = {"request_id": "jmp-request-1", "status": 0}


@pytest.fixture
def stand_in():
    """Starts provider stand-ins; stops them when the test ends."""
    started: list[ProviderStandIn] = []

    def start() -> ProviderStandIn:
        service = ProviderStandIn()
        started.append(service)
        return service

    yield start
    for service in started:
        service.stop()


def register_config(**options) -> dict:
    return {"modules.register": {"throttle_ip": "off", **options}}


def vonage_options(url: str) -> dict:
    return {"vonage_url": url, "vonage_api_key": "vkey", "vonage_api_secret": "vsecret",
            "vonage_brand": "Kontalk Test", "vonage_timeout": 5}


def jmp_options(url: str) -> dict:
    return {"jmp_url": url, "jmp_api_key": "jkey", "jmp_api_secret": "jsecret", "jmp_timeout": 5}


def checkmobi_options(url: str) -> dict:
    return {"checkmobi_url": url + "/v1", "checkmobi_api_key": "cm-secret", "checkmobi_timeout": 5}


class User:
    """A new Kontalk user: phone number, key and bridge certificate (spec §2)."""

    def __init__(self, server, directory: Path, phone: str = PHONE):
        self.server = server
        self.phone = phone
        self.jid = f"{username_for(phone)}@{server.domain}"
        self.key = make_key(self.jid)
        self.certificate = bridge_certificate(self.key, public_binary(self.key), directory)

    def request_code(self, **extra: str):
        connection, _ = open_registration_stream(self.server)
        with connection:
            return request_phone(connection, self.phone, **extra)

    def submit(self, code: str | None):
        """The code step; `code` None sends no code field, as the Android client does for callerid."""
        fields = {} if code is None else {"code": code}
        connection, _ = open_registration_stream(self.server, self.certificate)
        with connection:
            return iq(connection, "set", f"<query xmlns='{NS_REGISTER}'>{form(CODE_FORM, fields)}</query>")


def assert_registered(reply) -> None:
    assert_result(reply)
    values = form_values(reply)
    assert values["FORM_TYPE"] == CODE_FORM
    assert base64.b64decode(values["publickey"]), "no certified key in the answer"


# --- Vonage (Nexmo Verify) -----------------------------------------------------------


def test_vonage_starts_and_checks_the_code(make_server, stand_in, tmp_path):
    vonage = stand_in()
    vonage.script("POST", "/verify/json", (200, VONAGE_STARTED))
    vonage.script("POST", "/verify/check/json", (200, {"status": "0", "event_id": "e1"}))
    server = make_server(register_config(provider="vonage", sender_id="KONTALK", **vonage_options(vonage.url)))
    user = User(server, tmp_path)

    reply = user.request_code()
    assert_result(reply)
    values = form_values(reply)
    assert values["from"] == "KONTALK" and values["challenge"] == "pin"
    (start,) = vonage.requests("POST", "/verify/json")
    assert start.headers["content-type"] == "application/x-www-form-urlencoded"
    assert start.form() == {"api_key": "vkey", "api_secret": "vsecret", "number": PHONE[1:],
                            "brand": "Kontalk Test", "sender_id": "KONTALK", "code_length": "6"}

    assert_registered(user.submit("4321"))
    (check,) = vonage.requests("POST", "/verify/check/json")
    assert check.form() == {"api_key": "vkey", "api_secret": "vsecret",
                            "request_id": VONAGE_STARTED["request_id"], "code": "4321"}
    assert log_contains(server, rf"{user.jid} \(\{PHONE}\) registered with key")


def test_vonage_wrong_code_is_refused_and_the_verification_stays(make_server, stand_in, tmp_path):
    vonage = stand_in()
    vonage.script("POST", "/verify/json", (200, VONAGE_STARTED))
    vonage.script("POST", "/verify/check/json",
                  (200, {"status": "16", "error_text": "The code provided does not match"}),
                  (200, {"status": "0"}))
    server = make_server(register_config(provider="vonage", **vonage_options(vonage.url)))
    user = User(server, tmp_path)
    assert_result(user.request_code())

    assert error_of(user.submit("0000")) == INVALID_CODE
    assert log_contains(server, "refused: wrong code")
    assert_registered(user.submit("4321"))
    assert [r.form()["code"] for r in vonage.requests("POST", "/verify/check/json")] == ["0000", "4321"]


def test_vonage_server_error_falls_back_once(make_server, stand_in, tmp_path):
    vonage = stand_in()
    vonage.script("POST", "/verify/json", (500, "internal error"))
    server = make_server(register_config(provider="vonage", fallback_provider="fixed",
                                         fixed_code=FIXED_CODE, **vonage_options(vonage.url)))
    user = User(server, tmp_path)

    reply = user.request_code()
    assert_result(reply)
    assert "can-fallback" not in form_values(reply)  # already on the fallback
    assert len(vonage.requests("POST", "/verify/json")) == 1
    assert log_contains(server, "provider vonage failed for .*answered HTTP 500.*; trying fixed")
    # The fallback started the verification, so the fallback checks it.
    assert_registered(user.submit(FIXED_CODE))
    assert vonage.requests("POST", "/verify/check/json") == []


def test_provider_down_falls_back(make_server, tmp_path):
    # Nothing listens on this port: connection refused.
    down = f"http://127.0.0.1:{free_port()}"
    server = make_server(register_config(provider="vonage", fallback_provider="fixed",
                                         fixed_code=FIXED_CODE, **vonage_options(down)))
    user = User(server, tmp_path)
    assert_result(user.request_code())
    assert log_contains(server, "provider vonage failed for .*; trying fixed")
    assert_registered(user.submit(FIXED_CODE))


def test_provider_down_without_fallback_is_unable_to_verify(make_server, tmp_path):
    down = f"http://127.0.0.1:{free_port()}"
    server = make_server(register_config(provider="vonage", **vonage_options(down)))
    assert error_of(User(server, tmp_path).request_code()) == UNABLE


def test_provider_failing_at_code_step_asks_to_wait_and_keeps_the_verification(
    make_server, stand_in, tmp_path
):
    vonage = stand_in()
    vonage.script("POST", "/verify/json", (200, VONAGE_STARTED))
    vonage.script("POST", "/verify/check/json", (503, "unavailable"), (200, {"status": "0"}))
    server = make_server(register_config(provider="vonage", **vonage_options(vonage.url)))
    user = User(server, tmp_path)
    assert_result(user.request_code())

    type_, condition, _ = error_of(user.submit("4321"))
    assert (type_, condition) == ("wait", "service-unavailable")
    assert log_contains(server, "provider vonage could not check the code")
    assert_registered(user.submit("4321"))


def test_provider_ending_the_verification_drops_it(make_server, stand_in, tmp_path):
    vonage = stand_in()
    vonage.script("POST", "/verify/json", (200, VONAGE_STARTED))
    # Status 17: the wrong code was given too many times; the service forgets the request.
    vonage.script("POST", "/verify/check/json", (200, {"status": "17", "error_text": "Too many"}))
    server = make_server(register_config(provider="vonage", **vonage_options(vonage.url)))
    user = User(server, tmp_path)
    assert_result(user.request_code())

    assert error_of(user.submit("4321")) == INVALID_CODE
    assert log_contains(server, "provider vonage ended the verification")
    assert error_of(user.submit("4321")) == INVALID_CODE
    assert log_contains(server, "no pending \\(or an expired\\) verification")
    assert len(vonage.requests("POST", "/verify/check/json")) == 1


# --- JMP ------------------------------------------------------------------------------


def test_jmp_uses_get_requests_and_refuses_a_wrong_code(make_server, stand_in, tmp_path):
    jmp = stand_in()
    jmp.script("GET", "/verify", (200, JMP_STARTED))
    jmp.script("GET", "/verify/check", (200, {"status": 16, "error_text": "invalid code"}),
               (200, {"status": 0}))
    server = make_server(register_config(provider="jmp", **jmp_options(jmp.url)))
    user = User(server, tmp_path)

    assert_result(user.request_code())
    (start,) = jmp.requests("GET", "/verify")
    assert start.query == {"api_key": "jkey", "api_secret": "jsecret", "number": PHONE[1:], "brand": "Kontalk"}

    assert error_of(user.submit("1111")) == INVALID_CODE
    assert_registered(user.submit("2222"))
    checks = jmp.requests("GET", "/verify/check")
    assert [c.query for c in checks] == [
        {"api_key": "jkey", "api_secret": "jsecret", "request_id": "jmp-request-1", "code": code}
        for code in ("1111", "2222")
    ]


def test_jmp_concurrent_request_is_a_throttle_without_fallback(make_server, stand_in, tmp_path):
    jmp = stand_in()
    jmp.script("GET", "/verify", (200, {"status": "10", "error_text": "Concurrent verifications"}))
    server = make_server(register_config(provider="jmp", fallback_provider="fixed",
                                         fixed_code=FIXED_CODE, **jmp_options(jmp.url)))
    assert error_of(User(server, tmp_path).request_code()) == THROTTLED
    assert log_contains(server, "provider jmp is busy")
    assert not log_contains(server, "fixed verification code issued")


# --- Checkmobi ------------------------------------------------------------------------


def test_checkmobi_missed_call_shows_the_prefix_and_verifies_the_digits(make_server, stand_in, tmp_path):
    checkmobi = stand_in()
    checkmobi.script("POST", "/v1/validation/request",
                     (200, {"id": "CM-1", "type": "reverse_cli", "cli_prefix": "+39-0612"}))
    checkmobi.script("POST", "/v1/validation/verify",
                     (200, {"number": PHONE, "validated": False}),
                     (200, {"number": PHONE, "validated": True}))
    server = make_server(register_config(provider="checkmobi-missedcall", **checkmobi_options(checkmobi.url)))
    user = User(server, tmp_path)

    reply = user.request_code()
    assert_result(reply)
    values = form_values(reply)
    # Spec §4.5: the Android client counts the '?' to know how many digits to ask for.
    assert values["from"] == "+39-0612????"
    assert values["challenge"] == "missedcall"
    (start,) = checkmobi.requests("POST", "/v1/validation/request")
    assert start.headers["authorization"] == "cm-secret"
    assert start.headers["content-type"] == "application/json"
    assert start.json() == {"number": PHONE, "type": "reverse_cli"}

    assert error_of(user.submit("9999")) == INVALID_CODE
    assert_registered(user.submit("+39 0612 34 5678"))
    verifies = checkmobi.requests("POST", "/v1/validation/verify")
    assert [v.json() for v in verifies] == [{"id": "CM-1", "pin": "9999"}, {"id": "CM-1", "pin": "5678"}]
    assert all(v.headers["authorization"] == "cm-secret" for v in verifies)


@pytest.mark.parametrize("sent_code", [None, "anything"], ids=["no-code", "any-code"])
def test_checkmobi_caller_id_polls_the_status(make_server, stand_in, tmp_path, sent_code):
    checkmobi = stand_in()
    checkmobi.script("POST", "/v1/validation/request",
                     (200, {"id": "CLI-7", "type": "cli", "dialing_number": "+442038085855"}))
    checkmobi.script("GET", "/v1/validation/status/CLI-7",
                     (200, {"number": PHONE, "validated": False}),
                     (200, {"number": PHONE, "validated": True}))
    server = make_server(register_config(provider="checkmobi-callerid", **checkmobi_options(checkmobi.url)))
    user = User(server, tmp_path)

    reply = user.request_code()
    assert_result(reply)
    values = form_values(reply)
    assert values["from"] == "+442038085855"
    assert values["challenge"] == "callerid"
    assert checkmobi.requests("POST", "/v1/validation/request")[0].json() == {"number": PHONE, "type": "cli"}

    # Not validated yet: the user has not called.
    assert error_of(user.submit(sent_code)) == INVALID_CODE
    assert_registered(user.submit(sent_code))
    polls = checkmobi.requests("GET", "/v1/validation/status/CLI-7")
    assert len(polls) == 2
    assert all(p.headers["authorization"] == "cm-secret" for p in polls)


def test_code_step_without_a_code_is_refused_for_pin_providers(make_server, stand_in, tmp_path):
    vonage = stand_in()
    vonage.script("POST", "/verify/json", (200, VONAGE_STARTED))
    server = make_server(register_config(provider="vonage", **vonage_options(vonage.url)))
    user = User(server, tmp_path)
    assert_result(user.request_code())
    assert error_of(user.submit(None)) == (
        "modify", "bad-request",
        "Please provide either a phone number or a public key and a verification code.",
    )
    assert vonage.requests("POST", "/verify/check/json") == []


def test_missed_call_provider_is_chosen_by_the_client_challenge(make_server, stand_in, tmp_path):
    checkmobi = stand_in()
    checkmobi.script("POST", "/v1/validation/request", (200, {"id": "CM-2", "cli_prefix": "+39-06"}))
    server = make_server(register_config(provider="fixed", fixed_code=FIXED_CODE,
                                         fallback_provider="checkmobi-missedcall",
                                         **checkmobi_options(checkmobi.url)))
    user = User(server, tmp_path)
    # The Android client asks for the fallback with fallback=true (spec §4.1).
    reply = user.request_code(fallback="true")
    assert_result(reply)
    assert form_values(reply)["from"] == "+39-06????"
    assert form_values(reply)["challenge"] == "missedcall"
    reply = user.request_code(challenge="pin")
    assert form_values(reply)["challenge"] == "pin"
    assert form_values(reply).get("can-fallback") == "true"
