"""Issuing certificates once per person and module, and finding them by their printed code."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.settings import Settings
from core.training.models import Certificate, Module
from core.users.models import User

# No 0/O, 1/I/L or U: nothing that reads or sounds like another character, and fewer
# accidental words (Crockford's base32 drops U for that reason).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10  # 30**10 is about 2**49 codes: far beyond guessing through /verify
CODE_GROUPS = (4, 4, 2)  # printed as K7Q2-M9XD-4P
FALLBACK_LOCALE = "en"
_NOT_CODE = re.compile(r"[^0-9A-Z]")


class MissingName(Exception):
    """The person has no display name to print; ask for it first."""


@dataclass(frozen=True, slots=True)
class CertificateUrls:
    pdf: str
    verify: str


def new_code() -> str:
    """A fresh random code in its printed, grouped form."""
    return group_code("".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)))


def group_code(raw: str) -> str:
    parts, start = [], 0
    for size in CODE_GROUPS:
        parts.append(raw[start:start + size])
        start += size
    return "-".join(parts)


def normalise_code(text: str) -> str | None:
    """The printed form of a code as typed ("k7q2 m9xd 4p", "K7Q2M9XD4P"), or None."""
    raw = _NOT_CODE.sub("", text.upper())
    if len(raw) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in raw):
        return None
    return group_code(raw)


def title_for(module: Module, locale: str) -> str:
    """The module's title in locale, else in English, else any title it has, else its code."""
    titles = module.titles or {}
    title = titles.get(locale) or titles.get(FALLBACK_LOCALE) or next(
        (t for t in titles.values() if t), module.code)
    return str(title)


async def issue(user: User, module: Module, now: datetime) -> Certificate:
    """The person's certificate for the module, created on the first call only."""
    existing = await _existing(user, module)
    if existing is not None:
        return existing
    name = user.display_name.strip()
    if not name:
        raise MissingName(f"user {user.id} has no display name")
    for _ in range(5):
        try:
            async with in_transaction():  # a savepoint, so a clash does not abort the caller
                return await Certificate.create(
                    code=new_code(), user=user, module=module, holder_name=name[:120],
                    module_title=title_for(module, user.locale)[:200], locale=user.locale,
                    issued_at=now)
        except IntegrityError:
            # Either a concurrent issue for the same person and module won, or the code clashed.
            existing = await _existing(user, module)
            if existing is not None:
                return existing
    raise RuntimeError("no free certificate code")


async def _existing(user: User, module: Module) -> Certificate | None:
    return await Certificate.get_or_none(user_id=user.id, module_id=module.id) \
        .select_related("user")


async def by_code(code: str) -> Certificate | None:
    """The certificate with this code as a person typed it, with its holder loaded."""
    printed = normalise_code(code)
    if printed is None:
        return None
    return await Certificate.get_or_none(code=printed).select_related("user")


def issued_on(cert: Certificate) -> date:
    """The day of issue in the holder's time zone; the certificate's user must be loaded."""
    user = cert.user
    if not isinstance(user, User):
        raise ValueError("load the certificate with its user (by_code and issue do)")
    return cert.issued_at.astimezone(ZoneInfo(user.timezone)).date()


def certificate_urls(settings: Settings, cert: Certificate) -> CertificateUrls:
    base = settings.public_base_url.rstrip("/")
    return CertificateUrls(pdf=f"{base}/certificates/{cert.code}.pdf",
                           verify=f"{base}/verify/{cert.code}")
