"""Console adapter: numbered and unnumbered menus, payload parsing and printing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from bots import console
from core.events import service as events
from core.events.models import InboundEvent
from core.messages import Button, Kind, Location, Reply
from core.outbox import service as outbox
from core.outbox.models import OutboundMessage
from core.users.models import Identity

BUTTONS = (Button("Log waste", "menu:log"), Button("My report", "menu:report"))


async def stored(payload: dict[str, Any]) -> InboundEvent:
    row = await events.store("console", uuid.uuid4().hex, "tester", payload, datetime.now(UTC))
    assert row is not None
    return row


def test_render_numbered_menu_lists_each_button() -> None:
    assert console.render(Reply("Menu", buttons=BUTTONS)) == \
        "Menu\n  [1] Log waste\n  [2] My report"


def test_render_unnumbered_suggestions_on_one_line() -> None:
    assert console.render(Reply("How much?", buttons=BUTTONS, numbered=False)) == \
        "How much?\n  (Log waste · My report)"


async def test_parse_postback_payload(db: str) -> None:
    incoming = console.parse(await stored({"kind": "postback", "data": "menu:log", "lang": "th"}))
    assert (incoming.kind, incoming.data, incoming.language_hint) == (
        Kind.POSTBACK, "menu:log", "th")
    assert (incoming.channel, incoming.sender) == ("console", "tester")


async def test_parse_location_payload_gives_decimal_coordinates(db: str) -> None:
    incoming = console.parse(await stored({"kind": "location", "lat": 13.7563, "lon": 100.5018}))
    assert incoming.kind == Kind.LOCATION
    assert incoming.location == Location(Decimal("13.7563"), Decimal("100.5018"))


async def test_sender_prints_only_replies_not_yet_sent(db: str) -> None:
    identity = await Identity.create(channel="console", external_id="tester")
    now = datetime.now(UTC)
    replies = [Reply("one"), Reply("two"), Reply("three", buttons=BUTTONS)]
    message = await OutboundMessage.create(
        key=uuid.uuid4().hex, channel="console", identity=identity, parts_sent=1,
        replies=[r.to_dict() for r in replies], created_at=now, not_before=now)
    written: list[str] = []
    sender = console.ConsoleSender(written.append)
    assert await sender.send(message, outbox.replies_of(message), "tester", now) == "console"
    assert written == ["two", console.render(replies[2])]
    assert message.parts_sent == 3
