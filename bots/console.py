"""The terminal channel: lines in, numbered replies out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from core.events.models import InboundEvent
from core.messages import Incoming, Kind, Location, Reply
from core.outbox.models import OutboundMessage

CHANNEL = "console"


def parse(event: InboundEvent) -> Incoming:
    payload = event.payload
    where = None
    if "lat" in payload and "lon" in payload:
        where = Location(Decimal(str(payload["lat"])), Decimal(str(payload["lon"])))
    return Incoming(channel=CHANNEL, sender=event.sender, event_id=event.event_id,
                    kind=Kind(payload.get("kind", "text")), text=payload.get("text", ""),
                    data=payload.get("data", ""), location=where,
                    language_hint=payload.get("lang", ""))


def render(reply: Reply) -> str:
    lines = [reply.text]
    if reply.buttons and reply.numbered:
        lines += [f"  [{i}] {b.label}" for i, b in enumerate(reply.buttons, start=1)]
    elif reply.buttons:
        lines.append("  (" + " · ".join(b.label for b in reply.buttons) + ")")
    return "\n".join(lines)


class ConsoleSender:
    """Prints replies; used by `wastenexus chat`."""

    def __init__(self, write: Callable[[str], None]) -> None:
        self.write = write

    async def send(self, message: OutboundMessage, replies: list[Reply], address: str,
                   now: datetime) -> str:
        for reply in replies[message.parts_sent:]:
            self.write(render(reply))
            message.parts_sent += 1
        return "console"
