"""Liveness, readiness against the real dependencies, and the Prometheus exposition."""

from __future__ import annotations

import re

import httpx

from core.events.models import EventStatus, InboundEvent
from core.settings import Settings
from tests.conftest import make_settings
from tests.fakes import payloads as p
from tests.fakes.platform import FakePlatform
from tests.harness import drain, running_app

CLOSED_REDIS = "redis://127.0.0.1:1/0"
LINE_USER = "U" + "f6" * 16


def sample(text: str, name: str, **labels: str) -> float | None:
    """The value of one sample in a Prometheus text exposition, or None if absent."""
    for line in text.splitlines():
        match = re.fullmatch(rf"{name}\{{(.*)\}} (\S+)", line)
        if match and dict(re.findall(r'(\w+)="([^"]*)"', match[1])) == labels:
            return float(match[2])
    return None


async def post_hello(client: httpx.AsyncClient, settings: Settings) -> None:
    body, headers = p.line_request(p.line_text(LINE_USER, "hello"),
                                   secret=settings.line_channel_secret)
    response = await client.post("/webhooks/line", content=body, headers=headers)
    assert response.status_code == 200


async def metrics_after_one_processed_hello(settings: Settings) -> str:
    """The /metrics text once one LINE message has been taken in and answered."""
    async with running_app(settings) as client:
        await post_hello(client, settings)
        await drain(settings)
        return (await client.get("/metrics")).text


async def test_healthz_is_ok(settings: Settings) -> None:
    async with running_app(settings) as client:
        response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_is_ready_with_database_and_redis_ok(settings: Settings) -> None:
    async with running_app(settings) as client:
        response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"ready": True, "database": "ok", "redis": "ok"}


async def test_readyz_is_503_when_redis_is_unreachable(db: str, fake: FakePlatform) -> None:
    settings = make_settings(db, fake.url, redis_url=CLOSED_REDIS)
    async with running_app(settings) as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["ready"] is False and body["database"] == "ok"
    assert body["redis"].startswith("error")


async def test_webhook_still_stores_and_acks_while_redis_is_unreachable(
        db: str, fake: FakePlatform) -> None:
    """Redis carries the queue, the flood counter and metrics; none may block intake."""
    settings = make_settings(db, fake.url, redis_url=CLOSED_REDIS)
    async with running_app(settings) as client:
        await post_hello(client, settings)
    event = await InboundEvent.get()
    assert event.status == EventStatus.PENDING  # left for the sweeper once Redis is back


async def test_metrics_count_inbound_events_by_channel_and_outcome(settings: Settings) -> None:
    async with running_app(settings) as client:
        await post_hello(client, settings)
        response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert sample(response.text, "inbound_events_total", channel="line", outcome="pending") == 1


async def test_metrics_count_refused_webhooks(settings: Settings) -> None:
    body, headers = p.line_request(p.line_text(LINE_USER, "hello"), secret="wrong-secret")
    async with running_app(settings) as client:
        assert (await client.post("/webhooks/line", content=body, headers=headers)).status_code \
            == 401
        text = (await client.get("/metrics")).text
    assert sample(text, "inbound_events_total", channel="line", outcome="bad_signature") == 1


async def test_metrics_count_outbound_messages_after_processing(settings: Settings) -> None:
    text = await metrics_after_one_processed_hello(settings)
    assert sample(text, "outbound_messages_total", channel="line", status="sent") == 1


async def test_metrics_expose_event_processing_seconds_buckets(settings: Settings) -> None:
    text = await metrics_after_one_processed_hello(settings)
    assert "# TYPE event_processing_seconds histogram" in text
    assert sample(text, "event_processing_seconds_bucket", channel="line", le="+Inf") == 1
    assert sample(text, "event_processing_seconds_count", channel="line") == 1
    buckets = re.findall(r'event_processing_seconds_bucket\{[^}]*le="([^"]+)"\}', text)
    assert len(buckets) >= 10 and "0.005" in buckets
