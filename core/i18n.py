"""Translations from the gettext catalogs in locales/, and locale-aware formatting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from babel.dates import format_date
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LOCALES = ("en", "th", "hi")
DOMAIN = "messages"


def N_(msgid: str) -> str:
    """Mark a string for extraction; it is translated later, where it is shown."""
    return msgid


def negotiate(hint: str) -> str | None:
    """Map a platform language tag (th-TH, hi, en_US) to one of our locales."""
    lang = hint.replace("_", "-").split("-", 1)[0].strip().lower()
    return lang if lang in LOCALES else None


def load_catalogs(locales_dir: Path) -> dict[str, dict[str, str]]:
    catalogs: dict[str, dict[str, str]] = {}
    for locale in LOCALES:
        path = locales_dir / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        catalogs[locale] = {
            str(m.id): str(m.string) for m in catalog if m.id and m.string and not m.fuzzy
        }
    return catalogs


@dataclass(frozen=True, slots=True)
class Translator:
    """Gettext bound to one locale; `t("Hi {name}", name=x)` translates, then fills in."""

    locale: str
    messages: dict[str, str]

    def __call__(self, msgid: str, **params: object) -> str:
        text = self.messages.get(msgid, msgid)
        if not params:
            return text
        return text.format(**{k: self.format(v) for k, v in params.items()})

    def format(self, value: object) -> str:
        if isinstance(value, bool) or not isinstance(value, int | Decimal | date):
            return str(value)
        if isinstance(value, date):
            return format_date(value, format="medium", locale=self.locale)
        return self.number(value)

    def number(self, value: int | Decimal, places: int | None = None) -> str:
        if places is not None:
            value = Decimal(value).quantize(Decimal(1).scaleb(-places))
        return format_decimal(value, locale=self.locale, decimal_quantization=False)


@dataclass(frozen=True, slots=True)
class Catalogs:
    by_locale: dict[str, dict[str, str]]
    default: str = "en"

    @classmethod
    def load(cls, locales_dir: Path, default: str = "en") -> Catalogs:
        return cls(load_catalogs(locales_dir), default)

    def translator(self, locale: str) -> Translator:
        code = locale if locale in self.by_locale else self.default
        return Translator(code, self.by_locale[code])
