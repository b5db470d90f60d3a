"""Delivering recorded messages through a channel's sender, once, with retries."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from tortoise.transactions import in_transaction

from core.messages import Reply
from core.metrics import Metrics
from core.outbox import service as outbox
from core.outbox.models import OutboundMessage, OutboundStatus
from core.phone import redact

log = logging.getLogger(__name__)


class RetryLater(Exception):
    """The platform asked us to slow down or failed for now (429, 5xx, network)."""

    def __init__(self, reason: str, after_seconds: float | None = None) -> None:
        super().__init__(reason)
        self.after_seconds = after_seconds


class Undeliverable(Exception):
    """The platform refused for good (blocked, unknown recipient, bad request)."""


class Sender(Protocol):
    async def send(self, message: OutboundMessage, replies: list[Reply], address: str,
                   now: datetime) -> str:
        """Send replies[message.parts_sent:], advancing parts_sent and platform_ids as
        each part goes out; return how it went ("reply", "push", "api")."""


def retry_delay(attempts: int, asked: float | None) -> timedelta:
    """The platform's retry_after when given, else 2, 4, 8 ... seconds up to 5 minutes."""
    if asked is not None:
        return timedelta(seconds=max(asked, 1))
    return timedelta(seconds=min(2 ** attempts, 300))


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str
    retry_at: datetime | None = None


async def deliver(message_id: int, senders: Mapping[str, Sender], metrics: Metrics,
                  now: datetime, max_attempts: int) -> Outcome:
    """Send one pending message; a concurrent sender of the same row skips it."""
    async with in_transaction():
        message = await OutboundMessage.select_for_update(skip_locked=True).get_or_none(
            id=message_id)
        if message is None or message.status != OutboundStatus.PENDING:
            return Outcome("skipped")
        identity = await message.identity
        try:
            via = await senders[message.channel].send(
                message, outbox.replies_of(message), identity.external_id, now)
        except RetryLater as exc:
            return await _failed(message, metrics, str(exc), now, max_attempts, exc.after_seconds)
        except Undeliverable as exc:
            return await _failed(message, metrics, str(exc), now, 0, None)
        await outbox.mark_sent(message, via, now)
    await metrics.count("outbound_messages_total", channel=message.channel, status="sent")
    return Outcome("sent")


async def deliver_in_order(message_id: int, senders: Mapping[str, Sender], metrics: Metrics,
                           now: datetime, max_attempts: int) -> Outcome:
    """Send the recipient's due messages up to this one, oldest first.

    Replies must not overtake each other: if an earlier message is waiting for a retry,
    this one waits for it. The caller holds a per-recipient lock around this.
    """
    head = await OutboundMessage.get_or_none(id=message_id)
    if head is None or head.status != OutboundStatus.PENDING:
        return Outcome("skipped")
    queue = await OutboundMessage.filter(
        identity_id=head.identity_id, status=OutboundStatus.PENDING, id__lte=message_id,  # type: ignore[attr-defined]
    ).order_by("id").values_list("id", "not_before")
    for earlier_id, not_before in queue:
        if not_before > now:
            return Outcome("retry", not_before)
        outcome = await deliver(earlier_id, senders, metrics, now, max_attempts)
        if outcome.status == "retry":
            return outcome
    return Outcome("sent")


async def _failed(message: OutboundMessage, metrics: Metrics, error: str, now: datetime,
                  max_attempts: int, asked: float | None) -> Outcome:
    retry_at = None
    if message.attempts + 1 < max_attempts:
        retry_at = now + retry_delay(message.attempts, asked)
    log.warning("outbound %s to %s failed (%s): %s", message.id, message.channel,
                "retrying" if retry_at else "giving up", redact(error))
    await outbox.mark_attempt_failed(message, error, retry_at)
    status = "retry" if retry_at else "failed"
    await metrics.count("outbound_messages_total", channel=message.channel, status=status)
    return Outcome(status, retry_at)
