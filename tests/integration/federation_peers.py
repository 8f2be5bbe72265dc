"""Other XMPP servers as federation peers for the s2s tests (spec §7.10): one import for the
test modules. Each peer is a child process with a private config on loopback ports."""

from ejabberd_peer import EjabberdPeer
from prosody_peer import ProsodyPeer
from srv_dns_server import SrvDnsServer

__all__ = ["EjabberdPeer", "ProsodyPeer", "SrvDnsServer"]
