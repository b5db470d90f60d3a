"""Telling every subscriber about a report's new state, in their language, on their chat."""

from __future__ import annotations

from datetime import datetime

from core.i18n import N_, Catalogs, Translator
from core.messages import Button, Reply
from core.outbox import service as outbox
from core.reports.models import Report, ReportEvent, Status, Subscription
from core.users.models import Identity, User

NEWS = {
    Status.VERIFIED: N_("Your report {ref} has been checked and accepted. A collection team "
                        "will be assigned."),
    Status.REJECTED: N_("Your report {ref} was not accepted."),
    Status.DUPLICATE: N_("Report {ref} is the same spot as {original}. You will get the "
                         "updates of {original} instead."),
    Status.ASSIGNED: N_("A collection team has been assigned to report {ref}."),
    Status.IN_PROGRESS: N_("The collection team is on its way to report {ref}."),
    Status.COLLECTED: N_("The waste of report {ref} has been collected. Here is the team's "
                         "photo."),
    Status.RESOLVED: N_("Report {ref} is resolved. How well was it handled?"),
}


def media_url(public_base_url: str, key: str) -> str:
    return f"{public_base_url.rstrip('/')}/media/{key}"


def news(t: Translator, report: Report, event: ReportEvent, public_base_url: str,
         original_ref: str = "") -> Reply:
    """The update one subscriber reads, with the proof photo or the rating buttons."""
    text = t(NEWS[Status(event.to_status)], ref=report.ref, original=original_ref)
    if event.note:
        text += "\n" + t("Note from the team: {note}", note=event.note)
    buttons: tuple[Button, ...] = ()
    if event.to_status == Status.RESOLVED:
        buttons = tuple(Button("★" * stars, f"rate:{report.ref}:{stars}")
                        for stars in range(5, 0, -1))
    photo = media_url(public_base_url, event.photo_key) if event.photo_key else ""
    return Reply(text, buttons=buttons, image_url=photo)


async def notify_subscribers(report: Report, event: ReportEvent, catalogs: Catalogs,
                             public_base_url: str, now: datetime) -> list[int]:
    """One outbox message per subscriber; returns their ids for the send queue."""
    original = None
    if event.to_status == Status.DUPLICATE and report.duplicate_of_id:  # type: ignore[attr-defined]
        original = await Report.get(id=report.duplicate_of_id)  # type: ignore[attr-defined]
    created = []
    for sub in await Subscription.filter(report=report).order_by("id"):
        user = await User.get(id=sub.user_id)  # type: ignore[attr-defined]
        identity = await Identity.get(id=sub.identity_id)  # type: ignore[attr-defined]
        reply = news(catalogs.translator(user.locale), report, event, public_base_url,
                     original.ref if original else "")
        message = await outbox.enqueue(identity, [reply], f"report:{event.id}:sub:{sub.id}", now)
        if message is not None:
            created.append(message.id)
    return created
