"""kontalkd under a service manager (the package's unit is Type=notify): READY=1 once clients
can connect, STOPPING=1 when SIGTERM starts the shutdown; sd_notify(3) datagrams on the Unix
socket $NOTIFY_SOCKET names, a path or an abstract address ('@')."""

from __future__ import annotations

import os
import socket
import tempfile
from pathlib import Path

import pytest

from kontalk_server import HOST, STARTUP_TIMEOUT_S


@pytest.fixture
def notify_socket(request):
    """A datagram socket the test owns, as systemd's; yields (socket, NOTIFY_SOCKET value)."""
    receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    receiver.settimeout(STARTUP_TIMEOUT_S)
    # sockaddr_un holds about 108 bytes: pytest's tmp_path can be longer.
    directory = Path(tempfile.mkdtemp(prefix="kontalk-notify-"))
    if request.param == "path":
        address = str(directory / "notify")
        receiver.bind(address)
        value = address
    else:
        name = f"kontalk-notify-{os.getpid()}-{directory.name}"
        receiver.bind("\0" + name)
        value = "@" + name
    yield receiver, value
    receiver.close()
    for leftover in directory.iterdir():
        leftover.unlink()
    directory.rmdir()


@pytest.mark.parametrize("notify_socket", ["path", "abstract"], indirect=True)
def test_ready_after_listeners_accept_then_stopping_at_shutdown(make_server, notify_socket):
    receiver, value = notify_socket
    server = make_server(start=False)
    server.start(environment={"NOTIFY_SOCKET": value}, wait=False)

    assert receiver.recv(4096) == b"READY=1", server.log_tail()
    # Right after READY=1, without any waiting: both client ports already accept.
    for port in (server.starttls_port, server.direct_tls_port):
        socket.create_connection((HOST, port), timeout=1).close()

    server.terminate()
    assert receiver.recv(4096) == b"STOPPING=1", server.log_tail()
    assert server.wait_exit() == 0, server.log_tail()


def test_a_server_that_cannot_start_never_reports_ready(make_server):
    receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    name = f"kontalk-notify-{os.getpid()}-failing"
    receiver.bind("\0" + name)
    receiver.settimeout(0.5)
    with receiver:
        # Both client listeners on one port: the second bind fails at start-up.
        server = make_server(start=False)
        busy = socket.socket()
        busy.bind((HOST, 0))
        busy.listen()
        with busy:
            port = busy.getsockname()[1]
            server.config_path.write_text(
                server.config_path.read_text().replace(
                    f"{HOST}:{server.starttls_port}", f"{HOST}:{port}"
                )
            )
            server.start(environment={"NOTIFY_SOCKET": "@" + name}, wait=False)
            assert server.process.wait(timeout=STARTUP_TIMEOUT_S) != 0
        server.process = None  # its failed start is the point; the fixture must not stop it
        server._close_log()
        with pytest.raises(TimeoutError):
            receiver.recv(4096)
