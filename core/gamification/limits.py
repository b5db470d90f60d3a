"""Anti-abuse limits on diary credits: the daily cap and implausible amounts
(docs/credits.md, "Caps and review")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from tortoise.functions import Sum
from tortoise.queryset import QuerySet

from core.diary.models import DiaryEntry
from core.gamification.models import ReviewFlag
from core.settings import Settings

CAPPED = "capped"
FLAGGED = "flagged"


@dataclass(frozen=True, slots=True)
class DailyLimits:
    credit_cap: int  # positive diary credits per person per local day
    implausible_grams: int  # one category in one local day above this is held for review

    @classmethod
    def from_settings(cls, settings: Settings) -> DailyLimits:
        return cls(settings.diary_daily_credit_cap, settings.implausible_daily_kg * 1000)

    @classmethod
    def defaults(cls) -> DailyLimits:
        """The documented defaults of the settings, without reading the environment."""
        fields = Settings.model_fields
        return cls(fields["diary_daily_credit_cap"].default,
                   fields["implausible_daily_kg"].default * 1000)


@dataclass(frozen=True, slots=True)
class Verdict:
    credits: int  # what to credit
    review: str  # "", "capped" or "flagged", as DiaryEntry.review
    computed: int  # what the entry would earn without limits
    category_grams: int  # the category's grams that local day, this entry included


def judge(computed: int, grams: int, credited_today: int, category_grams_today: int,
          limits: DailyLimits) -> Verdict:
    """The credit for an entry, given what the day already holds; pure."""
    category_grams = category_grams_today + grams
    if category_grams > limits.implausible_grams:
        return Verdict(0, FLAGGED, computed, category_grams)
    room = max(limits.credit_cap - credited_today, 0)
    if computed > room:  # penalties (negative) are never capped
        return Verdict(room, CAPPED, computed, category_grams)
    return Verdict(computed, "", computed, category_grams)


async def assess(user_id: int, category_id: int, day: date, grams: int, computed: int,
                 limits: DailyLimits) -> Verdict:
    """Judge a new entry against the live entries of its local day. Hold the user's lock."""
    live = DiaryEntry.filter(user_id=user_id, local_date=day, undone_at=None)
    credited = await _sum(live.filter(credits__gt=0), "credits")
    category_grams = await _sum(live.filter(category_id=category_id), "grams")
    return judge(computed, grams, credited, category_grams, limits)


async def flag_for_review(entry: DiaryEntry, verdict: Verdict, limits: DailyLimits,
                          now: datetime) -> ReviewFlag:
    """Hold a flagged entry for staff, who may credit or refuse it."""
    return await ReviewFlag.create(
        user_id=entry.user_id,  # type: ignore[attr-defined]
        kind="implausible_entry", reference=f"diary:{entry.id}", created_at=now,
        detail={"grams": entry.grams, "category_grams_today": verdict.category_grams,
                "limit_grams": limits.implausible_grams, "credits": verdict.computed,
                "local_date": entry.local_date.isoformat()})


def counting(user_id: int) -> QuerySet[DiaryEntry]:
    """Entries that count toward progress: not undone, and not held for review."""
    return DiaryEntry.filter(user_id=user_id, undone_at=None).exclude(review=FLAGGED)


async def _sum(query: QuerySet[DiaryEntry], field: str) -> int:
    row = await query.annotate(total=Sum(field)).first().values("total")
    return int((row or {}).get("total") or 0)
