"""Which SASL mechanisms a client with a certificate is offered (`[c2s] certificate_login`).

Smack 4.3 (the Android client) prefers SCRAM-SHA-1, DIGEST-MD5 and others to EXTERNAL and
would try them with an empty user name, so by default ("exclusive") a client that presented a
certificate is offered only EXTERNAL. "also" offers EXTERNAL beside the password mechanisms.
Without a certificate, the password mechanisms as always and no EXTERNAL."""

from __future__ import annotations

from android_client import AndroidClient, certified_account

PASSWORD_MECHANISMS = {"SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"}


def offered(server, tmp_path, *, certificate: str) -> list[str]:
    if certificate == "bridge":
        account = certified_account(server, "+15555215554", tmp_path, android_style=False)
        client = AndroidClient(server, account)
    else:
        client = AndroidClient(server, None)
    with client:
        client.connect()
        return client.mechanisms()


async def test_by_default_a_bridge_certificate_is_offered_only_external(make_server, tmp_path):
    server = make_server()
    assert offered(server, tmp_path, certificate="bridge") == ["EXTERNAL"]


async def test_without_a_certificate_the_password_mechanisms_and_no_external(make_server, tmp_path):
    server = make_server()
    mechanisms = offered(server, tmp_path, certificate="none")
    assert "EXTERNAL" not in mechanisms
    assert PASSWORD_MECHANISMS <= set(mechanisms), mechanisms


async def test_certificate_login_also_offers_external_and_password_mechanisms(make_server, tmp_path):
    server = make_server({"c2s": {"certificate_login": "also"}})
    mechanisms = offered(server, tmp_path, certificate="bridge")
    assert "EXTERNAL" in mechanisms, mechanisms
    assert PASSWORD_MECHANISMS <= set(mechanisms), mechanisms


async def test_certificate_login_also_still_logs_in_with_external(make_server, tmp_path):
    server = make_server({"c2s": {"certificate_login": "also"}})
    account = certified_account(server, "+15555215554", tmp_path, android_style=False)
    with AndroidClient(server, account, smack_mechanisms=False) as client:
        assert client.login() == f"{account.jid}/{client.resource}"
