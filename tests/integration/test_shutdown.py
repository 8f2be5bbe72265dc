"""SIGTERM is a graceful shutdown: open streams are closed properly, exit code 0."""

from __future__ import annotations

import asyncio
import re
import shutil
import socket
import subprocess

from clients import REPLY_TIMEOUT_S
from kontalk_server import SHUTDOWN_TIMEOUT_S, STARTUP_TIMEOUT_S, binary, shared_server_key
from raw_client import RawXmppConnection

PASSWORD = "secret"


def test_sigterm_closes_unauthenticated_streams_and_exits_zero(server):
    with RawXmppConnection(server.host, server.starttls_port, server.domain) as plain, \
            RawXmppConnection(server.host, server.starttls_port, server.domain) as tls, \
            RawXmppConnection(server.host, server.direct_tls_port, server.domain,
                              direct_tls=True) as direct:
        plain.open_stream()
        tls.open_stream()
        tls.starttls()
        direct.open_stream()

        server.terminate()

        for name, raw in (("plain", plain), ("starttls", tls), ("direct TLS", direct)):
            remaining = raw.read_until_closed(timeout=SHUTDOWN_TIMEOUT_S)
            # RFC 6120 §4.4: the closing side sends </stream:stream> before closing TCP.
            assert "</stream:stream>" in remaining, (
                f"{name} stream closed without </stream:stream>; received:\n{raw.transcript}"
            )
    exit_code = server.wait_exit()
    assert exit_code == 0, f"kontalkd exited with {exit_code}\n{server.log_tail()}"


async def test_sigterm_disconnects_authenticated_client_and_exits_zero(server, clients):
    alice = await clients.slix(server, server.add_user("alice", PASSWORD), PASSWORD)

    server.terminate()

    await asyncio.wait_for(alice.closed.wait(), SHUTDOWN_TIMEOUT_S + REPLY_TIMEOUT_S)
    exit_code = await asyncio.to_thread(server.wait_exit)
    assert exit_code == 0, f"kontalkd exited with {exit_code}\n{server.log_tail()}"


def test_sigterm_with_a_client_that_never_reads_exits_zero(make_server):
    # Issue 11 item 9: a stream that outlived the shutdown grace (its peer does not read, so its
    # closing bytes never leave) crashed the server as the shards went away beneath it. A large
    # outbound cap keeps the stream from being closed for overflow before the shutdown; a large
    # inbound byte rate lets the sender's 24 MB in quickly (the default would take ~90 s).
    server = make_server({"limits": {"max_outbound_queue_bytes": 64 << 20,
                                     "bytes_per_second": 1 << 30, "byte_burst": 1 << 30}})
    server.add_user("alice", PASSWORD)
    server.add_user("bob", PASSWORD)
    stuck = RawXmppConnection(server.host, server.starttls_port, server.domain)
    stuck.login("alice", PASSWORD, "stuck")
    stuck.send("<presence/>")
    stuck.sock.setsockopt(__import__("socket").SOL_SOCKET, __import__("socket").SO_RCVBUF, 4096)
    with RawXmppConnection(server.host, server.starttls_port, server.domain) as sender:
        sender.login("bob", PASSWORD, "sender")
        body = "x" * 60000
        for number in range(400):  # far more than the socket buffers hold: the writer blocks
            sender.send(f"<message to='alice@{server.domain}/stuck' type='chat' "
                        f"id='m{number}'><body>{body}</body></message>")
        sender.send(f"<iq type='get' id='fence' to='{server.domain}'>"
                    "<ping xmlns='urn:xmpp:ping'/></iq>")
        sender.read_until(r"id=['\"]fence['\"]")
        server.terminate()
        exit_code = server.wait_exit(timeout=SHUTDOWN_TIMEOUT_S * 3)
    stuck.close()
    assert exit_code == 0, f"kontalkd exited with {exit_code}\n{server.log_tail()}"


def test_a_listen_address_in_use_stops_the_started_modules_and_exits_non_zero(make_server):
    # Issue 19: a start-up that fails after the modules started (the c2s port is taken, so a
    # listener cannot bind) stops them in reverse order as a shutdown does, and says why.
    server = make_server(start=False)
    key = server.data_dir / "pgp" / "server-key.sec"
    key.parent.mkdir(mode=0o700)
    shutil.copyfile(shared_server_key(), key)
    key.chmod(0o600)
    with socket.socket() as taken:
        taken.bind((server.host, server.starttls_port))
        taken.listen()
        completed = subprocess.run(
            [str(binary("kontalkd")), "--config", str(server.config_path)],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=STARTUP_TIMEOUT_S)
    output = completed.stdout + completed.stderr
    assert completed.returncode == 1, output
    error = (f"cannot start: cannot listen on {server.host}:{server.starttls_port}: "
             "Address already in use")
    assert error in output, output
    started = re.findall(r"module (\S+) started", output)
    stopped = re.findall(r"module (\S+) stopped", output)
    assert started, output
    assert stopped == list(reversed(started)), output
    assert output.rindex(" stopped") < output.index(error), output
