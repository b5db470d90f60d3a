"""A per-sender flood limit in Redis: a fixed window counter."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    first_refusal: bool  # the first event over the limit in this window gets a notice
    window: int


async def check(redis: Redis | None, key: str, limit: int, window_seconds: int) -> Verdict:
    """Count one event for key; without Redis everything is allowed (events are stored)."""
    window = int(time.time()) // window_seconds
    if redis is None:
        return Verdict(True, False, window)
    name = f"wn:flood:{key}:{window}"
    try:
        pipe = redis.pipeline(transaction=True)
        pipe.incr(name)
        pipe.expire(name, window_seconds * 2)
        count, _ = await pipe.execute()
    except RedisError as exc:
        log.warning("flood check skipped: %s", exc)
        return Verdict(True, False, window)
    return Verdict(count <= limit, count == limit + 1, window)
