"""Open311 GeoReport v2 under /open311/v2: discovery, services, requests and tokens.

Every resource answers in .json or .xml; any other suffix, and any unknown resource, is a 404
in the spec's error format. jurisdiction_id is accepted and ignored: "Implementations can
ignore this parameter ... if the implementation only serves one jurisdiction" (GeoReport v2).
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request, Response

from core.reports import open311_intake
from core.reports import service as reports
from core.reports.kinds import WASTE_TYPES
from core.reports.models import Report, ReportEvent, ReportPhoto
from web.bodies import BodyTooLarge, read_body
from web.deps import WebDeps, deps_of
from web.open311 import params, render
from web.open311.params import InvalidParameters, Problem, RequestQuery

log = logging.getLogger(__name__)
router = APIRouter(prefix="/open311/v2", tags=["open311"])
FORMATS = ("json", "xml")


def _unknown_format(fmt: str) -> Response:
    # XML is the spec's one required format, so a client that asked for neither gets XML.
    return render.errors("xml", [Problem(404, f"format {fmt!r} is not offered: use json or xml")])


def _zone(deps: WebDeps) -> ZoneInfo:
    return ZoneInfo(deps.settings.default_timezone)


@router.get("/discovery.{fmt}")
async def discovery(fmt: str, request: Request) -> Response:
    if fmt not in FORMATS:
        return _unknown_format(fmt)
    return render.respond(fmt, "discovery",
                          render.discovery(deps_of(request).settings.public_base_url))


@router.get("/services.{fmt}")
async def services(fmt: str) -> Response:
    if fmt not in FORMATS:
        return _unknown_format(fmt)
    return render.respond(fmt, "services", [render.service(code) for code in WASTE_TYPES])


@router.get("/services/{service_code}.{fmt}")
async def service_definition(service_code: str, fmt: str) -> Response:
    if fmt not in FORMATS:
        return _unknown_format(fmt)
    if service_code not in WASTE_TYPES:
        return render.errors(fmt, [Problem(404, f"service_code {service_code!r} was not found")])
    return render.respond(fmt, "service_definition", render.service_definition(service_code))


@router.post("/requests.{fmt}")
async def post_request(fmt: str, request: Request) -> Response:
    if fmt not in FORMATS:
        return _unknown_format(fmt)
    deps = deps_of(request)
    try:
        items = await _submitted_items(request, deps.settings.webhook_max_body_bytes)
    except BodyTooLarge:
        return render.errors(fmt, [Problem(413, "request body too large")])
    api_key = params.first(items, "api_key")
    if not api_key:
        return render.errors(fmt, [Problem(403, "api_key was not provided")])
    if not open311_intake.api_key_accepted(api_key, deps.settings):
        return render.errors(fmt, [Problem(403, "Invalid api_key received")])
    try:
        new = params.parse_submission(items)
    except InvalidParameters as exc:
        return render.errors(fmt, exc.problems)
    outcome = await open311_intake.submit(new, deps.runtime.clock(), deps.settings)
    log.info("open311 request %s %s", "merged into" if outcome.merged else "created as",
             outcome.report.ref)
    # 200, not 201: a merged request creates nothing, and one success status for both
    # outcomes keeps clients simple; the spec names no success status for POST.
    body = [render.submitted(outcome.report, outcome.merged, _zone(deps))]
    return render.respond(fmt, "service_requests", body)


async def _submitted_items(request: Request, limit: int) -> list[tuple[str, str]]:
    """The POST's fields (form first, then the query string, so the form wins)."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form()
        items = [(key, value) for key, value in form.multi_items() if isinstance(value, str)]
    else:  # "Content-Type: application/x-www-form-urlencoded" (GeoReport v2, POST)
        body = await read_body(request, limit)
        items = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    return items + list(request.query_params.multi_items())


@router.get("/requests.{fmt}")
async def get_requests(fmt: str, request: Request) -> Response:
    if fmt not in FORMATS:
        return _unknown_format(fmt)
    deps = deps_of(request)
    try:
        query = params.parse_query(list(request.query_params.multi_items()),
                                   deps.runtime.clock(), _zone(deps))
    except InvalidParameters as exc:
        return render.errors(fmt, exc.problems)
    return await _respond_with(fmt, await _search(query), deps)


@router.get("/requests/{service_request_id}.{fmt}")
async def get_request(service_request_id: str, fmt: str, request: Request) -> Response:
    if fmt not in FORMATS:
        return _unknown_format(fmt)
    report = await reports.by_ref(service_request_id)
    if report is None:
        return render.errors(fmt, [Problem(
            404, f"service_request_id {service_request_id!r} was not found")])
    return await _respond_with(fmt, [report], deps_of(request))


@router.get("/tokens/{token}.{fmt}")
async def get_token(token: str, fmt: str) -> Response:
    """Resolve a token to its service_request_id.

    Our services are "realtime": POST answers with the service_request_id at once and never
    with a token, so no token is ever pending. A service_request_id is accepted as its own
    token and resolves to itself; anything else is 404, as the spec has for unknown tokens.
    """
    if fmt not in FORMATS:
        return _unknown_format(fmt)
    report = await reports.by_ref(token)
    if report is None:
        return render.errors(fmt, [Problem(404, f"token {token!r} was not found")])
    return render.respond(fmt, "service_requests", [render.token(report.ref, token)])


@router.api_route("/{path:path}", methods=["GET", "POST"], include_in_schema=False)
async def unknown_resource(path: str, request: Request) -> Response:
    fmt = "json" if path.endswith(".json") else "xml"
    return render.errors(fmt, [Problem(404, f"no such resource: {request.method} "
                                            f"/open311/v2/{path}")])


async def _search(query: RequestQuery) -> list[Report]:
    """The reports a GET requests query names, newest first, at most MAX_REQUESTS."""
    limit = params.MAX_REQUESTS
    if query.ids:
        found = {r.ref: r for r in await Report.filter(ref__in=query.ids)}
        return [found[ref] for ref in query.ids if ref in found]
    matching = Report.filter(created_at__gte=query.start, created_at__lte=query.end)
    if query.statuses:
        matching = matching.filter(status__in=sorted(query.statuses))
    matching = matching.order_by("-created_at", "-id")
    if not query.service_codes:
        return await matching.limit(limit)
    # A report's service is the first item of a JSON list, which no query portable to
    # SQLite (used in development) can reach; the date window bounds what is read here.
    rows = await matching.values_list("id", "waste_types")
    ids = [pk for pk, types in rows
           if render.service_code_of(types) in query.service_codes][:limit]
    by_id = {r.id: r for r in await Report.filter(id__in=ids)} if ids else {}
    return [by_id[pk] for pk in ids]


async def _respond_with(fmt: str, found: list[Report], deps: WebDeps) -> Response:
    base, tz = deps.settings.public_base_url, _zone(deps)
    body = [render.service_request(view, base, tz) for view in await _views(found)]
    return render.respond(fmt, "service_requests", body)


async def _views(found: list[Report]) -> list[render.RequestView]:
    """Each report with its latest timeline note, first photo and, if a duplicate, original."""
    ids = [r.id for r in found]
    if not ids:
        return []
    notes: dict[int, str] = {}
    for row in await ReportEvent.filter(report_id__in=ids).exclude(note="").order_by(
            "-created_at", "-id").values("report_id", "note"):
        notes.setdefault(row["report_id"], row["note"])
    photos: dict[int, str] = {}
    for row in await ReportPhoto.filter(report_id__in=ids, kind="report").order_by(
            "id").values("report_id", "key"):
        photos.setdefault(row["report_id"], row["key"])
    original_ids = {r.duplicate_of_id for r in found if r.duplicate_of_id}  # type: ignore[attr-defined]
    originals: dict[int, str] = dict(await Report.filter(id__in=original_ids).values_list(
        "id", "ref")) if original_ids else {}
    return [render.RequestView(r, notes.get(r.id, ""), photos.get(r.id, ""),
                               originals.get(r.duplicate_of_id, ""))  # type: ignore[attr-defined]
            for r in found]

