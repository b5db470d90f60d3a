"""How reports read in a reply: labels, places, times, summaries and duplicate offers."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_time, format_timedelta

from core.conversation.router import Turn
from core.i18n import N_
from core.reports.kinds import SIZES, WASTE_TYPES
from core.reports.service import Match

STATUS_LABELS = {
    "reported": N_("Reported"),
    "verified": N_("Verified"),
    "assigned": N_("Team assigned"),
    "in_progress": N_("In progress"),
    "collected": N_("Collected"),
    "resolved": N_("Resolved"),
    "rejected": N_("Not accepted"),
    "duplicate": N_("Duplicate"),
}
URGENCY_LABELS = {"normal": N_("Normal"), "urgent": N_("Urgent")}
# LINE cuts quick-reply labels at 20 characters (bots/line.py LABEL_MAX), and a selected
# type carries "✓ " in front, so these short forms stay within 18.
TYPE_BUTTONS = {
    "mixed": N_("Mixed waste"),
    "plastic": N_("Plastic"),
    "organic": N_("Food / organic"),
    "construction": N_("Building debris"),
    "bulky": N_("Bulky items"),
    "e_waste": N_("E-waste"),
    "hazardous": N_("Hazardous"),
    "medical": N_("Medical waste"),
    "dead_animal": N_("Dead animal"),
}
SIZE_BUTTONS = {"small": N_("Small"), "medium": N_("Medium"), "large": N_("Large"),
                "truckload": N_("Truck-load")}
# Photo.error codes from core/media (images.InvalidImage reasons, intake "unavailable").
PHOTO_REFUSALS = {
    "too_large": N_("That photo is too large (over 10 MB), so I couldn't take it."),
    "not_an_image": N_("That file isn't a photo I can open."),
    "unsupported_type": N_("I can only take JPEG, PNG or WebP photos."),
    "too_many_pixels": N_("That picture has too many pixels. Please send an ordinary "
                          "phone photo."),
    "unavailable": N_("I couldn't download that photo. Please send it again."),
}
SOURCE_LABELS = {"pin": N_("shared pin"), "photo": N_("from your photo")}
CHECKMARK = "✓ "


def status_label(turn: Turn, status: str) -> str:
    return turn.t(STATUS_LABELS.get(status, status))


def types_text(turn: Turn, codes: list[str] | tuple[str, ...]) -> str:
    return ", ".join(turn.t(WASTE_TYPES[code]) for code in codes if code in WASTE_TYPES)


def size_text(turn: Turn, size: str) -> str:
    return turn.t(SIZES[size]) if size in SIZES else size


def _zone(turn: Turn) -> ZoneInfo:
    name = turn.user.timezone if turn.user else turn.runtime.settings.default_timezone
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(turn.runtime.settings.default_timezone)


def date_text(turn: Turn, when: datetime) -> str:
    return format_date(when.astimezone(_zone(turn)), format="medium", locale=turn.locale)


def when_text(turn: Turn, when: datetime) -> str:
    """Date and time in the person's zone, as their language writes them."""
    local = when.astimezone(_zone(turn))
    text = (format_date(local, format="medium", locale=turn.locale) + ", "
            + format_time(local, format="short", locale=turn.locale))
    # CLDR puts a narrow no-break space before "PM"; it is not in GSM-7, and one such
    # character makes a whole SMS UCS-2, 70 characters a segment (core/sms_text.py).
    return text.replace("\u202f", " ")


def ago_text(turn: Turn, when: datetime) -> str:
    return format_timedelta(when - turn.now, add_direction=True, locale=turn.locale)


def coords_text(latitude: Decimal, longitude: Decimal) -> str:
    return f"{latitude:.5f}, {longitude:.5f}"


def place_text(turn: Turn, latitude: Decimal | None, longitude: Decimal | None, source: str,
               address: str) -> str:
    where = address or (coords_text(latitude, longitude)
                        if latitude is not None and longitude is not None else "")
    if source in SOURCE_LABELS:
        return turn.t("Place: {place} ({source})", place=where,
                      source=turn.t(SOURCE_LABELS[source]))
    return turn.t("Place: {place}", place=where)


def duplicate_line(turn: Turn, match: Match) -> str:
    """One existing report offered for a +1: its ref, status, age and distance."""
    report = match.report
    status, ago = status_label(turn, report.status), ago_text(turn, report.created_at)
    if match.meters is None:
        return turn.t("• {ref}: {status}, {ago}, same photo", ref=report.ref,
                      status=status, ago=ago)
    return turn.t("• {ref}: {status}, {ago}, about {meters} m away", ref=report.ref,
                  status=status, ago=ago, meters=round(match.meters))


def stars_text(stars: int) -> str:
    return "★" * stars + "☆" * (5 - stars)
