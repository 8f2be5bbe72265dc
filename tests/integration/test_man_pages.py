"""The man pages (docs/man/*.8.scd, installed by the package) list every command and option the
binaries' --help shows, so that a new command cannot ship undocumented."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from kontalk_server import binary

MAN_DIR = Path(__file__).resolve().parents[2] / "docs" / "man"


def _help(*command: str) -> str:
    shown = subprocess.run([*command, "--help"], capture_output=True, text=True, timeout=30)
    assert shown.returncode == 0, shown.stderr
    return shown.stdout


def _section(text: str, title: str) -> list[str]:
    """The first words of the lines under CLI11's "Options:" or "Subcommands:" heading."""
    match = re.search(rf"^{title}:\n((?:[ \t]+\S.*\n?)*)", text, re.MULTILINE)
    return [line.split()[0] for line in match.group(1).splitlines()] if match else []


def _long_options(text: str) -> list[str]:
    return [option for entry in _section(text, "Options") for option in re.findall(r"--[\w-]+", entry)]


def _commands(path: list[str]) -> list[list[str]]:
    """Every command path below `path`, leaves and inner nodes."""
    found = []
    for name in _section(_help(str(binary("kontalkctl")), *path), "Subcommands"):
        found.append([*path, name])
        found.extend(_commands([*path, name]))
    return found


def test_kontalkd_page_lists_every_option():
    page = (MAN_DIR / "kontalkd.8.scd").read_text()
    options = _long_options(_help(str(binary("kontalkd"))))
    assert "--check-config" in options, options
    for option in options:
        assert f"*{option}*" in page, f"kontalkd.8 does not document {option}"


def test_kontalkctl_page_lists_every_command_and_option():
    page = (MAN_DIR / "kontalkctl.8.scd").read_text()
    commands = _commands([])
    assert ["backup"] in commands and ["user", "add"] in commands, commands
    for command in commands:
        assert f"*{' '.join(command)}" in page, f"kontalkctl.8 does not document {' '.join(command)}"
        for option in _long_options(_help(str(binary("kontalkctl")), *command)):
            assert option in page, f"kontalkctl.8 does not document {' '.join(command)} {option}"
    for option in _long_options(_help(str(binary("kontalkctl")))):
        assert f"*{option}*" in page, f"kontalkctl.8 does not document {option}"
