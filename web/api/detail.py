"""The report views: list items, the full detail with its timeline, and audit actors."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import datetime

from core.audit.models import AuditEntry
from core.reports.models import (
    OPEN_STATUSES,
    Rating,
    Report,
    ReportEvent,
    ReportPhoto,
    Status,
    Subscription,
)
from core.reports.notify import media_url
from core.staff.models import Staff
from web.api.auth import visible_to
from web.api.listing import within
from web.api.schemas import (
    AuditActor,
    InternalNote,
    Nearby,
    Photo,
    Ratings,
    ReportDetail,
    Reporter,
    ReportItem,
    Step,
    item_of,
    seconds_between,
    utc,
)
from web.deps import WebDeps

NOTE_ACTION = "report.note"
# Triage shows open reports this close to the one being read, at most this many.
NEARBY_M = 100.0
NEARBY_LIMIT = 20


async def items(page: list[Report], base_url: str, now: datetime) -> list[ReportItem]:
    photos: dict[int, list[ReportPhoto]] = defaultdict(list)
    for photo in await ReportPhoto.filter(report_id__in=[r.id for r in page]).order_by("id"):
        photos[photo.report_id].append(photo)  # type: ignore[attr-defined]
    ids = {r.assignee_id for r in page if r.assignee_id}  # type: ignore[attr-defined]
    staff = {s.id: s for s in await Staff.filter(id__in=ids)} if ids else {}
    return [ReportItem(**item_of(r, staff.get(r.assignee_id),  # type: ignore[attr-defined]
                                 photos[r.id], base_url, now)) for r in page]


async def detail(report: Report, staff: Staff, deps: WebDeps, now: datetime) -> ReportDetail:
    base = deps.settings.public_base_url
    photos = await ReportPhoto.filter(report_id=report.id).order_by("id")
    assignee_id = report.assignee_id  # type: ignore[attr-defined]
    assignee = await Staff.get_or_none(id=assignee_id) if assignee_id else None
    events = await ReportEvent.filter(report_id=report.id).order_by("created_at", "id")
    stars = [rating.stars for rating in await Rating.filter(report_id=report.id)]
    duplicate_of = report.duplicate_of_id  # type: ignore[attr-defined]
    original = await Report.get_or_none(id=duplicate_of) if duplicate_of else None
    notes = await AuditEntry.filter(target=target(report), action=NOTE_ACTION).order_by(
        "created_at", "id")
    return ReportDetail(
        **item_of(report, assignee, photos, base, now),
        note=report.note, location_source=report.location_source, source=report.source,
        duplicate_of=original.ref if original else None,
        reporter=await _reporter(report),
        timeline=[Step(from_=Status(e.from_status) if e.from_status else None,
                       to=Status(e.to_status), actor=e.actor_label, note=e.note,
                       photo_url=media_url(base, e.photo_key) if e.photo_key else None,
                       at=utc(e.created_at)) for e in events],
        photos=[Photo(url=media_url(base, p.key), kind=p.kind) for p in photos],
        ratings=Ratings(count=len(stars), average=round(sum(stars) / len(stars), 2)
                        if stars else None),
        time_to_first_response_seconds=seconds_between(report.created_at,
                                                       report.first_response_at),
        time_to_resolution_seconds=seconds_between(report.created_at, report.resolved_at),
        nearby=await _nearby(report, staff),
        notes=[InternalNote(actor=n.actor_label, note=n.detail.get("note", ""),
                            at=utc(n.created_at)) for n in notes],
    )


async def _reporter(report: Report) -> Reporter | None:
    user_id = report.reporter_id  # type: ignore[attr-defined]
    if user_id is None:
        return None
    subscribed = await Subscription.exists(report_id=report.id, user_id=user_id)
    return Reporter(id=_opaque_reporter(user_id), subscribed=subscribed)


def _opaque_reporter(user_id: int) -> str:
    """Tells one reporter's reports together without naming the person."""
    return "r_" + hashlib.sha256(f"wastenexus:reporter:{user_id}".encode()).hexdigest()[:16]


async def _nearby(report: Report, staff: Staff) -> list[Nearby]:
    if report.latitude is None or report.longitude is None:
        return []
    candidates = Report.filter(visible_to(staff), status__in=OPEN_STATUSES).exclude(
        id=report.id)
    distances = await within(candidates, report.latitude, report.longitude, NEARBY_M)
    if not distances:
        return []
    rows = await Report.filter(id__in=list(distances)).values_list("id", "ref", "status")
    found = [Nearby(ref=ref, status=status, distance_m=round(distances[report_id], 1))
             for report_id, ref, status in rows]
    return sorted(found, key=lambda near: near.distance_m)[:NEARBY_LIMIT]


def audit_actor(staff: Staff | None) -> AuditActor | None:
    return AuditActor(id=staff.id, name=staff.name, role=staff.role) if staff else None


def target(report: Report) -> str:
    return f"report:{report.ref}"
