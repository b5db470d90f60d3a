"""Appending to the credit ledger and reading balances from it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.ledger.models import LedgerEntry
from core.users.models import User


class LedgerDrift(AssertionError):
    """A stored balance_after disagrees with the sum of amounts before it."""


async def append(user: User, amount: int, reason: str, reference: str, key: str,
                 now: datetime) -> LedgerEntry:
    """Append one row, idempotent on key. Call inside a transaction."""
    # Serialise appends per user (PostgreSQL); (user, seq) catches any race left.
    await User.select_for_update(no_key=True).get(id=user.id)
    existing = await LedgerEntry.get_or_none(key=key)
    if existing is not None:
        return existing
    last = await LedgerEntry.filter(user_id=user.id).order_by("-seq").first()
    seq, balance = (last.seq, last.balance_after) if last else (0, 0)
    return await LedgerEntry.create(
        user_id=user.id, seq=seq + 1, amount=amount, balance_after=balance + amount,
        reason=reason, reference=reference, key=key, created_at=now,
    )


async def balance(user_id: int) -> int:
    last = await LedgerEntry.filter(user_id=user_id).order_by("-seq").first()
    return last.balance_after if last else 0


@dataclass(frozen=True, slots=True)
class Replay:
    rows: int
    balance: int
    earned: int


async def replay(user_id: int) -> Replay:
    """Recompute the balance from every amount, checking each stored balance_after."""
    running = earned = 0
    rows = await LedgerEntry.filter(user_id=user_id).order_by("seq")
    for expected_seq, row in enumerate(rows, start=1):
        running += row.amount
        earned += max(row.amount, 0)
        if row.seq != expected_seq or row.balance_after != running:
            raise LedgerDrift(f"user {user_id} seq {row.seq}: {row.balance_after} != {running}")
    return Replay(rows=len(rows), balance=running, earned=earned)
