"""Reading Open311 query and form parameters into typed values, or into the spec's errors.

Parameters arrive as (name, value) pairs, so a name may repeat. Per the spec, "a null
parameter should be treated as equivalent to a non-declared parameter": empty means absent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from core.reports.kinds import WASTE_TYPES
from core.reports.models import OPEN_STATUSES, Status
from core.reports.service import NewReport

Items = Sequence[tuple[str, str]]

# "Default query limit is a span of 90 days or first 1000 requests returned, whichever is
# smallest" (GeoReport v2, GET Service Requests, Response Volume).
MAX_SPAN = timedelta(days=90)
MAX_REQUESTS = 1000
# "free form text limited to 4,000 characters" (GeoReport v2, POST Service Request).
MAX_DESCRIPTION_CHARS = 4000
# Our own bound on the other free-text fields, which the spec leaves open.
MAX_FIELD_CHARS = 2048
# W3C-DTF (https://www.w3.org/TR/NOTE-datetime), from a whole day down to fractions of a second.
W3C_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?")
# An unencoded "+" in a query string arrives as a space: "...T08:00:00 07:00".
_SPACED_OFFSET = re.compile(r" (\d{2}:\d{2})$")
# Our coordinates are stored with six decimals (about 0.1 m).
_MICRODEGREE = Decimal("0.000001")
# The submitter's own fields, kept in Report.contact as sent (GeoReport v2, POST arguments).
CONTACT_FIELDS = ("email", "device_id", "account_id", "first_name", "last_name", "phone")
STATUSES = {"open": frozenset(OPEN_STATUSES), "closed": frozenset(Status) - OPEN_STATUSES}


@dataclass(frozen=True, slots=True)
class Problem:
    """One entry of the spec's error array; code is the HTTP status it stands for."""

    code: int
    description: str


class InvalidParameters(Exception):
    """The request cannot be served as sent; the first problem gives the HTTP status."""

    def __init__(self, *problems: Problem) -> None:
        super().__init__("; ".join(p.description for p in problems))
        self.problems = list(problems)


@dataclass(frozen=True, slots=True)
class RequestQuery:
    """GET requests filters. ids, when given, override all the others (the spec says so)."""

    ids: tuple[str, ...] = ()
    service_codes: frozenset[str] = frozenset()
    statuses: frozenset[Status] = frozenset()
    start: datetime | None = None
    end: datetime | None = None


def first(items: Items, name: str) -> str:
    """The first non-empty value of a parameter, stripped; "" when absent."""
    return next((value.strip() for key, value in items if key == name and value.strip()), "")


def listed(items: Items, name: str) -> list[str]:
    """Every value of a parameter that may repeat and may be comma-delimited."""
    return [part.strip() for key, value in items if key == name
            for part in value.split(",") if part.strip()]


def parse_query(items: Items, now: datetime, tz: ZoneInfo) -> RequestQuery:
    """Raises InvalidParameters (400) for an unknown status or a date that is not W3C-DTF."""
    ids = listed(items, "service_request_id")
    if ids:
        return RequestQuery(ids=tuple(dict.fromkeys(i.upper() for i in ids))[:MAX_REQUESTS])
    statuses: set[Status] = set()
    for status in listed(items, "status"):
        if status.lower() not in STATUSES:
            raise InvalidParameters(Problem(400, f"status must be open or closed, not {status!r}"))
        statuses |= STATUSES[status.lower()]
    start, end = w3c_datetime(items, "start_date", tz), w3c_datetime(items, "end_date", tz)
    start, end = _date_range(start, end, now)
    return RequestQuery(service_codes=frozenset(listed(items, "service_code")),
                        statuses=frozenset(statuses), start=start, end=end)


def _date_range(start: datetime | None, end: datetime | None,
                now: datetime) -> tuple[datetime, datetime]:
    # "When not specified, the range defaults to most recent 90 days"; a range given on one
    # side only runs 90 days from it. A longer range is refused rather than cut silently.
    if start is None and end is None:
        return now - MAX_SPAN, now
    if start is None:
        assert end is not None
        return end - MAX_SPAN, end
    if end is None:
        return start, start + MAX_SPAN
    if start > end:
        raise InvalidParameters(Problem(400, "start_date is after end_date"))
    if end - start > MAX_SPAN:
        raise InvalidParameters(
            Problem(400, "start_date and end_date may not span more than 90 days"))
    return start, end


def w3c_datetime(items: Items, name: str, tz: ZoneInfo) -> datetime | None:
    """A W3C-DTF datetime; one without an offset is read in the configured timezone."""
    text = _SPACED_OFFSET.sub(r"+\1", first(items, name))
    if not text:
        return None
    problem = Problem(400, f"{name} must be a W3C datetime such as 2010-01-01T00:00:00Z, "
                           f"not {text!r}")
    if not W3C_DATETIME.fullmatch(text):
        raise InvalidParameters(problem)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidParameters(problem) from None
    return value if value.tzinfo is not None else value.replace(tzinfo=tz)


def parse_submission(items: Items) -> NewReport:
    """A POST's report, or InvalidParameters listing everything wrong with it."""
    problems: list[Problem] = []
    code = first(items, "service_code")
    if not code:
        problems.append(Problem(400, "service_code was not provided"))
    elif code not in WASTE_TYPES:
        # "404 - service_code or jurisdiction_id was not found" (GeoReport v2, POST errors).
        problems.append(Problem(404, f"service_code {code!r} was not found"))
    latitude, longitude = _location(items, problems)
    description = first(items, "description")
    if len(description) > MAX_DESCRIPTION_CHARS:
        problems.append(Problem(400, "description is longer than 4,000 characters"))
    contact = _contact(items, problems)
    if problems:
        raise InvalidParameters(*problems)
    return NewReport(waste_types=(code,), size="", latitude=latitude, longitude=longitude,
                     location_source="pin" if latitude is not None else "typed",
                     address=first(items, "address_string"), note=description,
                     contact=contact)


def _location(items: Items, problems: list[Problem]) -> tuple[Decimal | None, Decimal | None]:
    lat, long = first(items, "lat"), first(items, "long")
    if lat or long:
        if not (lat and long):
            problems.append(Problem(400, "lat and long must both be sent"))
            return None, None
        return _coordinate(lat, "lat", 90, problems), _coordinate(long, "long", 180, problems)
    if not (first(items, "address_string") or first(items, "address_id")):
        problems.append(Problem(400, "lat/long, address_string or address_id required"))
    return None, None


def _coordinate(text: str, name: str, bound: int, problems: list[Problem]) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        problems.append(Problem(400, f"{name} must be a number (WGS84 degrees)"))
        return None
    if not -bound <= value <= bound:
        problems.append(Problem(400, f"{name} must be between -{bound} and {bound}"))
        return None
    return value.quantize(_MICRODEGREE, rounding=ROUND_HALF_EVEN)


def _contact(items: Items, problems: list[Problem]) -> dict[str, Any]:
    """Who sent it and what they pointed at, as sent; address_id has no column of its own."""
    contact = {name: first(items, name) for name in (*CONTACT_FIELDS, "address_id", "media_url")}
    contact = {name: value for name, value in contact.items() if value}
    for name, value in contact.items():
        if len(value) > MAX_FIELD_CHARS:
            problems.append(Problem(400, f"{name} is longer than {MAX_FIELD_CHARS} characters"))
    if "media_url" in contact and not _web_address(contact["media_url"]):
        # It is shown to others as a link, so nothing but a web address is kept.
        problems.append(Problem(400, "media_url must be an http or https URL"))
    return contact


def _web_address(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)
