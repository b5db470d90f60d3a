"""Drive N signed LINE text webhooks at a running WasteNexus and print what it sustains.

It starts everything itself on this machine: a fake LINE API that counts replies, the app
(`wastenexus serve`) and worker(s) (`wastenexus worker`) on a fresh PostgreSQL database and
a Redis database, then posts N webhooks with the chosen concurrency. It prints
acknowledgements per second, p50/p99 acknowledgement latency, and the time until the last
reply reached the LINE API. For the same N and concurrency it then measures a bare FastAPI
endpoint under the same uvicorn, the ceiling for this machine.

    .venv/bin/python bench/webhooks.py --n 2000 --concurrency 50
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp
import asyncpg
from aiohttp import web
from redis.asyncio import Redis
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret"
BARE_APP = "from fastapi import FastAPI\napp = FastAPI()\n@app.post('/hook')\nasync def hook():\n" \
           "    return 'OK'\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LineApi:
    """Counts reply and push calls, remembering when the last one arrived."""

    def __init__(self) -> None:
        self.replies = 0
        self.last_at = 0.0
        self.port = free_port()

    async def start(self) -> web.AppRunner:
        app = web.Application()
        app.router.add_post("/v2/bot/message/{kind}", self.handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", self.port).start()
        return runner

    async def handle(self, request: web.Request) -> web.Response:
        await request.read()
        self.replies += 1
        self.last_at = time.perf_counter()
        return web.json_response({"sentMessages": [{"id": uuid.uuid4().hex[:18]}]})


def line_body(n: int) -> tuple[bytes, str]:
    event = {"type": "message", "mode": "active", "timestamp": int(time.time() * 1000),
             "source": {"type": "user", "userId": f"U{n:032x}"},
             "webhookEventId": uuid.uuid4().hex.upper()[:26],
             "deliveryContext": {"isRedelivery": False}, "replyToken": uuid.uuid4().hex,
             "message": {"id": str(n), "type": "text", "quoteToken": "q", "text": "hello"}}
    body = json.dumps({"destination": "Ubench", "events": [event]}).encode()
    digest = hmac.new(SECRET.encode(), body, hashlib.sha256).digest()
    return body, base64.b64encode(digest).decode()


async def fire(url: str, n: int, concurrency: int, signed: bool) -> tuple[list[float], float]:
    """Post n requests with at most `concurrency` in flight; return latencies and wall time."""
    bodies = [line_body(i) if signed else (b"{}", "") for i in range(n)]
    latencies: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(n):
        queue.put_nowait(i)

    async def client(session: aiohttp.ClientSession) -> None:
        while not queue.empty():
            body, signature = bodies[queue.get_nowait()]
            started = time.perf_counter()
            async with session.post(url, data=body, headers={
                    "Content-Type": "application/json", "X-Line-Signature": signature}) as resp:
                await resp.read()
                if resp.status != 200:
                    raise RuntimeError(f"{url} answered {resp.status}")
            latencies.append(time.perf_counter() - started)

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.perf_counter()
        await asyncio.gather(*(client(session) for _ in range(concurrency)))
        return latencies, time.perf_counter() - started


async def wait_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            try:
                async with session.get(url) as resp:
                    if resp.status in (200, 404, 405):
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not start")


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


async def database(base_url: str) -> tuple[str, str]:
    name = f"wastenexus_bench_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(base_url.replace("postgres://", "postgresql://", 1))
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    return name, base_url.rsplit("/", 1)[0] + f"/{name}"


async def drop(base_url: str, name: str) -> None:
    conn = await asyncpg.connect(base_url.replace("postgres://", "postgresql://", 1))
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.close()


def service_env(args: argparse.Namespace, db_url: str, line_port: int) -> dict[str, str]:
    env = dict(os.environ, DATABASE_URL=db_url, REDIS_URL=args.redis_url,
               LINE_CHANNEL_SECRET=SECRET, LINE_CHANNEL_ACCESS_TOKEN="bench-token",
               LINE_API_BASE_URL=f"http://127.0.0.1:{line_port}",
               LINE_DATA_API_BASE_URL=f"http://127.0.0.1:{line_port}",
               FLOOD_MAX_EVENTS="1000000")
    env.pop("TELEGRAM_BOT_TOKEN", None)
    env.pop("TWILIO_ACCOUNT_SID", None)
    return env


def spawn(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("wb"),
                            stderr=subprocess.STDOUT)


async def measure_wastenexus(args: argparse.Namespace, logs: Path) -> dict[str, float]:
    line = LineApi()
    runner = await line.start()
    name, db_url = await database(args.database_url)
    env = service_env(args, db_url, line.port)
    wastenexus = [sys.executable, "-m", "cli"]
    subprocess.run([*wastenexus, "migrate"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    subprocess.run([*wastenexus, "seed"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    procs = [spawn([*wastenexus, "serve", "--port", str(port), "--workers",
                    str(args.web_workers)], env, logs / "serve.log")]
    procs += [spawn([*wastenexus, "worker"], env, logs / f"worker-{i}.log")
              for i in range(args.workers)]
    try:
        await wait_up(f"http://127.0.0.1:{port}/healthz")
        latencies, wall = await fire(f"http://127.0.0.1:{port}/webhooks/line", args.n,
                                     args.concurrency, signed=True)
        started_replies = time.perf_counter() - wall
        deadline = time.monotonic() + args.reply_timeout
        while line.replies < args.n and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        return {"acks_per_s": args.n / wall, "p50_ms": percentile(latencies, 50) * 1000,
                "p99_ms": percentile(latencies, 99) * 1000, "replies": line.replies,
                "last_reply_s": line.last_at - started_replies}
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(20)
        await runner.cleanup()
        await drop(args.database_url, name)


async def measure_bare(args: argparse.Namespace, logs: Path) -> dict[str, float]:
    app_dir = Path(tempfile.mkdtemp())
    (app_dir / "bare_app.py").write_text(BARE_APP)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "bare_app:app", "--port",
                             str(port), "--log-level", "warning"], cwd=app_dir,
                            stdout=(logs / "bare.log").open("wb"), stderr=subprocess.STDOUT)
    try:
        await wait_up(f"http://127.0.0.1:{port}/hook")
        latencies, wall = await fire(f"http://127.0.0.1:{port}/hook", args.n,
                                     args.concurrency, signed=False)
        return {"acks_per_s": args.n / wall, "p50_ms": percentile(latencies, 50) * 1000,
                "p99_ms": percentile(latencies, 99) * 1000}
    finally:
        proc.terminate()
        proc.wait(10)


def report(console: Console, args: argparse.Namespace, ours: dict[str, float],
           bare: dict[str, float]) -> None:
    table = Table(title=f"{args.n} LINE webhooks, concurrency {args.concurrency}, "
                        f"{args.web_workers} web + {args.workers} arq process(es), "
                        f"{os.cpu_count()} CPU(s)")
    for column in ("", "acks/s", "p50 ack ms", "p99 ack ms", "replies", "last reply s"):
        table.add_column(column, justify="right")
    table.add_row("WasteNexus /webhooks/line", f"{ours['acks_per_s']:.0f}",
                  f"{ours['p50_ms']:.1f}", f"{ours['p99_ms']:.1f}",
                  f"{ours['replies']:.0f}/{args.n}", f"{ours['last_reply_s']:.2f}")
    table.add_row("bare FastAPI POST (ceiling)", f"{bare['acks_per_s']:.0f}",
                  f"{bare['p50_ms']:.1f}", f"{bare['p99_ms']:.1f}", "-", "-")
    console.print(table)


async def main(args: argparse.Namespace) -> None:
    console = Console()
    redis = Redis.from_url(args.redis_url)
    await redis.flushdb()  # a stale queue from an earlier run would skew the figures
    await redis.aclose()
    logs = Path(tempfile.mkdtemp(prefix="wastenexus-bench-"))
    with console.status("WasteNexus: posting webhooks and waiting for replies…"):
        ours = await measure_wastenexus(args, logs)
    with console.status("bare FastAPI endpoint…"):
        bare = await measure_bare(args, logs)
    report(console, args, ours, bare)
    console.print(f"logs: {logs}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--workers", type=int, default=1, help="arq worker processes")
    parser.add_argument("--web-workers", type=int, default=1, help="uvicorn processes")
    parser.add_argument("--database-url", default=os.environ.get(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/10")
    parser.add_argument("--reply-timeout", type=float, default=300)
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
