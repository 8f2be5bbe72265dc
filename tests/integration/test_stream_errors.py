"""Stream errors for bad input (RFC 6120 §4.9.3): the offending stream gets the
error and is closed; other clients are not affected."""

from __future__ import annotations

import asyncio

import pytest

from raw_client import RawXmppConnection, stream_error_condition, stream_header

PASSWORD = "secret"
SMALL_STANZA_LIMIT = 4096


def _send_and_collect(server, stage: str, payload: str) -> str:
    """Open a raw stream at `stage`, send `payload`, return all the server said after."""
    with RawXmppConnection(server.host, server.starttls_port, server.domain) as raw:
        raw.open_stream()
        if stage in ("after_tls", "authenticated"):
            raw.starttls()
        if stage == "authenticated":
            raw.authenticate_plain("carol", PASSWORD)
            raw.bind("raw")
        try:
            raw.send(payload)
        except OSError:
            pass  # the server may already have closed on the first bytes
        return raw.read_until_closed()


async def _assert_stream_error(server, stage: str, payload: str, condition: str) -> None:
    received = await asyncio.to_thread(_send_and_collect, server, stage, payload)
    assert stream_error_condition(received) == condition, (
        f"expected <{condition}/> stream error, got:\n{received}"
    )
    assert "</stream:stream>" in received, f"stream not closed with </stream:stream>:\n{received}"


@pytest.fixture
async def bystander(server, clients):
    """A client connected before the bad one; it must keep working afterwards."""
    server.add_user("carol", PASSWORD)
    return await clients.slix(server, server.add_user("bob", PASSWORD), PASSWORD)


@pytest.mark.parametrize("stage", ["before_tls", "after_tls"])
async def test_malformed_xml_gets_not_well_formed_and_others_keep_working(server, bystander, stage):
    await _assert_stream_error(
        server, stage, "<message><body>crossed</message></body>", "not-well-formed"
    )
    await bystander.barrier()


@pytest.mark.parametrize("stage", ["before_tls", "after_tls"])
async def test_xml_comment_gets_restricted_xml(server, bystander, stage):
    await _assert_stream_error(server, stage, "<!-- comments are restricted XML -->", "restricted-xml")
    await bystander.barrier()


@pytest.mark.parametrize("stage", ["before_tls", "after_tls"])
async def test_processing_instruction_gets_restricted_xml(server, bystander, stage):
    await _assert_stream_error(server, stage, "<?kontalk-test boom?>", "restricted-xml")
    await bystander.barrier()


def _send_doctype_header(server, after_tls: bool) -> str:
    with RawXmppConnection(server.host, server.starttls_port, server.domain) as raw:
        if after_tls:
            raw.open_stream()
            raw.starttls(restart=False)
        header = stream_header(server.domain)
        declaration, stream_open = header.split("?>", 1)
        raw.send(f"{declaration}?><!DOCTYPE stream:stream [<!ENTITY boom 'boom'>]>{stream_open}")
        return raw.read_until_closed()


@pytest.mark.parametrize("after_tls", [False, True], ids=["before_tls", "after_tls"])
async def test_doctype_gets_restricted_xml(server, bystander, after_tls):
    received = await asyncio.to_thread(_send_doctype_header, server, after_tls)
    # RFC 6120 §4.9.1.3: even this early the server opens its stream first.
    assert stream_error_condition(received) == "restricted-xml", (
        f"expected <restricted-xml/> stream error, got:\n{received}"
    )
    await bystander.barrier()


@pytest.mark.parametrize("stage", ["before_tls", "authenticated"])
async def test_stanza_over_max_stanza_bytes_gets_policy_violation(make_server, clients, stage):
    server = make_server({"limits": {"max_stanza_bytes": SMALL_STANZA_LIMIT}})
    server.add_user("carol", PASSWORD)
    bystander = await clients.slix(server, server.add_user("bob", PASSWORD), PASSWORD)
    body = "x" * (SMALL_STANZA_LIMIT * 2)
    oversized = f"<message to='{bystander.boundjid.bare}' type='chat'><body>{body}</body></message>"

    await _assert_stream_error(server, stage, oversized, "policy-violation")

    await bystander.barrier()
    assert bystander.messages.empty(), "the oversized message was delivered"


async def test_stanza_under_max_stanza_bytes_is_accepted(make_server, clients):
    # The other side of the limit: a stanza that fits must pass, or the
    # policy-violation test above would also pass with a limit of zero.
    server = make_server({"limits": {"max_stanza_bytes": SMALL_STANZA_LIMIT}})
    alice = await clients.slix(server, server.add_user("alice", PASSWORD), PASSWORD)
    bob = await clients.slix(server, server.add_user("bob", PASSWORD), PASSWORD)
    body = "y" * (SMALL_STANZA_LIMIT // 2)
    alice.send_message(mto=bob.boundjid.full, mbody=body, mtype="chat")
    received = await bob.next_message()
    assert received["body"] == body


def _raw_login(server, name: str, resource: str) -> RawXmppConnection:
    raw = RawXmppConnection(server.host, server.starttls_port, server.domain)
    raw.login(name, PASSWORD, resource)
    return raw


@pytest.mark.parametrize("recipient_online", [True, False])
def test_a_child_in_the_reserved_xml_namespace_reaches_the_recipient_intact(
    make_server, recipient_online
):
    # Found by attacking (issue 11 item 14): <xml:x/> was accepted, then written with
    # xmlns='http://www.w3.org/XML/1998/namespace', which no parser accepts: the recipient's stream
    # broke, and the stored copy was later dropped as unreadable after the sender's <a/>.
    server = make_server()
    server.add_user("alice", PASSWORD)
    server.add_user("bob", PASSWORD)
    bob = _raw_login(server, "bob", "phone") if recipient_online else None
    if bob:
        bob.send("<presence/>")
    with _raw_login(server, "alice", "phone") as alice:
        alice.send(f"<message to='bob@{server.domain}' type='chat' id='odd'>"
                   "<body>reserved</body><xml:x/></message>"
                   f"<iq type='get' id='fence' to='{server.domain}'><ping xmlns='urn:xmpp:ping'/></iq>")
        alice.read_until(r"id=['\"]fence['\"]")
    if not bob:
        bob = _raw_login(server, "bob", "phone")
        bob.send("<presence/>")
    with bob:
        received = bob.read_until(r"<message\b.*?</message>")
        assert "<body>reserved</body>" in received and "<xml:x/>" in received, received
        assert "XML/1998" not in received, received
        # The stream goes on: the recipient's parser took it.
        bob.send(f"<iq type='get' id='after' to='{server.domain}'><ping xmlns='urn:xmpp:ping'/></iq>")
        bob.read_until(r"id=['\"]after['\"]")
