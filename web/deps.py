"""What request handlers share, built once in the app's lifespan."""

from __future__ import annotations

from dataclasses import dataclass

from arq.connections import ArqRedis
from fastapi import Request

from bots.channels import Channels
from core.events.ingest import Intake
from core.media.store import MediaStore
from core.metrics import Metrics
from core.runtime import Runtime
from core.settings import Settings


@dataclass(frozen=True, slots=True)
class WebDeps:
    settings: Settings
    runtime: Runtime
    queue: ArqRedis | None
    metrics: Metrics
    channels: Channels
    media: MediaStore

    @property
    def intake(self) -> Intake:
        return Intake(self.settings, self.queue, self.metrics)


def deps_of(request: Request) -> WebDeps:
    deps: WebDeps = request.app.state.deps
    return deps
