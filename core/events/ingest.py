"""Taking in webhook events: flood check, store, then hand to the queue."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from arq.connections import ArqRedis

from core import throttle
from core.events import service as events
from core.events.models import EventStatus, InboundEvent
from core.metrics import Metrics
from core.queue import JOB_PROCESS_EVENT, JOB_THROTTLE_NOTICE, enqueue
from core.settings import Settings

log = logging.getLogger(__name__)


class StoreFailed(Exception):
    """The event could not be stored, so it must not be acknowledged."""


@dataclass(frozen=True, slots=True)
class Intake:
    settings: Settings
    queue: ArqRedis | None
    metrics: Metrics


async def ingest(intake: Intake, channel: str, raws: list[events.RawEvent],
                 now: datetime) -> list[InboundEvent]:
    """Store each event once; return the new ones. Raises StoreFailed."""
    stored = []
    for raw in raws:
        event = await _store(intake, channel, raw, now)
        if event is None:  # a redelivery: acknowledged, not counted against the sender
            await intake.metrics.count("inbound_events_total", channel=channel,
                                       outcome="duplicate")
            continue
        stored.append(event)
        verdict = await throttle.check(intake.queue, f"{channel}:{raw.sender}",
                                       intake.settings.flood_max_events,
                                       intake.settings.flood_window_seconds)
        if not verdict.allowed:
            event.status = EventStatus.THROTTLED
            await event.save(update_fields=["status"])
        await intake.metrics.count("inbound_events_total", channel=channel,
                                   outcome=event.status.value)
        if verdict.allowed:
            await enqueue(intake.queue, JOB_PROCESS_EVENT, event.id, job_id=f"event:{event.id}")
        elif verdict.first_refusal:
            await enqueue(intake.queue, JOB_THROTTLE_NOTICE, event.id,
                          job_id=f"flood:{channel}:{raw.sender}:{verdict.window}")
    return stored


async def _store(intake: Intake, channel: str, raw: events.RawEvent,
                 now: datetime) -> InboundEvent | None:
    try:
        async with asyncio.timeout(intake.settings.store_timeout_seconds):
            return await events.store(channel, raw.event_id, raw.sender, raw.payload, now)
    except Exception as exc:  # whatever the cause, an unstored event is not acknowledged
        raise StoreFailed(repr(exc)) from exc
