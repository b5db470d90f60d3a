"""The routes of the admin API: list and read reports, move them, note, upload, audit.

Views stay thin: the lifecycle, notifications and auditing of a move live in
core.reports.actions; here are the HTTP edges, the list query and the detail view.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import math
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.types import Message
from tortoise.expressions import Q, RawSQL
from tortoise.queryset import QuerySet

from core.audit import service as audit
from core.audit.models import AuditEntry
from core.media.images import MAX_BYTES, InvalidImage, process_image
from core.media.store import InvalidKey, MediaStoreError, check_key
from core.outbox.schedule import schedule_send
from core.reports import actions, geo, lifecycle
from core.reports import service as reports
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
from core.staff.models import Role, Staff
from web.api import ApiError, ApiRoute
from web.api.auth import EVERY_ROLE, can_see, require, visible_to
from web.api.schemas import (
    AssignIn,
    AuditActor,
    AuditItem,
    AuditPage,
    AuditParams,
    ErrorBody,
    InternalNote,
    ListParams,
    Nearby,
    NoteIn,
    Photo,
    PhotoUploaded,
    Ratings,
    ReportDetail,
    Reporter,
    ReportItem,
    ReportPage,
    Sort,
    Step,
    TransitionIn,
    item_of,
    seconds_between,
    utc,
)
from web.deps import WebDeps, deps_of
from web.webhooks import BodyTooLarge, read_body

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1", route_class=ApiRoute, tags=["admin"],
                   responses={code: {"model": ErrorBody} for code in (401, 403, 404, 422)})

# Whoever appears in some transition; government is read-only.
ACTORS = frozenset[Role]().union(*lifecycle.TRANSITIONS.values())
NOTE_TAKERS = (Role.ADMIN, Role.DISPATCHER, Role.MODERATOR, Role.GREEN_CHAMPION)
UPLOADERS = (Role.ADMIN, Role.DISPATCHER, Role.WORKER)
NOTE_ACTION = "report.note"
UPLOAD_ACTION = "report.photo_upload"
# Triage shows open reports this close to the one being read, at most this many.
NEARBY_M = 100.0
NEARBY_LIMIT = 20
# Room for the multipart framing around a photo of the largest accepted size.
UPLOAD_LIMIT = MAX_BYTES + 64 * 1024
UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {
    "schema": {"type": "object", "required": ["file"],
               "properties": {"file": {"type": "string", "format": "binary"}}}}}}}
# (field, descending) in order; the id last makes every order total, so cursors are exact.
ORDERS: dict[str, tuple[tuple[str, bool], ...]] = {
    "priority": (("priority", True), ("created_at", False), ("id", False)),
    "created_at": (("created_at", False), ("id", False)),
    "-created_at": (("created_at", True), ("id", True)),
    "sla": (("sla_due_at", False), ("id", False)),
}
DATETIME_FIELDS = frozenset({"created_at", "sla_due_at"})

Caller = Annotated[Staff, Depends(require(*EVERY_ROLE))]
Actor = Annotated[Staff, Depends(require(*ACTORS))]


@router.get("/reports", response_model=ReportPage)
async def list_reports(request: Request, params: Annotated[ListParams, Query()],
                       staff: Caller) -> ReportPage:
    deps = deps_of(request)
    now = deps.runtime.clock()
    query = await _filtered(params, staff, now)
    total = await query.count()
    if params.cursor is not None:
        query = query.filter(_after(params.sort, _decode_cursor(params.cursor, params.sort)))
    rows = await query.order_by(*_order_by(params.sort)).offset(params.offset or 0).limit(
        params.limit + 1)
    page = rows[:params.limit]
    items = await _items(page, deps.settings.public_base_url, now)
    more = len(rows) > params.limit
    return ReportPage(items=items, total=total,
                      next_cursor=_encode_cursor(params.sort, page[-1]) if more else None)


@router.get("/reports/{ref}", response_model=ReportDetail)
async def read_report(ref: str, request: Request, staff: Caller) -> ReportDetail:
    deps = deps_of(request)
    return await _detail(await _visible_report(ref, staff), staff, deps, deps.runtime.clock())


@router.post("/reports/{ref}/transitions", response_model=ReportDetail,
             responses={409: {"model": ErrorBody}})
async def transition(ref: str, body: TransitionIn, request: Request,
                     staff: Actor) -> ReportDetail:
    report = await _visible_report(ref, staff)
    if body.assignee_id is not None and body.to != Status.ASSIGNED:
        raise ApiError(422, "invalid_request", "assignee_id goes only with to=assigned")
    if body.duplicate_of is not None and body.to != Status.DUPLICATE:
        raise ApiError(422, "invalid_request", "duplicate_of goes only with to=duplicate")
    deps = deps_of(request)
    step = lifecycle.Move(
        to=body.to, note=body.note.strip(),
        photo_key=await _stored_photo(body.photo_key, deps) if body.photo_key else "",
        assignee=await _worker(body.assignee_id) if body.assignee_id is not None else None,
        duplicate_of=await _original(body.duplicate_of, staff) if body.duplicate_of else None)
    return await _move(request, staff, report, step)


@router.post("/reports/{ref}/assign", response_model=ReportDetail,
             responses={409: {"model": ErrorBody}})
async def assign(ref: str, body: AssignIn, request: Request, staff: Actor) -> ReportDetail:
    """Assign a verified report to a worker, or hand an assigned one to another."""
    report = await _visible_report(ref, staff)
    step = lifecycle.Move(to=Status.ASSIGNED, note=body.note.strip(),
                          assignee=await _worker(body.worker_id))
    return await _move(request, staff, report, step)


@router.post("/reports/{ref}/notes", response_model=ReportDetail, status_code=201)
async def add_note(ref: str, body: NoteIn, request: Request,
                   staff: Annotated[Staff, Depends(require(*NOTE_TAKERS))]) -> ReportDetail:
    """An internal note for staff; the reporter is not told."""
    report = await _visible_report(ref, staff)
    deps = deps_of(request)
    now = deps.runtime.clock()
    await audit.record(staff, NOTE_ACTION, _target(report), now, ip=_client_ip(request),
                       detail={"note": body.note})
    return await _detail(report, staff, deps, now)


@router.post("/reports/{ref}/photos", response_model=PhotoUploaded, status_code=201,
             openapi_extra=UPLOAD_BODY, responses={413: {"model": ErrorBody}})
async def upload_photo(ref: str, request: Request,
                       staff: Annotated[Staff, Depends(require(*UPLOADERS))]) -> PhotoUploaded:
    """Store a proof photo without its EXIF; pass the key to a transition to attach it."""
    report = await _visible_report(ref, staff)
    deps = deps_of(request)
    raw = await _uploaded_file(request)
    try:
        processed = await asyncio.to_thread(process_image, raw)
    except InvalidImage as exc:
        raise ApiError(422, "invalid_image", f"not an accepted photo: {exc.reason}") from exc
    try:
        key = await deps.media.put(processed.data, processed.content_type)
    except MediaStoreError as exc:
        log.warning("photo for %s not stored: %s", report.ref, exc)
        raise ApiError(503, "unavailable", "the photo could not be stored; try again") from exc
    await audit.record(staff, UPLOAD_ACTION, _target(report), deps.runtime.clock(),
                       ip=_client_ip(request), detail={"photo_key": key})
    return PhotoUploaded(photo_key=key, url=media_url(deps.settings.public_base_url, key))


@router.get("/audit", response_model=AuditPage, dependencies=[Depends(require(Role.ADMIN))])
async def audit_log(params: Annotated[AuditParams, Query()]) -> AuditPage:
    """The audit log, newest first."""
    query = AuditEntry.all()
    if params.target:
        query = query.filter(target=params.target)
    if params.action:
        query = query.filter(action=params.action)
    rows = await query.order_by("-created_at", "-id").offset(params.offset).limit(
        params.limit + 1)
    page = rows[:params.limit]
    ids = {row.actor_id for row in page if row.actor_id}  # type: ignore[attr-defined]
    actors = {s.id: s for s in await Staff.filter(id__in=ids)} if ids else {}
    items = [AuditItem(id=row.id, at=utc(row.created_at), actor=_audit_actor(
        actors.get(row.actor_id)), actor_label=row.actor_label,  # type: ignore[attr-defined]
        action=row.action, target=row.target, detail=row.detail, ip=row.ip) for row in page]
    more = len(rows) > params.limit
    return AuditPage(items=items, next_offset=params.offset + params.limit if more else None)


# ---------------------------------------------------------------- moving a report


async def _move(request: Request, staff: Staff, report: Report,
                step: lifecycle.Move) -> ReportDetail:
    deps = deps_of(request)
    now = deps.runtime.clock()
    try:
        done = await actions.move(report.id, staff, step, deps.runtime, now,
                                  ip=_client_ip(request))
    except lifecycle.IllegalTransition as exc:
        raise ApiError(409, "illegal_transition", f"not a legal move: {exc}") from exc
    except lifecycle.Forbidden as exc:
        raise ApiError(403, "forbidden", str(exc)) from exc
    except lifecycle.MissingDetail as exc:
        raise ApiError(422, "missing_detail", str(exc)) from exc
    # Only after the commit: a job must never look for a message that was rolled back.
    for message_id in done.message_ids:
        await schedule_send(deps.queue, message_id, now)
    return await _detail(done.report, staff, deps, now)


async def _stored_photo(key: str, deps: WebDeps) -> str:
    try:
        check_key(key)
        stored = await deps.media.exists(key)
    except InvalidKey as exc:
        raise ApiError(422, "invalid_photo", "photo_key is not a key we hand out") from exc
    except MediaStoreError as exc:
        raise ApiError(503, "unavailable", "the media store cannot be reached") from exc
    if not stored:
        raise ApiError(422, "invalid_photo", "no photo is stored under photo_key; upload it")
    return key


async def _worker(staff_id: int) -> Staff:
    worker = await Staff.get_or_none(id=staff_id, role=Role.WORKER, active=True)
    if worker is None:
        raise ApiError(422, "invalid_assignee", f"no active worker has id {staff_id}")
    return worker


async def _original(ref: str, staff: Staff) -> Report:
    original = await reports.by_ref(ref)
    if original is None or not can_see(staff, original):
        raise ApiError(422, "invalid_original", f"no report {ref}")
    if original.status not in OPEN_STATUSES:
        # Its followers would wait for news of a report that will have none.
        raise ApiError(422, "invalid_original", f"{original.ref} is already {original.status}")
    return original


async def _uploaded_file(request: Request) -> bytes:
    """The 'file' part of a multipart body, read with a hard size limit."""
    try:
        body = await read_body(request, UPLOAD_LIMIT)
    except BodyTooLarge as exc:
        raise ApiError(413, "too_large", f"a photo is at most {MAX_BYTES} bytes") from exc

    async def replay() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        async with Request(request.scope, replay).form(max_files=1, max_fields=8) as form:
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise ApiError(422, "invalid_request", "send the photo in a multipart "
                               "form-data field named 'file'")
            return await upload.read()
    except (HTTPException, MultiPartException) as exc:
        raise ApiError(400, "bad_request", f"unreadable multipart body: {exc}") from exc


# ---------------------------------------------------------------- reading reports


async def _visible_report(ref: str, staff: Staff) -> Report:
    """The report, or 404 both when there is none and when this caller may not see it."""
    report = await reports.by_ref(ref)
    if report is None or not can_see(staff, report):
        raise ApiError(404, "not_found", f"no report {ref}")
    return report


async def _filtered(params: ListParams, staff: Staff, now: datetime) -> QuerySet[Report]:
    query = Report.filter(visible_to(staff))
    if params.status:
        query = query.filter(status__in=params.status)
    if params.waste_type:
        # A quoted element of the stored JSON list: works on PostgreSQL and SQLite alike.
        query = query.annotate(waste_text=RawSQL("CAST(waste_types AS TEXT)")).filter(
            Q(*(Q(waste_text__contains=f'"{kind}"') for kind in params.waste_type),
              join_type="OR"))
    exact = {"urgency": params.urgency, "ward": params.ward, "province": params.province,
             "district": params.district}
    query = query.filter(**{name: value for name, value in exact.items() if value is not None})
    if params.min_age_hours is not None:
        query = query.filter(created_at__lte=now - timedelta(hours=params.min_age_hours))
    if params.max_age_hours is not None:
        query = query.filter(created_at__gte=now - timedelta(hours=params.max_age_hours))
    if params.overdue is True:
        query = query.filter(sla_due_at__lt=now, status__in=OPEN_STATUSES)
    elif params.overdue is False:
        query = query.filter(Q(sla_due_at__gte=now) | ~Q(status__in=OPEN_STATUSES))
    if params.q:
        prefix = params.q.strip().upper()
        query = query.filter(ref__startswith=prefix if prefix.startswith("WN") else
                             "WN-" + prefix)
    if (point := params.point) is not None:
        query = query.filter(id__in=list(await _within(query, *point, params.radius_m)))
    return query


async def _within(query: QuerySet[Report], lat: Decimal, lon: Decimal,
                  radius_m: float) -> dict[int, float]:
    """Ids of the query's reports within radius_m of a point, with their distances.

    A bounding box narrows it down in the database, the haversine distance decides.
    Boxes do not wrap at ±180°; no municipality we serve straddles the antimeridian.
    """
    half_lat = math.degrees(radius_m / geo.EARTH_RADIUS_M) * 1.01
    half_lon = half_lat / max(math.cos(math.radians(float(lat))), 0.01)
    dlat, dlon = Decimal(f"{half_lat:.6f}"), Decimal(f"{half_lon:.6f}")
    rows = await query.filter(
        latitude__gte=lat - dlat, latitude__lte=lat + dlat,
        longitude__gte=lon - dlon, longitude__lte=lon + dlon,
    ).values_list("id", "latitude", "longitude")
    found = {}
    for report_id, r_lat, r_lon in rows:
        meters = geo.distance_m(lat, lon, r_lat, r_lon)
        if meters <= radius_m:
            found[report_id] = meters
    return found


def _order_by(sort: Sort) -> list[str]:
    return [("-" if descending else "") + name for name, descending in ORDERS[sort]]


def _encode_cursor(sort: Sort, last: Report) -> str:
    values = [getattr(last, name) for name, _ in ORDERS[sort]]
    after = [value.isoformat() if isinstance(value, datetime) else value for value in values]
    raw = json.dumps({"sort": sort, "after": after}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str, sort: Sort) -> list[Any]:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if data["sort"] != sort:
            raise ValueError("the cursor belongs to another sort")
        return [_moment(value) if name in DATETIME_FIELDS else int(value)
                for (name, _), value in zip(ORDERS[sort], data["after"], strict=True)]
    except (ValueError, KeyError, TypeError) as exc:
        raise ApiError(422, "invalid_cursor", "the cursor is not one this list gave out "
                       "with the same sort") from exc


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("a cursor's times carry their offset")
    return moment


def _after(sort: Sort, values: list[Any]) -> Q:
    """Rows after the cursor's row in this order (keyset pagination)."""
    keys = ORDERS[sort]
    branches = []
    for index, (name, descending) in enumerate(keys):
        same = {earlier: value for (earlier, _), value in zip(keys[:index], values, strict=False)}
        branches.append(Q(**same, **{f"{name}__{'lt' if descending else 'gt'}": values[index]}))
    return Q(*branches, join_type="OR")


async def _items(page: list[Report], base_url: str, now: datetime) -> list[ReportItem]:
    photos: dict[int, list[ReportPhoto]] = defaultdict(list)
    for photo in await ReportPhoto.filter(report_id__in=[r.id for r in page]).order_by("id"):
        photos[photo.report_id].append(photo)  # type: ignore[attr-defined]
    ids = {r.assignee_id for r in page if r.assignee_id}  # type: ignore[attr-defined]
    staff = {s.id: s for s in await Staff.filter(id__in=ids)} if ids else {}
    return [ReportItem(**item_of(r, staff.get(r.assignee_id),  # type: ignore[attr-defined]
                                 photos[r.id], base_url, now)) for r in page]


async def _detail(report: Report, staff: Staff, deps: WebDeps, now: datetime) -> ReportDetail:
    base = deps.settings.public_base_url
    photos = await ReportPhoto.filter(report_id=report.id).order_by("id")
    assignee_id = report.assignee_id  # type: ignore[attr-defined]
    assignee = await Staff.get_or_none(id=assignee_id) if assignee_id else None
    events = await ReportEvent.filter(report_id=report.id).order_by("created_at", "id")
    stars = [rating.stars for rating in await Rating.filter(report_id=report.id)]
    duplicate_of = report.duplicate_of_id  # type: ignore[attr-defined]
    original = await Report.get_or_none(id=duplicate_of) if duplicate_of else None
    notes = await AuditEntry.filter(target=_target(report), action=NOTE_ACTION).order_by(
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
    distances = await _within(candidates, report.latitude, report.longitude, NEARBY_M)
    if not distances:
        return []
    rows = await Report.filter(id__in=list(distances)).values_list("id", "ref", "status")
    found = [Nearby(ref=ref, status=status, distance_m=round(distances[report_id], 1))
             for report_id, ref, status in rows]
    return sorted(found, key=lambda near: near.distance_m)[:NEARBY_LIMIT]


def _audit_actor(staff: Staff | None) -> AuditActor | None:
    return AuditActor(id=staff.id, name=staff.name, role=staff.role) if staff else None


def _target(report: Report) -> str:
    return f"report:{report.ref}"


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else ""
