"""Kontalk legacy push (spec §8.3) against a loopback FCM stand-in (spec §8.5): disco and
registration, the trigger rules (no session, detached, idle), coalescing, FCM's answers, the
access token's life, and the journal contract (a pushed message is still delivered once)."""

from __future__ import annotations

import time

import pytest

from fcm_stand_in import CLIENT_EMAIL, Answer, FcmStandIn, fcm_error
from raw_client import RawXmppConnection

PASSWORD = "secret"
SENDER_ID = "123456789012"
NS_PUSH = "http://kontalk.org/extensions/presence#push"
NS_DISCO_INFO = "http://jabber.org/protocol/disco#info"
NS_DISCO_ITEMS = "http://jabber.org/protocol/disco#items"
NS_SM = "urn:xmpp:sm:3"
# Small enough to keep the test short, large enough that routing a message never takes longer.
MIN_INTERVAL_S = 2
IDLE_AFTER_S = 3
# A push that would come comes within this (one tick of the module's 1 s timer, and the worker).
SETTLE_S = 1.5


@pytest.fixture
def fcm(tmp_path):
    stand_in = FcmStandIn(tmp_path)
    yield stand_in
    stand_in.close()


def push_server(make_server, fcm: FcmStandIn, **options):
    return make_server({"modules.push": {
        "fcm_sender_id": SENDER_ID,
        "fcm_service_account_file": str(fcm.service_account),
        "fcm_base_url": fcm.base_url,
        "dummy": True,
        "min_interval": MIN_INTERVAL_S,
        "idle_after": IDLE_AFTER_S,
        **options,
    }})


def connect(server, localpart: str, resource: str = "phone") -> RawXmppConnection:
    client = RawXmppConnection(server.host, server.starttls_port, server.domain)
    client.login(localpart, PASSWORD, resource)
    return client


_ids = iter(range(1, 1_000_000))


def iq(client: RawXmppConnection, type_: str, to: str, payload: str) -> str:
    """Sends an IQ and returns its answer (result or error)."""
    iq_id = f"q{next(_ids)}"
    client.send(f"<iq type='{type_}' id='{iq_id}' to='{to}'>{payload}</iq>")
    return client.read_until(rf"<iq[^>]*id=['\"]{iq_id}['\"][^>]*?(/>|>.*?</iq>)")


def register(client, server, token: str, provider: str = "gcm") -> str:
    return iq(client, "set", server.jid("push"),
              f"<register xmlns='{NS_PUSH}' provider='{provider}'>{token}</register>")


def leave(client: RawXmppConnection) -> None:
    """Ends the session cleanly: no session is left for the account."""
    client.send("</stream:stream>")
    client.read_until_closed()


def chat(client, to: str, body: str, type_: str = "chat") -> None:
    client.send(f"<message type='{type_}' to='{to}' id='m{next(_ids)}'><body>{body}</body></message>")


def rows(server) -> list[tuple[str, str, str]]:
    return server.query_storage(
        "SELECT username, provider, token FROM push_registrations ORDER BY username, provider")


def sleeping_user(server, localpart: str, token: str) -> str:
    """An account that registered `token` and has no session now; its bare JID."""
    jid = server.add_user(localpart, PASSWORD)
    client = connect(server, localpart)
    assert "type='result'" in register(client, server, token)
    leave(client)
    return jid


def detached_user(server, localpart: str, token: str) -> None:
    """An account that registered `token` and whose resumable session's connection broke
    (XEP-0198 §5): the server keeps the session, detached, for a resumption."""
    server.add_user(localpart, PASSWORD)
    client = connect(server, localpart)
    assert "type='result'" in register(client, server, token)
    client.send(f"<enable xmlns='{NS_SM}' resume='true'/>")
    client.read_until(r"<enabled[^>]*>")
    client.send("<presence/>")
    client.close()  # no </stream:stream>
    server.wait_for_log(f"session {server.jid(localpart)}/phone detached")


def settled_without_push(fcm: FcmStandIn, token: str, marker_token: str, trigger) -> None:
    """No new push for `token` although a push caused later (`trigger` ends with a message for
    `marker_token`'s account) came, and a while more passed."""
    had = len(fcm.pushes_for(token))
    before = len(fcm.pushes_for(marker_token))
    trigger()
    fcm.wait_for_pushes(marker_token, before + 1)
    time.sleep(SETTLE_S)
    assert len(fcm.pushes_for(token)) == had, [p.body for p in fcm.pushes_for(token)]


def test_disco_and_registration(make_server, fcm):
    """P1: the feature and the provider items the client looks for; register, replace, unregister."""
    server = push_server(make_server, fcm)
    server.add_user("alice", PASSWORD)
    alice = connect(server, "alice")
    info = iq(alice, "get", server.domain, f"<query xmlns='{NS_DISCO_INFO}'/>")
    assert f"var='{NS_PUSH}'" in info, info
    items = iq(alice, "get", server.domain, f"<query xmlns='{NS_DISCO_ITEMS}'/>")
    assert f"jid='push@{server.domain}'" in items, items
    node = iq(alice, "get", server.domain, f"<query xmlns='{NS_DISCO_ITEMS}' node='{NS_PUSH}'/>")
    # The client takes the item whose jid is exactly gcm.push.DOMAIN, its node the sender id.
    assert f"<item jid='gcm.push.{server.domain}' node='{SENDER_ID}'" in node, node
    assert f"<item jid='dummy.push.{server.domain}' node='dummy'" in node, node

    assert "item-not-found" in register(alice, server, "tok", provider="apns")
    assert "bad-request" in register(alice, server, "   ")
    assert "bad-request" in register(alice, server, "x" * 4097)
    assert rows(server) == []

    assert "type='result'" in register(alice, server, "first-token")
    assert "type='result'" in register(alice, server, "second-token")
    assert rows(server) == [("alice", "gcm", "second-token")]
    assert "type='result'" in iq(alice, "set", server.jid("push"),
                                 f"<unregister xmlns='{NS_PUSH}' provider='gcm'/>")
    assert rows(server) == []
    # Unregistering what is not registered is no error.
    assert "type='result'" in iq(alice, "set", server.jid("push"),
                                 f"<unregister xmlns='{NS_PUSH}' provider='gcm'/>")
    alice.close()


def test_message_to_offline_user_pushes_and_is_delivered_once(make_server, fcm):
    """P2 and the journal contract: one POST as §8.3 shows it; the phone then gets the message."""
    server = push_server(make_server, fcm)
    server.add_user("alice", PASSWORD)
    bob = sleeping_user(server, "bob", "bob-token")
    alice = connect(server, "alice")
    chat(alice, bob, "wake up")
    (push,) = fcm.wait_for_pushes("bob-token", 1)
    assert push.authorization == "Bearer test-token"
    assert push.body == {"message": {
        "token": "bob-token", "data": {"action": "org.kontalk.CHECK_MESSAGES"},
        "android": {"priority": "high", "collapse_key": "new"}}}
    claims = fcm.verify_assertion(fcm.token_requests[0])
    assert claims["iss"] == CLIENT_EMAIL
    assert claims["scope"] == "https://www.googleapis.com/auth/firebase.messaging"
    assert claims["aud"] == f"{fcm.base_url}/token"
    assert claims["exp"] == claims["iat"] + 3600

    phone = connect(server, "bob")
    phone.send("<presence/>")
    phone.read_until(r"<body>wake up</body>")
    chat(alice, bob + "/phone", "marker")
    received = phone.read_until(r"<body>marker</body>")
    assert "wake up" not in received, "the pushed message was delivered twice"
    alice.close()
    phone.close()


def test_burst_is_coalesced(make_server, fcm):
    """P3: a burst gives a push at once and one when min_interval ends; a user who connects
    within the interval gets no second push."""
    server = push_server(make_server, fcm)
    server.add_user("alice", PASSWORD)
    bob = sleeping_user(server, "bob", "bob-token")
    carol = sleeping_user(server, "carol", "carol-token")
    alice = connect(server, "alice")
    for index in range(5):
        chat(alice, bob, f"burst {index}")
    first, second = fcm.wait_for_pushes("bob-token", 2)
    assert second.at - first.at >= MIN_INTERVAL_S - 0.5, "the follow-up came before min_interval"
    time.sleep(MIN_INTERVAL_S + SETTLE_S)
    assert len(fcm.pushes_for("bob-token")) == 2, "more than one follow-up push"

    for index in range(5):
        chat(alice, carol, f"burst {index}")
    fcm.wait_for_pushes("carol-token", 1)
    phone = connect(server, "carol")
    phone.send("<presence/>")
    phone.read_until(r"<body>burst 4</body>")
    time.sleep(MIN_INTERVAL_S + SETTLE_S)
    assert len(fcm.pushes_for("carol-token")) == 1, "a follow-up although the phone connected"
    alice.close()
    phone.close()


def test_reachability_rules(make_server, fcm):
    """P4 and the detached session: idle and detached sessions get pushes; an active session,
    chat states alone and groupchat do not."""
    server = push_server(make_server, fcm)
    server.add_user("alice", PASSWORD)
    marker = sleeping_user(server, "marker", "marker-token")
    alice = connect(server, "alice")

    # Active: the session just spoke; chat states and groupchat never wake anyone.
    server.add_user("carol", PASSWORD)
    carol = connect(server, "carol")
    assert "type='result'" in register(carol, server, "carol-token")
    carol.send("<presence/>")

    def quiet_triggers():
        carol.send("<iq type='get' id='ping1'><ping xmlns='urn:xmpp:ping'/></iq>")
        chat(alice, server.jid("carol"), "you are here")
        dan_jid = server.jid("dan")
        alice.send(f"<message type='chat' to='{dan_jid}'>"
                   "<composing xmlns='http://jabber.org/protocol/chatstates'/></message>")
        chat(alice, dan_jid, "group", type_="groupchat")
        chat(alice, marker, "marker")

    sleeping_user(server, "dan", "dan-token")
    settled_without_push(fcm, "carol-token", "marker-token", quiet_triggers)
    assert fcm.pushes_for("dan-token") == []

    # Idle: carol says nothing for idle_after.
    time.sleep(IDLE_AFTER_S + 0.5)
    chat(alice, server.jid("carol"), "are you there?")
    fcm.wait_for_pushes("carol-token", 1)
    carol.close()

    # Detached: a resumable session whose connection broke (XEP-0198 §5).
    detached_user(server, "erin", "erin-token")
    chat(alice, server.jid("erin"), "while you were away")
    fcm.wait_for_pushes("erin-token", 1)
    alice.close()


def test_fcm_answers(make_server, fcm):
    """P5, P6: UNREGISTERED deletes the registration; 503s are retried honouring Retry-After;
    a 401 fetches a new access token and retries once."""
    server = push_server(make_server, fcm)
    server.add_user("alice", PASSWORD)
    marker = sleeping_user(server, "marker", "marker-token")
    bob = sleeping_user(server, "bob", "bob-token")
    carol = sleeping_user(server, "carol", "carol-token")
    dan = sleeping_user(server, "dan", "dan-token")
    alice = connect(server, "alice")

    fcm.script("bob-token", fcm_error(404, "NOT_FOUND", "UNREGISTERED"))
    chat(alice, bob, "one")
    fcm.wait_for_pushes("bob-token", 1)
    deadline = time.monotonic() + 10
    while ("bob", "gcm", "bob-token") in rows(server):
        assert time.monotonic() < deadline, f"registration kept: {rows(server)}"
        time.sleep(0.05)
    time.sleep(MIN_INTERVAL_S)  # past the coalescing interval: the next message would push
    settled_without_push(fcm, "bob-token", "marker-token", lambda: (
        chat(alice, bob, "two"), chat(alice, marker, "marker")))

    fcm.script("carol-token", Answer(503, {"error": {"status": "UNAVAILABLE"}}, {"Retry-After": "1"}),
               Answer(503, {"error": {"status": "UNAVAILABLE"}}))
    chat(alice, carol, "retry me")
    first, second, third = fcm.wait_for_pushes("carol-token", 3)
    assert second.at - first.at >= 0.5 and third.at - second.at >= 1.5, "retried without back-off"

    tokens_before = len(fcm.token_requests)
    fcm.script("dan-token", Answer(401, {"error": {"status": "UNAUTHENTICATED"}}))
    chat(alice, dan, "new token")
    first, second = fcm.wait_for_pushes("dan-token", 2)
    assert len(fcm.token_requests) == tokens_before + 1
    assert first.authorization != second.authorization
    assert second.authorization == f"Bearer test-token-{tokens_before + 1}"
    assert ("dan", "gcm", "dan-token") in rows(server)
    alice.close()


def test_access_token_is_renewed_before_expiry(make_server, fcm):
    """Spec §8.3: the token is cached until 60 s before expires_in ends."""
    fcm.expires_in = 61  # renewed after 1 s
    server = push_server(make_server, fcm)
    server.add_user("alice", PASSWORD)
    bob = sleeping_user(server, "bob", "bob-token")
    carol = sleeping_user(server, "carol", "carol-token")
    alice = connect(server, "alice")
    chat(alice, bob, "one")
    (first,) = fcm.wait_for_pushes("bob-token", 1)
    time.sleep(1.2)
    chat(alice, carol, "two")
    (second,) = fcm.wait_for_pushes("carol-token", 1)
    assert len(fcm.token_requests) == 2
    assert first.authorization == "Bearer test-token"
    assert second.authorization == "Bearer test-token-2"
    alice.close()


def test_full_jid_of_detached_or_idle_session_pushes(make_server, fcm):
    """§8.3 counts sessions, not addresses: a message to the full JID of a detached or idle
    session wakes the phone as one to the bare JID does."""
    server = push_server(make_server, fcm)
    server.add_user("alice", PASSWORD)
    alice = connect(server, "alice")

    detached_user(server, "erin", "erin-token")
    chat(alice, server.jid("erin") + "/phone", "to your resource")
    fcm.wait_for_pushes("erin-token", 1)

    server.add_user("carol", PASSWORD)
    carol = connect(server, "carol")
    assert "type='result'" in register(carol, server, "carol-token")
    carol.send("<presence/>")
    time.sleep(IDLE_AFTER_S + 0.5)
    chat(alice, server.jid("carol") + "/phone", "still there?")
    fcm.wait_for_pushes("carol-token", 1)
    carol.close()
    alice.close()


def test_shutdown_does_not_wait_for_a_hanging_provider(make_server, fcm):
    """A provider that never answers must not hold the exit for fcm_timeout (60 s here): the
    server exits within the harness's shutdown bound (kontalk_server.SHUTDOWN_TIMEOUT_S) or
    the test fails. The measured time is printed."""
    server = push_server(make_server, fcm, fcm_timeout=60)
    server.add_user("alice", PASSWORD)
    bob = sleeping_user(server, "bob", "bob-token")
    alice = connect(server, "alice")
    fcm.hang()
    chat(alice, bob, "into the void")
    fcm.wait_for_pushes("bob-token", 1)  # the push is in flight now
    alice.close()
    started = time.monotonic()
    server.terminate()
    assert server.wait_exit() == 0
    print(f"shutdown with a push in flight took {time.monotonic() - started:.2f} s")
