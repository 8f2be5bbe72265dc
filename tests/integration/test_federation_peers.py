"""The federation test harness itself (spec §7.10 notes): Prosody 0.12 and ejabberd 23.01 from
Debian, started with private configs on loopback, federate with each other, once over dialback
(self-signed certificates) and once over SASL EXTERNAL (certificates from the test CA).

This tests no kontalkd code. It exists so that when an interoperability test of kontalkd with
either server fails, this one says whether the harness (the host map plugin, the test DNS
server, the certificates) or kontalkd is at fault.
"""

from __future__ import annotations

import pytest

from federation_certs import FederationCa, self_signed
from federation_peers import EjabberdPeer, ProsodyPeer, SrvDnsServer

PASSWORD = "secret"
TIMEOUT_S = 20.0


@pytest.mark.parametrize("secure", [False, True], ids=["dialback", "sasl-external"])
async def test_prosody_and_ejabberd_federate(tmp_path, clients, secure):
    ca = FederationCa(tmp_path / "ca")
    certificates = {
        domain: ca.issue(domain) if secure else self_signed(tmp_path / "certs", domain)
        for domain in ("p.test", "e.test")
    }
    ca_file = ca.certificate if secure else None
    prosody = ProsodyPeer(tmp_path / "prosody", "p.test", certificates["p.test"], secure=secure,
                          ca_file=ca_file)
    ejabberd = EjabberdPeer(tmp_path / "ejabberd", "e.test", certificates["e.test"],
                            secure=secure, ca_file=ca_file)
    dns = SrvDnsServer()
    prosody.host_map = {"e.test": f"127.0.0.1:{ejabberd.s2s_port}"}
    dns.ports["p.test"] = prosody.s2s_port
    ejabberd.dns_port = dns.port
    try:
        prosody.register("u", PASSWORD)
        prosody.start()
        ejabberd.start()
        ejabberd.register("u", PASSWORD)
        on_prosody = await clients.slix(prosody, "u@p.test", PASSWORD, mechanism="PLAIN")
        on_ejabberd = await clients.slix(ejabberd, "u@e.test", PASSWORD, mechanism="PLAIN")
        for client in (on_prosody, on_ejabberd):
            client.send_presence()  # both servers drop chat to an account with no available resource
            await client.barrier()
        on_prosody.send_message(mto="u@e.test", mbody="to ejabberd", mtype="chat")
        assert (await on_ejabberd.next_message(TIMEOUT_S))["body"] == "to ejabberd"
        on_ejabberd.send_message(mto="u@p.test", mbody="to prosody", mtype="chat")
        assert (await on_prosody.next_message(TIMEOUT_S))["body"] == "to prosody"
    finally:
        ejabberd.stop()  # also flushes its log, which ejabberd writes asynchronously
        prosody.stop()
        dns.stop()
    if secure:
        assert ejabberd.log_contains("Accepted inbound s2s EXTERNAL authentication p.test")
        assert prosody.log_contains("Accepting SASL EXTERNAL identity from e.test")
