"""Open311 intake: which api_keys may submit, and a request becoming a report or a +1."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from tortoise.transactions import in_transaction

from core.reports.models import Report
from core.reports.service import NewReport, add_confirmation, create_report, find_duplicates
from core.settings import Settings

SOURCE = "open311"


@dataclass(frozen=True, slots=True)
class Submitted:
    report: Report
    merged: bool  # True: an open report at the same spot was confirmed instead


def accepted_api_keys(settings: Settings) -> frozenset[str]:
    """The api_keys that may POST requests: OPEN311_API_KEYS (keys issued later join here)."""
    return frozenset(key.strip() for key in settings.open311_api_keys.split(",") if key.strip())


def api_key_accepted(api_key: str, settings: Settings) -> bool:
    # compare_digest, so the answer's timing says nothing about how much of a key matched.
    given = api_key.encode()
    return bool(api_key) and any(
        hmac.compare_digest(given, key.encode()) for key in accepted_api_keys(settings))


async def submit(new: NewReport, now: datetime, settings: Settings) -> Submitted:
    """Run the chat's duplicate check: +1 the nearest open match, else create a report."""
    async with in_transaction():
        duplicates = await find_duplicates(new, settings)
        if duplicates:
            return Submitted(await confirm_anonymously(duplicates[0].report, now, settings), True)
        return Submitted(await create_report(new, SOURCE, now, settings), False)


async def confirm_anonymously(report: Report, now: datetime, settings: Settings) -> Report:
    """plus_one for a submitter who is no user: count it and re-rank, with no one to notify.

    Call inside a transaction; the row is locked so concurrent confirmations re-rank in turn.
    """
    report = await Report.select_for_update().get(id=report.id)
    await add_confirmation(report, now, settings)
    return report
