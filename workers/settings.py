"""WorkerSettings: every job, the sweeper cron, and start-up wiring."""

from __future__ import annotations

from typing import Any, ClassVar

from arq import cron
from arq.worker import func

from core.queue import JOB_PROCESS_EVENT, JOB_SEND, JOB_THROTTLE_NOTICE, redis_settings
from core.settings import Settings
from workers import jobs, social_jobs
from workers.context import shutdown, startup


class WorkerSettings:
    functions: ClassVar = [
        func(jobs.process_event, name=JOB_PROCESS_EVENT, max_tries=3),
        func(jobs.send_outbound, name=JOB_SEND, max_tries=3),
        func(jobs.notify_throttled, name=JOB_THROTTLE_NOTICE),
        func(social_jobs.rebuild_leaderboards, name="rebuild_leaderboards"),
    ]
    on_startup = startup
    on_shutdown = shutdown
    # Results are not read, and a kept result would block re-queuing the same job id.
    keep_result = 0
    # Idle polling interval: 50 ms keeps SMS replies inside the TwiML window.
    poll_delay = 0.05


def worker_options(settings: Settings, *, own_db: bool = True, burst: bool = False,
                   ) -> dict[str, Any]:
    """Keyword arguments for arq.Worker, for this environment."""
    every = settings.sweep_interval_seconds
    return {
        "functions": WorkerSettings.functions,
        "cron_jobs": [
            cron(jobs.sweep, second=set(range(0, 60, every)), run_at_startup=True),
            # 19:10 UTC is past midnight in both Bangkok (02:10) and India (00:40).
            cron(social_jobs.rebuild_leaderboards, hour={19}, minute={10}),
            cron(social_jobs.rebuild_leaderboards_if_missing, minute=set(range(0, 60, 10)),
                 run_at_startup=True),
        ],
        "job_timeout": settings.job_timeout_seconds,
        "on_startup": WorkerSettings.on_startup,
        "on_shutdown": WorkerSettings.on_shutdown,
        "keep_result": WorkerSettings.keep_result,
        "poll_delay": WorkerSettings.poll_delay,
        "max_jobs": settings.worker_concurrency,
        "redis_settings": redis_settings(settings.redis_url),
        "ctx": {"settings": settings, "own_db": own_db},
        "burst": burst,
    }
