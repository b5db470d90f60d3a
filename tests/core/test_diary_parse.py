"""Free-text diary parsing (core/diary/parse.py) and its word lists (aliases.json)."""

from __future__ import annotations

import csv
import json
import random
import time
from decimal import Decimal
from pathlib import Path

import pytest

from core.diary.parse import ALIASES_PATH, Lexicon, ParsedEntry, normalise, parse_entry

DATA = Path(__file__).resolve().parents[2] / "core" / "factors" / "data"
SET_FILES = {"th-diary": "th_diary_2024.csv", "in-swm": "in_swm_2016.csv"}
LOCALES = ("en", "th", "hi")
NONE = ParsedEntry(None, None, None, None)


def allowed_methods(set_code: str) -> dict[str, list[str]]:
    allowed: dict[str, list[str]] = {}
    with (DATA / SET_FILES[set_code]).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            allowed.setdefault(row["category_id"], []).append(row["method"])
    return allowed


ALLOWED = {code: allowed_methods(code) for code in SET_FILES}
LEX = {code: Lexicon.load(code, ALLOWED[code]) for code in SET_FILES}
TH, IN = "th-diary", "in-swm"


def parse(set_code: str, text: str) -> tuple[Decimal | None, str | None, str | None, str | None]:
    entry = parse_entry(text, LEX[set_code])
    return entry.quantity, entry.unit, entry.category, entry.method


D = Decimal


@pytest.mark.parametrize(("set_code", "text", "expected"), [
    (TH, "2 kg plastic bottles recycled", (D(2), "kg", "plastic_bottles", "recycled")),
    (IN, "2 kg plastic bottles recycled", (D(2), "kg", "plastic", "recycled")),
    (TH, "ขวดพลาสติก 2 กิโล รีไซเคิล", (D(2), "kg", "plastic_bottles", "recycled")),
    (TH, "500g food waste composted", (D(500), "g", "food_waste", "composted")),
    (IN, "500g food waste composted", (D(500), "g", "wet_waste", "composted")),
    (IN, "2 किलो प्लास्टिक रीसायकल किया", (D(2), "kg", "plastic", "recycled")),
    (TH, "3 bottles recycled", (D(3), "pcs", "plastic_bottles", "recycled")),
    (IN, "3 bottles recycled", (D(3), "pcs", "plastic", "recycled")),
    (TH, "composted 1.5kg of garden waste", (D("1.5"), "kg", "organic_waste", "composted")),
    (IN, "composted 1.5kg of garden waste", (D("1.5"), "kg", "wet_waste", "composted")),
    (TH, "ทิ้งเศษอาหาร ๒ กก.", (D(2), "kg", "food_waste", "landfill")),
    (IN, "ทิ้งเศษอาหาร ๒ กก.", (D(2), "kg", "wet_waste", "open_dump")),
    (IN, "१ किलो गीला कचरा खाद बनाया", (D(1), "kg", "wet_waste", "composted")),
    (TH, "१ किलो गीला कचरा खाद बनाया", (D(1), "kg", "food_waste", "composted")),
    (TH, "threw away 1 kg food", (D(1), "kg", "food_waste", "landfill")),
    (IN, "threw away 1 kg food", (D(1), "kg", "wet_waste", "open_dump")),
])
def test_examples(set_code: str, text: str, expected: tuple[object, ...]) -> None:
    assert parse(set_code, text) == expected


@pytest.mark.parametrize(("text", "quantity", "unit"), [
    ("500g food", D(500), "g"), ("2kg food", D(2), "kg"), ("1.5kg food", D("1.5"), "kg"),
    ("250gm food", D(250), "g"), ("250 grams food", D(250), "g"), ("2 kilos food", D(2), "kg"),
    ("2kgs food", D(2), "kg"), ("เศษอาหาร ๒กก.", D(2), "kg"), ("เศษอาหาร 300กรัม", D(300), "g"),
    ("เศษอาหาร 300 ก.", D(300), "g"), ("เศษอาหาร 2 กิโลกรัม", D(2), "kg"),
    ("ขวด 3 ใบ", D(3), "pcs"), ("ขวด3ใบ", D(3), "pcs"), ("กระป๋อง 4 ชิ้น", D(4), "pcs"),
    ("2किलो खाना", D(2), "kg"), ("500 ग्राम खाना", D(500), "g"), ("3 किग्रा खाना", D(3), "kg"),
    ("2 केजी खाना", D(2), "kg"), ("4 पीस बोतल", D(4), "pcs"), ("2 नग बोतल", D(2), "pcs"),
    ("5 टुकड़े काँच", D(5), "pcs"), ("2 pcs bottles", D(2), "pcs"), ("1 piece can", D(1), "pcs"),
])
def test_units_spaced_and_glued(text: str, quantity: Decimal, unit: str) -> None:
    assert parse(TH, text)[:2] == (quantity, unit)


@pytest.mark.parametrize(("text", "quantity"), [
    ("เศษอาหาร ๑๒ กก.", D(12)), ("เศษอาหาร ๐.๕ กก.", D("0.5")), ("ขวด ๓ ใบ", D(3)),
    ("१० किलो खाना", D(10)), ("०.५ किलो खाना", D("0.5")), ("२५० ग्राम खाना", D(250)),
])
def test_thai_and_devanagari_digits(text: str, quantity: Decimal) -> None:
    assert parse(TH, text)[0] == quantity


@pytest.mark.parametrize(("text", "quantity", "unit"), [
    ("1,5 kg food", D("1.5"), "kg"), ("0,25kg food", D("0.25"), "kg"),
    ("เศษอาหาร ๑,๕ กก.", D("1.5"), "kg"), ("1,500 g food", D(1500), "g"),
    ("food, 2 kg, composted", D(2), "kg"),
])
def test_decimal_comma(text: str, quantity: Decimal, unit: str) -> None:
    assert parse(TH, text)[:2] == (quantity, unit)


@pytest.mark.parametrize(("text", "expected"), [
    ("half kg food waste composted", (D("0.5"), "kg", "food_waste", "composted")),
    ("half a kilo leftovers", (D("0.5"), "kg", "food_waste", None)),
    ("ครึ่งกิโล เศษอาหาร", (D("0.5"), "kg", "food_waste", None)),
    ("आधा किलो खाना", (D("0.5"), "kg", "food_waste", None)),
    ("half of the food", (None, None, "food_waste", None)),
])
def test_half(text: str, expected: tuple[object, ...]) -> None:
    assert parse(TH, text) == expected


@pytest.mark.parametrize(("set_code", "text", "expected"), [
    (TH, "5 cans recycled", (D(5), "pcs", "metal_cans", "recycled")),
    (TH, "น้ำ 3 ขวด รีไซเคิล", (D(3), "pcs", "plastic_bottles", "recycled")),
    (TH, "ขวดพลาสติก 3 ขวด", (D(3), "pcs", "plastic_bottles", None)),
    (IN, "3 प्लास्टिक की बोतलें रीसायकल", (D(3), "pcs", "plastic", "recycled")),
    (TH, "2 bags of leftovers", (D(2), "pcs", "food_waste", None)),  # bags only count
    (TH, "3 food", (D(3), None, "food_waste", None)),
    (IN, "2 plastic recycled", (D(2), None, "plastic", "recycled")),
    (TH, "bottles 3", (D(3), None, "plastic_bottles", None)),
])
def test_count_nouns_give_pieces(set_code: str, text: str, expected: tuple[object, ...]) -> None:
    assert parse(set_code, text) == expected


@pytest.mark.parametrize(("set_code", "text", "expected"), [
    (TH, "cabinet", (None, None, None, None)),
    (TH, "put it in the bin", (None, None, None, "landfill")),
    (TH, "scan the code", (None, None, None, None)),
    (TH, "2 kg tinsel", (D(2), "kg", None, None)),
    (TH, "carpet", (None, None, None, None)),
    (TH, "recycled 1 can", (D(1), "pcs", "metal_cans", "recycled")),
    (TH, "cans in the trash can", (None, None, "metal_cans", "landfill")),
    (TH, "2 kg seafood", (D(2), "kg", None, None)),
    (TH, "2 gallons", (D(2), None, None, None)),
    (IN, "मैदान में", (None, None, None, None)),  # दान inside a word is not "donated"
    (IN, "कूड़ेदान में डाला", (None, None, None, "open_dump")),
])
def test_word_boundaries(set_code: str, text: str, expected: tuple[object, ...]) -> None:
    assert parse(set_code, text) == expected


@pytest.mark.parametrize(("set_code", "text", "expected"), [
    (TH, "3 bottles composted", (D(3), "pcs", "plastic_bottles", None)),
    (TH, "sold 2 kg cans", (D(2), "kg", "metal_cans", "sold")),
    (IN, "sold 2 kg cans", (D(2), "kg", "metal_cans", "recycled")),  # no "sold" in in-swm
    (TH, "sold 5 bottles", (D(5), "pcs", "plastic_bottles", "recycled")),
    (TH, "composted and then threw away the bottles", (None, None, "plastic_bottles",
                                                       "landfill")),
    (IN, "burned 1 kg plastic", (D(1), "kg", "plastic", "burned")),
    (TH, "burned 1 kg plastic bags", (D(1), "kg", "plastic_bags", None)),
    (TH, "avoided 4 plastic bags", (D(4), "pcs", "plastic_bags", "avoided")),
    (TH, "reduced food waste by 1 kg", (D(1), "kg", "food_waste", "reduced")),
    (TH, "mulched 3 kg leaves", (D(3), "kg", "organic_waste", "mulch")),
    (IN, "mulched 3 kg leaves", (D(3), "kg", "wet_waste", "composted")),
    (TH, "คืนขวด 5 ใบ", (D(5), "pcs", "glass_bottles", "returned")),
    (IN, "2 batteries handed over", (D(2), "pcs", "domestic_hazardous", "handed_over")),
    (TH, "2 batteries handed over", (D(2), "pcs", "electronic_waste", "proper_disposal")),
    (IN, "diapers wrapped in newspaper", (None, None, "sanitary", "wrapped")),
    (IN, "5 किलो रद्दी कबाड़ीवाले को दिया", (D(5), "kg", "paper_cardboard", "recycled")),
    (IN, "पुराना फ़ोन दान किया", (None, None, "e_waste", "donated")),
    (TH, "ให้หมูกิน เศษอาหาร 3 กก.", (D(3), "kg", "food_waste", "animal_feed")),
    (IN, "खाद्य कचरा 2 किलो", (D(2), "kg", "wet_waste", None)),  # खाद्य is not खाद
])
def test_methods_follow_the_category(set_code: str, text: str,
                                     expected: tuple[object, ...]) -> None:
    assert parse(set_code, text) == expected


@pytest.mark.parametrize("text", [
    "", "   ", "hello there", "สวัสดีครับ", "नमस्ते", "सूखा कचरा", "dry waste", "🙂🙂🙂",
    "?!.,", "\u200b\u200d", "ok thanks", "ขอบคุณ", "धन्यवाद",
])
def test_unknown_text_is_all_none(text: str) -> None:
    assert parse_entry(text, LEX[TH]) == NONE
    assert parse_entry(text, LEX[IN]) == NONE


def test_normalise() -> None:
    assert normalise("  ขวด ๒,๕  กก. ") == "ขวด 2.5 กก."
    assert normalise("PLASTIC\u00a0Bottles १,००,००० ग्राम") == "plastic bottles 100000 ग्राम"
    assert normalise("काँच कागज़") == normalise("कांच कागज")


def test_load_keeps_only_the_sets_methods() -> None:
    methods_th, methods_in = set(LEX[TH].methods), set(LEX[IN].methods)
    assert "landfill" in methods_th and "open_dump" not in methods_th
    assert "open_dump" in methods_in and "landfill" not in methods_in
    assert methods_in == {m for ms in ALLOWED[IN].values() for m in ms}
    assert set(LEX[TH].categories) == set(ALLOWED[TH])


def test_load_drops_categories_the_set_lacks() -> None:
    lexicon = Lexicon.load(TH, {"food_waste": ["landfill", "composted"]})
    assert set(lexicon.categories) == {"food_waste"}
    assert parse_entry("3 bottles recycled", lexicon) == ParsedEntry(D(3), None, None, None)
    assert parse_entry("1 kg food composted", lexicon).method == "composted"


def test_load_without_allowed_methods() -> None:
    lexicon = Lexicon.load(IN)
    assert parse_entry("threw away 1 kg food", lexicon).method == "landfill"  # first listed
    with pytest.raises(KeyError):
        Lexicon.load("no-such-set")


def test_hand_built_lexicon() -> None:
    lexicon = Lexicon({"jars": ["jar"]}, {"kept": ["kept"]}, countable=["jar"])
    assert parse_entry("kept 2 jars", lexicon) == ParsedEntry(D(2), None, None, "kept")
    assert parse_entry("kept 2 jar", lexicon) == ParsedEntry(D(2), "pcs", "jars", "kept")


def _random_text(rng: random.Random, words: list[str]) -> str:
    pieces = [*words, "2", "0.5", "1,5", "๒", "१", "kg", "g", "กก.", "ใบ", "किलो", "half",
              " ", " ", ",", ".", "🙂", "\u0301", "\u093c", "\u200b", "\ud800", "\x00", "\n"]
    parts = [rng.choice(pieces) if rng.random() < 0.8 else chr(rng.randrange(0x110000))
             for _ in range(rng.randrange(12))]
    return "".join(parts) if rng.random() < 0.5 else " ".join(parts)


@pytest.mark.parametrize("set_code", [TH, IN])
def test_random_text_never_raises(set_code: str) -> None:
    lexicon, allowed = LEX[set_code], ALLOWED[set_code]
    words = sorted({w for ws in (*lexicon.categories.values(), *lexicon.methods.values())
                    for w in ws})
    rng = random.Random(20240601)
    for _ in range(400):
        entry = parse_entry(_random_text(rng, words), lexicon)
        assert entry.quantity is None or isinstance(entry.quantity, Decimal)
        assert entry.unit in (None, "g", "kg", "pcs")
        assert entry.unit is None or entry.quantity is not None
        assert entry.category is None or entry.category in allowed
        if entry.method is not None:
            assert entry.method in (allowed[entry.category] if entry.category
                                    else lexicon.methods)


@pytest.mark.parametrize("text", [
    "2 kg plastic bottles recycled " * 400, "can " * 2500, "ขวด" * 3500, "9" * 10_000,
    "दान " * 2500, "1," * 5000, "a" * 10_000, "🙂" * 10_000,
])
def test_long_text_is_fast_and_safe(text: str) -> None:
    started = time.perf_counter()
    for set_code in SET_FILES:
        parse_entry(text, LEX[set_code])
    assert time.perf_counter() - started < 1.0


# --- aliases.json coverage -------------------------------------------------------------------

def _has_words(by_locale: dict, locale: str) -> bool:
    return any(word.strip() for word in by_locale.get(locale, []))


def missing_aliases(aliases: dict) -> list[str]:
    """Every category and method of both CSVs needs at least one word in each locale."""
    missing = []
    for set_code, allowed in ALLOWED.items():
        categories = aliases["categories"].get(set_code, {})
        for category in allowed:
            missing += [f"{set_code}/{category}/{loc}" for loc in LOCALES
                        if not _has_words(categories.get(category, {}), loc)]
        missing += [f"{set_code}/{extra} is not in the CSV"
                    for extra in sorted(set(categories) - set(allowed))]
    methods = sorted({m for allowed in ALLOWED.values() for ms in allowed.values() for m in ms})
    for method in methods:
        missing += [f"method {method}/{loc}" for loc in LOCALES
                    if not _has_words(aliases["methods"].get(method, {}), loc)]
    return missing


ALIASES = json.loads(ALIASES_PATH.read_text(encoding="utf-8"))


def test_every_code_has_words_in_every_locale() -> None:
    assert missing_aliases(ALIASES) == []


def test_the_coverage_check_notices_gaps() -> None:
    doctored = json.loads(json.dumps(ALIASES))
    doctored["categories"][IN]["sanitary"]["th"] = []
    del doctored["methods"]["trade_in"]["hi"]
    assert missing_aliases(doctored) == ["in-swm/sanitary/th", "method trade_in/hi"]


@pytest.mark.parametrize("set_code", [TH, IN])
def test_no_word_names_two_categories(set_code: str) -> None:
    owner: dict[str, str] = {}
    clashes = []
    for category, by_locale in ALIASES["categories"][set_code].items():
        for word in {normalise(w) for words in by_locale.values() for w in words}:
            if owner.setdefault(word, category) != category:
                clashes.append((word, owner[word], category))
    assert clashes == []


def test_throwing_away_maps_to_both_baselines() -> None:
    methods = ALIASES["methods"]
    for loc, word in (("en", "threw away"), ("en", "bin"), ("th", "ทิ้ง"), ("hi", "फेंका")):
        assert word in methods["landfill"][loc] and word in methods["open_dump"][loc]
