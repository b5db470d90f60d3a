"""Recording diary entries: weight, CO2e and credits, each through the ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from zoneinfo import ZoneInfo

from tortoise.functions import Count, Function, Sum
from tortoise.queryset import QuerySet

from core.diary.models import DiaryEntry
from core.factors.credits import entry_credits
from core.factors.models import EmissionFactor, FactorSet, WasteCategory
from core.gamification.limits import FLAGGED, DailyLimits, assess, flag_for_review
from core.ledger import service as ledger
from core.ledger.models import LedgerEntry
from core.users.models import User

# Issue 2: weights outside 0.01-100 kg per entry are refused.
MIN_GRAMS = 10
MAX_GRAMS = 100_000
GRAMS_PER_UNIT = {"g": Decimal(1), "kg": Decimal(1000)}


class InvalidWeight(ValueError):
    """The weight is outside the accepted range."""


class PieceWeightUnknown(ValueError):
    """Pieces were given for a category with no known weight per piece."""


def to_grams(quantity: Decimal, unit: str, piece_grams: int | None) -> int:
    if unit == "pcs":
        if piece_grams is None:
            raise PieceWeightUnknown(unit)
        exact = quantity * piece_grams
    else:
        exact = quantity * GRAMS_PER_UNIT[unit]
    grams = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
    if not MIN_GRAMS <= grams <= MAX_GRAMS:
        raise InvalidWeight(grams)
    return grams


def local_date(now: datetime, timezone: str) -> date:
    return now.astimezone(ZoneInfo(timezone)).date()


def _co2e_grams(grams: int, factor: Decimal | None) -> int | None:
    if factor is None:
        return None
    return int((grams * factor).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


@dataclass(frozen=True, slots=True)
class Recorded:
    entry: DiaryEntry
    balance: int


async def record_entry(user: User, factor: EmissionFactor, quantity: Decimal, unit: str,
                       key: str, now: datetime, limits: DailyLimits | None = None) -> Recorded:
    """Store one entry with a snapshot of its factor, and credit it within the daily limits
    (docs/credits.md, "Caps and review"). Call in a transaction."""
    # Serialise a person's entries (PostgreSQL), so the day's totals the limits read hold.
    await User.select_for_update(no_key=True).get(id=user.id)
    existing = await DiaryEntry.get_or_none(key=key)
    if existing is not None:
        return Recorded(existing, await ledger.balance(user.id))
    limits = limits or DailyLimits.defaults()
    category: WasteCategory = await factor.category
    fset: FactorSet = await category.factor_set
    base = await EmissionFactor.get_or_none(category=category, method=fset.baseline_method)
    ef_base = base.kg_co2e_per_kg if base else None
    grams = to_grams(quantity, unit, category.piece_grams)
    avoided = None
    if factor.kg_co2e_per_kg is not None and ef_base is not None:
        avoided = _co2e_grams(grams, ef_base - factor.kg_co2e_per_kg)
    day = local_date(now, user.timezone)
    verdict = await assess(user.id, category.id, day, grams,
                           entry_credits(grams, factor.credits_per_kg), limits)
    entry = await DiaryEntry.create(
        key=key, user=user, category=category, factor=factor, method=factor.method,
        quantity=quantity, unit=unit, grams=grams, ef_method=factor.kg_co2e_per_kg,
        ef_baseline=ef_base, credits_per_kg=factor.credits_per_kg, factor_set=fset.code,
        factor_version=fset.version, factor_source=factor.factor_source,
        co2e_emitted_g=_co2e_grams(grams, factor.kg_co2e_per_kg), co2e_avoided_g=avoided,
        credits=verdict.credits, review=verdict.review, local_date=day, created_at=now,
    )
    if verdict.review == FLAGGED:
        await flag_for_review(entry, verdict, limits, now)
    row = await ledger.append(user, entry.credits, "diary", f"diary:{entry.id}",
                              f"diary:{key}", now)
    return Recorded(entry, row.balance_after)


async def undo_last(user: User, key: str, now: datetime) -> Recorded | None:
    """Void the latest entry and append the compensating ledger row; idempotent on key."""
    done = await LedgerEntry.get_or_none(key=f"undo:{key}")
    if done is not None:
        voided = await DiaryEntry.get(id=int(done.reference.removeprefix("diary:")))
        return Recorded(voided, await ledger.balance(user.id))
    entry = await DiaryEntry.filter(user=user, undone_at=None).order_by("-id").first()
    if entry is None:
        return None
    entry.undone_at = now
    await entry.save(update_fields=["undone_at"])
    row = await ledger.append(user, -entry.credits, "diary_undo", f"diary:{entry.id}",
                              f"undo:{key}", now)
    return Recorded(entry, row.balance_after)


@dataclass(frozen=True, slots=True)
class Summary:
    balance: int
    co2e_avoided_g: int
    grams_today: int
    grams_week: int
    entries_today: int


async def summarize(user: User, now: datetime) -> Summary:
    today = local_date(now, user.timezone)
    week_start = today - timedelta(days=today.weekday())
    live = DiaryEntry.filter(user=user, undone_at=None)
    total = await _totals(live, co2e=Sum("co2e_avoided_g"))
    day = await _totals(live.filter(local_date=today), grams=Sum("grams"), entries=Count("id"))
    week = await _totals(live.filter(local_date__gte=week_start), grams=Sum("grams"))
    return Summary(balance=await ledger.balance(user.id), co2e_avoided_g=total["co2e"],
                   grams_today=day["grams"], grams_week=week["grams"],
                   entries_today=day["entries"])


async def _totals(query: QuerySet[DiaryEntry], **aggregates: Function) -> dict[str, int]:
    """Aggregates over a query as integers; an empty query sums to 0."""
    row = await query.annotate(**aggregates).first().values(*aggregates)
    return {name: int((row or {}).get(name) or 0) for name in aggregates}
