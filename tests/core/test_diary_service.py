"""Diary entries (core/diary/service.py): weights, the factor snapshot, CO2e and credits
arithmetic, undo, and the per-timezone summary. Figures come from core/factors/data/*.csv;
avoided = kg x (EF(baseline) - EF(method)), so grams x EF gives grams of CO2e."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from core.diary import service as diary
from core.diary.models import DiaryEntry
from core.factors.credits import entry_credits
from core.factors.models import EmissionFactor
from core.ledger import service as ledger
from core.ledger.models import LedgerEntry
from core.users.models import User
from core.users.service import CONSENT_VERSION

D = Decimal
NOW = datetime(2026, 3, 11, 5, 0, tzinfo=UTC)  # Wednesday, 12:00 in Bangkok
SETS = json.loads((Path(__file__).resolve().parents[2] / "core" / "factors" / "data"
                   / "sets.json").read_text(encoding="utf-8"))
SOURCE = {meta["code"]: meta["source"] for meta in SETS}


async def make_user(region: str = "TH", timezone: str = "Asia/Bangkok") -> User:
    return await User.create(locale="en", timezone=timezone, region=region,
                             consent_version=CONSENT_VERSION, consented_at=NOW)


async def factor_of(set_code: str, category: str, method: str) -> EmissionFactor:
    return await EmissionFactor.get(category__factor_set__code=set_code,
                                    category__code=category, method=method)


async def record(user: User, set_code: str, category: str, method: str, quantity: str,
                 unit: str, key: str, now: datetime = NOW) -> diary.Recorded:
    factor = await factor_of(set_code, category, method)
    return await diary.record_entry(user, factor, D(quantity), unit, key, now)


@pytest.fixture
async def th_user(db: str) -> User:
    return await make_user()


@pytest.fixture
async def in_user(db: str) -> User:
    return await make_user("IN", "Asia/Kolkata")


# ----------------------------------------------------------------------------- to_grams


@pytest.mark.parametrize(("quantity", "unit", "piece_grams", "grams"), [
    (D("2"), "kg", None, 2000),
    (D("1.5"), "kg", None, 1500),
    (D("500"), "g", None, 500),
    (D("3"), "pcs", 13, 39),  # 3 x 13 g (piece_weights.csv, plastic_bottles)
    (D("10"), "g", None, 10),  # lower bound, inclusive
    (D("0.01"), "kg", None, 10),  # lower bound in kg
    (D("100"), "kg", None, 100_000),  # upper bound, inclusive
    (D("100000"), "g", None, 100_000),
])
def test_to_grams_converts_g_kg_and_pieces(quantity: Decimal, unit: str,
                                           piece_grams: int | None, grams: int) -> None:
    assert diary.to_grams(quantity, unit, piece_grams) == grams


@pytest.mark.parametrize(("quantity", "unit", "piece_grams"), [
    (D("9"), "g", None),
    (D("0.009"), "kg", None),
    (D("100.001"), "kg", None),
    (D("100001"), "g", None),
    (D("0"), "kg", None),
    (D("-1"), "kg", None),
    (D("7700"), "pcs", 13),  # 7700 x 13 g = 100.1 kg
])
def test_to_grams_refuses_weights_outside_10_g_to_100_kg(quantity: Decimal, unit: str,
                                                         piece_grams: int | None) -> None:
    with pytest.raises(diary.InvalidWeight):
        diary.to_grams(quantity, unit, piece_grams)


def test_to_grams_refuses_pieces_without_a_piece_weight() -> None:
    with pytest.raises(diary.PieceWeightUnknown):
        diary.to_grams(D("3"), "pcs", None)


# ----------------------------------------------------------------------------- snapshot


async def test_record_entry_stores_a_snapshot_of_its_factor(th_user: User) -> None:
    entry = (await record(th_user, "th-diary", "plastic_bottles", "recycled", "2", "kg",
                          "k1")).entry
    stored = await DiaryEntry.get(id=entry.id)
    # th_diary_2024.csv: plastic_bottles landfill 1.0388 (baseline), recycled 0.4044, 15 credits
    assert (stored.ef_method, stored.ef_baseline, stored.credits_per_kg) == (
        D("0.4044"), D("1.0388"), D("15"))
    assert (stored.factor_set, stored.factor_version) == ("th-diary", "2024.1")
    assert stored.factor_source == SOURCE["th-diary"]
    assert (stored.method, stored.unit, stored.quantity, stored.grams) == (
        "recycled", "kg", D("2"), 2000)


@pytest.fixture
async def bottles_recycled_restored(db: str) -> AsyncIterator[EmissionFactor]:
    """The seeded factor row, put back after the test changes it (factor tables are kept)."""
    factor = await factor_of("th-diary", "plastic_bottles", "recycled")
    saved = (factor.kg_co2e_per_kg, factor.credits_per_kg, factor.factor_source)
    yield factor
    factor.kg_co2e_per_kg, factor.credits_per_kg, factor.factor_source = saved
    await factor.save(update_fields=["kg_co2e_per_kg", "credits_per_kg", "factor_source"])


async def test_changing_a_factor_later_does_not_rewrite_stored_entries(
        th_user: User, bottles_recycled_restored: EmissionFactor) -> None:
    await record(th_user, "th-diary", "plastic_bottles", "recycled", "2", "kg", "k1")
    factor = bottles_recycled_restored
    factor.kg_co2e_per_kg, factor.credits_per_kg = D("9"), D("50")
    factor.factor_source = "changed"
    await factor.save(update_fields=["kg_co2e_per_kg", "credits_per_kg", "factor_source"])

    stored = await DiaryEntry.get()
    assert (stored.ef_method, stored.credits_per_kg, stored.factor_source) == (
        D("0.4044"), D("15"), SOURCE["th-diary"])
    # 2000 g x (1.0388 - 0.4044) = 1268.8 -> 1269; 2 kg x 15 = 30 credits
    assert (stored.co2e_avoided_g, stored.credits) == (1269, 30)
    summary = await diary.summarize(th_user, NOW)
    assert (summary.co2e_avoided_g, summary.balance) == (1269, 30)


# ----------------------------------------------------------------------------- CO2e


async def test_co2e_of_a_th_diary_entry(th_user: User) -> None:
    entry = (await record(th_user, "th-diary", "plastic_bottles", "recycled", "2", "kg",
                          "k1")).entry
    # emitted: 2000 g x 0.4044 = 808.8 -> 809
    assert entry.co2e_emitted_g == 809
    # avoided: 2000 g x (1.0388 - 0.4044) = 2000 x 0.6344 = 1268.8 -> 1269
    assert entry.co2e_avoided_g == 1269
    assert entry.credits == 30  # 2 kg x 15


async def test_co2e_of_an_in_swm_entry_with_a_net_saving_factor(in_user: User) -> None:
    entry = (await record(in_user, "in-swm", "paper_cardboard", "recycled", "1.5", "kg",
                          "k1")).entry
    # in_swm_2016.csv: paper_cardboard open_dump 1.493 (baseline), recycled -3.461, 20 credits
    # emitted: 1500 g x -3.461 = -5191.5 -> -5192 (half to even)
    assert entry.co2e_emitted_g == -5192
    # avoided: 1500 g x (1.493 - (-3.461)) = 1500 x 4.954 = 7431
    assert entry.co2e_avoided_g == 7431
    assert entry.credits == 30  # 1.5 kg x 20
    assert (entry.factor_set, entry.factor_version) == ("in-swm", "2016.1")


async def test_a_baseline_entry_emits_and_avoids_nothing(th_user: User) -> None:
    entry = (await record(th_user, "th-diary", "food_waste", "landfill", "1", "kg",
                          "k1")).entry
    # food_waste landfill 2.53: emitted 1000 g x 2.53 = 2530; avoided 1000 x (2.53 - 2.53) = 0
    assert (entry.co2e_emitted_g, entry.co2e_avoided_g) == (2530, 0)
    assert entry.credits == -25  # 1 kg x -25


@pytest.mark.parametrize(("set_code", "category", "method", "credits"), [
    ("th-diary", "food_waste", "reduced", 30),  # no kg_co2e_per_kg; 30 credits/kg
    ("th-diary", "metal_cans", "sold", 40),  # no kg_co2e_per_kg; 40 credits/kg
    ("in-swm", "e_waste", "recycled", 25),  # no factor, and no baseline factor either
    ("in-swm", "sanitary", "wrapped", 10),
])
async def test_behaviour_only_methods_store_no_co2e(db: str, set_code: str, category: str,
                                                    method: str, credits: int) -> None:
    user = await make_user("TH" if set_code == "th-diary" else "IN")
    entry = (await record(user, set_code, category, method, "1", "kg", "k1")).entry
    stored = await DiaryEntry.get(id=entry.id)
    assert (stored.co2e_emitted_g, stored.co2e_avoided_g, stored.ef_method) == (None, None, None)
    assert stored.credits == credits  # 1 kg x the per-kg credits


# ----------------------------------------------------------------------------- credits


async def test_credits_round_half_up(th_user: User) -> None:
    recorded = await record(th_user, "th-diary", "plastic_bottles", "recycled", "0.5", "kg",
                            "k1")
    assert recorded.entry.credits == 8  # 0.5 kg x 15 = 7.5 -> 8
    assert recorded.balance == 8


async def test_negative_credits_round_half_away_from_zero(th_user: User) -> None:
    recorded = await record(th_user, "th-diary", "food_waste", "landfill", "500", "g", "k1")
    assert recorded.entry.credits == -13  # 0.5 kg x -25 = -12.5 -> -13
    assert [r.amount for r in await LedgerEntry.all()] == [-13]


@pytest.mark.parametrize(("grams", "rate", "credits"), [
    (500, D(15), 8),  # 7.5 -> 8
    (500, D(-15), -8),  # -7.5 -> -8
    (400, D(15), 6),  # 6.0
    (39, D(15), 1),  # 0.585 -> 1
    (33, D(15), 0),  # 0.495 -> 0
])
def test_entry_credits_rounding(grams: int, rate: Decimal, credits: int) -> None:
    assert entry_credits(grams, rate) == credits


async def test_record_entry_is_idempotent_on_key(th_user: User) -> None:
    first = await record(th_user, "th-diary", "plastic_bottles", "recycled", "2", "kg", "k1")
    again = await record(th_user, "th-diary", "plastic_bottles", "recycled", "2", "kg", "k1")
    assert again.entry.id == first.entry.id
    assert (again.balance, await DiaryEntry.all().count(), await LedgerEntry.all().count()) \
        == (30, 1, 1)


async def test_record_entry_credits_the_ledger(th_user: User) -> None:
    await record(th_user, "th-diary", "plastic_bottles", "recycled", "2", "kg", "k1")
    recorded = await record(th_user, "th-diary", "glass_bottles", "returned", "1", "kg", "k2")
    assert recorded.balance == 65  # 2 kg x 15 + 1 kg x 35 = 30 + 35
    assert [(r.reason, r.amount) for r in await LedgerEntry.all().order_by("seq")] == [
        ("diary", 30), ("diary", 35)]


# ----------------------------------------------------------------------------- undo


async def test_undo_last_marks_the_entry_and_appends_the_negative_credits(
        th_user: User) -> None:
    await record(th_user, "th-diary", "plastic_bottles", "recycled", "2", "kg", "k1")
    later = NOW + timedelta(minutes=5)
    undone = await diary.undo_last(th_user, "u1", later)
    assert undone is not None
    assert (await DiaryEntry.get()).undone_at == later
    assert [(r.reason, r.amount) for r in await LedgerEntry.all().order_by("seq")] == [
        ("diary", 30), ("diary_undo", -30)]
    assert undone.balance == 0
    assert (await ledger.replay(th_user.id)).balance == 0


async def test_undo_last_takes_the_latest_entry_still_live(th_user: User) -> None:
    await record(th_user, "th-diary", "plastic_bottles", "recycled", "2", "kg", "k1")
    await record(th_user, "th-diary", "food_waste", "composted", "500", "g", "k2")
    first = await diary.undo_last(th_user, "u1", NOW)
    second = await diary.undo_last(th_user, "u2", NOW)
    assert first is not None and second is not None
    assert (first.entry.method, second.entry.method) == ("composted", "recycled")
    # 30 + 11 - 11 = 30; 30 - 30 = 0
    assert (first.balance, second.balance) == (30, 0)


async def test_undo_last_with_nothing_to_undo_returns_none(th_user: User) -> None:
    assert await diary.undo_last(th_user, "u1", NOW) is None
    assert await LedgerEntry.all().count() == 0


async def test_undo_last_is_idempotent_on_its_key(th_user: User) -> None:
    await record(th_user, "th-diary", "plastic_bottles", "recycled", "2", "kg", "k1")
    await record(th_user, "th-diary", "food_waste", "composted", "500", "g", "k2")
    await diary.undo_last(th_user, "same-key", NOW)
    await diary.undo_last(th_user, "same-key", NOW)
    assert await DiaryEntry.filter(undone_at=None).count() == 1
    assert await ledger.balance(th_user.id) == 30  # 30 + 11 - 11


# ----------------------------------------------------------------------------- summarize


async def test_an_entry_at_2330_utc_is_dated_the_next_day_in_bangkok(th_user: User) -> None:
    late = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)  # 06:30 on 11 March in UTC+7
    entry = (await record(th_user, "th-diary", "food_waste", "composted", "1", "kg", "k1",
                          late)).entry
    assert entry.local_date == date(2026, 3, 11)


async def test_summarize_counts_today_in_the_users_timezone(th_user: User) -> None:
    evening = datetime(2026, 3, 10, 16, 0, tzinfo=UTC)  # 23:00 on 10 March in Bangkok
    late = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)  # 06:30 on 11 March in Bangkok
    await record(th_user, "th-diary", "food_waste", "composted", "1", "kg", "k1", evening)
    await record(th_user, "th-diary", "plastic_bottles", "recycled", "2", "kg", "k2", late)
    summary = await diary.summarize(th_user, datetime(2026, 3, 10, 23, 45, tzinfo=UTC))
    # Only the 23:30 UTC entry is on the local 11 March; both are on the UTC 10 March.
    assert (summary.grams_today, summary.entries_today) == (2000, 1)


async def test_summarize_totals_today_week_and_all_time(th_user: User) -> None:
    sunday = datetime(2026, 3, 8, 5, 0, tzinfo=UTC)  # before Monday 9 March, so last week
    monday = datetime(2026, 3, 9, 5, 0, tzinfo=UTC)
    await record(th_user, "th-diary", "plastic_bottles", "recycled", "2", "kg", "k1", sunday)
    await record(th_user, "th-diary", "glass_bottles", "recycled", "1", "kg", "k2", monday)
    await record(th_user, "th-diary", "food_waste", "composted", "500", "g", "k3", NOW)
    summary = await diary.summarize(th_user, NOW)
    # avoided: bottles 2000 x (1.0388 - 0.4044) = 1268.8 -> 1269; glass 1000 x (0.5 - 0.2)
    # = 300; food 500 x (2.53 - 0.3326) = 1098.7 -> 1099; 1269 + 300 + 1099 = 2668
    # credits: 2 x 15 + 1 x 25 + 0.5 x 22 = 30 + 25 + 11 = 66
    assert summary == diary.Summary(balance=66, co2e_avoided_g=2668, grams_today=500,
                                    grams_week=1500, entries_today=1)


async def test_summarize_leaves_out_undone_entries(th_user: User) -> None:
    await record(th_user, "th-diary", "plastic_bottles", "recycled", "2", "kg", "k1")
    await record(th_user, "th-diary", "food_waste", "composted", "500", "g", "k2")
    await diary.undo_last(th_user, "u1", NOW)
    summary = await diary.summarize(th_user, NOW)
    # Only the bottles are left: 2000 g, avoided 1269, 30 credits (11 - 11 for the food)
    assert summary == diary.Summary(balance=30, co2e_avoided_g=1269, grams_today=2000,
                                    grams_week=2000, entries_today=1)


async def test_summarize_of_a_user_without_entries_is_all_zero(th_user: User) -> None:
    assert await diary.summarize(th_user, NOW) == diary.Summary(0, 0, 0, 0, 0)
