"""Storing inbound events before any work, and finding those still to do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError

from core.events.models import EventStatus, InboundEvent


@dataclass(frozen=True, slots=True)
class RawEvent:
    """One platform event as an adapter splits it from a webhook body."""

    event_id: str
    sender: str
    payload: dict[str, Any]


async def store(channel: str, event_id: str, sender: str, payload: dict[str, Any],
                now: datetime, status: EventStatus = EventStatus.PENDING) -> InboundEvent | None:
    """Insert under the unique (channel, event_id); None means a redelivery."""
    try:
        return await InboundEvent.create(
            channel=channel, event_id=event_id, sender=sender, payload=payload,
            status=status, received_at=now, next_attempt_at=now,
        )
    except IntegrityError:
        return None


def backoff(attempts: int) -> timedelta:
    """Exponential: 5 s, 10 s, 20 s ... capped at 10 minutes."""
    return timedelta(seconds=min(5 * 2 ** max(attempts - 1, 0), 600))


async def record_failure(event_id: int, error: str, now: datetime, max_attempts: int) -> bool:
    """Count a failed attempt; True when the event is now dead-lettered."""
    event = await InboundEvent.get(id=event_id)
    event.attempts += 1
    event.last_error = error[:2000]
    event.next_attempt_at = now + backoff(event.attempts)
    dead = event.attempts >= max_attempts
    if dead:
        event.status = EventStatus.FAILED
    await event.save(update_fields=["attempts", "last_error", "next_attempt_at", "status"])
    return dead


async def due(now: datetime, older_than: timedelta, limit: int = 500) -> list[int]:
    """Pending events whose processing job may have been lost."""
    return await InboundEvent.filter(
        status=EventStatus.PENDING, next_attempt_at__lte=now,
        received_at__lte=now - older_than,
    ).order_by("id").limit(limit).values_list("id", flat=True)  # type: ignore[return-value]


async def pending_before(channel: str, sender: str, event_pk: int) -> list[int]:
    """This sender's pending events up to this one, oldest first, to keep their order."""
    return await InboundEvent.filter(
        channel=channel, sender=sender, status=EventStatus.PENDING, id__lte=event_pk,
    ).order_by("id").values_list("id", flat=True)  # type: ignore[return-value]
