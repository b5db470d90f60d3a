"""Seeding and reading factor sets."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from tortoise.transactions import in_transaction

from core.factors.credits import DERIVED_SOURCE, derived_rate
from core.factors.models import EmissionFactor, FactorSet, WasteCategory

DATA_DIR = Path(__file__).parent / "data"


class UnknownRegion(LookupError):
    """No active factor set serves this region."""


def _decimal(raw: str) -> Decimal | None:
    return Decimal(raw) if raw.strip() else None


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _piece_weights(data_dir: Path) -> dict[tuple[str, str], dict[str, str]]:
    return {(r["set"], r["category"]): r for r in _rows(data_dir / "piece_weights.csv")}


async def seed_factor_sets(data_dir: Path = DATA_DIR) -> list[str]:
    """Create any set version not yet stored; return the codes created."""
    manifest = json.loads((data_dir / "sets.json").read_text(encoding="utf-8"))
    aliases = json.loads((data_dir / "aliases.json").read_text(encoding="utf-8"))["categories"]
    created = []
    for meta in manifest:
        if await FactorSet.exists(code=meta["code"], version=meta["version"]):
            continue
        async with in_transaction():
            await _seed_set(meta, data_dir, aliases.get(meta["code"], {}))
        created.append(f"{meta['code']}@{meta['version']}")
    return created


async def _seed_set(meta: dict[str, Any], data_dir: Path, aliases: dict[str, Any]) -> None:
    await FactorSet.filter(region=meta["region"]).update(active=False)
    fset = await FactorSet.create(
        code=meta["code"], version=meta["version"], region=meta["region"], name=meta["name"],
        baseline_method=meta["baseline_method"], source=meta["source"], caveat=meta["caveat"],
    )
    rows = list(_rows(data_dir / meta["file"]))
    baselines = {r["category_id"]: _decimal(r["kg_co2e_per_kg"])
                 for r in rows if r["method"] == meta["baseline_method"]}
    pieces = _piece_weights(data_dir)
    categories: dict[str, WasteCategory] = {}
    for position, row in enumerate(rows):
        code = row["category_id"]
        if code not in categories:
            piece = pieces.get((meta["code"], code), {})
            categories[code] = await WasteCategory.create(
                factor_set=fset, code=code, position=len(categories),
                names={loc: row[f"name_{loc}"] for loc in ("en", "th", "hi")},
                aliases=aliases.get(code, {}),
                piece_grams=int(piece["grams"]) if piece else None,
                piece_source=piece.get("source", ""),
            )
        await _seed_factor(categories[code], position, row, meta, baselines.get(code))


async def _seed_factor(category: WasteCategory, position: int, row: dict[str, str],
                       meta: dict[str, Any], baseline: Decimal | None) -> None:
    ef = _decimal(row["kg_co2e_per_kg"])
    credits = _decimal(row.get("credits", ""))
    credits_source = row.get("credits_source") or meta["source"]
    if credits is None:
        if ef is None or baseline is None:
            raise ValueError(f"{meta['code']}/{row['category_id']}/{row['method']}: no credits")
        credits, credits_source = derived_rate(ef, baseline), DERIVED_SOURCE
    await EmissionFactor.create(
        category=category, method=row["method"], position=position, kg_co2e_per_kg=ef,
        credits_per_kg=credits, factor_source=(row.get("factor_source") or meta["source"])
        if ef is not None else "", credits_source=credits_source,
    )


async def active_set(region: str) -> FactorSet:
    fset = await FactorSet.filter(region=region, active=True).order_by("-id").first()
    if fset is None:
        raise UnknownRegion(region)
    return fset


async def list_categories(fset: FactorSet) -> list[WasteCategory]:
    return await WasteCategory.filter(factor_set=fset).order_by("position")


async def list_factors(category: WasteCategory) -> list[EmissionFactor]:
    return await EmissionFactor.filter(category=category).order_by("position")


async def baseline_factor(category: WasteCategory, fset: FactorSet) -> EmissionFactor | None:
    return await EmissionFactor.get_or_none(category=category, method=fset.baseline_method)
