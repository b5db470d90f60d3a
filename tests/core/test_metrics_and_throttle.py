"""Prometheus metrics kept in Redis (core/metrics.py) and the per-sender flood limit
(core/throttle.py), on a real Redis."""

from __future__ import annotations

import uuid

import pytest
from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families
from redis.asyncio import Redis

from core import throttle
from core.metrics import BUCKETS, Metrics

# Metric names unique to each test, so nothing else writing to Redis can mix in.


def unique(name: str) -> str:
    return f"{name}_{uuid.uuid4().hex[:8]}"


async def families(metrics: Metrics) -> dict[str, Metric]:
    return {f.name: f for f in text_string_to_metric_families((await metrics.render()).decode())}


# ----------------------------------------------------------------------------- metrics


async def test_counters_render_as_prometheus_counters(redis: Redis) -> None:
    metrics = Metrics(redis)
    name = unique("inbound_events")
    await metrics.count(f"{name}_total", channel="line", outcome="done")
    await metrics.count(f"{name}_total", channel="line", outcome="done")
    await metrics.count(f"{name}_total", 3, channel="sms", outcome="throttled")
    family = (await families(metrics))[name]
    assert family.type == "counter"
    samples = {(s.labels["channel"], s.labels["outcome"]): s.value
               for s in family.samples if s.name == f"{name}_total"}
    assert samples == {("line", "done"): 2.0, ("sms", "throttled"): 3.0}


async def test_a_counter_without_labels_renders(redis: Redis) -> None:
    metrics = Metrics(redis)
    name = unique("sweeps")
    await metrics.count(f"{name}_total")
    family = (await families(metrics))[name]
    assert [(s.name, s.labels, s.value) for s in family.samples
            if s.name.endswith("_total")] == [(f"{name}_total", {}, 1.0)]


async def test_observations_render_as_cumulative_histogram_buckets(redis: Redis) -> None:
    metrics = Metrics(redis)
    name = unique("event_processing_seconds")
    for seconds in (0.03, 0.2, 0.05, 12.0):
        await metrics.observe(name, seconds, channel="line")
    family = (await families(metrics))[name]
    assert family.type == "histogram"
    buckets = {s.labels["le"]: s.value for s in family.samples if s.name == f"{name}_bucket"}
    # 0.03 and 0.05 fall in le=0.05 (bounds are inclusive), 0.2 in le=0.25, 12.0 only in +Inf
    assert buckets == {"0.005": 0, "0.01": 0, "0.025": 0, "0.05": 2, "0.1": 2, "0.25": 3,
                       "0.5": 3, "1.0": 3, "2.5": 3, "5.0": 3, "10.0": 3, "+Inf": 4}
    assert len(buckets) == len(BUCKETS)
    by_name = {s.name: s.value for s in family.samples}
    assert by_name[f"{name}_count"] == 4
    assert by_name[f"{name}_sum"] == pytest.approx(12.28)  # 0.03 + 0.2 + 0.05 + 12.0


async def test_histograms_keep_label_sets_apart(redis: Redis) -> None:
    metrics = Metrics(redis)
    name = unique("send_seconds")
    await metrics.observe(name, 0.1, channel="line")
    await metrics.observe(name, 0.1, channel="sms")
    await metrics.observe(name, 0.1, channel="sms")
    family = (await families(metrics))[name]
    counts = {s.labels["channel"]: s.value for s in family.samples if s.name == f"{name}_count"}
    assert counts == {"line": 1, "sms": 2}


async def test_metrics_without_redis_record_nothing_and_render_empty() -> None:
    metrics = Metrics(None)
    await metrics.count("inbound_events_total", channel="line")
    await metrics.observe("event_processing_seconds", 0.1, channel="line")
    assert list(text_string_to_metric_families((await metrics.render()).decode())) == []


async def test_metrics_never_break_the_work_when_redis_is_down() -> None:
    down = Redis.from_url("redis://127.0.0.1:1/0")  # nothing listens on port 1
    try:
        metrics = Metrics(down)
        await metrics.count("inbound_events_total", channel="line")
        await metrics.observe("event_processing_seconds", 0.1, channel="line")
    finally:
        await down.aclose()


# ----------------------------------------------------------------------------- throttle

# One window of a billion seconds: every check in a test falls in the same window.
WINDOW = 1_000_000_000


async def test_throttle_allows_the_limit_then_refuses(redis: Redis) -> None:
    key = unique("line:U1")
    verdicts = [await throttle.check(redis, key, 3, WINDOW) for _ in range(6)]
    assert [v.allowed for v in verdicts] == [True, True, True, False, False, False]


async def test_throttle_flags_only_the_first_refusal_of_a_window(redis: Redis) -> None:
    key = unique("line:U1")
    verdicts = [await throttle.check(redis, key, 3, WINDOW) for _ in range(6)]
    assert [v.first_refusal for v in verdicts] == [False, False, False, True, False, False]
    assert len({v.window for v in verdicts}) == 1


async def test_throttle_counts_each_sender_separately(redis: Redis) -> None:
    flooder, other = unique("line:U1"), unique("line:U2")
    for _ in range(3):
        await throttle.check(redis, flooder, 2, WINDOW)
    assert (await throttle.check(redis, other, 2, WINDOW)).allowed


async def test_throttle_starts_again_in_a_new_window(redis: Redis,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    key = unique("line:U1")
    monkeypatch.setattr(throttle.time, "time", lambda: 1_000_000.0)
    for _ in range(3):
        await throttle.check(redis, key, 2, 60)
    monkeypatch.setattr(throttle.time, "time", lambda: 1_000_060.0)  # the next 60 s window
    verdict = await throttle.check(redis, key, 2, 60)
    assert (verdict.allowed, verdict.window) == (True, 1_000_060 // 60)


async def test_throttle_sets_an_expiry_on_its_counter(redis: Redis) -> None:
    key = unique("line:U1")
    verdict = await throttle.check(redis, key, 3, 60)
    ttl = await redis.ttl(f"wn:flood:{key}:{verdict.window}")
    assert 0 < ttl <= 120  # two windows


async def test_throttle_without_redis_allows_everything() -> None:
    verdicts = [await throttle.check(None, "line:U1", 1, 60) for _ in range(5)]
    assert all(v.allowed and not v.first_refusal for v in verdicts)
