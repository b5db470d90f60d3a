"""Leaderboard jobs: rebuild every board from the ledger."""

from __future__ import annotations

import logging
from typing import Any

from core.social import leaderboards
from workers.context import JobDeps

log = logging.getLogger(__name__)


async def rebuild_leaderboards(ctx: dict[str, Any]) -> dict[str, int]:
    """Recompute every current board from the ledger (nightly, and after Redis lost them)."""
    deps: JobDeps = ctx["deps"]

    async def report(done: int, total: int) -> None:
        log.info("leaderboards: %d of %d people", done, total)

    result = await leaderboards.rebuild(deps.queue, deps.pipeline.runtime.clock(),
                                        progress=report)
    if result is None:
        return {"skipped": 1}
    return {"users": result.users, "boards": result.boards, "members": result.members,
            "removed": result.removed}


async def rebuild_leaderboards_if_missing(ctx: dict[str, Any]) -> dict[str, int]:
    """Rebuild when Redis has no finished rebuild on record (flushed, or a new server)."""
    deps: JobDeps = ctx["deps"]
    if await deps.queue.exists(leaderboards.BUILT_KEY):
        return {"skipped": 1}
    return await rebuild_leaderboards(ctx)
