"""Helpers for the roster and presence tests (RFC 6121): a slixmpp client that
records presence and roster pushes, and bounded waits for what it received."""

from __future__ import annotations

import asyncio
from typing import Any, Callable

from clients import REPLY_TIMEOUT_S

PASSWORD = "secret"
# How long a test watches for something that must NOT arrive. A slow server can only
# make such a check pass wrongly, never fail wrongly.
QUIET_S = 1.0


class Inbox:
    """What a client received of one kind, searchable in any order: the server may
    deliver independent stanzas in a different order than a test waits for them."""

    def __init__(self) -> None:
        self.items: list[Any] = []
        self.arrived = asyncio.Event()

    def add(self, item: Any) -> None:
        self.items.append(item)
        self.arrived.set()

    def empty(self) -> bool:
        return not self.items

    async def take(self, matches: Callable[[Any], bool], failure: str, timeout: float) -> Any:
        """Removes and returns the first received item that matches, waiting for it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for index, item in enumerate(self.items):
                if matches(item):
                    return self.items.pop(index)
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"{failure} within {timeout} s")
            self.arrived.clear()
            try:
                await asyncio.wait_for(self.arrived.wait(), remaining)
            except asyncio.TimeoutError:
                pass


class Observer:
    """The presence stanzas and roster pushes a client received."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.presences = Inbox()
        self.pushes = Inbox()
        client.add_event_handler("presence", self.presences.add)
        client.add_event_handler("roster_update", self._handle_roster)

    def _handle_roster(self, iq: Any) -> None:
        if iq["type"] == "set":
            self.pushes.add(iq)

    async def presence(self, ptype: str, sender: str, timeout: float = REPLY_TIMEOUT_S) -> Any:
        """The next presence of `ptype` from `sender` (bare or full JID)."""
        return await self.presences.take(
            lambda p: p["type"] == ptype and sender in (p["from"].full, p["from"].bare),
            f"{self.client.boundjid} got no {ptype} presence from {sender}",
            timeout,
        )

    async def push(self, contact: str, timeout: float = REPLY_TIMEOUT_S, **expected: Any) -> Any:
        """The next roster push about `contact` whose item has the `expected` values."""

        def matches(iq: Any) -> bool:
            items = iq["roster"]["items"]
            return contact in items and all(items[contact][k] == v for k, v in expected.items())

        return await self.pushes.take(
            matches, f"{self.client.boundjid} got no roster push for {contact} {expected}", timeout
        )

    async def no_presence(self, ptype: str, sender: str) -> None:
        try:
            got = await self.presence(ptype, sender, timeout=QUIET_S)
        except AssertionError:
            return
        raise AssertionError(f"{self.client.boundjid} unexpectedly got {got}")


async def online(
    server: Any, clients: Any, jid: str, *, roster: bool = True, available: bool = True, status: str = ""
) -> tuple[Any, Observer]:
    """Log in, turn off slixmpp's automatic subscription answers, request the roster
    (making the resource "interested", RFC 6121 §2.1.6) and send initial presence."""
    client = await clients.slix(server, jid, PASSWORD)
    client.auto_authorize = None
    client.auto_subscribe = False
    observer = Observer(client)
    if roster:
        await client.get_roster(timeout=REPLY_TIMEOUT_S)
    if available:
        client.send_presence(pstatus=status or None)
        await client.barrier()
    return client, observer


def item_of(push: Any, contact: str) -> Any:
    return push["roster"]["items"][contact]


async def roster_items(client: Any) -> dict[str, Any]:
    """The whole roster: a get without 'ver' (slixmpp's get_roster sends the version it
    has, and a current one rightly gets an empty result, RFC 6121 §2.6.3)."""
    iq = client.Iq()
    iq["type"] = "get"
    iq.enable("roster")
    result = await iq.send(timeout=REPLY_TIMEOUT_S)
    return dict(result["roster"]["items"])


async def make_mutual(alice: Any, alice_seen: Observer, bob: Any, bob_seen: Observer) -> None:
    """Subscribe both ways through the full request/approval dance (RFC 6121 §3.1)."""
    a, b = alice.boundjid.bare, bob.boundjid.bare
    for (requester, requester_seen, contact, contact_seen) in (
        (alice, alice_seen, bob, bob_seen),
        (bob, bob_seen, alice, alice_seen),
    ):
        requester.send_presence(pto=contact.boundjid.bare, ptype="subscribe")
        await contact_seen.presence("subscribe", requester.boundjid.bare)
        contact.send_presence(pto=requester.boundjid.bare, ptype="subscribed")
        await requester_seen.presence("subscribed", contact.boundjid.bare)
    # Both sides' rosters now say both.
    for client, contact in ((alice, b), (bob, a)):
        items = await roster_items(client)
        assert items[contact]["subscription"] == "both", f"{client.boundjid}: {items[contact]}"
