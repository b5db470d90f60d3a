"""create_app(settings): the FastAPI application, with everything built in its lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from bots.channels import open_channels
from core.db import close_db, open_db
from core.media.store import open_configured_store
from core.metrics import Metrics
from core.queue import open_queue
from core.runtime import Runtime
from core.settings import Settings
from web import certificates, health, media, open311, webhooks
from web.api import reports as admin_api
from web.deps import WebDeps


def create_app(settings: Settings, *, manage_db: bool = True) -> FastAPI:
    """The app; manage_db=False when the caller has already opened the database."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if manage_db:
            await open_db(settings.database_url)
        queue = open_queue(settings.redis_url) if settings.redis_url else None
        channels = await open_channels(settings)
        media = open_configured_store(settings)
        channels.closers.append(media.close)
        app.state.deps = WebDeps(settings, Runtime.build(settings), queue, Metrics(queue),
                                 channels, media)
        try:
            yield
        finally:
            await channels.close()
            if queue is not None:
                await queue.aclose()
            if manage_db:
                await close_db()

    app = FastAPI(title="WasteNexus", lifespan=lifespan)
    app.include_router(webhooks.router)
    app.include_router(health.router)
    app.include_router(media.router)
    app.include_router(admin_api.router)
    app.include_router(certificates.router)
    app.include_router(open311.router)  # ends in a catch-all for /open311/v2/
    return app
