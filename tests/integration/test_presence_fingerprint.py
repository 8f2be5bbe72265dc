"""Spec §0, §5: every available and unavailable presence a contact receives carries
`<pubkey xmlns='urn:xmpp:pubkey:2'><print>FINGERPRINT</print></pubkey>` with the sender's
current key; the Android client (PresenceListener) fetches the key whenever the print differs
from the one it has, and marks contacts without a print as having no key.

The first presence after bind used to lack it about one time in four, so that case runs many
logins; the Android client sends its presence right after bind and <enable/>, without waiting
(android_roster.online). Clients are the Android replay client with OpenSSL-made bridge
certificates (this is about presence, not certificate encoding)."""

from __future__ import annotations

from android_client import (
    AndroidAccount,
    certified_account,
    pubkey_print,
    roll_over,
    to_xml,
)
from android_roster import make_mutual, online
from kontalk_identity import (
    backdated,
    bridge_certificate,
    fingerprint,
    make_key,
    public_binary,
    revoked,
)

LOGINS = 20


def assert_print(presence, fingerprint: str, what: str) -> None:
    assert (pubkey_print(presence) or "").upper() == fingerprint, (
        f"{what} without <print>{fingerprint}</print>: {to_xml(presence)}"
    )


async def test_first_presence_after_bind_and_the_unavailable_carry_the_fingerprint(
    make_server, tmp_path
):
    server = make_server()
    alice = certified_account(server, "+15555215554", tmp_path, android_style=False)
    bob = certified_account(server, "+15555215555", tmp_path, android_style=False)
    alice_phone = online(server, alice, smack_mechanisms=False)
    bob_phone = online(server, bob, smack_mechanisms=False)
    make_mutual(alice_phone, bob_phone)
    alice_phone.close_stream()
    bob_phone.presence_from(alice.jid, "alice leaving", type_="unavailable")

    missing = []
    for login in range(LOGINS):
        phone = online(server, alice, smack_mechanisms=False)
        arrived = bob_phone.presence_from(phone.full_jid, f"alice's presence after login {login}")
        if (pubkey_print(arrived) or "").upper() != alice.fingerprint:
            missing.append(f"login {login} available: {to_xml(arrived)}")
        phone.close_stream()
        gone = bob_phone.presence_from(phone.full_jid, f"alice leaving after login {login}",
                                       type_="unavailable")
        if (pubkey_print(gone) or "").upper() != alice.fingerprint:
            missing.append(f"login {login} unavailable: {to_xml(gone)}")
    assert not missing, f"{len(missing)} of {2 * LOGINS} presences lacked the print:\n" + "\n".join(missing)
    bob_phone.close_stream()


async def test_presence_answering_a_probe_carries_the_fingerprint(make_server, tmp_path):
    server = make_server()
    alice = certified_account(server, "+15555215554", tmp_path, android_style=False)
    bob = certified_account(server, "+15555215555", tmp_path, android_style=False)
    alice_phone = online(server, alice, smack_mechanisms=False)
    bob_phone = online(server, bob, smack_mechanisms=False)
    make_mutual(alice_phone, bob_phone)
    bob_phone.close_stream()

    # Bob comes back: his initial presence makes the server probe alice (RFC 6121 §4.3).
    bob_phone = online(server, bob, smack_mechanisms=False)
    assert_print(bob_phone.presence_from(alice_phone.full_jid, "alice's presence on bob's login"),
                 alice.fingerprint, "the presence of an online contact at login")
    assert_print(alice_phone.presence_from(bob_phone.full_jid, "bob's presence on his login"),
                 bob.fingerprint, "a contact's first presence after login")
    alice_phone.close_stream()
    bob_phone.close_stream()


async def test_presence_after_an_approval_carries_the_fingerprint(make_server, tmp_path):
    server = make_server()
    alice = certified_account(server, "+15555215554", tmp_path, android_style=False)
    bob = certified_account(server, "+15555215555", tmp_path, android_style=False)
    alice_phone = online(server, alice, smack_mechanisms=False)
    bob_phone = online(server, bob, foreground=True, smack_mechanisms=False)
    make_mutual(alice_phone, bob_phone)
    assert_print(alice_phone.presence_from(bob.jid, "bob's presence after his approval"),
                 bob.fingerprint, "the presence following an approval")
    assert_print(bob_phone.presence_from(alice.jid, "alice's presence after her approval"),
                 alice.fingerprint, "the presence following an approval")
    alice_phone.close_stream()
    bob_phone.close_stream()


async def test_new_fingerprint_appears_at_once_after_key_rollover(make_server, tmp_path):
    """RegisterKeyPairListener: the rollover IQ (FORM_TYPE register#key) on the running
    connection, then MessageCenterService.restart: disconnect, log in with the new key."""
    server = make_server()
    alice = certified_account(server, "+15555215554", tmp_path, android_style=False,
                              created=backdated(1))
    bob = certified_account(server, "+15555215555", tmp_path, android_style=False)
    alice_phone = online(server, alice, smack_mechanisms=False)
    bob_phone = online(server, bob, smack_mechanisms=False)
    make_mutual(alice_phone, bob_phone)

    new_key = make_key(alice.jid, "Android user")
    certified = roll_over(alice_phone, public_binary(new_key), revoked(alice.key, alice.certified))
    new_fingerprint = fingerprint(new_key)
    alice_phone.close_stream()
    assert_print(bob_phone.presence_from(alice_phone.full_jid, "alice leaving after the rollover",
                                         type_="unavailable"),
                 new_fingerprint, "the first presence after the rollover")

    certificate = bridge_certificate(new_key, certified, tmp_path / "rolled")
    rolled = AndroidAccount(alice.phone, alice.jid, new_key, certified, certificate)
    restarted = online(server, rolled, smack_mechanisms=False)
    assert_print(bob_phone.presence_from(restarted.full_jid, "alice back with her new key"),
                 new_fingerprint, "the presence after logging in with the new key")
    restarted.close_stream()
    bob_phone.close_stream()

