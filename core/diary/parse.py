"""Read one typed diary line: "2 kg plastic bottles recycled", "ขวดพลาสติก 2 กิโล รีไซเคิล",
"१ किलो गीला कचरा खाद बनाया" -> quantity, unit, category and method.

``parse_entry`` is pure and never raises. The words it knows come from a ``Lexicon``, built once
per factor set from core/factors/data/aliases.json. Matching works on normalised text: Latin
aliases must be whole words, Devanagari aliases must start a word (so inflections match), Thai
aliases match anywhere (Thai has no spaces). The longest alias wins, then the earliest; an
alias lying wholly inside a longer matched one is ignored ("trash can" is not a can).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Literal, NamedTuple, cast

Unit = Literal["g", "kg", "pcs"]
ALIASES_PATH = Path(__file__).resolve().parent.parent / "factors" / "data" / "aliases.json"
MAX_CHARS = 2000  # diary lines are short; the rest of a longer text is ignored

_DEV = "\u0900-\u0963\u0970-\u097f"  # Devanagari letters and signs (not digits or danda)
# ASCII digits; chandrabindu as anusvara; no nukta, zero-width joiners or BOM.
_TABLE = str.maketrans("๐๑๒๓๔๕๖๗๘๙०१२३४५६७८९\u0901", "01234567890123456789\u0902",
                       "\u093c\u200b\u200c\u200d\u2060\ufeff")
_GROUPED = re.compile(r"(?<![0-9])[0-9]+(?:,[0-9]+)+")
_SPACES = re.compile(r"\s+")
_LATIN = frozenset("abcdefghijklmnopqrstuvwxyz")
_DEVANAGARI = frozenset(map(chr, (*range(0x900, 0x964), *range(0x970, 0x980))))


def normalise(text: str) -> str:
    """NFC, casefold, ASCII digits, "1,5" -> "1.5" ("1,500" -> "1500"), single spaces."""
    text = unicodedata.normalize("NFC", text).casefold().translate(_TABLE)
    return _SPACES.sub(" ", _GROUPED.sub(_commas, text)).strip()


def _commas(match: re.Match[str]) -> str:
    head, *groups = match.group().split(",")
    if len(groups) == 1 and len(groups[0]) != 3:
        return f"{head}.{groups[0]}"  # decimal comma
    if len(groups[-1]) == 3 and all(len(g) in (2, 3) for g in groups):
        return head + "".join(groups)  # thousands (1,500) or lakh (1,00,000) grouping
    return match.group()


def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(unicodedata.normalize("NFC", text).translate(_TABLE))


_WORDS = {normalise(word): Decimal(value) for word, value in (  # only before a unit
    ("half", "0.5"), ("ครึ่ง", "0.5"), ("आधा", "0.5"), ("आधी", "0.5"), ("आधे", "0.5"),
    ("डेढ़", "1.5"), ("ढाई", "2.5"))}
_QTY = _pattern(rf"(?P<num>(?<![a-z0-9.])(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+))"
                rf"|(?<![a-z{_DEV}])(?P<word>half(?: an?)?|ครึ่ง|आधा|आधी|आधे|डेढ़|ढाई)")
_UNIT_FORMS = {
    "kg": (r"(?:kilogram(?:me)?s?|kilos?|kgs?)(?![a-z])", r"กิโลกรัม|กิโล(?!เมตร)|กก\.?",
           rf"(?:किलोग्राम|किग्रा|कि\.ग्रा\.?|किलो|केजी)(?![{_DEV}])"),
    "g": (r"(?:gram(?:me)?s?|gms?|grs?|g)(?![a-z])", r"กรัม|ก\.(?![ก-ฮ]\.)",
          rf"(?:ग्राम|ग्रा)(?![{_DEV}])"),
    "pcs": (r"(?:pieces?|pcs?|items?)(?![a-z])", r"ชิ้น|อัน|ใบ|ลูก",
            rf"(?:पीस|नग|टुकड़े|टुकड़ा|अदद)(?![{_DEV}])"),
}
_UNIT = _pattern(" ?(?:" + "|".join(f"(?P<{unit}>{'|'.join(forms)})"
                                    for unit, forms in _UNIT_FORMS.items()) + ")")


@dataclass(frozen=True)
class ParsedEntry:
    quantity: Decimal | None
    unit: Unit | None
    category: str | None
    method: str | None


class _Alias(NamedTuple):
    text: str
    codes: tuple[str, ...]  # one category, or the methods in aliases.json order
    is_method: bool
    countable: bool


class _Hit(NamedTuple):
    start: int
    end: int
    alias: _Alias


@dataclass(frozen=True)
class Lexicon:
    """Aliases of one factor set: category code -> words, method code -> words (all locales)."""

    categories: Mapping[str, Sequence[str]]
    methods: Mapping[str, Sequence[str]]
    allowed_methods: Mapping[str, Collection[str]] | None = None  # category -> its methods
    countable: Collection[str] = ()  # count nouns: "3 bottles" means 3 pcs
    _aliases: tuple[_Alias, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_aliases", _index(self))

    @classmethod
    def load(cls, set_code: str, allowed_methods: Mapping[str, Collection[str]] | None = None,
             path: Path = ALIASES_PATH) -> Lexicon:
        """The set's aliases; with allowed_methods, only those categories and their methods."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        cats: Mapping[str, Mapping[str, Sequence[str]]] = data["categories"][set_code]
        allowed = None
        if allowed_methods is not None:
            allowed = {c: frozenset(ms) for c, ms in allowed_methods.items()}
            cats = {c: words for c, words in cats.items() if c in allowed}
        in_set = None if allowed is None else frozenset[str]().union(*allowed.values())
        methods = {m: _merge(words) for m, words in data["methods"].items()
                   if in_set is None or m in in_set}
        return cls({c: _merge(words) for c, words in cats.items()}, methods, allowed,
                   _merge(data.get("countable", {})))

    def methods_for(self, category: str | None) -> Collection[str] | None:
        """Methods allowed with the category; None means any method of the lexicon."""
        if category is None or self.allowed_methods is None:
            return None
        return self.allowed_methods.get(category, ())


def _merge(by_locale: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    return tuple(word for words in by_locale.values() for word in words)


def _index(lexicon: Lexicon) -> tuple[_Alias, ...]:
    nouns = [n for n in map(normalise, lexicon.countable) if n]
    categories: dict[str, str] = {}
    for code, words in lexicon.categories.items():
        for word in words:
            categories.setdefault(normalise(word), code)
    methods: dict[str, list[str]] = {}
    for code, words in lexicon.methods.items():
        for word in words:
            codes = methods.setdefault(normalise(word), [])
            if code not in codes:
                codes.append(code)
    return (*(_Alias(t, (c,), False, any(n in t for n in nouns))
              for t, c in categories.items() if t),
            *(_Alias(t, tuple(cs), True, False) for t, cs in methods.items() if t))


def _bounded(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    if {text[start], before} <= _LATIN or {text[start], before} <= _DEVANAGARI:
        return False
    return not (text[end - 1] in _LATIN and (after in _LATIN or after in "'’"))


def _hits(text: str, aliases: Sequence[_Alias]) -> list[_Hit]:
    hits = []
    for alias in aliases:
        start = text.find(alias.text)
        while start >= 0:
            end = start + len(alias.text)
            if _bounded(text, start, end):
                hits.append(_Hit(start, end, alias))
            start = text.find(alias.text, start + 1)
    return hits


def _select(hits: list[_Hit], taken: tuple[int, int]) -> list[_Hit]:
    """Longest first, then earliest; drop hits on the quantity or inside a longer hit."""
    kept: list[_Hit] = []
    for hit in sorted(hits, key=lambda h: (h.start - h.end, h.start)):
        if hit.start < taken[1] and taken[0] < hit.end:
            continue
        size = hit.end - hit.start
        if not any(k.start <= hit.start and hit.end <= k.end and k.end - k.start > size
                   for k in kept):
            kept.append(hit)
    return kept


def _quantity(text: str) -> tuple[Decimal | None, Unit | None, tuple[int, int]]:
    for match in _QTY.finditer(text):
        found = _UNIT.match(text, match.end())
        unit = cast(Unit, found.lastgroup) if found else None
        word = match.group("word")
        if word and unit is None:
            continue  # "half" counts only before a unit
        quantity = _WORDS[word.split()[0]] if word else Decimal(match.group("num"))
        return quantity, unit, (match.start(), found.end() if found else match.end())
    return None, None, (0, 0)


def _method(kept: list[_Hit], allowed: Collection[str] | None) -> str | None:
    for hit in kept:
        for code in hit.alias.codes if hit.alias.is_method else ():
            if allowed is None or code in allowed:
                return code
    return None


def parse_entry(text: str, lexicon: Lexicon) -> ParsedEntry:
    """Quantity (first number), unit, category and method found in a free-text entry."""
    norm = normalise(text[:MAX_CHARS] if isinstance(text, str) else "")
    quantity, unit, taken = _quantity(norm)
    kept = _select(_hits(norm, lexicon._aliases), taken)
    categories = [h for h in kept if not h.alias.is_method]
    noun = None
    if quantity is not None and unit is None:  # "3 bottles": a count noun right after
        at = taken[1] + (norm[taken[1]:taken[1] + 1] == " ")
        noun = next((h for h in categories if h.start == at and h.alias.countable), None)
        unit = "pcs" if noun else None
    # A count noun names the category only when nothing else does ("2 bags of leftovers").
    best = next((h for h in categories if h is not noun), noun)
    category = best.alias.codes[0] if best else None
    return ParsedEntry(quantity, unit, category, _method(kept, lexicon.methods_for(category)))
