"""A DNS server on loopback for federation tests: answers `_xmpp-server._tcp.DOMAIN` SRV queries
with `127.0.0.1` and the port the test mapped DOMAIN to, everything else with NXDOMAIN.

For ejabberd, which has no per-domain address map: its SRV lookups go to the nameserver of its
private inetrc (this server); the SRV target `127.0.0.1` it then resolves through libc, which
reads it as an address. Runs in a thread of the test process; dnspython (Debian's
python3-dnspython) parses and builds the messages.
"""

from __future__ import annotations

import socket
import threading

import dns.flags
import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

HOST = "127.0.0.1"
SERVICE = "_xmpp-server._tcp."


def ejabberd_inetrc(dns_port: int, own_domain: str) -> str:
    """An Erlang inetrc for ejabberd whose only nameserver is a SrvDnsServer on `dns_port`; its
    own domain resolves to loopback from the hosts table."""
    return ('{resolv_conf, ""}.\n'  # no resolv.conf: its nameservers would be asked before ours
            "{lookup, [file, native]}.\n"
            f'{{host, {{127,0,0,1}}, ["localhost", "{own_domain}"]}}.\n'
            f"{{nameserver, {{127,0,0,1}}, {dns_port}}}.\n")


class SrvDnsServer:
    def __init__(self) -> None:
        self.ports: dict[str, int] = {}  # domain -> s2s port, edited by the test before lookups
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._socket.bind((HOST, 0))
        self._socket.settimeout(0.2)
        self.port = self._socket.getsockname()[1]
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="srv-dns", daemon=True)
        self._thread.start()

    def _answer(self, query: dns.message.Message) -> dns.message.Message:
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        question = query.question[0] if query.question else None
        name = question.name.to_text() if question is not None else ""  # an empty RRset is falsy
        domain = name[len(SERVICE):].rstrip(".") if name.startswith(SERVICE) else ""
        if question is None or question.rdtype != dns.rdatatype.SRV or domain not in self.ports:
            response.set_rcode(dns.rcode.NXDOMAIN)
            return response
        response.answer.append(dns.rrset.from_text(
            question.name, 60, dns.rdataclass.IN, dns.rdatatype.SRV,
            f"0 0 {self.ports[domain]} {HOST}."))
        return response

    def _serve(self) -> None:
        while not self._stopping.is_set():
            try:
                data, client = self._socket.recvfrom(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                query = dns.message.from_wire(data)
            except Exception:  # noqa: BLE001 - a malformed query gets no answer, like a real server
                continue
            self._socket.sendto(self._answer(query).to_wire(), client)

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=2)
        self._socket.close()
