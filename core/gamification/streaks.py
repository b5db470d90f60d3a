"""Streaks of local days with diary entries, with a weekly freeze (docs/credits.md, "Streaks")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from core.gamification.limits import counting

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Streak:
    current: int  # logged days in the live run; forgiven days bridge it but do not count
    longest: int
    logged_today: bool
    # Alive but nothing logged yet today: a day without an entry may still break it.
    at_risk: bool


def streak_of(days: Iterable[date], today: date, freezes_per_week: int) -> Streak:
    """The streak on `today` from the local days with entries; pure and deterministic.

    Days are walked forward from the first entry, as the person lived them. A day without
    an entry during a live run is forgiven while its ISO week (Monday to Sunday) has used
    fewer than `freezes_per_week` forgiven days; the next one ends the run. Today counts
    only once it has an entry: until then it is not missed yet.
    """
    logged = {d for d in days if d <= today}
    if not logged:
        return Streak(0, 0, False, False)
    logged_today = today in logged
    end = today if logged_today else today - ONE_DAY
    forgiven: dict[tuple[int, int], int] = {}
    run = longest = 0
    day = min(logged)
    while day <= end:
        if day in logged:
            run += 1
        elif run:
            week = (day.isocalendar().year, day.isocalendar().week)
            if forgiven.get(week, 0) < freezes_per_week:
                forgiven[week] = forgiven.get(week, 0) + 1
            else:
                run = 0
        longest = max(longest, run)
        day += ONE_DAY
    return Streak(run, longest, logged_today, at_risk=run > 0 and not logged_today)


async def logged_days(user_id: int) -> list[date]:
    """Local days with at least one entry that counts (not undone, not held for review)."""
    days: list[date] = await counting(user_id).distinct() \
        .values_list("local_date", flat=True)  # type: ignore[assignment]
    return days
