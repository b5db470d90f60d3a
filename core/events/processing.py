"""Processing stored events: one transaction each, in order per sender."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta

from tortoise.transactions import in_transaction

from core.conversation.engine import Engine
from core.conversation.service import LanguageLookup, run_turn
from core.events import service as events
from core.events.models import EventStatus, InboundEvent
from core.media.intake import Fetcher, take_photo
from core.media.store import MediaStore
from core.messages import IgnoredEvent, Incoming, Photo, Reply
from core.metrics import Metrics
from core.outbox import service as outbox
from core.runtime import Runtime
from core.users.models import Identity, User

log = logging.getLogger(__name__)

Parser = Callable[[InboundEvent], Incoming]
AfterCommit = Callable[[int | None], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Pipeline:
    engine: Engine
    runtime: Runtime
    parsers: Mapping[str, Parser]
    metrics: Metrics
    language_lookups: Mapping[str, LanguageLookup] = field(default_factory=dict)
    media_fetchers: Mapping[str, Fetcher] = field(default_factory=dict)
    media_store: MediaStore | None = None
    # Replies held back per channel, e.g. SMS waits for the TwiML answer window.
    reply_hold: Mapping[str, timedelta] = field(default_factory=dict)
    # Run after an event's transaction commits, with the user it was about (or None):
    # work that must not roll back with it, such as refreshing leaderboards in Redis.
    after_commit: Sequence[AfterCommit] = ()


async def process(pipeline: Pipeline, event_pk: int) -> list[int]:
    """Process this event and any older pending ones of its sender; return outbox ids."""
    head = await InboundEvent.get_or_none(id=event_pk)
    if head is None:
        return []
    created: list[int] = []
    for pk in await events.pending_before(head.channel, head.sender, event_pk):
        created += await _process_one(pipeline, pk, head.channel)
    return created


async def _process_one(pipeline: Pipeline, pk: int, channel: str) -> list[int]:
    now = pipeline.runtime.clock()
    started = time.perf_counter()
    try:
        await _prefetch_photos(pipeline, pk)
        async with in_transaction():
            event = await InboundEvent.select_for_update().get(id=pk)
            if event.status != EventStatus.PENDING:
                return []
            created, user_id = await _answer(pipeline, event)
    except Exception as exc:
        log.exception("event %s failed", pk)
        dead = await events.record_failure(pk, repr(exc), now,
                                           pipeline.runtime.settings.event_max_attempts)
        await pipeline.metrics.count("events_processed_total", channel=channel, outcome="error")
        apology = await _apologise(pipeline, pk) if dead else None
        return [apology] if apology else []
    await pipeline.metrics.observe("event_processing_seconds", time.perf_counter() - started,
                                   channel=channel)
    await _after_commit(pipeline, user_id)
    return created


async def _after_commit(pipeline: Pipeline, user_id: int | None) -> None:
    for hook in pipeline.after_commit:
        try:
            await hook(user_id)
        except Exception:  # the event is done; a derived cache can be rebuilt later
            log.exception("after-commit hook %s failed", getattr(hook, "__name__", hook))


async def _prefetch_photos(pipeline: Pipeline, pk: int) -> None:
    """Fetch and store a consented sender's photos before the turn, outside its transaction."""
    event = await InboundEvent.get(id=pk)
    fetch = pipeline.media_fetchers.get(event.channel)
    if event.media or event.status != EventStatus.PENDING or fetch is None \
            or pipeline.media_store is None:
        return
    try:
        refs = pipeline.parsers[event.channel](event).media
    except IgnoredEvent:
        return
    identity = await Identity.get_or_none(channel=event.channel, external_id=event.sender)
    if not refs or identity is None or identity.user_id is None:  # type: ignore[attr-defined]
        return  # before consent, photos are not stored: the bot asks for consent first
    limit = pipeline.runtime.settings.report_max_photos
    photos = [await take_photo(ref, fetch, pipeline.media_store) for ref in refs[:limit]]
    event.media = [photo.to_dict() for photo in photos]
    await event.save(update_fields=["media"])


def _parse(pipeline: Pipeline, event: InboundEvent) -> Incoming:
    msg = pipeline.parsers[event.channel](event)
    return replace(msg, photos=tuple(Photo.from_dict(raw) for raw in event.media))


async def _answer(pipeline: Pipeline, event: InboundEvent) -> tuple[list[int], int | None]:
    now = pipeline.runtime.clock()
    event.processed_at = now
    try:
        msg = _parse(pipeline, event)
    except IgnoredEvent as why:
        event.status, event.last_error = EventStatus.IGNORED, str(why)
        await event.save(update_fields=["status", "last_error", "processed_at"])
        await pipeline.metrics.count("events_processed_total", channel=event.channel,
                                     outcome="ignored")
        return [], None
    result = await run_turn(pipeline.engine, pipeline.runtime, msg, f"ev:{event.id}", now,
                            pipeline.language_lookups.get(event.channel))
    hold = pipeline.reply_hold.get(event.channel, timedelta(0))
    message = await outbox.enqueue(
        result.identity, result.replies, f"ev:{event.id}:reply", now,
        reply_context=msg.reply_context, in_reply_to_id=event.id,
        delay=max(event.received_at + hold - now, timedelta(0)),
    )
    event.status = EventStatus.DONE
    if result.user is None:
        # Before consent we keep only the platform identity, not what was said.
        event.payload = {"redacted": "no consent"}
    await event.save(update_fields=["status", "processed_at", "payload"])
    await pipeline.metrics.count("events_processed_total", channel=event.channel, outcome="done")
    return ([message.id] if message else []), (result.user.id if result.user else None)


async def _apologise(pipeline: Pipeline, pk: int) -> int | None:
    """Tell the sender we could not handle their message, once it is dead-lettered."""
    event = await InboundEvent.get(id=pk)
    identity, _ = await Identity.get_or_create(channel=event.channel, external_id=event.sender)
    user = await User.get_or_none(id=identity.user_id) if identity.user_id else None  # type: ignore[attr-defined]
    t = pipeline.runtime.catalogs.translator(
        user.locale if user else pipeline.runtime.settings.default_locale)
    text = t("Sorry, something went wrong with your last message. Please try again later.")
    message = await outbox.enqueue(identity, [Reply(text)], f"ev:{pk}:apology",
                                   pipeline.runtime.clock())
    return message.id if message else None
