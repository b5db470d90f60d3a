"""Levels on cumulative credits earned, each announced once (docs/credits.md, "Levels")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_DOWN, Decimal

from tortoise.exceptions import IntegrityError
from tortoise.functions import Sum
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from core.gamification.models import LevelUp
from core.i18n import N_
from core.ledger.models import LedgerEntry
from core.users.models import User

# Names of levels 1-5 in the Thailand Waste Diary design (shared/data/th_diary_gamification.csv);
# their thresholds are settings.level_thresholds.
LEVEL_NAMES = (N_("Eco Beginner"), N_("Green Warrior"), N_("Eco Champion"),
               N_("Climate Hero"), N_("Planet Protector"))
# The design's equivalence: 500 credits = 1 tree planted (th_diary_gamification.csv).
CREDITS_PER_TREE = 500
# Ledger reasons that take back credits given earlier; they lower "earned" by what they
# take back, so logging and undoing the same entry never raises a level.
REVERSALS = ("diary_undo",)


@dataclass(frozen=True, slots=True)
class LevelProgress:
    level: int
    name: str  # an N_ msgid, translated where it is shown
    earned: int
    next_name: str | None  # None at the top level
    next_threshold: int | None
    to_next: int  # credits still to earn; 0 at the top level


def level_for(earned: int, thresholds: Sequence[int]) -> int:
    """The highest level n with thresholds[n-1] <= earned (level 1 from 0 credits)."""
    return max((n for n, floor in enumerate(thresholds, start=1) if earned >= floor),
               default=1)


def progress_of(earned: int, thresholds: Sequence[int]) -> LevelProgress:
    if len(thresholds) != len(LEVEL_NAMES):
        raise ValueError(f"{len(thresholds)} level thresholds for {len(LEVEL_NAMES)} names")
    level = level_for(earned, thresholds)
    if level == len(thresholds):
        return LevelProgress(level, LEVEL_NAMES[level - 1], earned, None, None, 0)
    target = thresholds[level]
    return LevelProgress(level, LEVEL_NAMES[level - 1], earned, LEVEL_NAMES[level], target,
                         target - earned)


def trees(earned: int) -> Decimal:
    """Trees-planted equivalent of the credits earned, to one decimal, rounded down."""
    return (Decimal(max(earned, 0)) / CREDITS_PER_TREE).quantize(Decimal("0.1"),
                                                                  rounding=ROUND_DOWN)


async def earned_credits(user_id: int) -> int:
    """Credits ever given, less what reversals took back: the basis of levels."""
    mine = LedgerEntry.filter(user_id=user_id)
    given = await _sum(mine.filter(amount__gt=0).exclude(reason__in=REVERSALS))
    taken_back = await _sum(mine.filter(amount__lt=0, reason__in=REVERSALS))
    return given + taken_back


async def _sum(query: QuerySet[LedgerEntry]) -> int:
    row = await query.annotate(total=Sum("amount")).first().values("total")
    return int((row or {}).get("total") or 0)


async def record_level_ups(user: User, earned: int, thresholds: Sequence[int],
                           now: datetime) -> list[int]:
    """Store each level above 1 now reached for the first time; return those levels."""
    reached = level_for(earned, thresholds)
    known = set(await LevelUp.filter(user_id=user.id).values_list("level", flat=True))
    new = []
    for level in range(2, reached + 1):
        if level not in known and await _insert_once(user, level, now):
            new.append(level)
    return new


async def _insert_once(user: User, level: int, now: datetime) -> bool:
    try:
        async with in_transaction():  # a savepoint, so a clash does not abort the caller
            await LevelUp.create(user_id=user.id, level=level, reached_at=now)
    except IntegrityError:
        return False  # a concurrent turn announced it
    return True
