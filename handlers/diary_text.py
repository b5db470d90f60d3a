"""How diary entries, weights and CO2e read in a reply."""

from __future__ import annotations

from decimal import Decimal

from core.conversation.router import Turn
from core.diary.models import DiaryEntry
from core.factors.labels import METHOD_LABELS, UNIT_LABELS
from core.factors.models import FactorSet


def signed(amount: int) -> str:
    return f"+{amount}" if amount > 0 else str(amount)


def quantity_text(turn: Turn, quantity: Decimal, unit: str) -> str:
    return f"{turn.t.number(quantity.normalize())} {turn.t(UNIT_LABELS[unit])}"


def kg_text(turn: Turn, grams: int) -> str:
    return turn.t.number(Decimal(grams) / 1000, places=2)


async def describe_entry(turn: Turn, entry: DiaryEntry, balance: int) -> str:
    category = await entry.category
    t = turn.t
    lines = [t("Logged: {quantity} {category}, {method}.",
               quantity=quantity_text(turn, entry.quantity, entry.unit),
               category=category.names.get(turn.locale, category.names["en"]),
               method=t(METHOD_LABELS[entry.method]))]
    fset = await FactorSet.get(code=entry.factor_set, version=entry.factor_version)
    lines.append(co2e_line(turn, entry, is_baseline=entry.method == fset.baseline_method))
    lines.append(t("{credits} credits. Balance: {balance}.", credits=signed(entry.credits),
                   balance=balance))
    return "\n".join(lines)


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
