"""The gettext catalogs (locales/) and locale-aware formatting (core/i18n.py)."""

from __future__ import annotations

import string
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from core.i18n import LOCALES, Catalogs, Translator, negotiate

ROOT = Path(__file__).resolve().parents[2]
LOCALES_DIR = ROOT / "locales"
SOURCE_DIRS = ("core", "handlers", "bots", "workers", "web", "cli")


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def catalog_problems(template: Catalog, catalog: Catalog) -> list[str]:
    """Every template msgid must have a non-empty, non-fuzzy translation with its fields."""
    problems = []
    for msg in template:
        if not msg.id:
            continue
        found = catalog.get(msg.id)
        if found is None:
            problems.append(f"missing: {msg.id!r}")
        elif not found.string:
            problems.append(f"untranslated: {msg.id!r}")
        elif found.fuzzy:
            problems.append(f"fuzzy: {msg.id!r}")
        elif placeholders(str(found.string)) != placeholders(str(msg.id)):
            problems.append(f"placeholders differ: {msg.id!r}")
    return problems


def extracted_msgids() -> set[str]:
    ids = set()
    for folder in SOURCE_DIRS:
        for _, _, message, _, _ in extract_from_dir(
                ROOT / folder, method_map=[("**.py", "python")],
                keywords={"t": None, "N_": None}):
            ids.add(message if isinstance(message, str) else message[0])
    return ids


# ----------------------------------------------------------------------------- catalogs


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_translates_every_message_of_the_template(locale: str) -> None:
    template = read_catalog(LOCALES_DIR / "messages.pot")
    catalog = read_catalog(LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po", locale)
    assert catalog_problems(template, catalog) == []


def test_the_catalog_check_reports_each_kind_of_problem() -> None:
    template = Catalog()
    for msgid in ("Hello", "Bye", "Soon", "Balance: {balance}", "Fine {n}"):
        template.add(msgid)
    broken = Catalog(locale="th")
    broken.add("Hello", "")  # untranslated
    broken.add("Soon", "เร็วๆ นี้", flags=["fuzzy"])
    broken.add("Balance: {balance}", "ยอด: {credits}")  # wrong placeholder
    broken.add("Fine {n}", "ดี {n}")
    # "Bye" is missing altogether
    assert catalog_problems(template, broken) == [
        "untranslated: 'Hello'",
        "missing: 'Bye'",
        "fuzzy: 'Soon'",
        "placeholders differ: 'Balance: {balance}'",
    ]


def test_the_catalog_check_passes_a_complete_catalog() -> None:
    template = Catalog()
    template.add("Balance: {balance}")
    good = Catalog(locale="hi")
    good.add("Balance: {balance}", "बैलेंस: {balance}")
    assert catalog_problems(template, good) == []


def test_the_template_is_up_to_date_with_the_source() -> None:
    template = read_catalog(LOCALES_DIR / "messages.pot")
    in_template = {str(m.id) for m in template if m.id}
    extracted = extracted_msgids()
    assert extracted, "nothing extracted: the keywords or folders are wrong"
    assert (extracted - in_template, in_template - extracted) == (set(), set())


def test_loaded_catalogs_hold_only_finished_translations(tmp_path: Path) -> None:
    for locale in LOCALES:
        catalog = Catalog(locale=locale)
        catalog.add("Done", "เสร็จ")
        catalog.add("Rough", "คร่าวๆ", flags=["fuzzy"])
        catalog.add("Empty", "")
        out = tmp_path / locale / "LC_MESSAGES"
        out.mkdir(parents=True)
        with (out / "messages.po").open("wb") as handle:
            write_po(handle, catalog)
    t = Catalogs.load(tmp_path).translator("th")
    assert (t("Done"), t("Rough"), t("Empty")) == ("เสร็จ", "Rough", "Empty")


# ----------------------------------------------------------------------------- formatting


@pytest.mark.parametrize(("locale", "text"), [
    ("en", "1,234,567"),
    ("th", "1,234,567"),
    ("hi", "12,34,567"),  # Indian grouping: lakh and crore
])
def test_translator_groups_numbers_per_locale(locale: str, text: str) -> None:
    assert Translator(locale, {}).number(1234567) == text


def test_translator_formats_parameters_as_numbers() -> None:
    t = Translator("hi", {"Your green credits: {credits}": "आपके ग्रीन क्रेडिट: {credits}"})
    assert t("Your green credits: {credits}", credits=1234567) == "आपके ग्रीन क्रेडिट: 12,34,567"


def test_translator_rounds_to_places() -> None:
    assert Translator("en", {}).number(Decimal("2.368"), places=2) == "2.37"


def test_translator_falls_back_to_the_msgid() -> None:
    assert Translator("th", {})("Cancelled.") == "Cancelled."


def test_an_unknown_locale_gets_the_default_catalog() -> None:
    catalogs = Catalogs({"en": {}, "th": {"Menu": "เมนู"}, "hi": {}}, default="th")
    assert catalogs.translator("fr").locale == "th"
    assert catalogs.translator("fr")("Menu") == "เมนู"


@pytest.mark.parametrize(("hint", "locale"), [
    ("th-TH", "th"),
    ("th", "th"),
    ("hi_IN", "hi"),
    ("EN-us", "en"),
    ("fr", None),
    ("", None),
])
def test_negotiate_maps_platform_tags_to_our_locales(hint: str, locale: str | None) -> None:
    assert negotiate(hint) == locale
