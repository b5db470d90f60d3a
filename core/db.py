"""Database configuration and lifecycle (tortoise-orm)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tortoise import Tortoise, connections

MODEL_MODULES = [
    "core.users.models",
    "core.conversation.models",
    "core.events.models",
    "core.outbox.models",
    "core.factors.models",
    "core.diary.models",
    "core.ledger.models",
    "core.staff.models",
    "core.audit.models",
    "core.reports.models",
    "core.training.models",
    "core.gamification.models",
    "core.social.models",
    "core.routes.models",
    "core.analytics.models",
]


# asyncpg's pool defaults to 5 connections (PLATFORMS.md E); webhooks under load wait on
# that, so each process may open up to this many unless the URL says otherwise.
PG_POOL_MAX = 20


def with_pool_size(database_url: str) -> str:
    if not database_url.startswith(("postgres://", "asyncpg://")) or "maxsize=" in database_url:
        return database_url
    return database_url + ("&" if "?" in database_url else "?") + f"maxsize={PG_POOL_MAX}"


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": with_pool_size(database_url)},
        "apps": {
            "wastenexus": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "core.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


# Read by the tortoise CLI (`tortoise makemigrations`), never by the app.
TORTOISE_ORM = tortoise_config(os.environ.get("DATABASE_URL", "sqlite://var/wastenexus.sqlite3"))


def ensure_sqlite_dir(database_url: str) -> None:
    """SQLite will not create the folder of its file."""
    if database_url.startswith("sqlite://") and ":memory:" not in database_url:
        Path(database_url.removeprefix("sqlite://")).parent.mkdir(parents=True, exist_ok=True)


async def open_db(database_url: str) -> None:
    ensure_sqlite_dir(database_url)
    # The global fallback lets request and job tasks use what the lifespan task opened.
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)


async def close_db() -> None:
    await Tortoise.close_connections()


async def migrate_db(database_url: str) -> None:
    from tortoise.migrations.api import migrate

    ensure_sqlite_dir(database_url)
    await migrate(config=tortoise_config(database_url))
    await connections.close_all()


async def ping_db() -> None:
    await connections.get("default").execute_query("SELECT 1")
