"""The credit ledger (core/ledger/service.py) on real PostgreSQL: idempotency, chaining,
replay and drift detection, and concurrent appends serialised by the user row lock."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from tortoise.transactions import in_transaction

from core.diary import service as diary
from core.factors.models import EmissionFactor
from core.ledger import service as ledger
from core.ledger.models import LedgerEntry
from core.users.models import User
from core.users.service import CONSENT_VERSION

NOW = datetime(2026, 3, 11, 5, 0, tzinfo=UTC)


@pytest.fixture
async def user(db: str) -> User:
    return await User.create(locale="en", timezone="Asia/Bangkok", region="TH",
                             consent_version=CONSENT_VERSION, consented_at=NOW)


async def append(user: User, amount: int, key: str) -> LedgerEntry:
    return await ledger.append(user, amount, "test", f"ref:{key}", key, NOW)


async def rows_of(user: User) -> list[LedgerEntry]:
    return await LedgerEntry.filter(user_id=user.id).order_by("seq")


async def test_append_is_idempotent_on_key(user: User) -> None:
    first = await append(user, 10, "same-key")
    again = await append(user, 10, "same-key")
    assert again.id == first.id
    assert len(await rows_of(user)) == 1
    assert await ledger.balance(user.id) == 10


async def test_a_repeated_key_with_another_amount_changes_nothing(user: User) -> None:
    await append(user, 10, "same-key")
    await append(user, 99, "same-key")
    assert [r.amount for r in await rows_of(user)] == [10]
    assert await ledger.balance(user.id) == 10


async def test_balance_after_chains_from_row_to_row(user: User) -> None:
    for i, amount in enumerate((10, -3, 25)):
        await append(user, amount, f"k{i}")
    rows = await rows_of(user)
    assert [r.seq for r in rows] == [1, 2, 3]
    # 10; 10 - 3 = 7; 7 + 25 = 32
    assert [r.balance_after for r in rows] == [10, 7, 32]
    assert await ledger.balance(user.id) == 32


async def test_balance_of_a_user_without_rows_is_zero(user: User) -> None:
    assert await ledger.balance(user.id) == 0
    assert await ledger.replay(user.id) == ledger.Replay(rows=0, balance=0, earned=0)


async def test_ledgers_of_two_users_chain_separately(user: User) -> None:
    other = await User.create(locale="th", timezone="Asia/Bangkok", region="TH",
                              consent_version=CONSENT_VERSION, consented_at=NOW)
    await append(user, 10, "a1")
    await append(other, 4, "b1")
    await append(user, 5, "a2")
    assert await ledger.balance(user.id) == 15  # 10 + 5
    assert await ledger.balance(other.id) == 4
    assert [r.seq for r in await rows_of(other)] == [1]


async def test_replay_recomputes_balance_and_earned(user: User) -> None:
    for i, amount in enumerate((10, -3, 25)):
        await append(user, amount, f"k{i}")
    # balance 10 - 3 + 25 = 32; earned counts only the positive amounts: 10 + 25 = 35
    assert await ledger.replay(user.id) == ledger.Replay(rows=3, balance=32, earned=35)


async def tamper(sql: str, *args: object) -> None:
    """Change ledger rows as someone with superuser rights could: triggers switched off."""
    async with in_transaction() as conn:
        await conn.execute_query("SET LOCAL session_replication_role = replica")
        await conn.execute_query(sql, list(args))


@pytest.mark.parametrize("change", ["update", "delete"])
async def test_the_database_refuses_to_change_ledger_rows(user: User, change: str) -> None:
    await append(user, 10, "k")
    rows = LedgerEntry.filter(user_id=user.id)
    with pytest.raises(Exception, match="ledger_entries is append-only"):
        await (rows.update(amount=1000) if change == "update" else rows.delete())
    assert [r.amount for r in await rows_of(user)] == [10]


async def test_replay_raises_drift_when_a_balance_after_is_tampered(user: User) -> None:
    for i, amount in enumerate((10, -3, 25)):
        await append(user, amount, f"k{i}")
    await tamper("UPDATE ledger_entries SET balance_after = balance_after + 1 "
                 "WHERE user_id = $1 AND seq = 2", user.id)
    with pytest.raises(ledger.LedgerDrift, match="seq 2"):
        await ledger.replay(user.id)


async def test_replay_raises_drift_on_a_gap_in_seq(user: User) -> None:
    # A zero amount keeps every balance_after consistent, so only the gap is wrong.
    for i, amount in enumerate((10, 0, 5)):
        await append(user, amount, f"k{i}")
    await tamper("DELETE FROM ledger_entries WHERE user_id = $1 AND seq = 2", user.id)
    with pytest.raises(ledger.LedgerDrift, match="seq 3"):
        await ledger.replay(user.id)


async def test_twenty_concurrent_appends_for_one_user_all_land_gapless(user: User) -> None:
    async def append_in_own_transaction(amount: int) -> None:
        async with in_transaction():
            await append(user, amount, f"concurrent:{amount}")

    await asyncio.gather(*(append_in_own_transaction(n) for n in range(1, 21)))
    rows = await rows_of(user)
    assert [r.seq for r in rows] == list(range(1, 21))
    # 1 + 2 + ... + 20 = 20 * 21 / 2 = 210
    assert await ledger.replay(user.id) == ledger.Replay(rows=20, balance=210, earned=210)
    assert rows[-1].balance_after == 210


async def test_two_concurrent_diary_entries_end_with_the_right_balance(user: User) -> None:
    bottles = await EmissionFactor.get(category__factor_set__code="th-diary",
                                       category__code="plastic_bottles", method="recycled")
    food = await EmissionFactor.get(category__factor_set__code="th-diary",
                                    category__code="food_waste", method="composted")

    async def record(factor: EmissionFactor, quantity: str, unit: str, key: str) -> None:
        async with in_transaction():
            await diary.record_entry(user, factor, Decimal(quantity), unit, key, NOW)

    await asyncio.gather(record(bottles, "2", "kg", "e1"), record(food, "500", "g", "e2"))
    # th_diary_2024.csv: plastic_bottles/recycled 15 credits/kg x 2 kg = 30;
    # food_waste/composted 22 credits/kg x 0.5 kg = 11; 30 + 11 = 41
    assert await ledger.replay(user.id) == ledger.Replay(rows=2, balance=41, earned=41)
    assert await ledger.balance(user.id) == 41
