"""A report being written in the chat, kept in the conversation state as JSON."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from core.messages import Location, Photo
from core.reports import service as reports
from core.users.models import User

# Report coordinates are stored with 6 decimals (about 0.1 m): core/reports/models.py.
MICRODEGREE = Decimal("0.000001")
NOTE_MAX = 1000


@dataclass(frozen=True, slots=True)
class Intake:
    """What became of the photos of one message."""

    draft: Draft
    kept: int
    refused: tuple[str, ...]  # Photo.error codes
    over_limit: int


@dataclass(frozen=True, slots=True)
class Draft:
    photos: tuple[Photo, ...] = ()
    photos_done: bool = False
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    location_source: str = ""  # pin, photo or typed, as Report.location_source
    address: str = ""
    types: tuple[str, ...] = ()
    types_done: bool = False
    size: str = ""
    note: str = ""
    note_done: bool = False
    checked: str = ""  # the place and photos last checked for duplicates
    dismissed: tuple[str, ...] = ()  # refs of reports the person said are another spot

    @property
    def has_place(self) -> bool:
        return self.latitude is not None or bool(self.address)

    def fingerprint(self) -> str:
        """What a duplicate search depends on; a change means searching again."""
        keys = ",".join(p.key for p in self.photos)
        return f"{self.latitude},{self.longitude},{self.address}|{keys}"

    def photo_with_gps(self) -> Photo | None:
        return next((p for p in self.photos if p.latitude is not None
                     and p.longitude is not None), None)

    def to_slots(self) -> dict[str, Any]:
        return {"photos": [p.to_dict() for p in self.photos], "photos_done": self.photos_done,
                "latitude": _text(self.latitude), "longitude": _text(self.longitude),
                "location_source": self.location_source, "address": self.address,
                "types": list(self.types), "types_done": self.types_done, "size": self.size,
                "note": self.note, "note_done": self.note_done, "checked": self.checked,
                "dismissed": list(self.dismissed)}

    @classmethod
    def from_slots(cls, raw: dict[str, Any]) -> Draft:
        values = dict(raw)
        values["photos"] = tuple(Photo.from_dict(p) for p in raw.get("photos", []))
        values["types"] = tuple(raw.get("types", []))
        values["dismissed"] = tuple(raw.get("dismissed", []))
        for name in ("latitude", "longitude"):
            values[name] = Decimal(raw[name]) if raw.get(name) is not None else None
        return cls(**{k: v for k, v in values.items() if k in cls.__dataclass_fields__})

    def at_pin(self, where: Location) -> Draft:
        return replace(self, latitude=where.latitude.quantize(MICRODEGREE),
                       longitude=where.longitude.quantize(MICRODEGREE),
                       location_source="pin", address=where.label[:255])

    def at_photo(self, photo: Photo) -> Draft:
        assert photo.latitude is not None and photo.longitude is not None
        return replace(self, latitude=photo.latitude.quantize(MICRODEGREE),
                       longitude=photo.longitude.quantize(MICRODEGREE),
                       location_source="photo", address="")

    def at_address(self, text: str) -> Draft:
        return replace(self, latitude=None, longitude=None, location_source="typed",
                       address=text[:255])

    def toggled(self, code: str) -> Draft:
        types = tuple(t for t in self.types if t != code) if code in self.types \
            else (*self.types, code)
        return replace(self, types=types)

    def with_photos(self, photos: tuple[Photo, ...], limit: int) -> Intake:
        """Keep the stored photos up to the limit; the limit reached ends the photo step."""
        stored = [p for p in photos if p.key and not p.error]
        room = max(limit - len(self.photos), 0)
        refused = tuple(p.error or "unavailable" for p in photos if not p.key or p.error)
        draft = replace(self, photos=(*self.photos, *stored[:room]))
        if len(draft.photos) >= limit:
            draft = replace(draft, photos_done=True)
        return Intake(draft, min(len(stored), room), refused, max(len(stored) - room, 0))

    def new_report(self, user: User | None) -> reports.NewReport:
        return reports.NewReport(
            waste_types=self.types, size=self.size, latitude=self.latitude,
            longitude=self.longitude, location_source=self.location_source,
            address=self.address, note=self.note[:NOTE_MAX],
            photos=tuple(reports.Photo(p.key, p.phash) for p in self.photos),
            province=user.province if user else "", district=user.district if user else "")


def _text(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None
