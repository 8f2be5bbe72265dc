"""Terms of service at registration (spec §4.1): the Android client reads the
terms from the instructions form (the answer to a plain get) and sends
accept-terms only when that form has both 'accept-terms' and 'terms'."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from registration_client import (
    NS_DATA,
    NS_REGISTER,
    assert_result,
    error_of,
    form_values,
    iq,
    log_contains,
    open_registration_stream,
    request_phone,
)

PHONE = "+15555215554"
TERMS = "https://example.net/terms?lang=en&v=2"


def field_types(reply: ET.Element) -> dict[str, str]:
    return {f.get("var"): f.get("type") for f in reply.iter(f"{{{NS_DATA}}}field")}


def terms_server(make_server, **extra):
    return make_server({"modules.register": {"provider": "fixed", "fixed_code": "123456",
                                             "throttle_ip": "off", **extra}})


def test_instructions_carry_the_terms_and_the_phone_step_requires_acceptance(make_server):
    server = terms_server(make_server, terms_url=TERMS)
    connection, _ = open_registration_stream(server)
    with connection:
        instructions = iq(connection, "get", f"<query xmlns='{NS_REGISTER}'/>")
        refused = request_phone(connection, PHONE)
        accepted = request_phone(connection, PHONE, **{"accept-terms": "true"})
    assert_result(instructions)
    types = field_types(instructions)
    assert types["accept-terms"] == "boolean"
    assert types["terms"] == "hidden"
    assert form_values(instructions)["terms"] == TERMS

    assert error_of(refused) == ("modify", "bad-request", "Service terms were not accepted.")
    assert log_contains(server, "refused: terms not accepted")
    assert_result(accepted)
    assert form_values(accepted)["challenge"] == "pin"
    assert log_contains(server, r"verification of \+15555215554 .* started with fixed")


def test_without_terms_the_instructions_do_not_ask_for_acceptance(make_server):
    server = terms_server(make_server)
    connection, _ = open_registration_stream(server)
    with connection:
        instructions = iq(connection, "get", f"<query xmlns='{NS_REGISTER}'/>")
        started = request_phone(connection, PHONE)
    types = field_types(instructions)
    assert "accept-terms" not in types and "terms" not in types
    assert_result(started)
