"""The routes of the admin API: list and read reports, move them, note, upload, audit.

Views stay thin: the lifecycle, notifications and auditing of a move live in
core.reports.actions, the list query in web.api.listing and the views in web.api.detail.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.types import Message

from core.audit import service as audit
from core.audit.models import AuditEntry
from core.media.images import MAX_BYTES, InvalidImage, process_image
from core.media.store import InvalidKey, MediaStoreError, check_key
from core.outbox.schedule import schedule_send
from core.reports import actions, lifecycle
from core.reports import service as reports
from core.reports.models import OPEN_STATUSES, Report, Status
from core.reports.notify import media_url
from core.social.hooks import settle_and_refresh_hook
from core.staff.models import Role, Staff
from web.api import ApiError, ApiRoute, listing
from web.api.auth import EVERY_ROLE, can_see, require
from web.api.detail import NOTE_ACTION, audit_actor, detail, items, target
from web.api.schemas import (
    AssignIn,
    AuditItem,
    AuditPage,
    AuditParams,
    ErrorBody,
    ListParams,
    NoteIn,
    PhotoUploaded,
    ReportDetail,
    ReportPage,
    TransitionIn,
    utc,
)
from web.bodies import BodyTooLarge, read_body
from web.deps import WebDeps, deps_of

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1", route_class=ApiRoute, tags=["admin"],
                   responses={code: {"model": ErrorBody} for code in (401, 403, 404, 422)})

# Whoever appears in some transition; government is read-only.
ACTORS = frozenset[Role]().union(*lifecycle.TRANSITIONS.values())
NOTE_TAKERS = (Role.ADMIN, Role.DISPATCHER, Role.MODERATOR, Role.GREEN_CHAMPION)
UPLOADERS = (Role.ADMIN, Role.DISPATCHER, Role.WORKER)
UPLOAD_ACTION = "report.photo_upload"
# Room for the multipart framing around a photo of the largest accepted size.
UPLOAD_LIMIT = MAX_BYTES + 64 * 1024
UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {
    "schema": {"type": "object", "required": ["file"],
               "properties": {"file": {"type": "string", "format": "binary"}}}}}}}

Caller = Annotated[Staff, Depends(require(*EVERY_ROLE))]
Actor = Annotated[Staff, Depends(require(*ACTORS))]


@router.get("/reports", response_model=ReportPage)
async def list_reports(request: Request, params: Annotated[ListParams, Query()],
                       staff: Caller) -> ReportPage:
    deps = deps_of(request)
    now = deps.runtime.clock()
    query = await listing.filtered(params, staff, now)
    total = await query.count()
    if params.cursor is not None:
        query = query.filter(listing.after(params.sort,
                                           listing.decode_cursor(params.cursor, params.sort)))
    rows = await query.order_by(*listing.order_by(params.sort)).offset(params.offset or 0).limit(
        params.limit + 1)
    page = rows[:params.limit]
    page_items = await items(page, deps.settings.public_base_url, now)
    more = len(rows) > params.limit
    return ReportPage(items=page_items, total=total,
                      next_cursor=listing.encode_cursor(params.sort, page[-1]) if more else None)


@router.get("/reports/{ref}", response_model=ReportDetail)
async def read_report(ref: str, request: Request, staff: Caller) -> ReportDetail:
    deps = deps_of(request)
    return await detail(await _visible_report(ref, staff), staff, deps, deps.runtime.clock())


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
    await audit.record(staff, NOTE_ACTION, target(report), now, ip=_client_ip(request),
                       detail={"note": body.note})
    return await detail(report, staff, deps, now)


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
    await audit.record(staff, UPLOAD_ACTION, target(report), deps.runtime.clock(),
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
    entries = [AuditItem(id=row.id, at=utc(row.created_at), actor=audit_actor(
        actors.get(row.actor_id)), actor_label=row.actor_label,  # type: ignore[attr-defined]
        action=row.action, target=row.target, detail=row.detail, ip=row.ip) for row in page]
    more = len(rows) > params.limit
    return AuditPage(items=entries, next_offset=params.offset + params.limit if more else None)


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
    reporter_id = done.report.reporter_id  # type: ignore[attr-defined]
    if deps.queue is not None and reporter_id:
        # Verification credits the reporter: their boards and referral follow.
        await settle_and_refresh_hook(deps.queue, deps.runtime)(reporter_id)
    return await detail(done.report, staff, deps, now)


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


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else ""
