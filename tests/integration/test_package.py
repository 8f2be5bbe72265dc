"""The Debian package (`make package`) installed into a fresh Debian 12 root as an operator
would (apt install ./kontalk-server_*.deb), then its kontalkd run from the installed files: the
packaged unit verified with systemd-analyze, the conffile, the kontalk user and data directory,
the man pages; the server started as the unit starts it (its user, its configuration with ports
moved off the standard ones, NOTIFY_SOCKET) and a client logging in."""

from __future__ import annotations

import re
import socket
import subprocess
import types
from pathlib import Path

import pytest

from clients import login_slixmpp
from debian_root import extract_root, in_root, start_in_root
from kontalk_server import HOST, STARTUP_TIMEOUT_S, build_dir, free_port

PASSWORD = "secret"
CONFFILE = "etc/kontalk/kontalkd.toml"
UNIT = "lib/systemd/system/kontalkd.service"


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    """The .deb of this build, made by CPack as `make package` makes it."""
    output = tmp_path_factory.mktemp("package")
    built = subprocess.run(
        ["cpack", "-G", "DEB", "-B", str(output), "--config", str(build_dir() / "CPackConfig.cmake")],
        cwd=build_dir(), capture_output=True, text=True, timeout=300,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    debs = list(output.glob("kontalk-server_*.deb"))
    assert len(debs) == 1, f"cpack made {debs}"
    return debs[0]


@pytest.fixture
def installed_root(package, tmp_path) -> Path:
    if subprocess.run(["id", "-u"], capture_output=True, text=True).stdout.strip() != "0":
        pytest.fail("installing into a Debian root needs root (chroot, mount)")
    root = extract_root(tmp_path / "root")
    (root / "tmp" / package.name).write_bytes(package.read_bytes())
    installed = in_root(root, f"apt-get install -y -q --no-install-recommends /tmp/{package.name}")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return root


def _control_field(package: Path, field: str) -> str:
    return subprocess.run(["dpkg-deb", "--field", str(package), field],
                          capture_output=True, text=True, check=True).stdout.strip()


def test_package_depends_on_the_libraries_it_links(package):
    depends = _control_field(package, "Depends")
    for library in ("libssl3", "libsqlite3-0", "librnp0", "libc6", "adduser", "procps"):
        assert re.search(rf"\b{library}\b", depends), f"{library} missing from Depends: {depends}"


async def test_installed_package_serves_a_client(installed_root, tmp_path):
    root = installed_root
    # The files and what postinst made.
    for path in ("usr/sbin/kontalkd", "usr/sbin/kontalkctl", UNIT, CONFFILE,
                 "usr/share/man/man8/kontalkd.8.gz", "usr/share/man/man8/kontalkctl.8.gz",
                 "usr/share/doc/kontalk-server/deploying.md"):
        assert (root / path).exists(), f"/{path} not installed"
    facts = in_root(root, "dpkg-query -W -f='${Conffiles}' kontalk-server; echo; "
                          "stat -c '%U %G %a' /var/lib/kontalk /etc/kontalk/kontalkd.toml; "
                          "getent passwd kontalk")
    assert facts.returncode == 0, facts.stderr
    conffiles, data_dir, conffile_mode, user = facts.stdout.strip().splitlines()[-4:]
    assert "/etc/kontalk/kontalkd.toml" in conffiles, facts.stdout
    assert data_dir == "kontalk kontalk 700"
    assert conffile_mode == "root kontalk 640"
    assert user.startswith("kontalk:") and user.endswith(":/usr/sbin/nologin"), user
    assert (root / "etc/systemd/system/multi-user.target.wants/kontalkd.service").is_symlink(), \
        "postinst did not enable the unit"

    # The unit as systemd reads it, with the binary it names in this root.
    # (The man pages are checked above: the root has no man command.)
    verified = in_root(root, f"systemd-analyze verify --man=no /{UNIT}")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert not verified.stderr.strip(), verified.stderr

    # The installed configuration, its ports moved off the standard ones (other servers on this
    # machine may hold them).
    ports = {}
    for standard in (5222, 5223, 5269, 5443, 9090):
        ports[standard] = free_port()
        while ports[standard] in list(ports.values())[:-1]:
            ports[standard] = free_port()
    conffile = root / CONFFILE
    text = conffile.read_text()
    for standard, port in ports.items():
        address = f'"127.0.0.1:{standard}"' if standard == 9090 else f'"0.0.0.0:{standard}"'
        assert address in text, f"the conffile does not listen on {standard}"
        text = text.replace(address, f'"{HOST}:{port}"')
    conffile.write_text(text)
    checked = in_root(root, "kontalkd --check-config --config /etc/kontalk/kontalkd.toml")
    assert checked.returncode == 0, checked.stdout + checked.stderr

    # As the unit runs it: the kontalk user, Type=notify.
    added = in_root(root, "echo secret | runuser -u kontalk -- kontalkctl --config "
                          "/etc/kontalk/kontalkd.toml user add alice@localhost")
    assert added.returncode == 0, added.stdout + added.stderr
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(str(root / "run" / "notify"))
    (root / "run" / "notify").chmod(0o666)  # the server sends as the kontalk user
    notify.settimeout(STARTUP_TIMEOUT_S)
    log_path = tmp_path / "kontalkd.log"
    with open(log_path, "wb") as log, notify:
        server = start_in_root(
            root,
            ["setpriv", "--reuid=kontalk", "--regid=kontalk", "--init-groups",
             "/usr/sbin/kontalkd", "--config", "/etc/kontalk/kontalkd.toml"],
            log, {"NOTIFY_SOCKET": "/run/notify"},
        )
        try:
            try:
                assert notify.recv(64) == b"READY=1"
            except TimeoutError:
                raise AssertionError(f"no READY=1\n{log_path.read_text()}") from None
            address = types.SimpleNamespace(host=HOST, starttls_port=ports[5222],
                                            direct_tls_port=ports[5223])
            client = await login_slixmpp(address, "alice@localhost/package", PASSWORD)
            assert client.boundjid.bare == "alice@localhost"
            await client.close()
            server.terminate()
            assert notify.recv(64) == b"STOPPING=1"
            assert server.wait(timeout=30) == 0, log_path.read_text()
        finally:
            if server.poll() is None:
                server.kill()
                server.wait()
    # Written by the kontalk user in its data directory.
    owners = in_root(root, "stat -c '%U %n' /var/lib/kontalk/kontalk.sqlite "
                           "/var/lib/kontalk/pgp/server-key.sec")
    assert owners.returncode == 0, owners.stderr
    assert all(line.startswith("kontalk ") for line in owners.stdout.splitlines()), owners.stdout
