"""Ad-hoc commands (XEP-0050) and the admin commands (XEP-0133) for [modules.adhoc] admins:
listing as admin and non-admin, each admin command end to end, multi-stage sessions with prev,
cancel and bad session ids, and network@DOMAIN's serverlist through the same framework."""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET

import pytest
from slixmpp.exceptions import IqError

from kontalk_server import DOMAIN
from raw_client import RawXmppConnection

PASSWORD = "secret"
NS_COMMANDS = "http://jabber.org/protocol/commands"
NS_DATA = "jabber:x:data"
ADMIN = "http://jabber.org/protocol/admin#"
ADMIN_NODES = {ADMIN + name for name in (
    "add-user", "delete-user", "change-user-password", "get-online-users-list",
    "get-online-users-num", "announce")}


@pytest.fixture
def admin_server(make_server):
    return make_server({"modules.adhoc": {"admins": [f"admin@{DOMAIN}"]}})


async def login(clients, server, localpart, password=PASSWORD, resource="phone"):
    return await clients.slix(server, server.add_user(localpart, password) + "/" + resource,
                              password)


def submit(**fields: str | list[str]) -> ET.Element:
    form = ET.Element(f"{{{NS_DATA}}}x", type="submit")
    for var, value in fields.items():
        field = ET.SubElement(form, f"{{{NS_DATA}}}field", var=var)
        for text in value if isinstance(value, list) else [value]:
            ET.SubElement(field, f"{{{NS_DATA}}}value").text = text
    return form


async def command(client, node, *, action=None, sessionid=None, form=None, to=DOMAIN):
    iq = client.make_iq_set(ito=to)
    element = ET.Element(f"{{{NS_COMMANDS}}}command", node=node)
    if action:
        element.set("action", action)
    if sessionid:
        element.set("sessionid", sessionid)
    if form is not None:
        element.append(form)
    iq.append(element)
    reply = await iq.send(timeout=10)
    return reply.xml.find(f"{{{NS_COMMANDS}}}command")


async def run_admin(client, name, **fields):
    """Executes an admin command: its form, then the submitted fields; the completed answer."""
    first = await command(client, ADMIN + name)
    assert first.get("status") == "executing", ET.tostring(first)
    assert first.find(f"{{{NS_COMMANDS}}}actions/{{{NS_COMMANDS}}}complete") is not None
    done = await command(client, ADMIN + name, sessionid=first.get("sessionid"),
                         action="complete", form=submit(**fields))
    assert done.get("status") == "completed", ET.tostring(done)
    assert done.get("sessionid") == first.get("sessionid")
    return done


def field_values(answer, var):
    return [value.text for value in answer.findall(
        f"{{{NS_DATA}}}x/{{{NS_DATA}}}field[@var='{var}']/{{{NS_DATA}}}value")]


def error_of(raised):
    return raised.value.iq["error"]["condition"]


def specific_error(raised):
    error = raised.value.iq.xml.find("{jabber:client}error")
    return [child.tag.split("}")[1] for child in error if child.tag.startswith(f"{{{NS_COMMANDS}}}")]


def can_log_in(server, localpart, password):
    with RawXmppConnection(server.host, server.starttls_port, server.domain) as connection:
        connection.open_stream()
        connection.starttls()
        return "<success" in connection.try_plain(localpart, password)


async def command_items(client, to=DOMAIN):
    items = await client["xep_0030"].get_items(jid=to, node=NS_COMMANDS, timeout=10)
    return {(item[0], item[1]) for item in items["disco_items"]["items"]}


async def test_server_advertises_commands_and_lists_admin_commands_to_admins_only(
        admin_server, clients):
    admin = await login(clients, admin_server, "admin")
    user = await login(clients, admin_server, "alice")
    info = await user["xep_0030"].get_info(jid=DOMAIN, timeout=10)
    assert NS_COMMANDS in info["disco_info"]["features"]
    assert {node for _, node in await command_items(admin)} == ADMIN_NODES
    assert await command_items(user) == set()
    assert ("network@" + DOMAIN, "serverlist") in await command_items(user, "network@" + DOMAIN)


async def test_non_admin_is_forbidden_every_admin_command(admin_server, clients):
    user = await login(clients, admin_server, "alice")
    for node in sorted(ADMIN_NODES):
        with pytest.raises(IqError) as raised:
            await command(user, node)
        assert error_of(raised) == "forbidden", node
    admin_server.wait_for_log("adhoc: refused command")


async def test_unknown_command_is_item_not_found(admin_server, clients):
    admin = await login(clients, admin_server, "admin")
    with pytest.raises(IqError) as raised:
        await command(admin, ADMIN + "shutdown")
    assert error_of(raised) == "item-not-found"


async def test_add_user_creates_an_account_that_logs_in(admin_server, clients):
    admin = await login(clients, admin_server, "admin")
    done = await run_admin(admin, "add-user", FORM_TYPE="http://jabber.org/protocol/admin",
                           accountjid=f"carol@{DOMAIN}", password="pw1",
                           **{"password-verify": "pw1"})
    assert done.find(f"{{{NS_COMMANDS}}}note") is not None
    assert can_log_in(admin_server, "carol", "pw1")
    with pytest.raises(IqError) as raised:
        await run_admin(admin, "add-user", accountjid=f"carol@{DOMAIN}", password="pw2")
    assert error_of(raised) == "conflict"
    with pytest.raises(IqError) as raised:
        await run_admin(admin, "add-user", accountjid="dave@elsewhere.test", password="pw")
    assert error_of(raised) == "bad-request"
    with pytest.raises(IqError) as raised:
        await run_admin(admin, "add-user", accountjid=f"dave@{DOMAIN}", password="a",
                        **{"password-verify": "b"})
    assert error_of(raised) == "bad-request"
    assert not can_log_in(admin_server, "dave", "a")


async def test_delete_user_removes_the_account_and_ends_its_sessions(admin_server, clients):
    admin = await login(clients, admin_server, "admin")
    await login(clients, admin_server, "bob")
    admin_server.add_user("carol", PASSWORD)
    await run_admin(admin, "delete-user", accountjids=[f"bob@{DOMAIN}", f"carol@{DOMAIN}"])
    assert not can_log_in(admin_server, "bob", PASSWORD)
    assert not can_log_in(admin_server, "carol", PASSWORD)
    assert admin_server.query_storage(
        "SELECT count(*) FROM accounts WHERE username IN ('bob', 'carol')") == [(0,)]
    with pytest.raises(IqError) as raised:
        await run_admin(admin, "delete-user", accountjids=[f"bob@{DOMAIN}"])
    assert error_of(raised) == "item-not-found"


async def test_change_user_password_applies_to_the_next_login(admin_server, clients):
    admin = await login(clients, admin_server, "admin")
    admin_server.add_user("bob", PASSWORD)
    await run_admin(admin, "change-user-password", accountjid=f"bob@{DOMAIN}",
                    password="changed")
    assert can_log_in(admin_server, "bob", "changed")
    assert not can_log_in(admin_server, "bob", PASSWORD)


async def test_online_users_list_and_number_name_the_logged_in_users(admin_server, clients):
    admin = await login(clients, admin_server, "admin")
    await login(clients, admin_server, "bob", resource="one")
    await clients.slix(admin_server, f"bob@{DOMAIN}/two", PASSWORD)
    admin_server.add_user("carol", PASSWORD)  # not logged in
    listed = await command(admin, ADMIN + "get-online-users-list")
    assert listed.get("status") == "completed"
    assert sorted(field_values(listed, "onlineuserjids")) == [f"admin@{DOMAIN}", f"bob@{DOMAIN}"]
    number = await command(admin, ADMIN + "get-online-users-num")
    assert field_values(number, "onlineusersnum") == ["2"]


async def test_announcement_reaches_online_users(admin_server, clients):
    admin = await login(clients, admin_server, "admin")
    bob = await login(clients, admin_server, "bob")
    received = asyncio.get_running_loop().create_future()
    bob.add_event_handler("message", lambda message: received.done() or received.set_result(message))
    done = await run_admin(admin, "announce", subject="Maintenance",
                           announcement=["Down at 10:00", "for an hour"])
    assert "2 session" in done.find(f"{{{NS_COMMANDS}}}note").text
    message = await asyncio.wait_for(received, 10)
    assert message["type"] == "headline"
    assert message["from"] == DOMAIN
    assert message["subject"] == "Maintenance"
    assert message["body"] == "Down at 10:00\nfor an hour"


async def test_prev_cancel_and_bad_sessions(admin_server, clients):
    admin = await login(clients, admin_server, "admin")
    first = await command(admin, ADMIN + "add-user")
    session = first.get("sessionid")
    # The first stage has no previous one, and next is not offered on the last stage.
    for action in ("prev", "next"):
        with pytest.raises(IqError) as raised:
            await command(admin, ADMIN + "add-user", sessionid=session, action=action,
                          form=submit(accountjid=f"x@{DOMAIN}", password="p"))
        assert (error_of(raised), specific_error(raised)) == ("bad-request", ["bad-action"])
    with pytest.raises(IqError) as raised:
        await command(admin, ADMIN + "add-user", sessionid="no-such-session", action="complete",
                      form=submit(accountjid=f"x@{DOMAIN}", password="p"))
    assert (error_of(raised), specific_error(raised)) == ("bad-request", ["bad-sessionid"])
    with pytest.raises(IqError) as raised:
        await command(admin, ADMIN + "delete-user", sessionid=session, action="complete",
                      form=submit(accountjids=[f"x@{DOMAIN}"]))
    assert specific_error(raised) == ["bad-sessionid"], "a session belongs to its command"
    with pytest.raises(IqError) as raised:
        await command(admin, ADMIN + "add-user", action="bogus")
    assert specific_error(raised) == ["malformed-action"]

    canceled = await command(admin, ADMIN + "add-user", sessionid=session, action="cancel")
    assert canceled.get("status") == "canceled"
    with pytest.raises(IqError) as raised:
        await command(admin, ADMIN + "add-user", sessionid=session, action="complete",
                      form=submit(accountjid=f"x@{DOMAIN}", password="p"))
    assert specific_error(raised) == ["bad-sessionid"], "a canceled session is gone"
    assert not can_log_in(admin_server, "x", "p")


async def test_another_resource_cannot_continue_a_session(admin_server, clients):
    admin = await login(clients, admin_server, "admin")
    other = await clients.slix(admin_server, f"admin@{DOMAIN}/desk", PASSWORD)
    first = await command(admin, ADMIN + "add-user")
    with pytest.raises(IqError) as raised:
        await command(other, ADMIN + "add-user", sessionid=first.get("sessionid"),
                      action="complete", form=submit(accountjid=f"x@{DOMAIN}", password="p"))
    assert specific_error(raised) == ["bad-sessionid"]


async def test_open_sessions_per_user_are_bounded(make_server, clients):
    server = make_server({"modules.adhoc": {"admins": [f"admin@{DOMAIN}"],
                                            "max_sessions_per_user": 2}})
    admin = await login(clients, server, "admin")
    first = await command(admin, ADMIN + "add-user")
    await command(admin, ADMIN + "announce")
    with pytest.raises(IqError) as raised:
        await command(admin, ADMIN + "add-user")
    assert error_of(raised) == "resource-constraint"
    await command(admin, ADMIN + "add-user", sessionid=first.get("sessionid"), action="cancel")
    again = await command(admin, ADMIN + "add-user")
    assert again.get("status") == "executing"


async def test_serverlist_runs_through_the_framework(server, clients):
    alice = await login(clients, server, "alice")
    answer = await command(alice, "serverlist", to="network@" + DOMAIN)
    assert answer.get("status") == "completed" and answer.get("sessionid")
    items = answer.findall("{http://kontalk.org/extensions/serverlist}serverlist/"
                           "{http://kontalk.org/extensions/serverlist}item")
    assert [item.get("node") for item in items] == [DOMAIN]
