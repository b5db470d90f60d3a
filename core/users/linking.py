"""Linking identities: one person on LINE, Telegram and SMS, with one diary and balance."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from core.diary.models import DiaryEntry
from core.ledger.models import LedgerEntry
from core.users.models import Identity, LinkCode, User

# Long enough to switch apps and type it; short enough that guessing 1 in 10^6 is hopeless
# within the attempt limit the handler applies.
CODE_VALID_FOR = timedelta(minutes=10)
CODE_DIGITS = 6


class LinkRefused(Exception):
    """The code is unknown, expired or used, or this identity cannot be moved."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


async def issue_code(user: User, now: datetime) -> str:
    await LinkCode.filter(user=user, used_at=None).update(used_at=now)
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    await LinkCode.create(code=code, user=user, expires_at=now + CODE_VALID_FOR)
    return code


async def redeem(identity: Identity, code: str, now: datetime) -> User:
    """Attach this identity to the code's user. Raises LinkRefused."""
    found = await LinkCode.filter(code=code, used_at=None, expires_at__gt=now).first()
    if found is None:
        raise LinkRefused("invalid")
    target = await User.get(id=found.user_id)  # type: ignore[attr-defined]
    current = identity.user_id  # type: ignore[attr-defined]
    if current == target.id:
        raise LinkRefused("already")
    if current is not None and await _has_data(current):
        raise LinkRefused("has_data")
    found.used_at = now
    await found.save(update_fields=["used_at"])
    identity.user = target
    await identity.save(update_fields=["user_id"])
    if current is not None:
        await User.filter(id=current).delete()  # consented moments ago, nothing recorded
    return target


async def _has_data(user_id: int) -> bool:
    return (await DiaryEntry.exists(user_id=user_id)
            or await LedgerEntry.exists(user_id=user_id))
