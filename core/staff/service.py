"""Creating staff, issuing API tokens and recognising them."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from core.staff.models import ApiToken, Role, Staff

TOKEN_PREFIX = "wn_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_staff(name: str, role: Role, *, email: str | None = None,
                       phone: str | None = None, ward: str = "") -> Staff:
    return await Staff.create(name=name, role=role, email=email, phone=phone, ward=ward)


async def issue_token(staff: Staff, label: str = "") -> str:
    """A new bearer token; the plain text is shown once and never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    await ApiToken.create(staff=staff, token_hash=_digest(token), label=label)
    return token


async def staff_for_token(token: str, now: datetime) -> Staff | None:
    found = await ApiToken.get_or_none(token_hash=_digest(token), revoked_at=None)
    if found is None:
        return None
    staff = await Staff.get(id=found.staff_id)  # type: ignore[attr-defined]
    if not staff.active:
        return None
    found.last_used_at = now
    await found.save(update_fields=["last_used_at"])
    return staff
