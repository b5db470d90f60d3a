"""What the admin API reads and writes, and how reports become its answers."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from core.reports.kinds import WASTE_TYPES
from core.reports.models import OPEN_STATUSES, Report, ReportPhoto, Status
from core.reports.notify import media_url
from core.staff.models import Role, Staff

MAX_LIMIT = 100
DEFAULT_LIMIT = 50
# A near= search looks this far at most: the candidates are read into memory.
MAX_RADIUS_M = 5000.0
NOTE_MAX_CHARS = 2000
# Far beyond any report's age, and well inside what a timedelta can hold.
MAX_AGE_HOURS = 1_000_000
# Ids are PostgreSQL bigints.
StaffId = Annotated[int, Field(ge=1, le=2**63 - 1)]
Sort = Literal["priority", "created_at", "-created_at", "sla"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- requests


class ListParams(Strict):
    """Filters, order and page of GET /reports (query parameters)."""

    status: list[Status] = []
    waste_type: list[str] = []
    urgency: Literal["normal", "urgent"] | None = None
    ward: str | None = Field(None, max_length=80)
    province: str | None = Field(None, max_length=80)
    district: str | None = Field(None, max_length=80)
    min_age_hours: float | None = Field(None, ge=0, le=MAX_AGE_HOURS)
    max_age_hours: float | None = Field(None, ge=0, le=MAX_AGE_HOURS)
    overdue: bool | None = None
    near: str | None = Field(None, description="lat,lon in decimal degrees")
    radius_m: float = Field(500.0, gt=0, le=MAX_RADIUS_M)
    q: str | None = Field(None, max_length=12, description="the start of a report ref")
    sort: Sort = "priority"
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    cursor: str | None = None
    offset: int | None = Field(None, ge=0)

    @field_validator("waste_type")
    @classmethod
    def _known_types(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(WASTE_TYPES))
        if unknown:
            raise ValueError(f"unknown waste types: {', '.join(unknown)}")
        return value

    @field_validator("near")
    @classmethod
    def _point(cls, value: str | None) -> str | None:
        if value is not None:
            point_of(value)
        return value

    @model_validator(mode="after")
    def _one_way_to_page(self) -> ListParams:
        if self.cursor is not None and self.offset is not None:
            raise ValueError("give a cursor or an offset, not both")
        return self

    @property
    def point(self) -> tuple[Decimal, Decimal] | None:
        return point_of(self.near) if self.near is not None else None


def point_of(text: str) -> tuple[Decimal, Decimal]:
    """'lat,lon' as decimal degrees; ValueError unless both are on the globe."""
    try:
        lat, lon = (Decimal(part.strip()) for part in text.split(","))
    except (ValueError, InvalidOperation):
        raise ValueError("near must be lat,lon") from None
    if not (lat.is_finite() and lon.is_finite() and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError("near is not a position on Earth")
    return lat, lon


class TransitionIn(Strict):
    to: Status
    note: str = Field("", max_length=NOTE_MAX_CHARS)
    photo_key: str = Field("", max_length=80)
    duplicate_of: str | None = Field(None, max_length=12, description="ref of the original")
    assignee_id: StaffId | None = None


class AssignIn(Strict):
    worker_id: StaffId
    note: str = Field("", max_length=NOTE_MAX_CHARS)


class NoteIn(Strict):
    note: str = Field(min_length=1, max_length=NOTE_MAX_CHARS)

    @field_validator("note")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the note is empty")
        return value.strip()


class AuditParams(Strict):
    target: str | None = Field(None, max_length=64, examples=["report:WN-7KQ4"])
    action: str | None = Field(None, max_length=64)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


# ---------------------------------------------------------------- answers


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail


class Person(BaseModel):
    id: int
    name: str


class ReportItem(BaseModel):
    ref: str
    status: Status
    urgency: str
    priority: int
    plus_ones: int
    waste_types: list[str]
    size: str
    lat: float | None
    lon: float | None
    address: str
    province: str
    district: str
    ward: str
    created_at: datetime
    updated_at: datetime
    sla_due_at: datetime
    overdue: bool
    sla_seconds_left: int | None = Field(description="negative once overdue; null when closed")
    assignee: Person | None
    photo_urls: list[str]


class ReportPage(BaseModel):
    items: list[ReportItem]
    total: int
    next_cursor: str | None


class Reporter(BaseModel):
    id: str = Field(description="opaque and stable; never a name or a phone number")
    subscribed: bool


class Step(BaseModel):
    model_config = ConfigDict(serialize_by_alias=True)

    from_: Status | None = Field(serialization_alias="from")
    to: Status
    actor: str
    note: str
    photo_url: str | None
    at: datetime


class Photo(BaseModel):
    url: str
    kind: str


class Ratings(BaseModel):
    count: int
    average: float | None


class Nearby(BaseModel):
    ref: str
    status: Status
    distance_m: float


class InternalNote(BaseModel):
    actor: str
    note: str
    at: datetime


class ReportDetail(ReportItem):
    note: str
    location_source: str
    source: str
    duplicate_of: str | None
    reporter: Reporter | None
    timeline: list[Step]
    photos: list[Photo]
    ratings: Ratings
    time_to_first_response_seconds: int | None
    time_to_resolution_seconds: int | None
    nearby: list[Nearby] = Field(description="open reports within 100 m, nearest first")
    notes: list[InternalNote] = Field(description="internal staff notes, oldest first")


class PhotoUploaded(BaseModel):
    photo_key: str
    url: str


class AuditActor(BaseModel):
    id: int
    name: str
    role: Role


class AuditItem(BaseModel):
    id: int
    at: datetime
    actor: AuditActor | None
    actor_label: str
    action: str
    target: str
    detail: dict[str, Any]
    ip: str


class AuditPage(BaseModel):
    items: list[AuditItem]
    next_offset: int | None


# ---------------------------------------------------------------- rendering


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def seconds_between(start: datetime, end: datetime | None) -> int | None:
    return None if end is None else round((end - start).total_seconds())


def item_of(report: Report, assignee: Staff | None, photos: list[ReportPhoto],
            base_url: str, now: datetime) -> dict[str, Any]:
    """The fields of a ReportItem, which ReportDetail extends."""
    is_open = report.status in OPEN_STATUSES
    return {
        "ref": report.ref, "status": report.status, "urgency": report.urgency,
        "priority": report.priority, "plus_ones": report.plus_ones,
        "waste_types": list(report.waste_types), "size": report.size,
        "lat": None if report.latitude is None else float(report.latitude),
        "lon": None if report.longitude is None else float(report.longitude),
        "address": report.address, "province": report.province,
        "district": report.district, "ward": report.ward,
        "created_at": utc(report.created_at), "updated_at": utc(report.updated_at),
        "sla_due_at": utc(report.sla_due_at),
        "overdue": is_open and report.sla_due_at < now,
        "sla_seconds_left": seconds_between(now, report.sla_due_at) if is_open else None,
        "assignee": Person(id=assignee.id, name=assignee.name) if assignee else None,
        "photo_urls": [media_url(base_url, photo.key) for photo in photos],
    }
