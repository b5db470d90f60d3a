"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from redis.exceptions import RedisError

from core.db import ping_db
from web.deps import deps_of

router = APIRouter()
# Readiness answers within this, whatever a dependency does.
CHECK_TIMEOUT_S = 2.0


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    deps = deps_of(request)
    checks = {"database": _check(ping_db()),
              "redis": _check(deps.queue.ping()) if deps.queue is not None else None}
    results = {name: await check if check else "not configured"
               for name, check in checks.items()}
    ready = all(result in ("ok", "not configured") for result in results.values())
    return JSONResponse({"ready": ready, **results}, status_code=200 if ready else 503)


async def _check(awaitable: object) -> str:
    try:
        await asyncio.wait_for(awaitable, CHECK_TIMEOUT_S)  # type: ignore[arg-type]
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    try:
        body = await deps_of(request).metrics.render()
    except RedisError as exc:  # the series live in Redis; say so rather than fail
        return JSONResponse({"error": f"metrics unavailable: {type(exc).__name__}"},
                            status_code=503)
    return Response(body, media_type="text/plain; version=0.0.4; charset=utf-8")
