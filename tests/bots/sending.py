"""What the channel adapter tests share: an event stored as its webhook keeps it, a queued
outbound message, one send through the real channel sender, and a failure armed for the
second call to a fake platform endpoint."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

from bots.channels import open_channels
from core.events import service as events
from core.events.models import InboundEvent
from core.events.service import RawEvent
from core.messages import Reply
from core.outbox import service as outbox
from core.outbox.models import OutboundMessage
from core.settings import Settings
from core.users.models import Identity
from tests.fakes.platform import FakePlatform


async def store_split(channel: str, raws: list[RawEvent]) -> InboundEvent:
    """Insert the one event a webhook split gave, as the webhook does."""
    (raw,) = raws
    row = await events.store(channel, raw.event_id, raw.sender, raw.payload, datetime.now(UTC))
    assert row is not None
    return row


async def queued(channel: str, address: str, replies: list[Reply],
                 context: dict[str, Any] | None = None) -> OutboundMessage:
    """A pending message of replies to a new identity at address."""
    identity = await Identity.create(channel=channel, external_id=address)
    now = datetime.now(UTC)
    return await OutboundMessage.create(
        key=uuid.uuid4().hex, channel=channel, identity=identity, reply_context=context or {},
        replies=[r.to_dict() for r in replies], created_at=now, not_before=now)


async def send(settings: Settings, message: OutboundMessage) -> str:
    """One delivery attempt through the message's channel sender, as the outbox makes it."""
    address = (await Identity.get(id=message.identity_id)).external_id  # type: ignore[attr-defined]
    channels = await open_channels(settings)
    try:
        return await channels.senders[message.channel].send(
            message, outbox.replies_of(message), address, datetime.now(UTC))
    finally:
        await channels.close()


def fail_second(fake: FakePlatform, platform: str, endpoint: str, status: int,
                **kw: Any) -> asyncio.Task[None]:
    """Fail the second call to endpoint: the failure is armed once the first call arrives,
    while the fake holds that first response back a moment."""
    fake.delay(platform, endpoint, 0.05)

    async def arm() -> None:
        await fake.wait_for(1, platform, endpoint)
        fake.fail_next(platform, endpoint, status, **kw)

    return asyncio.create_task(arm())
