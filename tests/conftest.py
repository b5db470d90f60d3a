"""Shared fixtures: a real PostgreSQL database per session, a real Redis, a fake platform."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
from redis.asyncio import Redis
from tortoise import connections

from core.db import close_db, migrate_db, open_db
from core.factors.service import seed_factor_sets
from core.settings import Settings
from tests.fakes.platform import FakePlatform

BASE_DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
BASE_REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379")
# Tests own this Redis database number and flush it before each test.
TEST_REDIS_DB = int(os.environ.get("TEST_REDIS_DB", "9"))
# Seeded once per session; every other table is emptied before each test.
KEPT_TABLES = {"factor_sets", "waste_categories", "emission_factors", "tortoise_migrations"}


def database_url(name: str) -> str:
    parts = urlsplit(BASE_DATABASE_URL)
    return urlunsplit(parts._replace(path=f"/{name}"))


def redis_url() -> str:
    parts = urlsplit(BASE_REDIS_URL)
    return urlunsplit(parts._replace(path=f"/{TEST_REDIS_DB}"))


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(BASE_DATABASE_URL.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
async def pg_url() -> AsyncIterator[str]:
    """A database of our own, migrated, dropped at the end of the session."""
    name = f"wastenexus_test_{uuid.uuid4().hex[:10]}"
    await _admin(f'CREATE DATABASE "{name}"')
    url = database_url(name)
    try:
        await migrate_db(url)
        await open_db(url)
        await seed_factor_sets()
        yield url
    finally:
        await close_db()
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def db(pg_url: str) -> AsyncIterator[str]:
    """A clean database for each test, with the seeded reference data kept."""
    conn = connections.get("default")
    _, rows = await conn.execute_query(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    tables = [r["tablename"] for r in rows if r["tablename"] not in KEPT_TABLES]
    await conn.execute_script(
        "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
    yield pg_url


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url())
    await client.flushdb()
    yield client
    await client.aclose()


@pytest.fixture
async def fake() -> AsyncIterator[FakePlatform]:
    async with FakePlatform() as platform:
        yield platform


def make_settings(db_url: str, fake_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": db_url,
        "redis_url": redis_url(),
        "public_base_url": "https://wastenexus.test",
        "line_channel_secret": "line-test-secret",
        "line_channel_access_token": "line-test-token",
        "line_api_base_url": fake_url,
        "line_data_api_base_url": fake_url,
        "telegram_bot_token": "123456:TEST-token",
        "telegram_webhook_secret": "tg-test-secret",
        "telegram_api_base_url": fake_url,
        "twilio_account_sid": "AC" + "0" * 32,
        "twilio_auth_token": "twilio-test-token",
        "twilio_from_number": "+15005550006",
        "twilio_api_base_url": fake_url,
        "sms_twiml_wait_ms": 300,
        "sweep_after_seconds": 0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.fixture
def settings(db: str, fake: FakePlatform, redis: Redis) -> Settings:
    return make_settings(db, fake.url)
