"""Creating reports, finding duplicates, +1s and subscriptions."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from core.media.images import NEAR_DUPLICATE_BITS, hamming
from core.reports import geo
from core.reports.kinds import SIZE_WEIGHT, URGENT_TYPES
from core.reports.models import (
    OPEN_STATUSES,
    Rating,
    Report,
    ReportEvent,
    ReportPhoto,
    Status,
    Subscription,
)
from core.settings import Settings
from core.users.models import Identity, User

# Crockford-style: no 0/O or 1/I, so a ref read aloud or typed on a phone keypad survives.
REF_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
# Photo comparison looks at this many of the newest open reports' photos.
PHOTO_SCAN_LIMIT = 2000


@dataclass(frozen=True, slots=True)
class Photo:
    key: str
    phash: str


@dataclass(frozen=True, slots=True)
class NewReport:
    waste_types: tuple[str, ...]
    size: str
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    location_source: str = ""
    address: str = ""
    note: str = ""
    photos: tuple[Photo, ...] = ()
    province: str = ""
    district: str = ""
    # The municipal ward; until ward boundaries are configured, the district stands in.
    ward: str = ""
    contact: dict[str, Any] = field(default_factory=dict)


def urgency_of(waste_types: list[str] | tuple[str, ...], plus_ones: int,
               settings: Settings) -> str:
    urgent = bool(URGENT_TYPES & set(waste_types)) or plus_ones >= settings.plus_ones_urgent
    return "urgent" if urgent else "normal"


def priority_of(size: str, plus_ones: int, urgency: str) -> int:
    """Higher first: urgency dominates, then confirmations, then size."""
    return (100 if urgency == "urgent" else 0) + 2 * plus_ones + SIZE_WEIGHT.get(size, 1)


def sla_due(created_at: datetime, urgency: str, settings: Settings) -> datetime:
    hours = settings.sla_urgent_hours if urgency == "urgent" else settings.sla_normal_hours
    return created_at + timedelta(hours=hours)


@dataclass(frozen=True, slots=True)
class Match:
    """An open report that may be the same spot, and why: its distance or the same photo."""

    report: Report
    meters: float | None
    same_photo: bool


async def find_duplicates(new: NewReport, settings: Settings) -> list[Match]:
    """Open reports within the radius, or with a near-identical photo; nearest first."""
    found: dict[int, Match] = {}
    if new.latitude is not None and new.longitude is not None:
        nearby = await Report.filter(status__in=OPEN_STATUSES,
                                     h3_cell__in=geo.cells_near(new.latitude, new.longitude))
        for report in nearby:
            assert report.latitude is not None and report.longitude is not None
            meters = geo.distance_m(new.latitude, new.longitude, report.latitude,
                                    report.longitude)
            if meters <= settings.duplicate_radius_m:
                found[report.id] = Match(report, meters, False)
    for report in await _same_photo(new.photos):
        near = found.get(report.id)
        found[report.id] = Match(report, near.meters if near else None, True)
    return sorted(found.values(), key=lambda m: float("inf") if m.meters is None else m.meters)


async def _same_photo(photos: tuple[Photo, ...]) -> list[Report]:
    hashes = [p.phash for p in photos if p.phash]
    if not hashes:
        return []
    rows = await ReportPhoto.filter(kind="report", report__status__in=OPEN_STATUSES).order_by(
        "-id").limit(PHOTO_SCAN_LIMIT).values("report_id", "phash")
    ids = {row["report_id"] for row in rows if row["phash"] and any(
        hamming(row["phash"], mine) <= NEAR_DUPLICATE_BITS for mine in hashes)}
    return await Report.filter(id__in=ids) if ids else []


async def create_report(new: NewReport, source: str, now: datetime, settings: Settings, *,
                        reporter: User | None = None,
                        identity: Identity | None = None) -> Report:
    """Save a report, its photos and the first timeline step; subscribe the reporter."""
    urgency = urgency_of(new.waste_types, 0, settings)
    cell = (geo.cell_of(new.latitude, new.longitude)
            if new.latitude is not None and new.longitude is not None else None)
    report = await _create_with_unique_ref(
        source=source, reporter=reporter, latitude=new.latitude, longitude=new.longitude,
        h3_cell=cell, location_source=new.location_source, address=new.address[:255],
        waste_types=list(new.waste_types), size=new.size, note=new.note, urgency=urgency,
        priority=priority_of(new.size, 0, urgency), province=new.province,
        district=new.district, ward=new.ward or new.district, contact=new.contact,
        created_at=now, updated_at=now,
        sla_due_at=sla_due(now, urgency, settings))
    for photo in new.photos:
        await ReportPhoto.create(report=report, key=photo.key, phash=photo.phash, created_at=now)
    await ReportEvent.create(report=report, to_status=Status.REPORTED, created_at=now,
                             actor_label="reporter" if reporter else source)
    if reporter is not None and identity is not None:
        await subscribe(report, reporter, identity, now)
    return report


async def _create_with_unique_ref(**values: Any) -> Report:
    for length in (4, 4, 4, 5, 5, 6):
        ref = "WN-" + "".join(secrets.choice(REF_ALPHABET) for _ in range(length))
        try:
            async with in_transaction():  # a savepoint, so a clash does not abort the caller
                return await Report.create(ref=ref, **values)
        except IntegrityError:
            continue
    raise RuntimeError("no free report reference")


async def subscribe(report: Report, user: User, identity: Identity, now: datetime) -> bool:
    """Follow a report's updates; False if this person already does."""
    _, created = await Subscription.get_or_create(
        report=report, user=user, defaults={"identity": identity, "created_at": now})
    return created


async def plus_one(report: Report, user: User, identity: Identity, now: datetime,
                   settings: Settings) -> Report:
    """Confirm someone else's report: it rises in priority and this person hears its news."""
    if await subscribe(report, user, identity, now):
        await add_confirmation(report, now, settings)
    return report


async def add_confirmation(report: Report, now: datetime, settings: Settings) -> None:
    """Count one more confirmation and re-rank: urgency, priority and the SLA follow it."""
    await Report.filter(id=report.id).update(plus_ones=F("plus_ones") + 1, updated_at=now)
    await report.refresh_from_db()
    report.urgency = urgency_of(report.waste_types, report.plus_ones, settings)
    report.priority = priority_of(report.size, report.plus_ones, report.urgency)
    report.sla_due_at = sla_due(report.created_at, report.urgency, settings)
    await report.save(update_fields=["urgency", "priority", "sla_due_at"])


class NotFollowing(Exception):
    """Only the people who reported or confirmed a report may rate it."""


class NotResolved(Exception):
    """A report is rated once it is resolved."""


async def is_following(report: Report, user: User) -> bool:
    return await Subscription.exists(report=report, user=user)


async def rate(report: Report, user: User, stars: int, now: datetime) -> None:
    """Store or replace this person's 1-5 stars for a resolved report they follow."""
    if not 1 <= stars <= 5:
        raise ValueError(stars)
    if not await is_following(report, user):
        raise NotFollowing(report.ref)
    if report.status != Status.RESOLVED:
        raise NotResolved(report.ref)
    await Rating.update_or_create(report=report, user=user,
                                  defaults={"stars": stars, "created_at": now})


async def by_ref(ref: str) -> Report | None:
    return await Report.get_or_none(ref=ref.strip().upper())


async def reports_of(user: User, limit: int = 10) -> list[Report]:
    """Reports this person made or follows, most recently changed first."""
    followed = Subscription.filter(user=user).values_list("report_id", flat=True)
    return await Report.filter(id__in=await followed).order_by("-updated_at").limit(limit)
