"""The report list query: filters, geo search, ordering and keyset cursors."""

from __future__ import annotations

import base64
import json
import math
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from tortoise.expressions import Q, RawSQL
from tortoise.queryset import QuerySet

from core.reports import geo
from core.reports.models import OPEN_STATUSES, Report
from core.staff.models import Staff
from web.api import ApiError
from web.api.auth import visible_to
from web.api.schemas import ListParams, Sort

# (field, descending) in order; the id last makes every order total, so cursors are exact.
ORDERS: dict[str, tuple[tuple[str, bool], ...]] = {
    "priority": (("priority", True), ("created_at", False), ("id", False)),
    "created_at": (("created_at", False), ("id", False)),
    "-created_at": (("created_at", True), ("id", True)),
    "sla": (("sla_due_at", False), ("id", False)),
}
DATETIME_FIELDS = frozenset({"created_at", "sla_due_at"})


async def filtered(params: ListParams, staff: Staff, now: datetime) -> QuerySet[Report]:
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
        query = query.filter(id__in=list(await within(query, *point, params.radius_m)))
    return query


async def within(query: QuerySet[Report], lat: Decimal, lon: Decimal,
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


def order_by(sort: Sort) -> list[str]:
    return [("-" if descending else "") + name for name, descending in ORDERS[sort]]


def encode_cursor(sort: Sort, last: Report) -> str:
    values = [getattr(last, name) for name, _ in ORDERS[sort]]
    after = [value.isoformat() if isinstance(value, datetime) else value for value in values]
    raw = json.dumps({"sort": sort, "after": after}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: Sort) -> list[Any]:
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


def after(sort: Sort, values: list[Any]) -> Q:
    """Rows after the cursor's row in this order (keyset pagination)."""
    keys = ORDERS[sort]
    branches = []
    for index, (name, descending) in enumerate(keys):
        same = {earlier: value for (earlier, _), value in zip(keys[:index], values, strict=False)}
        branches.append(Q(**same, **{f"{name}__{'lt' if descending else 'gt'}": values[index]}))
    return Q(*branches, join_type="OR")
