"""Factor sets seeded from core/factors/data: contents, sources, the derived credit rule,
and that every method and category can be shown in every language."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest

from core.factors import service as factors
from core.factors.credits import DERIVED_SOURCE, derived_rate
from core.factors.labels import METHOD_LABELS
from core.factors.models import EmissionFactor, FactorSet, WasteCategory

D = Decimal
DATA = Path(__file__).resolve().parents[2] / "core" / "factors" / "data"
MANIFEST = {meta["code"]: meta for meta in json.loads((DATA / "sets.json").read_text("utf-8"))}


def csv_rows(set_code: str) -> list[dict[str, str]]:
    with (DATA / MANIFEST[set_code]["file"]).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


async def factor_of(set_code: str, category: str, method: str) -> EmissionFactor:
    return await EmissionFactor.get(category__factor_set__code=set_code,
                                    category__code=category, method=method)


@pytest.mark.parametrize(("code", "version", "region", "categories"), [
    ("th-diary", "2024.1", "TH", 8),
    ("in-swm", "2016.1", "IN", 9),
])
async def test_seeding_creates_each_set_with_its_categories(db: str, code: str, version: str,
                                                            region: str,
                                                            categories: int) -> None:
    fset = await FactorSet.get(code=code, version=version)
    assert (fset.region, fset.active) == (region, True)
    assert await WasteCategory.filter(factor_set=fset).count() == categories
    assert await factors.active_set(region) == fset


@pytest.mark.parametrize("code", ["th-diary", "in-swm"])
async def test_each_set_keeps_its_source_and_caveat(db: str, code: str) -> None:
    fset = await FactorSet.get(code=code)
    assert fset.source == MANIFEST[code]["source"] and fset.source
    assert fset.caveat == MANIFEST[code]["caveat"] and fset.caveat
    assert fset.baseline_method == MANIFEST[code]["baseline_method"]


@pytest.mark.parametrize("code", ["th-diary", "in-swm"])
async def test_every_csv_row_is_seeded_as_one_factor(db: str, code: str) -> None:
    seeded = await EmissionFactor.filter(category__factor_set__code=code).count()
    assert seeded == len(csv_rows(code))


async def test_reseeding_creates_nothing(db: str) -> None:
    before = (await FactorSet.all().count(), await WasteCategory.all().count(),
              await EmissionFactor.all().count())
    assert await factors.seed_factor_sets() == []
    after = (await FactorSet.all().count(), await WasteCategory.all().count(),
             await EmissionFactor.all().count())
    assert after == before


async def test_an_unserved_region_raises_unknown_region(db: str) -> None:
    with pytest.raises(factors.UnknownRegion):
        await factors.active_set("US")


async def test_every_factor_with_a_co2e_value_names_its_source(db: str) -> None:
    missing = [f"{f.category.code}/{f.method}"  # type: ignore[attr-defined]
               async for f in EmissionFactor.filter(kg_co2e_per_kg__isnull=False)
               .prefetch_related("category") if not f.factor_source.strip()]
    assert missing == []


async def test_a_factor_without_co2e_claims_no_factor_source(db: str) -> None:
    sources = await EmissionFactor.filter(kg_co2e_per_kg__isnull=True).values_list(
        "factor_source", flat=True)
    assert sources and set(sources) == {""}


async def test_every_factor_names_the_source_of_its_credits(db: str) -> None:
    sources = await EmissionFactor.all().values_list("credits_source", flat=True)
    assert sources and all(s.strip() for s in sources)


@pytest.mark.parametrize(("set_code", "category", "method", "credits"), [
    ("th-diary", "food_waste", "biogas", 30),  # (2.53 - (-0.5)) x 10 = 30.3 -> 30
    ("th-diary", "paper_cardboard", "composted", 17),  # (2.93 - 1.2) x 10 = 17.3 -> 17
    ("th-diary", "electronic_waste", "refurbished", 47),  # (5.2 - 0.5) x 10 = 47
    ("th-diary", "electronic_waste", "proper_disposal", 31),  # (5.2 - 2.1) x 10 = 31
    ("in-swm", "wet_waste", "biogas", 5),  # (0.56 - 0.022) x 10 = 5.38 -> 5
])
async def test_blank_credits_are_derived_from_co2e_avoided(db: str, set_code: str,
                                                           category: str, method: str,
                                                           credits: int) -> None:
    factor = await factor_of(set_code, category, method)
    assert factor.credits_per_kg == credits
    assert factor.credits_source == DERIVED_SOURCE


@pytest.mark.parametrize("code", ["th-diary", "in-swm"])
async def test_exactly_the_rows_without_credits_are_derived(db: str, code: str) -> None:
    blank = {(r["category_id"], r["method"]) for r in csv_rows(code) if not r["credits"].strip()}
    derived = {(f.category.code, f.method)  # type: ignore[attr-defined]
               async for f in EmissionFactor.filter(category__factor_set__code=code,
                                                    credits_source=DERIVED_SOURCE)
               .prefetch_related("category")}
    assert derived == blank


@pytest.mark.parametrize("code", ["th-diary", "in-swm"])
async def test_given_credits_are_seeded_as_written(db: str, code: str) -> None:
    for row in csv_rows(code):
        if row["credits"].strip():
            factor = await factor_of(code, row["category_id"], row["method"])
            assert factor.credits_per_kg == D(row["credits"]), row


@pytest.mark.parametrize(("ef_method", "ef_baseline", "rate"), [
    (D("-0.5"), D("2.53"), D(30)),  # 30.3 -> 30
    (D("1.2"), D("2.93"), D(17)),  # 17.3 -> 17
    (D("0.022"), D("0.56"), D(5)),  # 5.38 -> 5
    (D("0.25"), D("1"), D(8)),  # 7.5 -> 8, half up
    (D("1.75"), D("1"), D(-8)),  # -7.5 -> -8, half away from zero
    (D("-10"), D("0"), D(67)),  # 100, capped at the design's +67
    (D("10"), D("0"), D(-67)),  # -100, capped at -67
])
def test_derived_rate_rounds_half_up_within_67(ef_method: Decimal, ef_baseline: Decimal,
                                               rate: Decimal) -> None:
    assert derived_rate(ef_method, ef_baseline) == rate


@pytest.mark.parametrize("code", ["th-diary", "in-swm"])
def test_every_method_in_the_data_has_a_label(code: str) -> None:
    methods = {row["method"] for row in csv_rows(code)}
    assert methods - METHOD_LABELS.keys() == set()


async def test_every_seeded_method_has_a_label(db: str) -> None:
    methods = set(await EmissionFactor.all().values_list("method", flat=True))
    assert methods and methods - METHOD_LABELS.keys() == set()


async def test_every_category_has_an_english_thai_and_hindi_name(db: str) -> None:
    names = await WasteCategory.all().values_list("code", "names")
    assert len(names) == 17  # 8 th-diary + 9 in-swm
    incomplete = [code for code, by_locale in names
                  if not all(by_locale.get(loc, "").strip() for loc in ("en", "th", "hi"))]
    assert incomplete == []


@pytest.mark.parametrize(("code", "baseline"), [("th-diary", "landfill"),
                                                ("in-swm", "open_dump")])
async def test_every_category_has_its_sets_baseline_method(db: str, code: str,
                                                           baseline: str) -> None:
    fset = await FactorSet.get(code=code)
    for category in await factors.list_categories(fset):
        assert await factors.baseline_factor(category, fset) is not None, category.code


@pytest.mark.parametrize(("code", "category", "grams"), [
    ("th-diary", "plastic_bottles", 13),
    ("th-diary", "metal_cans", 15),
    ("in-swm", "aluminium_cans", 15),
    ("th-diary", "food_waste", None),
    ("in-swm", "plastic", None),
])
async def test_piece_weights_come_from_piece_weights_csv(db: str, code: str, category: str,
                                                         grams: int | None) -> None:
    stored = await WasteCategory.get(factor_set__code=code, code=category)
    assert stored.piece_grams == grams
    assert bool(stored.piece_source) == (grams is not None)
