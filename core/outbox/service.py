"""Recording outbound messages and tracking their delivery."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from core.messages import Reply
from core.outbox.models import OutboundMessage, OutboundStatus
from core.users.models import Identity


async def enqueue(identity: Identity, replies: list[Reply], key: str, now: datetime, *,
                  reply_context: dict[str, Any] | None = None, in_reply_to_id: int | None = None,
                  delay: timedelta = timedelta(0)) -> OutboundMessage | None:
    """Record a delivery, idempotent on key; None when there is nothing to send."""
    if not replies:
        return None
    message, _ = await OutboundMessage.get_or_create(key=key, defaults={
        "channel": identity.channel, "identity": identity,
        "replies": [r.to_dict() for r in replies], "reply_context": reply_context or {},
        "in_reply_to_id": in_reply_to_id, "created_at": now, "not_before": now + delay,
    })
    return message


def replies_of(message: OutboundMessage) -> list[Reply]:
    return [Reply.from_dict(raw) for raw in message.replies]


async def mark_sent(message: OutboundMessage, via: str, now: datetime) -> None:
    message.status = OutboundStatus.SENT
    message.via, message.sent_at = via, now
    await message.save(update_fields=["status", "via", "sent_at", "parts_sent", "platform_ids"])


async def mark_attempt_failed(message: OutboundMessage, error: str, retry_at: datetime | None,
                              ) -> None:
    """Record a failed attempt; with no retry time the message is given up as failed.

    Senders advance parts_sent and platform_ids as parts go out, so a retry resumes.
    """
    message.attempts += 1
    message.last_error = error[:2000]
    if retry_at is None:
        message.status = OutboundStatus.FAILED
    else:
        message.not_before = retry_at
    await message.save(update_fields=["attempts", "last_error", "status", "not_before",
                                      "parts_sent", "platform_ids"])


async def due(now: datetime, older_than: timedelta, limit: int = 500) -> list[int]:
    """Pending deliveries whose send job may have been lost."""
    return await OutboundMessage.filter(
        status=OutboundStatus.PENDING, not_before__lte=now - older_than,
    ).order_by("id").limit(limit).values_list("id", flat=True)  # type: ignore[return-value]
