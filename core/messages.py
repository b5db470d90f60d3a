"""The platform-free message types that adapters produce and render."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

# LINE allows at most 13 quick-reply items, the smallest limit of our channels
# (PLATFORMS.md B6); Telegram and the SMS menu take as many.
MAX_BUTTONS = 13
# Telegram callback_data is 1-64 bytes (PLATFORMS.md A5); LINE postback data 300.
MAX_BUTTON_DATA_BYTES = 64


class Kind(StrEnum):
    TEXT = "text"
    POSTBACK = "postback"
    LOCATION = "location"
    IMAGE = "image"
    FOLLOW = "follow"
    UNFOLLOW = "unfollow"
    UNSUPPORTED = "unsupported"


@dataclass(frozen=True, slots=True)
class Location:
    latitude: Decimal
    longitude: Decimal
    label: str = ""


@dataclass(frozen=True, slots=True)
class MediaRef:
    """A platform handle for fetching media later (message id, file id or URL)."""

    handle: str
    content_type: str = ""


@dataclass(frozen=True, slots=True)
class Photo:
    """A photo fetched, re-encoded without EXIF and stored; or why it could not be."""

    key: str = ""
    phash: str = ""
    latitude: Decimal | None = None  # from the original's EXIF GPS, kept for the report
    longitude: Decimal | None = None
    error: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "phash": self.phash, "error": self.error,
                "latitude": str(self.latitude) if self.latitude is not None else None,
                "longitude": str(self.longitude) if self.longitude is not None else None}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Photo:
        lat, lon = raw.get("latitude"), raw.get("longitude")
        return cls(raw.get("key", ""), raw.get("phash", ""),
                   Decimal(lat) if lat is not None else None,
                   Decimal(lon) if lon is not None else None, raw.get("error", ""))


@dataclass(frozen=True, slots=True)
class Incoming:
    channel: str
    sender: str
    event_id: str
    kind: Kind
    text: str = ""
    data: str = ""
    location: Location | None = None
    media: tuple[MediaRef, ...] = ()
    photos: tuple[Photo, ...] = ()  # the media, once fetched and stored
    language_hint: str = ""
    sent_at: datetime | None = None
    # What the adapter needs later to answer this event (a reply token, a chat id).
    reply_context: dict[str, Any] = field(default_factory=dict)
    detail: str = ""

    def as_postback(self, data: str) -> Incoming:
        return replace(self, kind=Kind.POSTBACK, data=data)


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    data: str

    def __post_init__(self) -> None:
        if len(self.data.encode()) > MAX_BUTTON_DATA_BYTES:
            raise ValueError(f"button data over {MAX_BUTTON_DATA_BYTES} bytes: {self.data!r}")


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = ()
    # The label of a share-location button, where the platform has one; empty for none.
    ask_location: str = ""
    image_url: str = ""
    document_url: str = ""
    # Numbered menus let SMS users answer "2"; suggestions (quick weights) are not numbered.
    numbered: bool = True

    def __post_init__(self) -> None:
        if len(self.buttons) > MAX_BUTTONS:
            raise ValueError(f"{len(self.buttons)} buttons; at most {MAX_BUTTONS}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "buttons": [[b.label, b.data] for b in self.buttons],
            "ask_location": self.ask_location,
            "image_url": self.image_url,
            "document_url": self.document_url,
            "numbered": self.numbered,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Reply:
        return cls(
            text=raw["text"],
            buttons=tuple(Button(label, data) for label, data in raw.get("buttons", [])),
            ask_location=raw.get("ask_location", ""),
            image_url=raw.get("image_url", ""),
            document_url=raw.get("document_url", ""),
            numbered=raw.get("numbered", True),
        )


class IgnoredEvent(Exception):
    """An event that needs no answer (standby mode, a delivery receipt, a group join)."""
