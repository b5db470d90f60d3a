"""What jobs share, built once when a worker starts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from arq.connections import ArqRedis

from bots.channels import Channels, open_channels
from core.conversation.engine import Engine
from core.db import close_db, open_db
from core.events.processing import Pipeline
from core.media.store import MediaStore, open_configured_store
from core.metrics import Metrics
from core.runtime import Runtime
from core.settings import Settings
from core.social.hooks import settle_and_refresh_hook
from handlers import build_router


@dataclass(frozen=True, slots=True)
class JobDeps:
    settings: Settings
    pipeline: Pipeline
    channels: Channels
    queue: ArqRedis

    @property
    def metrics(self) -> Metrics:
        return self.pipeline.metrics


def build_pipeline(settings: Settings, channels: Channels, metrics: Metrics,
                   media: MediaStore | None = None) -> Pipeline:
    hold = {"sms": timedelta(milliseconds=settings.sms_twiml_wait_ms)}
    runtime = Runtime.build(settings)
    runtime.redis = metrics.redis
    hooks = (settle_and_refresh_hook(metrics.redis, runtime),) if metrics.redis else ()
    return Pipeline(Engine(build_router()), runtime, channels.parsers, metrics,
                    language_lookups=channels.language_lookups,
                    media_fetchers=channels.media_fetchers, media_store=media, reply_hold=hold,
                    after_commit=hooks)



async def startup(ctx: dict[str, Any]) -> None:
    settings: Settings = ctx["settings"]
    if ctx.get("own_db", True):
        await open_db(settings.database_url)
    channels = await open_channels(settings)
    media = open_configured_store(settings)
    channels.closers.append(media.close)
    queue: ArqRedis = ctx["redis"]
    ctx["deps"] = JobDeps(settings, build_pipeline(settings, channels, Metrics(queue), media),
                          channels, queue)


async def shutdown(ctx: dict[str, Any]) -> None:
    """Close what startup opened; safe to call twice."""
    deps: JobDeps | None = ctx.pop("deps", None)
    if deps is None:
        return
    await deps.channels.close()
    if ctx.get("own_db", True):
        await close_db()
