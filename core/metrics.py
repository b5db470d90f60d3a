"""Prometheus counters and histograms kept in Redis, so every process adds to one set."""

from __future__ import annotations

import json
import logging
from bisect import bisect_left
from collections.abc import Awaitable, Iterator
from typing import cast

from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, float("inf"))
PREFIX = "wn:metrics"


def _labels_key(labels: dict[str, str]) -> str:
    return json.dumps(labels, sort_keys=True)


class Metrics:
    def __init__(self, redis: Redis | None) -> None:
        self.redis = redis

    async def count(self, name: str, amount: int = 1, **labels: str) -> None:
        await self._safely(self._hincr(f"{PREFIX}:c:{name}", _labels_key(labels), amount))

    async def observe(self, name: str, seconds: float, **labels: str) -> None:
        if self.redis is None:
            return
        key = f"{PREFIX}:h:{name}"
        field = _labels_key(labels)
        bucket = BUCKETS[bisect_left(BUCKETS, seconds)]
        pipe = self.redis.pipeline(transaction=False)
        pipe.hincrby(key, f"{field}|{bucket}", 1)
        pipe.hincrbyfloat(key, f"{field}|sum", seconds)
        await self._safely(pipe.execute())

    async def _hincr(self, key: str, field: str, amount: int) -> None:
        if self.redis is not None:
            await cast(Awaitable[int], self.redis.hincrby(key, field, amount))

    async def _safely(self, work: object) -> None:
        try:
            await work  # type: ignore[misc]
        except RedisError as exc:
            # Metrics must never break the work they measure.
            log.warning("metrics not recorded: %s", exc)

    async def render(self) -> bytes:
        """The Prometheus text exposition of everything recorded."""
        families: list[Metric] = []
        if self.redis is not None:
            for key in sorted(await self.redis.keys(f"{PREFIX}:*")):
                name = key.decode().split(":", 3)[3]
                raw = await cast(Awaitable[dict[bytes, bytes]], self.redis.hgetall(key))
                kind = key.decode().split(":")[2]
                families.append(_counter(name, raw) if kind == "c" else _histogram(name, raw))
        return generate_latest(_Fixed(families))


class _Fixed:
    def __init__(self, families: list[Metric]) -> None:
        self.families = families

    def collect(self) -> Iterator[Metric]:
        return iter(self.families)


def _counter(name: str, raw: dict[bytes, bytes]) -> Metric:
    labels = sorted({k for field in raw for k in json.loads(field)})
    family = CounterMetricFamily(name.removesuffix("_total"), name, labels=labels)
    for field, value in raw.items():
        values = json.loads(field)
        family.add_metric([values.get(k, "") for k in labels], int(value))
    return family


def _histogram(name: str, raw: dict[bytes, bytes]) -> Metric:
    series: dict[str, dict[str, float]] = {}
    for field, value in raw.items():
        labels, _, part = field.decode().rpartition("|")
        series.setdefault(labels, {})[part] = float(value)
    names = sorted({k for labels in series for k in json.loads(labels)})
    family = HistogramMetricFamily(name, name, labels=names)
    for labels, parts in series.items():
        running, buckets = 0.0, []
        for bound in BUCKETS:
            running += parts.get(str(bound), 0.0)
            buckets.append(("+Inf" if bound == float("inf") else str(bound), running))
        values = json.loads(labels)
        family.add_metric([values.get(k, "") for k in names], buckets, parts.get("sum", 0.0))
    return family
