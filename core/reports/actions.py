"""Staff actions on a report: one transaction that moves it, tells subscribers and audits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.transactions import in_transaction

from core.audit import service as audit
from core.reports import lifecycle, notify
from core.reports import service as reports
from core.reports.models import Report, ReportEvent, Status, Subscription
from core.runtime import Runtime
from core.staff.models import Staff
from core.users.models import Identity, User


@dataclass(frozen=True, slots=True)
class Done:
    report: Report
    event: ReportEvent
    message_ids: list[int]


async def move(report_id: int, actor: Staff, step: lifecycle.Move, runtime: Runtime,
               now: datetime, ip: str = "") -> Done:
    """Raises lifecycle.IllegalTransition, Forbidden or MissingDetail; nothing changes then."""
    async with in_transaction():
        report = await Report.select_for_update().get(id=report_id)
        event = await lifecycle.apply(report, actor, step, now, runtime.settings)
        if step.to == Status.DUPLICATE and step.duplicate_of is not None:
            await _merge_followers(report, step.duplicate_of, runtime, now)
        message_ids = await notify.notify_subscribers(
            report, event, runtime.catalogs, runtime.settings.public_base_url, now)
        await audit.record(actor, f"report.{step.to}", f"report:{report.ref}", now, ip=ip,
                           detail={"from": event.from_status, "note": step.note,
                                   "assignee": step.assignee.id if step.assignee else None,
                                   "duplicate_of": step.duplicate_of.ref
                                   if step.duplicate_of else None})
    return Done(report, event, message_ids)


async def _merge_followers(duplicate: Report, original: Report, runtime: Runtime,
                           now: datetime) -> None:
    """Everyone following the duplicate now confirms, and follows, the original."""
    for sub in await Subscription.filter(report=duplicate):
        user = await User.get(id=sub.user_id)  # type: ignore[attr-defined]
        identity = await Identity.get(id=sub.identity_id)  # type: ignore[attr-defined]
        await reports.plus_one(original, user, identity, now, runtime.settings)
