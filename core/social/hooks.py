"""After-commit work that keeps boards and referrals current; rebuildable if it is lost."""

from __future__ import annotations

from redis.asyncio import Redis

from core.events.processing import AfterCommit
from core.runtime import Runtime
from core.social import leaderboards, referrals


def settle_and_refresh_hook(redis: Redis, runtime: Runtime) -> AfterCommit:
    """After a person's ledger moved: settle their referral, then refresh the boards of
    everyone whose balance changed."""
    async def settle_and_refresh(user_id: int | None) -> None:
        if user_id is None:
            return
        now = runtime.clock()
        settled = await referrals.settle_referral(user_id, now, runtime.settings)
        for changed in dict.fromkeys((user_id, *settled.credited)):
            await leaderboards.refresh_user(redis, changed, now)

    return settle_and_refresh
