"""A fresh Debian 12 server's root to install the package into: minbase (the essential packages
and apt) and systemd, the init every Debian 12 server has, whose units the packaged one needs.

mmdebstrap builds it from Debian's mirror in about two minutes, too long for every CI run, so
the pristine root is kept as a tarball under CACHE_DIR (rebuilt after MAX_AGE_S, when its package
lists would be stale) together with every .deb it and the package's installs needed; a test
extracts the tarball (seconds) and installs with apt from those .debs, asking the mirror only for
what is missing. Needs root (chroot, mount)."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import time
from pathlib import Path

MIRROR = "http://deb.debian.org/debian"
SUITE = "bookworm"
CACHE_DIR = Path(os.environ.get("KONTALK_DEBIAN_ROOT_CACHE", "/var/cache/kontalk-tests"))
MAX_AGE_S = 7 * 24 * 3600
BOOTSTRAP_TIMEOUT_S = 900
COMMAND_TIMEOUT_S = 300


def _tarball() -> Path:
    return CACHE_DIR / f"{SUITE}-minbase-systemd.tar"


def _debs() -> Path:
    return CACHE_DIR / "debs"


def _bootstrap(target: Path) -> None:
    subprocess.run(
        [
            "mmdebstrap", "--variant=minbase", "--mode=root", "--quiet",
            "--include=systemd", "--skip=essential/unlink", "--skip=cleanup/apt/lists",
            "--dpkgopt=force-unsafe-io", "--aptopt=Acquire::Languages \"none\"",
            f"--setup-hook=mkdir -p \"$1\"/var/cache/apt/archives/",
            f"--setup-hook=sync-in {_debs()} /var/cache/apt/archives/",
            f"--customize-hook=sync-out /var/cache/apt/archives {_debs()}",
            SUITE, str(target), MIRROR,
        ],
        check=True, capture_output=True, text=True, timeout=BOOTSTRAP_TIMEOUT_S,
    )


def pristine_root_tarball() -> Path:
    """The cached tarball of a fresh root, built first when missing or old."""
    _debs().mkdir(parents=True, exist_ok=True)
    with open(CACHE_DIR / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another test run may be building it
        tarball = _tarball()
        if not tarball.exists() or time.time() - tarball.stat().st_mtime > MAX_AGE_S:
            partial = tarball.with_suffix(".partial.tar")
            partial.unlink(missing_ok=True)
            _bootstrap(partial)
            partial.rename(tarball)
    return tarball


def extract_root(destination: Path) -> Path:
    destination.mkdir(parents=True)
    subprocess.run(
        ["tar", "-xpf", str(pristine_root_tarball()), "-C", str(destination)],
        check=True, timeout=COMMAND_TIMEOUT_S,
    )
    shutil.copyfile("/etc/resolv.conf", destination / "etc" / "resolv.conf")
    return destination


def in_root(root: Path, script: str, **options) -> subprocess.CompletedProcess[str]:
    """Runs a shell script in the root, in a mount namespace of its own (so that its /proc and
    the bind-mounted .deb cache vanish with it); never raises on exit code."""
    wrapper = (
        'set -e; mount -t proc proc "$ROOT/proc"; '
        'mount --bind "$DEBS" "$ROOT/var/cache/apt/archives"; '
        'exec chroot "$ROOT" /bin/sh -c "$SCRIPT"'
    )
    environment = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "DEBIAN_FRONTEND": "noninteractive",
                   "ROOT": str(root), "DEBS": str(_debs()), "SCRIPT": script, "LANG": "C.UTF-8"}
    return subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", wrapper],
        env=environment, capture_output=True, text=True,
        timeout=options.pop("timeout", COMMAND_TIMEOUT_S), **options,
    )


def start_in_root(root: Path, command: list[str], log, environment: dict[str, str]):
    """Starts `command` in the root (its own mount namespace with /proc); the returned process
    is the command itself (every wrapper execs), so signals reach it directly."""
    wrapper = 'mount -t proc proc "$ROOT/proc" && exec chroot "$ROOT" "$@"'
    return subprocess.Popen(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", wrapper, "sh", *command],
        env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "ROOT": str(root), **environment},
        stdin=subprocess.DEVNULL, stdout=log, stderr=log,
    )
