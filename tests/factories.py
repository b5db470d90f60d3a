"""Factories for domain objects that tests need as a starting point."""

from __future__ import annotations

from datetime import UTC, datetime

from core.users.models import Identity, User
from core.users.service import CONSENT_VERSION

CONSENTED_AT = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)


async def citizen(channel: str, external_id: str, locale: str = "en",
                  region: str = "TH") -> tuple[User, Identity]:
    """A person who has consented, with one identity on the given channel."""
    timezone = "Asia/Kolkata" if region == "IN" else "Asia/Bangkok"
    user = await User.create(locale=locale, timezone=timezone, region=region,
                             consent_version=CONSENT_VERSION, consented_at=CONSENTED_AT)
    identity = await Identity.create(channel=channel, external_id=external_id, user=user)
    return user, identity
