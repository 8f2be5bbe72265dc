"""Fixtures: a fresh kontalkd per test, client cleanup, hard per-test timeout."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any, Callable

import aioxmpp
import pytest

from clients import SlixClient, aioxmpp_client, login_aioxmpp, login_slixmpp, start_slixmpp, stop_aioxmpp
from kontalk_server import KontalkServer, postgres_url

# A test that hangs is worse than one that fails: every wait in the suite has its
# own timeout, and this alarm is the backstop for anything they miss.
HARD_TIMEOUT_S = int(os.environ.get("KONTALK_TEST_TIMEOUT", "120"))


class HardTimeout(Exception):
    pass


def _raise_hard_timeout(_signum: int, _frame: Any) -> None:
    raise HardTimeout(f"test phase exceeded {HARD_TIMEOUT_S} s (KONTALK_TEST_TIMEOUT)")


def _with_alarm():
    previous = signal.signal(signal.SIGALRM, _raise_hard_timeout)
    signal.alarm(HARD_TIMEOUT_S)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item):
    yield from _with_alarm()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item):
    yield from _with_alarm()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item):
    yield from _with_alarm()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Attach the server log tail to every failed phase of a test."""
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for server in getattr(item, "kontalk_servers", []):
            report.sections.append((f"kontalkd log ({server.workdir.name})", server.log_tail()))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL (KONTALK_TEST_POSTGRES_URL), skips the tests marked sqlite_only, each with
    the reason its marker gives."""
    if postgres_url() is None:
        return
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None:
            reason = marker.args[0] if marker.args else "tests the SQLite file itself"
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {reason}"))


ServerFactory = Callable[..., KontalkServer]


@pytest.fixture
def make_server(tmp_path: Path, request: pytest.FixtureRequest) -> ServerFactory:
    """Factory for servers with config overrides; all are stopped (exit 0 asserted) after."""
    servers: list[KontalkServer] = []
    request.node.kontalk_servers = servers

    def factory(
        overrides: dict[str, dict[str, Any]] | None = None,
        *,
        start: bool = True,
        reuse_server_key: bool = True,
        postgres: str | None = None,
    ) -> KontalkServer:
        workdir = tmp_path / f"server{len(servers)}"
        workdir.mkdir()
        server = KontalkServer(workdir, overrides, reuse_server_key=reuse_server_key,
                               postgres=postgres)
        servers.append(server)
        if start:
            server.start()
        return server

    yield factory
    failures = []
    for server in servers:
        try:
            server.stop()
        except AssertionError as error:
            failures.append(str(error))
    assert not failures, "\n".join(failures)
    for server in servers:
        server.drop_storage()


@pytest.fixture
def server(make_server: ServerFactory) -> KontalkServer:
    """A running server with the default config (STARTTLS required, conflict=replace)."""
    return make_server()


class ClientPool:
    """Creates logged-in clients and closes them all when the test ends."""

    def __init__(self) -> None:
        self.slix_clients: list[SlixClient] = []
        self.aio_clients: list[aioxmpp.Client] = []

    def start_slix(self, server: KontalkServer, jid: str, password: str, **options: Any) -> SlixClient:
        client = start_slixmpp(server, jid, password, **options)
        self.slix_clients.append(client)
        return client

    async def slix(self, server: KontalkServer, jid: str, password: str, **options: Any) -> SlixClient:
        client = await login_slixmpp(server, jid, password, **options)
        self.slix_clients.append(client)
        return client

    def aio(self, server: KontalkServer, jid: str, password: str, **options: Any) -> aioxmpp.Client:
        client = aioxmpp_client(server, jid, password, **options)
        self.aio_clients.append(client)
        return client

    async def aio_login(self, server: KontalkServer, jid: str, password: str, **options: Any) -> aioxmpp.Client:
        client = self.aio(server, jid, password, **options)
        await login_aioxmpp(client)
        return client

    async def close_all(self) -> None:
        for slix_client in self.slix_clients:
            await slix_client.close()
        for aio_client in self.aio_clients:
            await stop_aioxmpp(aio_client)


@pytest.fixture
async def clients(make_server: ServerFactory) -> ClientPool:
    # Depends on make_server so that clients disconnect before servers stop.
    pool = ClientPool()
    yield pool
    await pool.close_all()
