"""Helpers shared by the instant-messaging tests (offline storage, blocking, last
activity): every message a slixmpp client receives, errors and body-less ones
included, and a bounded wait for the offline queue to reach storage."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath

from clients import REPLY_TIMEOUT_S
from kontalk_server import KontalkServer

STORAGE_TIMEOUT_S = 10.0


class MessageLog:
    """Every <message/> a client receives, in order (slixmpp's own 'message'
    event skips messages without a body, such as receipts and errors)."""

    def __init__(self, client: Any) -> None:
        self.queue: asyncio.Queue[Any] = asyncio.Queue()
        client.register_handler(
            Callback("test: every message", MatchXPath("{jabber:client}message"), self.queue.put_nowait)
        )

    async def next(self, timeout: float = REPLY_TIMEOUT_S) -> Any:
        try:
            return await asyncio.wait_for(self.queue.get(), timeout)
        except asyncio.TimeoutError:
            raise AssertionError(f"no message arrived within {timeout} s") from None


def error_condition(stanza: Any) -> str:
    return stanza["error"]["condition"]


def has_child(stanza: Any, namespace: str, name: str) -> bool:
    return stanza.xml.find(f"{{{namespace}}}{name}") is not None


def stored_offline_count(server: KontalkServer) -> int:
    """Rows in the offline queue, read directly from the server's database.

    Storing is asynchronous to routing and no acknowledgement tells the sender
    yet (stream management will), so tests that restart the server wait for
    the rows themselves."""
    return server.query_storage("SELECT COUNT(*) FROM offline_messages")[0][0]


def wait_for_stored(server: KontalkServer, count: int) -> None:
    deadline = time.monotonic() + STORAGE_TIMEOUT_S
    while stored_offline_count(server) < count:
        if time.monotonic() > deadline:
            raise AssertionError(
                f"{count} offline message(s) not stored within {STORAGE_TIMEOUT_S} s "
                f"(have {stored_offline_count(server)})"
            )
        time.sleep(0.05)
