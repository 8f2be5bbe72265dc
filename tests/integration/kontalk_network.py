"""Kontalk networks of kontalkd on loopback (spec §7.10), shared by the network tests: servers
that list each other in `[[modules.network.servers]]` and map each other in `[s2s] hosts`,
users logged in once as the Android client does (phone-hash localparts, spec §1), and the
roster-match helpers.

Users: alice and erin on a.test, bob on b.test, carol on c.test, dave nowhere; a user is made
only when its server runs.
"""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from android_client import (
    NS_KONTALK_ROSTER,
    AndroidAccount,
    AndroidClient,
    certified_account,
    q,
    to_xml,
)
from android_roster import online
from federation_certs import FederationCa, self_signed
from kontalk_server import HOST, KontalkServer, free_port, shared_server_key, to_toml
from registration_client import username_for

PHONES = {
    "alice": "+15555217001",
    "erin": "+15555217002",
    "bob": "+15555217003",
    "carol": "+15555217004",
    "dave": "+15555217005",
}
HOME = {"alice": "a.test", "erin": "a.test", "bob": "b.test", "carol": "c.test"}
NS_COMMANDS = "http://jabber.org/protocol/commands"
# Each user's OpenPGP key, made once per test process (a second or two each) and certified anew
# by each network's servers.
_KEYS: dict[str, Any] = {}


class Network:
    def __init__(self, root: Path):
        self.servers: dict[str, KontalkServer] = {}
        self.fingerprints: dict[str, str] = {}
        self.accounts: dict[str, AndroidAccount] = {}
        self.s2s_ports: dict[str, int] = {}
        self.root = root


def unique_ports(count: int) -> list[int]:
    ports: set[int] = set()
    while len(ports) < count:
        ports.add(free_port())
    return list(ports)


def _stop_all(servers) -> list[str]:
    failures = []
    for server in servers:
        try:
            server.stop()
        except AssertionError as error:
            failures.append(str(error))
    return failures


@contextmanager
def running_network(
    root: Path,
    domains: tuple[str, ...],
    *,
    ca: FederationCa | None,
    probe_timeout: int,
    own_keys: bool = False,
    peers: dict[str, tuple[int, str]] | None = None,
    s2s: dict[str, dict[str, Any]] | None = None,
) -> Iterator[Network]:
    """Runs kontalkd for each of `domains`, each listing and mapping the others, and logs in
    their users once. `ca`: the test CA signs their certificates (links use SASL EXTERNAL);
    None: self-signed ones (dialback). `own_keys`: a server key each (the fingerprints differ;
    about a second per server), else the suite's shared key. `peers`: other domains every
    server maps to a port (a fake peer) and lists with a fingerprint. `s2s`: extra `[s2s]`
    settings per domain."""
    net = Network(root)
    peers = peers or {}
    net.s2s_ports = dict(zip(domains, unique_ports(len(domains))))
    try:
        for domain in domains:
            pair = ca.issue(domain) if ca is not None else self_signed(root / "certs", domain)
            server = KontalkServer(root / domain, {
                "server": {"domain": domain},
                "tls": {"certificate": str(pair.certificate),
                        "private_key": str(pair.private_key)},
            }, reuse_server_key=not own_keys)
            net.servers[domain] = server
            if own_keys:
                generated = server.ctl("key", "generate")
                assert generated.returncode == 0, generated.stderr
            else:  # what start() would do, now: the others list its fingerprint
                key = server.data_dir / "pgp" / "server-key.sec"
                key.parent.mkdir(mode=0o700, exist_ok=True)
                shutil.copyfile(shared_server_key(), key)
                key.chmod(0o600)
            shown = server.ctl("key", "show")
            net.fingerprints[domain] = re.search(
                r"fingerprint ([0-9A-Fa-f]{40})", shown.stdout).group(1).upper()
        for domain, server in net.servers.items():
            others = [other for other in domains if other != domain]
            hosts = {other: f"{HOST}:{net.s2s_ports[other]}" for other in others}
            hosts.update({peer: f"{HOST}:{port}" for peer, (port, _) in peers.items()})
            server.config["s2s"] = {"listen": [f"{HOST}:{net.s2s_ports[domain]}"],
                                    "hosts": hosts, **(s2s or {}).get(domain, {})}
            if ca is not None:
                server.config["s2s"]["ca_file"] = str(ca.certificate)
            listed = [{"domain": other, "fingerprint": net.fingerprints[other]}
                      for other in others]
            listed += [{"domain": peer, "fingerprint": fingerprint}
                       for peer, (_, fingerprint) in peers.items() if fingerprint]
            server.config["modules.network"] = {"probe_timeout": probe_timeout,
                                                "servers": listed}
            server.config["modules.register"] = {"provider": "fixed", "fixed_code": "123456"}
            server.config_path.write_text(to_toml(server.config))
            server.start()
        # Accounts are made at their first certificate login (spec §3), which also puts the
        # user's key in the keyring (pubkey, N8).
        for user, domain in HOME.items():
            if domain not in net.servers:
                continue
            account = certified_account(net.servers[domain], PHONES[user], root / "users",
                                        android_style=False, key=_KEYS.get(user))
            _KEYS[user] = account.key
            net.accounts[user] = account
            with AndroidClient(net.servers[domain], account, smack_mechanisms=False) as phone:
                phone.login()
        yield net
    finally:
        failures = _stop_all(net.servers.values())
        for server in net.servers.values():
            server.drop_storage()
    assert not failures, "\n".join(failures)


def network_localpart(user: str) -> str:
    return username_for(PHONES[user])


def online_user(network: Network, user: str) -> AndroidClient:
    return online(network.servers[HOME[user]], network.accounts[user], foreground=True,
                  smack_mechanisms=False)


def roster_match(client: AndroidClient, domain: str, jids: list[str]) -> ET.Element:
    items = "".join(f"<item jid='{jid}'/>" for jid in jids)
    return client.iq("get", f"<query xmlns='{NS_KONTALK_ROSTER}'>{items}</query>",
                     to=f"probe@{domain}")


def matched(reply: ET.Element) -> list[str]:
    assert reply.get("type") == "result", to_xml(reply)
    return [item.get("jid") for item in reply.iter(q("item", NS_KONTALK_ROSTER))]


def everyone_written_at(domain: str, users=("erin", "bob", "carol", "dave")) -> list[str]:
    """What a client sends: every address-book number with its own server's domain."""
    return [f"{network_localpart(user)}@{domain}" for user in users]


def home_jids(*users: str) -> list[str]:
    return [f"{network_localpart(user)}@{HOME[user]}" for user in users]


def serverlist(client: AndroidClient, domain: str) -> list[tuple[str, str]]:
    """network@DOMAIN's serverlist command (spec §7.3): (domain, fingerprint) per item."""
    reply = client.iq("set", f"<command xmlns='{NS_COMMANDS}' node='serverlist' "
                             "action='execute'/>", to=f"network@{domain}")
    assert reply.get("type") == "result", to_xml(reply)
    return [(item.get("node"), item.get("fingerprint"))
            for item in reply.iter("{http://kontalk.org/extensions/serverlist}item")]
