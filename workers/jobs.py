"""The jobs: process an event, send a message, tell a flooder to slow down, sweep."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from core.events import service as events
from core.events.models import InboundEvent
from core.events.processing import process
from core.messages import Reply
from core.outbox import delivery
from core.outbox import schedule as outbox_schedule
from core.outbox import service as outbox
from core.outbox.models import OutboundMessage
from core.queue import JOB_PROCESS_EVENT, enqueue
from core.users.models import Identity
from workers.context import JobDeps

# Longest a send to one recipient may hold its lock: a few platform calls, with margin.
SEND_LOCK_S = 30


async def process_event(ctx: dict[str, Any], event_pk: int) -> int:
    deps: JobDeps = ctx["deps"]
    message_ids = await process(deps.pipeline, event_pk)
    for message_id in message_ids:
        await schedule_send(deps, message_id)
    return len(message_ids)


async def schedule_send(deps: JobDeps, message_id: int, at: datetime | None = None) -> None:
    await outbox_schedule.schedule_send(deps.queue, message_id, deps.pipeline.runtime.clock(),
                                        at)


async def send_outbound(ctx: dict[str, Any], message_id: int) -> str:
    deps: JobDeps = ctx["deps"]
    message = await OutboundMessage.get_or_none(id=message_id)
    if message is None:
        return "skipped"
    # One sender per recipient at a time, so replies arrive in the order they were made.
    lock = deps.queue.lock(f"wn:send:{message.identity_id}", timeout=SEND_LOCK_S,  # type: ignore[attr-defined]
                           blocking_timeout=SEND_LOCK_S)
    async with lock:
        outcome = await delivery.deliver_in_order(
            message_id, deps.channels.senders, deps.metrics, deps.pipeline.runtime.clock(),
            deps.settings.outbound_max_attempts)
    if outcome.status == "retry":
        await schedule_send(deps, message_id, outcome.retry_at)
    return outcome.status


async def notify_throttled(ctx: dict[str, Any], event_pk: int) -> None:
    """One polite notice per window to a sender over the flood limit."""
    deps: JobDeps = ctx["deps"]
    event = await InboundEvent.get(id=event_pk)
    identity, _ = await Identity.get_or_create(channel=event.channel, external_id=event.sender)
    user = await identity.user
    t = deps.pipeline.runtime.catalogs.translator(
        user.locale if user else deps.settings.default_locale)
    text = t("You are sending messages faster than I can read them. Please wait a minute, "
             "then try again.")
    message = await outbox.enqueue(identity, [Reply(text)], f"flood:{event_pk}",
                                   deps.pipeline.runtime.clock())
    if message is not None:
        await schedule_send(deps, message.id)


async def sweep(ctx: dict[str, Any]) -> dict[str, int]:
    """Re-queue work whose job was lost: Redis restarted, or it was down at intake."""
    deps: JobDeps = ctx["deps"]
    now = deps.pipeline.runtime.clock()
    older = timedelta(seconds=deps.settings.sweep_after_seconds)
    event_ids = await events.due(now, older)
    for pk in event_ids:
        await enqueue(deps.queue, JOB_PROCESS_EVENT, pk, job_id=f"event:{pk}")
    message_ids = await outbox.due(now, older)
    for message_id in message_ids:
        await schedule_send(deps, message_id)
    return {"events": len(event_ids), "messages": len(message_ids)}
