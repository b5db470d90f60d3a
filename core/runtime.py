"""What every turn and job shares: settings, catalogs and per-process caches."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis

from core.i18n import Catalogs
from core.settings import Settings


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class Runtime:
    settings: Settings
    catalogs: Catalogs
    clock: Callable[[], datetime] = utcnow
    # Read-mostly caches of seeded data, filled on first use (lexicons, provinces).
    cache: dict[str, Any] = field(default_factory=dict)
    # Leaderboards and other rebuildable state; None where no Redis runs (the terminal chat).
    redis: Redis | None = None

    @classmethod
    def build(cls, settings: Settings) -> Runtime:
        return cls(settings, Catalogs.load(settings.locales_dir, settings.default_locale))
