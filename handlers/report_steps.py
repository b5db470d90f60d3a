"""The questions of the report flow, asked in order until the draft is complete."""

from __future__ import annotations

from dataclasses import replace

from core.conversation.router import Turn
from core.messages import Button, Reply
from core.reports import service as reports
from core.reports.kinds import SIZES
from core.reports.models import Report
from handlers.report_draft import Draft, Intake
from handlers.report_text import (
    CHECKMARK,
    PHOTO_REFUSALS,
    SIZE_BUTTONS,
    TYPE_BUTTONS,
    duplicate_line,
    place_text,
    size_text,
    types_text,
)

FLOW = "report"
# Existing reports offered for a +1 at once; more would bury the question.
MAX_OFFERED = 3


async def ask_next(turn: Turn, draft: Draft, lead: str = "") -> list[Reply]:
    """Ask for what the draft still lacks; offer a +1 once the place is known."""
    if not draft.photos_done:
        return ask_photos(turn, draft, lead)
    if not draft.has_place:
        return ask_location(turn, draft, lead)
    if draft.checked != draft.fingerprint():
        found = await find_new_duplicates(turn, draft)
        if found:
            return ask_duplicates(turn, draft, found, lead)
        draft = replace(draft, checked=draft.fingerprint())
    if not draft.types_done:
        return ask_types(turn, draft, lead)
    if not draft.size:
        return ask_size(turn, draft, lead)
    if not draft.note_done:
        return ask_note(turn, draft, lead)
    return ask_confirm(turn, draft, lead)


async def find_new_duplicates(turn: Turn, draft: Draft) -> list[reports.Match]:
    """Open reports of the same spot or photo that the person has not set aside."""
    found = await reports.find_duplicates(draft.new_report(turn.user), turn.runtime.settings)
    return [m for m in found if m.report.ref not in draft.dismissed][:MAX_OFFERED]


def _ask(turn: Turn, step: str, draft: Draft, lead: str, prompt: str,
         buttons: tuple[Button, ...] = (), ask_location: str = "") -> list[Reply]:
    turn.state.go(FLOW, step, draft=draft.to_slots())
    text = "\n".join(part for part in (lead, prompt) if part)
    return [Reply(text, buttons=buttons, ask_location=ask_location)]


def _sms(turn: Turn) -> bool:
    return turn.msg.channel == "sms"


def ask_photos(turn: Turn, draft: Draft, lead: str) -> list[Reply]:
    t = turn.t
    if draft.photos:
        return _ask(turn, "photos", draft, lead, t("Send another photo, or tap Done."),
                    (Button(t("Done"), "rep:p:done"),))
    limit = turn.runtime.settings.report_max_photos
    prompt = t("Send a photo of the waste by MMS (up to {max}), or tap No photo.", max=limit) \
        if _sms(turn) else t("Send a photo of the waste (up to {max}), or tap No photo.",
                             max=limit)
    return _ask(turn, "photos", draft, lead, prompt, (Button(t("No photo"), "rep:p:none"),))


def ask_location(turn: Turn, draft: Draft, lead: str) -> list[Reply]:
    t = turn.t
    if draft.photo_with_gps() is not None:
        prompt = t("Where is it? Your photo carries its location: tap \"Photo's location\" "
                   "to use it. Or share a location pin, or type the address or a landmark.")
        buttons: tuple[Button, ...] = (Button(t("Photo's location"), "rep:l:photo"),)
    else:
        prompt = t("Where is it? Share a location pin, or type the address or a landmark.")
        buttons = ()
    if _sms(turn):
        prompt = t("Where is it? Type the address or a nearby landmark.") if not buttons else \
            t("Where is it? Tap \"Photo's location\" to use the place stored in your photo, "
              "or type the address or a landmark.")
        return _ask(turn, "location", draft, lead, prompt, buttons)
    return _ask(turn, "location", draft, lead, prompt, buttons, t("Share my location"))


def ask_duplicates(turn: Turn, draft: Draft, found: list[reports.Match],
                   lead: str) -> list[Reply]:
    t = turn.t
    lines = [t("This spot may already be reported:"),
             *(duplicate_line(turn, match) for match in found),
             t("If it is the same, tap +1: that report moves up the queue and you get its "
               "updates. If not, send yours.")]
    buttons = (*(Button(t("+1 {ref}", ref=m.report.ref), f"rep:plus:{m.report.ref}")
                 for m in found),
               Button(t("Send mine anyway"), "rep:mine"))
    return _ask(turn, "duplicates", draft, lead, "\n".join(lines), buttons)


def ask_types(turn: Turn, draft: Draft, lead: str) -> list[Reply]:
    t = turn.t
    prompt = t("What kind of waste is it? Tap every kind you see, then Done.")
    if draft.types:
        prompt += "\n" + t("Chosen: {types}", types=types_text(turn, draft.types))
    buttons = tuple(Button((CHECKMARK if code in draft.types else "") + t(label),
                           f"rep:t:{code}") for code, label in TYPE_BUTTONS.items())
    return _ask(turn, "types", draft, lead, prompt, (*buttons, Button(t("Done"), "rep:t:done")))


def ask_size(turn: Turn, draft: Draft, lead: str) -> list[Reply]:
    t = turn.t
    prompt = "\n".join([t("How big is it?"), *(f"• {t(label)}" for label in SIZES.values())])
    buttons = tuple(Button(t(label), f"rep:z:{code}") for code, label in SIZE_BUTTONS.items())
    return _ask(turn, "size", draft, lead, prompt, buttons)


def ask_note(turn: Turn, draft: Draft, lead: str) -> list[Reply]:
    t = turn.t
    prompt = t("Anything the team should know? For example \"blocks the footpath\" or "
               "\"dumped every night\". Type it, or tap Skip.")
    return _ask(turn, "note", draft, lead, prompt, (Button(t("Skip"), "rep:n:skip"),))


def ask_confirm(turn: Turn, draft: Draft, lead: str) -> list[Reply]:
    t = turn.t
    prompt = summary_text(turn, draft) + "\n" + t("Send this report?")
    return _ask(turn, "confirm", draft, lead, prompt,
                (Button(t("Send report"), "rep:send"), Button(t("Cancel"), "cancel")))


def summary_text(turn: Turn, draft: Draft) -> str:
    t = turn.t
    count = len(draft.photos)
    lines = [t("Your report:"),
             t("Photos: {count}", count=count) if count else t("Photos: none"),
             place_text(turn, draft.latitude, draft.longitude, draft.location_source,
                        draft.address),
             t("Waste: {types}", types=types_text(turn, draft.types)),
             t("Size: {size}", size=size_text(turn, draft.size))]
    if draft.note:
        lines.append(t("Note: {note}", note=draft.note))
    return "\n".join(lines)


def photo_lines(turn: Turn, intake: Intake, received: bool) -> str:
    """What happened to the photos of one message, in plain words."""
    t, limit = turn.t, turn.runtime.settings.report_max_photos
    lines = [] if received else [t("I couldn't keep that photo. Please send it again.")]
    if intake.kept:
        lines.append(t("Photo {count} of {max} received.", count=len(intake.draft.photos),
                       max=limit))
    lines += [t(PHOTO_REFUSALS.get(code, PHOTO_REFUSALS["unavailable"]))
              for code in dict.fromkeys(intake.refused)]
    if intake.over_limit:
        lines.append(t("I can take at most {max} photos, so I left out {extra}.", max=limit,
                       extra=intake.over_limit))
    return "\n".join(lines)


def sent_reply(turn: Turn, report: Report) -> Reply:
    t = turn.t
    lines = [t("Thank you! Your report is {ref}. The team will check it, and I'll message "
               "you here whenever it changes.", ref=report.ref),
             t("To follow it, send \"status {ref}\", or \"my reports\" to see all of yours.",
               ref=report.ref)]
    credits = turn.runtime.settings.report_verified_credits
    if credits:
        lines.append(t("You earn {credits} green credits once the team verifies it.",
                       credits=credits))
    return Reply("\n".join(lines), buttons=(Button(t("My reports"), "myreports"),
                                            Button(t("Menu"), "menu")))
