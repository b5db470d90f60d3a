"""Reporting a dumping spot or an overflowing bin: photos, place, duplicates, kind, size, note.

It starts with the "report" intent (a word or the menu button), or with a photo or a pin
sent outside any flow. Each step's buttons carry "rep:<action>:..." and count only at their
own step; the draft lives in the conversation state until it is sent or cancelled.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import replace

from core.conversation.router import Router, Turn, normalize
from core.messages import Button, Reply
from core.reports import service as reports
from core.reports.kinds import SIZES, WASTE_TYPES
from handlers import reports_status
from handlers.menu import stale_button, unsupported
from handlers.onboarding import SKIP, YES
from handlers.report_draft import NOTE_MAX, Draft
from handlers.report_steps import FLOW, ask_next, find_new_duplicates, photo_lines, sent_reply
from handlers.report_text import SIZE_BUTTONS, TYPE_BUTTONS

router = Router()
# Typed answers that stand for a button, besides the button's own translated label.
DONE_WORDS = frozenset({"done", "finish", "finished", "next", "เสร็จ", "เสร็จแล้ว", "ต่อไป",
                        "हो गया", "बस", "आगे"})
NO_PHOTO_WORDS = frozenset({"no photo", "no", "none", "ไม่มีรูป", "ไม่มี", "ไม่",
                            "फ़ोटो नहीं", "फोटो नहीं", "नहीं"})
SEND_WORDS = frozenset({"send", "send report", "submit", "ส่ง", "ส่งเรื่อง", "भेजें", "भेजो"})
# The shortest typed place we take: "ok" or "3" is an answer, not an address.
MIN_ADDRESS_CHARS = 3

Action = Callable[[Turn, Draft, list[str]], Awaitable[list[Reply]]]
Typed = Callable[[Turn, Draft, str], Awaitable[list[Reply]]]


def current(turn: Turn) -> Draft:
    if turn.state.flow != FLOW:
        return Draft()
    return Draft.from_slots(turn.state.slots.get("draft", {}))


def said(turn: Turn, text: str, words: Iterable[str], *labels: str) -> bool:
    """Whether the text is one of these words, or one of these labels as the person reads it."""
    return normalize(text) in {normalize(w) for w in (*words, *map(turn.t, labels))}


def pick(turn: Turn, text: str, *tables: dict[str, str]) -> str | None:
    """The code whose label (short or long, translated or English) was typed."""
    typed = normalize(text)
    for table in tables:
        for code, label in table.items():
            if typed in {normalize(code), normalize(label), normalize(turn.t(label))}:
                return code
    return None


def _intro(turn: Turn) -> str:
    return turn.t("Let's report a dumping spot or an overflowing bin.")


# ----------------------------------------------------------------------------- entry points


@router.intent("report", words={"en": ["report", "report dump", "report a dump", "complaint"],
                                "th": ["แจ้ง", "แจ้งขยะ", "ร้องเรียน"],
                                "hi": ["शिकायत", "रिपोर्ट", "शिकायत करें"]})
async def start_report(turn: Turn) -> list[Reply]:
    if turn.args:  # "report:..." is not a button this version makes
        return await stale_button(turn)
    return await ask_next(turn, Draft(), _intro(turn))


@router.intent("photo")
async def photo_received(turn: Turn) -> list[Reply]:
    """A photo outside the flow starts a report with it; inside, it joins the draft."""
    intake = current(turn).with_photos(turn.msg.photos, turn.runtime.settings.report_max_photos)
    if turn.msg.photos:  # the media beyond the limit were never fetched (events/processing)
        unfetched = max(len(turn.msg.media) - len(turn.msg.photos), 0)
        intake = replace(intake, over_limit=intake.over_limit + unfetched)
    draft = intake.draft
    caption = turn.msg.text.strip()  # Telegram captions, the text of an MMS
    if caption and not draft.note_done:
        draft = replace(draft, note=caption[:NOTE_MAX], note_done=True)
    lead = photo_lines(turn, intake, received=bool(turn.msg.photos))
    if turn.state.flow != FLOW:
        lead = _intro(turn) + "\n" + lead
    return await ask_next(turn, draft, lead)


@router.intent("location")
async def pin_received(turn: Turn) -> list[Reply]:
    """A pin outside any flow starts a report at that spot."""
    if turn.msg.location is None:
        return await unsupported(turn)
    lead = _intro(turn) + "\n" + turn.t("Place saved.")
    return await ask_next(turn, Draft().at_pin(turn.msg.location), lead)


# ----------------------------------------------------------------------------- typed answers


@router.step(FLOW, "photos")
@router.step(FLOW, "location")
@router.step(FLOW, "duplicates")
@router.step(FLOW, "types")
@router.step(FLOW, "size")
@router.step(FLOW, "note")
@router.step(FLOW, "confirm")
async def answered(turn: Turn) -> list[Reply]:
    """Text or a shared pin at a step; a pin sets the place whichever step it comes at."""
    draft = current(turn)
    if turn.msg.location is not None:
        lead = "" if turn.state.step == "location" else turn.t("Place saved.")
        return await ask_next(turn, draft.at_pin(turn.msg.location), lead)
    return await TYPED[turn.state.step](turn, draft, turn.msg.text.strip())


async def _again(turn: Turn, draft: Draft, _text: str = "") -> list[Reply]:
    return await ask_next(turn, draft, turn.t("Sorry, I didn't catch that."))


async def _typed_photos(turn: Turn, draft: Draft, text: str) -> list[Reply]:
    if said(turn, text, DONE_WORDS | NO_PHOTO_WORDS | SKIP, "Done", "No photo"):
        return await ask_next(turn, replace(draft, photos_done=True))
    return await _again(turn, draft)


async def _typed_location(turn: Turn, draft: Draft, text: str) -> list[Reply]:
    if len(text) < MIN_ADDRESS_CHARS:
        return await _again(turn, draft)
    return await ask_next(turn, draft.at_address(text))


async def _typed_types(turn: Turn, draft: Draft, text: str) -> list[Reply]:
    if said(turn, text, DONE_WORDS, "Done"):
        return await _types_done(turn, draft)
    code = pick(turn, text, TYPE_BUTTONS, WASTE_TYPES)
    return await ask_next(turn, draft.toggled(code)) if code else await _again(turn, draft)


async def _typed_size(turn: Turn, draft: Draft, text: str) -> list[Reply]:
    code = pick(turn, text, SIZE_BUTTONS, SIZES)
    return await ask_next(turn, replace(draft, size=code)) if code else await _again(turn, draft)


async def _typed_note(turn: Turn, draft: Draft, text: str) -> list[Reply]:
    if not text:
        return await _again(turn, draft)
    note = "" if said(turn, text, SKIP, "Skip") else text[:NOTE_MAX]
    return await ask_next(turn, replace(draft, note=note, note_done=True))


async def _typed_confirm(turn: Turn, draft: Draft, text: str) -> list[Reply]:
    if said(turn, text, SEND_WORDS | YES, "Send report"):
        return await _send(turn, draft, [])
    return await _again(turn, draft)


TYPED: dict[str, Typed] = {
    "photos": _typed_photos, "location": _typed_location, "duplicates": _again,
    "types": _typed_types, "size": _typed_size, "note": _typed_note, "confirm": _typed_confirm,
}


# ----------------------------------------------------------------------------- buttons


@router.intent("rep")
async def report_button(turn: Turn) -> list[Reply]:
    action, *rest = turn.args or ("",)
    if action == "s" and rest:  # a report picked from "my reports"
        return await reports_status.show_report(turn, rest[0])
    if turn.state.flow != FLOW:
        return await stale_button(turn)
    step, act = BUTTONS.get(action, ("", _stale))
    draft = current(turn)
    if turn.state.step != step:
        return await _stale(turn, draft, rest)
    return await act(turn, draft, rest)


async def _stale(turn: Turn, draft: Draft, _rest: list[str]) -> list[Reply]:
    """A button from an earlier message, or one this version never made: ask again."""
    return await ask_next(turn, draft, turn.t("That button is no longer active."))


async def _photos_done(turn: Turn, draft: Draft, _rest: list[str]) -> list[Reply]:
    return await ask_next(turn, replace(draft, photos_done=True))


async def _photo_place(turn: Turn, draft: Draft, _rest: list[str]) -> list[Reply]:
    photo = draft.photo_with_gps()
    if photo is None:
        return await _stale(turn, draft, [])
    return await ask_next(turn, draft.at_photo(photo))


async def _type_button(turn: Turn, draft: Draft, rest: list[str]) -> list[Reply]:
    code = rest[0] if rest else ""
    if code == "done":
        return await _types_done(turn, draft)
    if code not in WASTE_TYPES:
        return await _stale(turn, draft, [])
    return await ask_next(turn, draft.toggled(code))


async def _types_done(turn: Turn, draft: Draft) -> list[Reply]:
    if not draft.types:
        return await ask_next(turn, draft, turn.t("Please choose at least one kind of waste."))
    return await ask_next(turn, replace(draft, types_done=True))


async def _size_button(turn: Turn, draft: Draft, rest: list[str]) -> list[Reply]:
    if not rest or rest[0] not in SIZES:
        return await _stale(turn, draft, [])
    return await ask_next(turn, replace(draft, size=rest[0]))


async def _skip_note(turn: Turn, draft: Draft, _rest: list[str]) -> list[Reply]:
    return await ask_next(turn, replace(draft, note="", note_done=True))


async def _send(turn: Turn, draft: Draft, _rest: list[str]) -> list[Reply]:
    if not (draft.has_place and draft.types and draft.size):
        return await ask_next(turn, draft)
    report = await reports.create_report(
        draft.new_report(turn.user), "chat", turn.now, turn.runtime.settings,
        reporter=turn.user, identity=turn.identity)
    turn.state.end()
    return [sent_reply(turn, report)]


async def _plus_one(turn: Turn, draft: Draft, rest: list[str]) -> list[Reply]:
    """Confirm an offered report instead of making a new one."""
    offered = {m.report.ref: m.report for m in await find_new_duplicates(turn, draft)}
    report = offered.get(rest[0].upper()) if rest else None
    if report is None or turn.user is None:
        return await _stale(turn, draft, [])
    already = await reports.is_following(report, turn.user)
    report = await reports.plus_one(report, turn.user, turn.identity, turn.now,
                                    turn.runtime.settings)
    turn.state.end()
    t = turn.t
    text = t("You already follow {ref}. I'll message you here when it changes.",
             ref=report.ref) if already else \
        t("Thank you! You confirmed {ref}, so it moves up the queue (confirmations: "
          "{count}). I'll message you here when it changes.", ref=report.ref,
          count=report.plus_ones)
    return [Reply(text, buttons=(Button(t("My reports"), "myreports"),
                                 Button(t("Menu"), "menu")))]


async def _mine(turn: Turn, draft: Draft, _rest: list[str]) -> list[Reply]:
    """The offered reports are another spot: remember that, and carry on with this one."""
    found = await find_new_duplicates(turn, draft)
    draft = replace(draft, dismissed=(*draft.dismissed, *(m.report.ref for m in found)),
                    checked=draft.fingerprint())
    return await ask_next(turn, draft)


BUTTONS: dict[str, tuple[str, Action]] = {
    "p": ("photos", _photos_done),
    "l": ("location", _photo_place),
    "t": ("types", _type_button),
    "z": ("size", _size_button),
    "n": ("note", _skip_note),
    "send": ("confirm", _send),
    "plus": ("duplicates", _plus_one),
    "mine": ("duplicates", _mine),
}
