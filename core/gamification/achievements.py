"""Achievements defined in data/achievements.json, each awarded once with its reward
(docs/credits.md, "Achievements")."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from tortoise.exceptions import IntegrityError
from tortoise.functions import Sum
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from core.diary.models import DiaryEntry
from core.gamification.limits import counting
from core.gamification.models import AchievementAward
from core.gamification.streaks import Streak
from core.ledger import service as ledger
from core.users.models import User

DATA_DIR = Path(__file__).parent / "data"


class UnknownCriterion(ValueError):
    """The data names a criterion kind the code cannot measure."""


@dataclass(frozen=True, slots=True)
class Definition:
    """An achievement or a daily goal as the data defines it."""

    code: str
    names: Mapping[str, str]  # locale -> name
    about: Mapping[str, str]  # locale -> what it takes
    kind: str
    threshold: Decimal
    credits: int
    methods: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()

    def name(self, locale: str) -> str:
        return self.names.get(locale) or self.names["en"]

    def describe(self, locale: str) -> str:
        return self.about.get(locale) or self.about["en"]

    def entries(self, query: QuerySet[DiaryEntry]) -> QuerySet[DiaryEntry]:
        """The entries among `query` of this definition's methods and categories."""
        if self.methods:
            query = query.filter(method__in=sorted(self.methods))
        if self.categories:
            query = query.filter(category__code__in=sorted(self.categories))
        return query


def load_definitions(path: Path, key: str, kinds: frozenset[str]) -> tuple[Definition, ...]:
    raw = json.loads(path.read_text(encoding="utf-8"))[key]
    found = []
    for item in raw:
        if item["kind"] not in kinds:
            raise UnknownCriterion(f"{path.name}: {item['code']}: {item['kind']}")
        found.append(Definition(
            item["code"], item["names"], item["about"], item["kind"],
            Decimal(str(item["threshold"])), int(item["credits"]),
            frozenset(item.get("methods", ())), frozenset(item.get("categories", ()))))
    return tuple(found)


@dataclass(frozen=True, slots=True)
class Context:
    """What the criteria are measured against for one person at one moment."""

    user_id: int
    today: date  # the person's local date
    streak: Streak
    earned: int


@dataclass(frozen=True, slots=True)
class Measure:
    value: Decimal | None  # how far along; None where there is nothing to count
    met: bool


Measurer = Callable[[Definition, Context], Awaitable[Measure]]


def _reached(value: Decimal | int, threshold: Decimal) -> Measure:
    return Measure(Decimal(value), Decimal(value) >= threshold)


async def _entries(a: Definition, ctx: Context) -> Measure:
    return _reached(await counting(ctx.user_id).count(), a.threshold)


async def _streak_days(a: Definition, ctx: Context) -> Measure:
    return _reached(ctx.streak.longest, a.threshold)


async def _items_in_a_day(a: Definition, ctx: Context) -> Measure:
    """Items today: an entry in pieces counts its whole pieces, any other entry one item."""
    rows = await a.entries(counting(ctx.user_id).filter(local_date=ctx.today)) \
        .values_list("unit", "quantity")
    items = sum(max(int(quantity), 1) if unit == "pcs" else 1 for unit, quantity in rows)
    return _reached(items, a.threshold)


async def _kg_with_method(a: Definition, ctx: Context) -> Measure:
    row = await a.entries(counting(ctx.user_id)).annotate(total=Sum("grams")).first() \
        .values("total")
    return _reached(Decimal(int((row or {}).get("total") or 0)) / 1000, a.threshold)


async def _plastic_free_day(a: Definition, ctx: Context) -> Measure:
    """A finished local day with entries and at most `threshold` entries of the listed
    categories disposed of by the listed methods; today is not over, so it never counts."""
    past = counting(ctx.user_id).filter(local_date__lt=ctx.today)
    days = set(await past.distinct().values_list("local_date", flat=True))
    disposed = Counter(await a.entries(past).values_list("local_date", flat=True))
    return Measure(None, any(disposed[day] <= a.threshold for day in days))


async def _credits_earned(a: Definition, ctx: Context) -> Measure:
    return _reached(ctx.earned, a.threshold)


MEASURERS: Mapping[str, Measurer] = {
    "entries": _entries, "streak_days": _streak_days, "items_in_a_day": _items_in_a_day,
    "kg_with_method": _kg_with_method, "plastic_free_day": _plastic_free_day,
    "credits_earned": _credits_earned,
}


def load_achievements(path: Path = DATA_DIR / "achievements.json") -> tuple[Definition, ...]:
    return load_definitions(path, "achievements", frozenset(MEASURERS))


async def measure(achievement: Definition, ctx: Context) -> Measure:
    return await MEASURERS[achievement.kind](achievement, ctx)


async def awarded(user_id: int) -> dict[str, datetime]:
    """The codes of this person's achievements, with when each was awarded."""
    rows = await AchievementAward.filter(user_id=user_id).values_list("code", "awarded_at")
    return {str(code): when for code, when in rows}


async def award_due(user: User, achievements: tuple[Definition, ...], ctx: Context,
                    now: datetime) -> list[Definition]:
    """Award every achievement now met and not yet held, each with its ledger reward.

    Rewards count as earned credits, so measuring again after an award may unlock a
    credits achievement; each is awarded once, so this ends.
    """
    held = set(await awarded(user.id))
    new: list[Definition] = []
    while True:
        due = [a for a in achievements
               if a.code not in held and (await measure(a, ctx)).met]
        if not due:
            return new
        for achievement in due:
            held.add(achievement.code)
            if await _award_once(user, achievement, now):
                new.append(achievement)
                ctx = replace(ctx, earned=ctx.earned + achievement.credits)


async def _award_once(user: User, achievement: Definition, now: datetime) -> bool:
    try:
        async with in_transaction():  # a savepoint, so a clash does not abort the caller
            await AchievementAward.create(user_id=user.id, code=achievement.code,
                                          awarded_at=now)
    except IntegrityError:
        return False  # a concurrent turn awarded it, with its reward
    await ledger.append(user, achievement.credits, "achievement",
                        f"achievement:{achievement.code}",
                        f"achievement:{achievement.code}:{user.id}", now)
    return True
