"""The credit rule: how many green credits one kg earns for a method (docs/credits.md)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# 10 credits per kg CO2e avoided puts derived rates on the Thai diary design's
# scale, whose published rates run from -67 to +67 credits per kg.
CREDITS_PER_KG_CO2E = Decimal(10)
DESIGN_RANGE = Decimal(67)
DERIVED_SOURCE = "WasteNexus rule: 10 credits per kg CO2e avoided, within +-67 (docs/credits.md)"


def derived_rate(ef_method: Decimal, ef_baseline: Decimal) -> Decimal:
    """Credits per kg where the data gives none: from the CO2e avoided."""
    raw = (ef_baseline - ef_method) * CREDITS_PER_KG_CO2E
    rounded = raw.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return max(-DESIGN_RANGE, min(DESIGN_RANGE, rounded))


def entry_credits(grams: int, rate_per_kg: Decimal) -> int:
    """Credits for one entry, rounded half up to a whole credit."""
    exact = Decimal(grams) * rate_per_kg / 1000
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
