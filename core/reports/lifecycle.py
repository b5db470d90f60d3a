"""The report lifecycle: legal transitions, who may make them, and what each one records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.ledger import service as ledger
from core.reports.models import Report, ReportEvent, ReportPhoto, Status
from core.settings import Settings
from core.staff.models import Role, Staff
from core.users.models import User

S, R = Status, Role
MODERATORS = frozenset({R.ADMIN, R.MODERATOR, R.GREEN_CHAMPION})
DISPATCHERS = frozenset({R.ADMIN, R.DISPATCHER})
FIELD = frozenset({R.ADMIN, R.DISPATCHER, R.WORKER})

# (from, to) -> the roles that may make the move. Anything absent is illegal.
TRANSITIONS: dict[tuple[Status, Status], frozenset[Role]] = {
    (S.REPORTED, S.VERIFIED): MODERATORS,
    (S.REPORTED, S.REJECTED): MODERATORS,
    (S.REPORTED, S.DUPLICATE): MODERATORS,
    (S.VERIFIED, S.REJECTED): MODERATORS,
    (S.VERIFIED, S.DUPLICATE): MODERATORS,
    (S.VERIFIED, S.ASSIGNED): DISPATCHERS,
    (S.ASSIGNED, S.ASSIGNED): DISPATCHERS,  # reassign to another worker
    (S.ASSIGNED, S.IN_PROGRESS): FIELD,
    (S.ASSIGNED, S.COLLECTED): FIELD,
    (S.IN_PROGRESS, S.COLLECTED): FIELD,
    (S.COLLECTED, S.RESOLVED): frozenset({R.ADMIN, R.DISPATCHER, R.MODERATOR}),
}
TERMINAL = frozenset({S.RESOLVED, S.REJECTED, S.DUPLICATE})


class IllegalTransition(Exception):
    """The report's state does not allow this move."""


class Forbidden(Exception):
    """This person's role may not make this move, or not on this report."""


class MissingDetail(Exception):
    """The move needs something it was not given (a worker, a proof photo, the original)."""


@dataclass(frozen=True, slots=True)
class Move:
    to: Status
    note: str = ""
    photo_key: str = ""
    assignee: Staff | None = None
    duplicate_of: Report | None = None


def check(report: Report, actor: Staff, move: Move) -> None:
    """Raise unless this actor may make this move on this report now."""
    roles = TRANSITIONS.get((report.status, move.to))
    if roles is None:
        raise IllegalTransition(f"{report.status} -> {move.to}")
    if actor.role not in roles:
        raise Forbidden(f"{actor.role} may not move a report to {move.to}")
    if actor.role == R.GREEN_CHAMPION and (not actor.ward or actor.ward != report.ward):
        raise Forbidden("green champions moderate reports in their own ward only")
    if actor.role == R.WORKER and report.assignee_id != actor.id:  # type: ignore[attr-defined]
        raise Forbidden("workers move only the reports assigned to them")
    _check_details(report, move)


def _check_details(report: Report, move: Move) -> None:
    if (move.assignee is not None) != (move.to == S.ASSIGNED):
        raise MissingDetail("a worker is given exactly when assigning")
    if move.assignee is not None and not (move.assignee.role == R.WORKER and move.assignee.active):
        raise MissingDetail("assigning needs an active worker")
    if move.to == S.COLLECTED and not move.photo_key:
        raise MissingDetail("collection needs a proof photo")
    if (move.duplicate_of is not None) != (move.to == S.DUPLICATE):
        raise MissingDetail("an original is given exactly when marking a duplicate")
    original = move.duplicate_of
    if original is not None and (original.id == report.id or original.status in TERMINAL):
        raise MissingDetail("a duplicate needs another report that is still open")


async def apply(report: Report, actor: Staff, move: Move, now: datetime,
                settings: Settings) -> ReportEvent:
    """Make the move: update the report, append to its timeline, credit on verification.

    Call inside a transaction with the report row locked.
    """
    check(report, actor, move)
    event = await ReportEvent.create(
        report=report, from_status=report.status, to_status=move.to, actor=actor,
        actor_label=f"{actor.role}:{actor.name}", note=move.note, photo_key=move.photo_key,
        created_at=now)
    if report.first_response_at is None:
        report.first_response_at = now
    if move.to in TERMINAL:
        report.resolved_at = now
    if move.assignee is not None:
        report.assignee = move.assignee
    if move.duplicate_of is not None:
        report.duplicate_of = move.duplicate_of
    if move.photo_key:
        await ReportPhoto.create(report=report, key=move.photo_key, kind="proof", created_at=now)
    report.status, report.updated_at = move.to, now
    await report.save()
    if move.to == S.VERIFIED:
        await _credit_reporter(report, now, settings)
    return event


async def _credit_reporter(report: Report, now: datetime, settings: Settings) -> None:
    reporter = await User.get_or_none(id=report.reporter_id) if report.reporter_id else None  # type: ignore[attr-defined]
    if reporter is not None and settings.report_verified_credits:
        await ledger.append(reporter, settings.report_verified_credits, "report_verified",
                            f"report:{report.ref}", f"report:{report.id}:verified", now)
