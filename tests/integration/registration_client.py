"""Kontalk registration (spec §4) on the wire, as a client before authentication.

Registration IQs go over a raw TLS stream (RawXmppConnection) because a Kontalk
client sends them before SASL, optionally presenting a bridge certificate;
replies are parsed with ElementTree. Every read is bounded (raw_client).
"""

from __future__ import annotations

import hashlib
import itertools
import re
import ssl
import xml.etree.ElementTree as ET
from pathlib import Path

from kontalk_server import KontalkServer
from raw_client import RawXmppConnection

NS_REGISTER = "jabber:iq:register"
NS_DATA = "jabber:x:data"
NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas"
NS_ACCOUNT = "http://kontalk.org/protocol/register#account"
CODE_FORM = "http://kontalk.org/protocol/register#code"
PRIVATE_KEY_FORM = "http://kontalk.org/protocol/register#privatekey"

_ids = itertools.count(1)


def username_for(phone: str) -> str:
    return hashlib.sha1(phone.encode()).hexdigest()


def open_registration_stream(
    server: KontalkServer, certificate: tuple[Path, Path] | None = None
) -> tuple[RawXmppConnection, str]:
    """STARTTLS without authenticating; returns the connection and its features.

    `certificate` is (certificate PEM, private key PEM) of a client certificate.
    """
    connection = RawXmppConnection(server.host, server.starttls_port, server.domain)
    connection.open_stream()
    connection.send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
    connection.read_until(r"<proceed[^>]*>")
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    if certificate is not None:
        # Kontalk keys are RSA 2048 with SHA-1 self-signatures on older clients (spec §2).
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
        context.load_cert_chain(str(certificate[0]), str(certificate[1]))
    connection.sock = context.wrap_socket(connection.sock, server_hostname=server.domain)
    features = connection.open_stream()
    return connection, features


def field(var: str, value: str, type_: str = "text-single") -> str:
    return f"<field var='{var}' type='{type_}'><value>{value}</value></field>"


def form(form_type: str, fields: dict[str, str]) -> str:
    body = field("FORM_TYPE", form_type, "hidden") + "".join(
        field(var, value) for var, value in fields.items()
    )
    return f"<x xmlns='{NS_DATA}' type='submit'>{body}</x>"


def iq(connection: RawXmppConnection, type_: str, payload: str, domain: str | None = None) -> ET.Element:
    """Sends an IQ and returns the parsed reply with the same id."""
    iq_id = f"reg{next(_ids)}"
    to = f" to='{domain or connection.domain}'"
    connection.send(f"<iq type='{type_}' id='{iq_id}'{to}>{payload}</iq>")
    text = connection.read_until(rf"<iq\b[^>]*\bid='{iq_id}'[^>]*?(/>|>.*?</iq>)")
    start = text.rfind("<iq")
    return ET.fromstring(text[start:])


def request_phone(connection: RawXmppConnection, phone: str, **extra: str) -> ET.Element:
    fields = {"phone": phone, **extra}
    return iq(connection, "set", f"<query xmlns='{NS_REGISTER}'>{form(NS_REGISTER, fields)}</query>")


def submit_code(connection: RawXmppConnection, code: str, **extra: str) -> ET.Element:
    fields = {"code": code, **extra}
    return iq(connection, "set", f"<query xmlns='{NS_REGISTER}'>{form(CODE_FORM, fields)}</query>")


def retrieve_private_key(connection: RawXmppConnection, token: str) -> ET.Element:
    return iq(
        connection,
        "get",
        f"<query xmlns='{NS_REGISTER}'><account xmlns='{NS_ACCOUNT}'><privatekey>"
        f"<token>{token}</token></privatekey></account></query>",
    )


def form_values(reply: ET.Element) -> dict[str, str]:
    """var -> first value of the data form inside the reply's query."""
    values = {}
    for element in reply.iter(f"{{{NS_DATA}}}field"):
        value = element.find(f"{{{NS_DATA}}}value")
        values[element.get("var")] = value.text if value is not None and value.text else ""
    return values


def error_of(reply: ET.Element) -> tuple[str, str, str]:
    """(type, condition, text) of an error reply; fails on anything else."""
    assert reply.get("type") == "error", f"expected an error, got {ET.tostring(reply).decode()}"
    error = reply.find("{jabber:client}error")
    if error is None:
        error = reply.find("error")
    assert error is not None, ET.tostring(reply).decode()
    condition = next(
        child.tag.split("}")[1]
        for child in error
        if child.tag.startswith(f"{{{NS_STANZAS}}}") and not child.tag.endswith("}text")
    )
    text = error.find(f"{{{NS_STANZAS}}}text")
    return error.get("type"), condition, text.text if text is not None else ""


def assert_result(reply: ET.Element) -> None:
    assert reply.get("type") == "result", f"expected a result: {ET.tostring(reply).decode()}"


def log_contains(server: KontalkServer, pattern: str) -> bool:
    return re.search(pattern, server.log_path.read_text(errors="replace")) is not None
