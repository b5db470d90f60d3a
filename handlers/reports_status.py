"""Following reports: "status WN-7K3Q", "my reports", and rating a resolved report."""

from __future__ import annotations

import re

from core.conversation.router import Router, Turn
from core.messages import Button, Kind, Reply
from core.reports import service as reports
from core.reports.models import Rating, Report, ReportEvent, Status
from handlers.menu import stale_button
from handlers.report_text import (
    URGENCY_LABELS,
    date_text,
    size_text,
    stars_text,
    status_label,
    types_text,
    when_text,
)

router = Router()
# A ref as typed: "WN-7K3Q", "wn 7k3q" or just "7K3Q" after "status" (service.REF_ALPHABET).
REF = re.compile(r"(?:wn[- ]?)?([0-9a-z]{4,6})\b", re.IGNORECASE)
TYPED_REF = re.compile(r"wn[- ]?[0-9a-z]{4,6}", re.IGNORECASE)
# reports_of's own default, and what fits a LINE quick reply with the menu button.
MAX_LISTED = 10
# The newest steps of a timeline that a status shows; the console shows them all.
TIMELINE_STEPS = 5


def _ref(text: str) -> str:
    found = REF.match(text.strip())
    return "WN-" + found.group(1).upper() if found else text.strip().upper()


def _follow_buttons(turn: Turn) -> tuple[Button, ...]:
    return (Button(turn.t("My reports"), "myreports"), Button(turn.t("Menu"), "menu"))


def _not_found(turn: Turn, ref: str) -> list[Reply]:
    return [Reply(turn.t("I can't find a report {ref}. Please check the code, or send "
                         "\"my reports\" to see yours.", ref=ref[:12]),
                  buttons=_follow_buttons(turn))]


@router.intent("status", takes_args=True, words={"en": ["status", "track"],
                                                 "th": ["สถานะ", "ติดตาม"],
                                                 "hi": ["स्थिति", "स्टेटस"]})
async def status(turn: Turn) -> list[Reply]:
    if not turn.args:
        return await list_reports(turn)
    return await show_report(turn, " ".join(turn.args))


@router.intent("myreports", words={"en": ["my reports", "reports"],
                                   "th": ["เรื่องของฉัน", "เรื่องที่แจ้ง"],
                                   "hi": ["मेरी शिकायतें", "मेरी रिपोर्ट"]})
async def my_reports(turn: Turn) -> list[Reply]:
    return await list_reports(turn)


@router.fallback
async def typed_ref(turn: Turn) -> list[Reply] | None:
    """A ref typed on its own, as people copy it from the confirmation."""
    if turn.msg.kind is not Kind.TEXT or not TYPED_REF.fullmatch(turn.msg.text.strip()):
        return None
    return await show_report(turn, turn.msg.text)


async def list_reports(turn: Turn) -> list[Reply]:
    t = turn.t
    found = await reports.reports_of(turn.user, MAX_LISTED) if turn.user else []
    if not found:
        return [Reply(t("You have no reports yet. To make one, send a photo of the waste or "
                        "tap Report a dump."),
                      buttons=(Button(t("Report a dump"), "report"), Button(t("Menu"), "menu")))]
    lines = [t("Reports you made or follow:")]
    lines += [f"{r.ref} · {status_label(turn, r.status)} · {date_text(turn, r.created_at)}"
              for r in found]
    lines.append(t("Tap one to see how it is going."))
    buttons = tuple(Button(r.ref, f"rep:s:{r.ref}") for r in found)
    return [Reply("\n".join(lines), buttons=(*buttons, Button(t("Menu"), "menu")))]


async def show_report(turn: Turn, typed: str) -> list[Reply]:
    """Any report's progress; its rating buttons for those who follow it once resolved."""
    ref = _ref(typed)
    report = await reports.by_ref(ref)
    if report is None:
        return _not_found(turn, ref)
    lines = [*await _status_lines(turn, report), *await _timeline(turn, report)]
    following = turn.user is not None and await reports.is_following(report, turn.user)
    if report.status != Status.RESOLVED or not following:
        return [Reply("\n".join(lines), buttons=_follow_buttons(turn))]
    rating = await Rating.get_or_none(report=report, user=turn.user)
    lines.append(turn.t("Your rating: {stars}. Tap to change it.", stars=stars_text(
        rating.stars)) if rating else turn.t("How well was it handled? Tap the stars."))
    stars = tuple(Button("★" * n, f"rate:{report.ref}:{n}") for n in range(5, 0, -1))
    return [Reply("\n".join(lines), buttons=stars)]


async def _status_lines(turn: Turn, report: Report) -> list[str]:
    t = turn.t
    lines = [t("{ref}: {status}", ref=report.ref, status=status_label(turn, report.status)),
             t("Last update: {when}", when=when_text(turn, report.updated_at)),
             t("Waste: {types}", types=types_text(turn, report.waste_types)),
             t("Size: {size}", size=size_text(turn, report.size)),
             t("Urgency: {urgency}", urgency=t(URGENCY_LABELS.get(report.urgency, "Normal"))),
             t("Confirmations: {count}", count=report.plus_ones)]
    original_id = report.duplicate_of_id  # type: ignore[attr-defined]
    original = await Report.get_or_none(id=original_id) if original_id else None
    if original is not None:
        lines.append(t("Same spot as {original}.", original=original.ref))
    return lines


async def _timeline(turn: Turn, report: Report) -> list[str]:
    steps = await ReportEvent.filter(report=report).order_by("-created_at", "-id").limit(
        TIMELINE_STEPS)
    return [turn.t("Timeline:"), *(f"• {date_text(turn, step.created_at)}: "
                                   f"{status_label(turn, step.to_status)}"
                                   for step in reversed(steps))]


@router.intent("rate")
async def rate(turn: Turn) -> list[Reply]:
    """Stars for a resolved report, from someone who follows it; a new tap replaces them."""
    if len(turn.args) != 2 or turn.args[1] not in {"1", "2", "3", "4", "5"} or turn.user is None:
        return await stale_button(turn)
    report = await reports.by_ref(turn.args[0])
    if report is None:
        return _not_found(turn, turn.args[0])
    t, ref, stars = turn.t, report.ref, int(turn.args[1])
    try:
        await reports.rate(report, turn.user, stars, turn.now)
    except reports.NotFollowing:
        return [Reply(t("Only the people who reported or confirmed {ref} can rate it.",
                        ref=ref), buttons=_follow_buttons(turn))]
    except reports.NotResolved:
        return [Reply(t("You can rate {ref} once it is resolved. It is now: {status}.",
                        ref=ref, status=status_label(turn, report.status)),
                      buttons=_follow_buttons(turn))]
    return [Reply(t("Thank you! You rated {ref} {stars}. It helps the city see what works.",
                    ref=ref, stars=stars_text(stars)), buttons=_follow_buttons(turn))]
