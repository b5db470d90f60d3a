"""Load at the door: acks stay fast, and one flooding user is limited without hurting others."""

from __future__ import annotations

import asyncio
import copy
import time

import httpx
from redis.asyncio import Redis

from core.events.models import EventStatus, InboundEvent
from core.settings import Settings
from tests.conftest import make_settings
from tests.fakes import payloads as p
from tests.fakes.platform import FakePlatform
from tests.harness import drain, running_app

LINE_PATH = "/webhooks/line"
FLOODER = "U" + "d4" * 16
NEIGHBOUR = "U" + "e5" * 16
SLOW_DOWN = "You are sending messages faster than I can read them."
FLOOD_LIMIT = 5
WINDOW_S = 60


def flood_settings(db: str, fake: FakePlatform, **overrides: object) -> Settings:
    values: dict[str, object] = {"flood_max_events": FLOOD_LIMIT,
                                 "flood_window_seconds": WINDOW_S, **overrides}
    return make_settings(db, fake.url, **values)


async def clear_of_window_edge(window: int, needed_s: float = 5.0) -> None:
    """The flood counter is a fixed window; start a burst well inside one."""
    left = window - time.time() % window
    if left < needed_s:
        await asyncio.sleep(left + 0.05)


async def post_line(client: httpx.AsyncClient, settings: Settings, event: dict) -> float:
    """Post one event; return how long the acknowledgement took."""
    body, headers = p.line_request(event, secret=settings.line_channel_secret)
    started = time.perf_counter()
    response = await client.post(LINE_PATH, content=body, headers=headers)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    return elapsed


async def flood(settings: Settings) -> list[dict]:
    """12 messages from one user, then 2 from another, in one window; then process.

    Returns the neighbour's events as posted.
    """
    neighbour = [p.line_text(NEIGHBOUR, f"hello {n}") for n in range(2)]
    await clear_of_window_edge(WINDOW_S)
    async with running_app(settings) as client:
        for n in range(12):
            await post_line(client, settings, p.line_text(FLOODER, f"hello {n}"))
        for event in neighbour:
            await post_line(client, settings, event)
        await drain(settings)
    return neighbour


async def test_webhook_acks_fast_while_no_worker_is_running(settings: Settings) -> None:
    async with running_app(settings) as client:
        latencies = [await post_line(client, settings, p.line_text(FLOODER, f"hello {n}"))
                     for n in range(20)]
    assert max(latencies) < 0.5, latencies
    stored = await InboundEvent.all()
    assert len(stored) == 20 and {e.status for e in stored} == {EventStatus.PENDING}


async def test_flooding_user_has_every_event_stored_but_only_the_limit_processed(
        db: str, fake: FakePlatform, redis: Redis) -> None:
    settings = flood_settings(db, fake)
    await flood(settings)
    statuses = await InboundEvent.filter(sender=FLOODER).order_by("id").values_list(
        "status", flat=True)
    assert len(statuses) == 12
    assert statuses == [EventStatus.DONE] * FLOOD_LIMIT + [EventStatus.THROTTLED] * 7


async def test_flooding_user_gets_exactly_one_slow_down_notice(
        db: str, fake: FakePlatform, redis: Redis) -> None:
    settings = flood_settings(db, fake)
    await flood(settings)
    sent = [c for c in fake.calls("line", "reply") + fake.calls("line", "push")
            if c.status == 200]
    notices = [c for c in sent
               if any(SLOW_DOWN in m.get("text", "") for m in c.json["messages"])]
    assert len(notices) == 1
    assert notices[0].endpoint == "push" and notices[0].json["to"] == FLOODER
    answers = [c for c in sent if c.endpoint == "reply"]
    assert len(answers) == FLOOD_LIMIT + 2  # the flooder's first five, the neighbour's two


async def test_other_user_in_the_same_window_is_processed_normally(
        db: str, fake: FakePlatform, redis: Redis) -> None:
    settings = flood_settings(db, fake)
    posted = await flood(settings)
    neighbour = await InboundEvent.filter(sender=NEIGHBOUR).order_by("id")
    assert [e.status for e in neighbour] == [EventStatus.DONE, EventStatus.DONE]
    tokens = {c.json["replyToken"] for c in fake.calls("line", "reply") if c.status == 200}
    assert {e["replyToken"] for e in posted} <= tokens
    assert all(c.json.get("to") != NEIGHBOUR for c in fake.calls("line", "push"))


async def test_redeliveries_do_not_count_towards_the_flood_limit(
        db: str, fake: FakePlatform, redis: Redis) -> None:
    settings = flood_settings(db, fake, flood_max_events=2)
    first = p.line_text(FLOODER, "hello")
    again = copy.deepcopy(first)
    again["deliveryContext"]["isRedelivery"] = True
    await clear_of_window_edge(WINDOW_S)
    async with running_app(settings) as client:
        await post_line(client, settings, first)
        await post_line(client, settings, again)
        await post_line(client, settings, again)
        await post_line(client, settings, p.line_text(FLOODER, "help"))
    statuses = await InboundEvent.filter(sender=FLOODER).order_by("id").values_list(
        "status", flat=True)
    assert statuses == [EventStatus.PENDING, EventStatus.PENDING]
