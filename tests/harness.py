"""Running the real app and worker in tests, and chatting through the real pipeline."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

import httpx
from arq.worker import Worker

from bots.channels import Channels
from core.events import service as events
from core.events.processing import Pipeline, process
from core.messages import Photo, Reply
from core.metrics import Metrics
from core.outbox import service as outbox
from core.outbox.models import OutboundMessage
from core.settings import Settings
from web.app import create_app
from workers.context import build_pipeline
from workers.settings import worker_options


@asynccontextmanager
async def running_app(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The real FastAPI app with its lifespan, over an in-process ASGI transport."""
    app = create_app(settings, manage_db=False)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        yield client


def make_worker(settings: Settings, burst: bool) -> Worker:
    options = worker_options(settings, own_db=False, burst=burst)
    options.update(poll_delay=0.01, handle_signals=False)
    return Worker(**options)


async def drain(settings: Settings) -> Worker:
    """Run a real arq worker in burst mode until the queue is empty; hand the worker back so
    its job counters (jobs_complete, jobs_failed, jobs_retried) can be read."""
    worker = make_worker(settings, burst=True)
    try:
        await worker.main()
    finally:
        await worker.close()
    return worker


@asynccontextmanager
async def worker_running(settings: Settings) -> AsyncIterator[Worker]:
    worker = make_worker(settings, burst=False)
    task = asyncio.create_task(worker.async_run())
    try:
        yield worker
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await worker.close()


class Chat:
    """One person talking on the console channel through the real pipeline."""

    def __init__(self, pipeline: Pipeline, sender: str = "tester", lang: str = "en") -> None:
        self.pipeline, self.sender, self.lang = pipeline, sender, lang

    @classmethod
    def build(cls, settings: Settings, sender: str = "tester", lang: str = "en") -> Chat:
        return cls(build_pipeline(settings, Channels(), Metrics(None)), sender, lang)

    async def send(self, photos: tuple[Photo, ...] = (), **payload: Any) -> list[Reply]:
        payload.setdefault("lang", self.lang)
        event = await events.store("console", uuid.uuid4().hex, self.sender, payload,
                                   self.pipeline.runtime.clock())
        assert event is not None
        if photos:  # as core/events/processing._prefetch_photos leaves a fetched image
            event.media = [photo.to_dict() for photo in photos]
            await event.save(update_fields=["media"])
        replies: list[Reply] = []
        for message_id in await process(self.pipeline, event.id):
            replies += outbox.replies_of(await OutboundMessage.get(id=message_id))
        return replies

    async def say(self, text: str) -> list[Reply]:
        return await self.send(kind="text", text=text)

    async def tap(self, data: str) -> list[Reply]:
        return await self.send(kind="postback", data=data)

    async def share_location(self, lat: float, lon: float) -> list[Reply]:
        return await self.send(kind="location", lat=lat, lon=lon)

    async def send_photo(self, *photos: Photo, caption: str = "") -> list[Reply]:
        """An image message whose photos were already fetched and stored; none as before
        consent, when they are not kept."""
        return await self.send(photos=photos, kind="image", text=caption)

    async def onboard(self, province: str = "Bangkok") -> None:
        await self.say("start")
        await self.tap("consent:yes")
        await self.say(province)
        await self.tap("onboard:skip")


def stored_photo(n: int, latitude: str | None = None, longitude: str | None = None) -> Photo:
    """Photo number n as the media store keeps it: its own key and perceptual hash, and the
    GPS of the original's EXIF when given."""
    digest = hashlib.sha256(f"photo {n}".encode()).hexdigest()
    return Photo(digest + ".jpg", digest[:16],
                 Decimal(latitude) if latitude is not None else None,
                 Decimal(longitude) if longitude is not None else None)


def text_of(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies)


def buttons_of(replies: list[Reply]) -> list[str]:
    return [b.data for r in replies for b in r.buttons]
