"""Queueing the send job of a recorded message."""

from __future__ import annotations

from datetime import datetime

from arq.connections import ArqRedis

from core.outbox.models import OutboundMessage
from core.queue import JOB_SEND, enqueue


async def schedule_send(queue: ArqRedis | None, message_id: int, now: datetime,
                        at: datetime | None = None) -> None:
    """Queue a send no earlier than the message allows; lost jobs are swept up later."""
    message = await OutboundMessage.get(id=message_id)
    when = max(at or message.not_before, message.not_before)
    await enqueue(queue, JOB_SEND, message_id,
                  job_id=f"send:{message_id}:{message.attempts}:{when.timestamp():.0f}",
                  defer_until=when if when > now else None)
