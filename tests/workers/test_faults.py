"""Faults with real processes: a killed worker, a restarted Redis, an unreachable PostgreSQL."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import httpx

from core.conversation.models import Conversation
from core.events.models import EventStatus, InboundEvent
from core.settings import Settings
from tests.conftest import make_settings
from tests.fakes import payloads as p
from tests.fakes.platform import FakePlatform
from tests.harness import drain, running_app
from tests.processes import RedisServer, free_port, proxy_to, spawn, stop, wait_http

USER = "U" + "a" * 32


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 30) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.2)
    raise AssertionError("condition not met in time")


def line_text(settings: Settings, user: str, text: str) -> tuple[bytes, dict[str, str]]:
    return p.line_request(p.line_text(user, text), secret=settings.line_channel_secret)


def deliveries(fake: FakePlatform) -> int:
    """Successful reply or push calls: one per answered event."""
    return sum(1 for c in fake.calls("line") if c.endpoint in ("reply", "push")
               and c.status == 200)


async def answered_at_least(fake: FakePlatform, count: int) -> bool:
    return deliveries(fake) >= count


async def blocked_on_lock(pg: asyncpg.Connection) -> bool:
    waiting = await pg.fetchval("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = "
                                "'Lock' AND query ILIKE '%conversations%'")
    return bool(waiting)


async def test_worker_killed_mid_event_processes_it_once_and_replies_once(
        db: str, fake: FakePlatform, tmp_path: Path) -> None:
    # A short job timeout lets arq re-run the killed worker's job soon (timeout + 10 s).
    settings = make_settings(db, fake.url, job_timeout_seconds=2)
    async with running_app(settings) as client:
        await client.post("/webhooks/line", content=(b := line_text(settings, USER, "hi"))[0],
                          headers=b[1])
        await drain(settings)
        conversation = await Conversation.get()
        pg = await asyncpg.connect(db.replace("postgres://", "postgresql://", 1))
        await pg.execute("BEGIN")
        await pg.execute("SELECT 1 FROM conversations WHERE id = $1 FOR UPDATE", conversation.id)
        worker = spawn(settings, "worker", log=tmp_path / "worker-1.log")
        body, headers = line_text(settings, USER, "help")
        assert (await client.post("/webhooks/line", content=body, headers=headers)).is_success
        probe = await asyncpg.connect(db.replace("postgres://", "postgresql://", 1))
        await eventually(lambda: blocked_on_lock(probe))
        await stop(worker, kill=True)
        await pg.execute("ROLLBACK")
        await pg.close()
        await probe.close()
    event = await InboundEvent.all().order_by("-id").first()
    assert event is not None and event.status == EventStatus.PENDING
    before = deliveries(fake)
    worker = spawn(settings, "worker", log=tmp_path / "worker-2.log")
    try:
        async def done() -> bool:
            return (await InboundEvent.get(id=event.id)).status == EventStatus.DONE
        await eventually(done)
        await asyncio.sleep(settings.job_timeout_seconds + 12)  # the old job's retry window
    finally:
        await stop(worker)
    assert deliveries(fake) == before + 1


async def test_redis_restart_loses_no_event(db: str, fake: FakePlatform, tmp_path: Path) -> None:
    redis = RedisServer(tmp_path)
    redis.start()
    settings = make_settings(db, fake.url, redis_url=redis.url, sweep_interval_seconds=1)
    worker = spawn(settings, "worker", log=tmp_path / "worker.log")
    users = [f"U{n:032d}" for n in range(6)]
    try:
        async with running_app(settings) as client:
            for user in users[:3]:
                body, headers = line_text(settings, user, "hi")
                assert (await client.post("/webhooks/line", content=body,
                                          headers=headers)).is_success
            await eventually(lambda: answered_at_least(fake, 3), within=20)
            redis.stop()
            for user in users[3:]:
                body, headers = line_text(settings, user, "hi")
                assert (await client.post("/webhooks/line", content=body,
                                          headers=headers)).is_success
            redis.start()
            await eventually(lambda: answered_at_least(fake, 6), within=40)
    finally:
        await stop(worker)
        redis.stop()
    statuses = [e.status async for e in InboundEvent.all()]
    assert statuses == [EventStatus.DONE] * 6
    answered = [c.json["to"] if c.endpoint == "push" else c.json["replyToken"]
                for c in fake.calls("line") if c.endpoint in ("reply", "push")]
    assert len(answered) == 6 == len(set(answered))


async def test_postgres_unreachable_answers_503_and_stores_nothing(
        db: str, fake: FakePlatform, tmp_path: Path) -> None:
    target = urlsplit(db)
    async with proxy_to(target.hostname or "127.0.0.1", target.port or 5432) as proxy:
        proxied = db.replace(f"{target.hostname}:{target.port}", f"127.0.0.1:{proxy.port}")
        settings = make_settings(proxied, fake.url, store_timeout_seconds=2)
        port = free_port()
        server = spawn(settings, "serve", "--port", str(port), log=tmp_path / "serve.log")
        base = f"http://127.0.0.1:{port}"
        try:
            await wait_http(base + "/healthz")
            async with httpx.AsyncClient(base_url=base, timeout=10) as client:
                first = line_text(settings, USER, "one")
                assert (await client.post("/webhooks/line", content=first[0],
                                          headers=first[1])).status_code == 200
                await proxy.cut()
                second = line_text(settings, USER, "two")
                refused = await client.post("/webhooks/line", content=second[0],
                                            headers=second[1])
                assert refused.status_code == 503
                assert (await client.get("/readyz")).status_code == 503
                await proxy.start()
                retried = await client.post("/webhooks/line", content=second[0],
                                            headers=second[1])
                assert retried.status_code == 200
        finally:
            await stop(server)
    texts = [e.payload["message"]["text"] async for e in InboundEvent.all().order_by("id")]
    assert texts == ["one", "two"]
