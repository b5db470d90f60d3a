"""Consent and profile changes for a person."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from core.phone import region_of
from core.users.models import Identity, User
from core.users.regions import REGION_TIMEZONES, Province

# Bump when the consent wording changes; users who agreed to an older one are asked again.
CONSENT_VERSION = "2026-11"


async def give_consent(identity: Identity, locale: str, timezone: str, region: str,
                       now: datetime) -> User:
    """Create the person the moment they agree, and link this identity to them."""
    user = await User.create(locale=locale, timezone=timezone, region=region,
                             consent_version=CONSENT_VERSION, consented_at=now)
    identity.user = user
    await identity.save(update_fields=["user_id"])
    return user


async def set_locale(user: User, locale: str) -> None:
    user.locale = locale
    await user.save(update_fields=["locale"])


async def set_province(user: User, province: Province) -> None:
    user.region, user.province = province.region, province.code
    user.timezone = REGION_TIMEZONES[province.region]
    await user.save(update_fields=["region", "province", "timezone"])


async def set_district(user: User, district: str) -> None:
    user.district = district.strip()[:80]
    await user.save(update_fields=["district"])


async def set_location(user: User, latitude: Decimal, longitude: Decimal, region: str | None,
                       ) -> None:
    user.latitude, user.longitude = latitude, longitude
    fields = ["latitude", "longitude"]
    if region:  # a shared location is better evidence than a guess from the language
        user.region, user.timezone = region, REGION_TIMEZONES[region]
        fields += ["region", "timezone"]
    await user.save(update_fields=fields)


def guess_region(locale: str, channel: str, sender: str) -> str:
    """A first guess at TH or IN, from a phone number's country or the language."""
    if channel == "sms":
        region = region_of(sender)
        if region is not None and region in REGION_TIMEZONES:
            return region
    return {"th": "TH", "hi": "IN"}.get(locale, "")
