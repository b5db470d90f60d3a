"""How diary entries, weights, CO2e and the progress they bring read in a reply."""

from __future__ import annotations

from decimal import Decimal

from core.conversation.router import Turn
from core.diary.models import DiaryEntry
from core.factors.credits import entry_credits
from core.factors.labels import METHOD_LABELS, UNIT_LABELS
from core.factors.models import FactorSet
from core.gamification.levels import LEVEL_NAMES
from core.gamification.limits import CAPPED, FLAGGED
from core.gamification.progress import AfterEntry


def signed(amount: int) -> str:
    return f"+{amount}" if amount > 0 else str(amount)


def quantity_text(turn: Turn, quantity: Decimal, unit: str) -> str:
    return f"{turn.t.number(quantity.normalize())} {turn.t(UNIT_LABELS[unit])}"


def kg_text(turn: Turn, grams: int) -> str:
    return turn.t.number(Decimal(grams) / 1000, places=2)


async def describe_entry(turn: Turn, entry: DiaryEntry, balance: int,
                         progress: AfterEntry | None = None) -> str:
    """The entry, its CO2e and credits, any limit applied, then what it unlocked."""
    category = await entry.category
    t = turn.t
    lines = [t("Logged: {quantity} {category}, {method}.",
               quantity=quantity_text(turn, entry.quantity, entry.unit),
               category=category.names.get(turn.locale, category.names["en"]),
               method=t(METHOD_LABELS[entry.method]))]
    fset = await FactorSet.get(code=entry.factor_set, version=entry.factor_version)
    lines.append(co2e_line(turn, entry, is_baseline=entry.method == fset.baseline_method))
    lines += review_lines(turn, entry)
    if progress is None or not (progress.achievements or progress.goals):
        lines.append(t("{credits} credits. Balance: {balance}.", credits=signed(entry.credits),
                       balance=progress.balance if progress else balance))
    else:
        lines.append(t("{credits} credits.", credits=signed(entry.credits)))
    if progress is not None:
        lines += progress_lines(turn, progress)
    return "\n".join(lines)


def review_lines(turn: Turn, entry: DiaryEntry) -> list[str]:
    """Why an entry earned less than its rate gives (docs/credits.md, "Caps and review")."""
    if entry.review == CAPPED:
        return [turn.t("Today's diary credits are capped at {cap}, so this entry earned "
                       "{credits} of {full}.", cap=turn.runtime.settings.diary_daily_credit_cap,
                       credits=entry.credits,
                       full=entry_credits(entry.grams, entry.credits_per_kg))]
    if entry.review == FLAGGED:
        return [turn.t("That is more than one household usually has in a day, so a person "
                       "will check this entry. It earns no credits until then.")]
    return []


def progress_lines(turn: Turn, progress: AfterEntry) -> list[str]:
    """Achievements, goals and level-ups an entry brought, then the streak."""
    t = turn.t
    lines = [t("Achievement unlocked: {name}! {credits} credits.",
               name=a.name(turn.locale), credits=signed(a.credits))
             for a in progress.achievements]
    lines += [t("Daily goal met: {name}! {credits} credits.", name=g.name(turn.locale),
                credits=signed(g.credits)) for g in progress.goals]
    if progress.achievements or progress.goals:
        lines.append(t("Balance: {balance}.", balance=progress.balance))
    if progress.levels:
        level = progress.levels[-1]
        lines.append(t("Level up! You are now level {level}: {name}.", level=level,
                       name=t(LEVEL_NAMES[level - 1])))
    if progress.streak.current:
        lines.append(t("Day streak: {days}.", days=progress.streak.current))
    return lines


def co2e_line(turn: Turn, entry: DiaryEntry, is_baseline: bool) -> str:
    t = turn.t
    avoided = entry.co2e_avoided_g
    if avoided is None or entry.co2e_emitted_g is None:
        return t("No CO2e figure: there is no published factor for this method.")
    if is_baseline:
        return t("That released about {kg} kg CO2e.", kg=kg_text(turn, entry.co2e_emitted_g))
    if avoided >= 0:
        return t("You avoided {kg} kg CO2e compared with throwing it away.",
                 kg=kg_text(turn, avoided))
    return t("That emitted {kg} kg CO2e more than throwing it away.",
             kg=kg_text(turn, -avoided))
