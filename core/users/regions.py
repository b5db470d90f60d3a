"""Provinces of Thailand and states/union territories of India, and matching user input to them.

Citizens tell the bot where they live by typing a name (English, Thai or Hindi, any spelling
that is close enough) or by sharing a location pin. This module is pure Python: it reads the
bundled ``data/provinces.csv`` and never touches the database.

Sources for ``data/provinces.csv``:

* ISO 3166-2:TH (ISO 3166 Maintenance Agency, Online Browsing Platform): the 76 changwat and
  the special administrative area of Bangkok, codes ``TH-10`` ... ``TH-96``. The special
  administrative city of Pattaya (``TH-S``) is part of Chon Buri and is not a province, so it
  is not listed.
* Department of Provincial Administration (กรมการปกครอง), Ministry of Interior, Thailand:
  official Thai spellings and the romanised English names of the provinces.
* ISO 3166-2:IN (ISO 3166 Maintenance Agency, Online Browsing Platform), including the
  2019-11-22 (Jammu and Kashmir becomes a union territory, Ladakh added), 2020-11-24
  (``IN-DH`` replaces ``IN-DN`` and ``IN-DD``) and 2023-11-23 (``IN-CT`` -> ``IN-CG``,
  ``IN-OR`` -> ``IN-OD``, ``IN-TG`` -> ``IN-TS``, ``IN-UT`` -> ``IN-UK``) changes.
* Government of India, list of States and Union Territories (National Portal of India,
  india.gov.in; Ministry of Home Affairs): 28 states and 8 union territories, with their
  names in Hindi.

The Hindi names of Thai provinces and the Thai names of Indian states are phonetic
transcriptions as commonly written, not official spellings; the ``aliases`` column holds
common alternative spellings, short forms and former names that people type. Cities that
are not themselves a province or state (Bombay, Pattaya, Hat Yai, ...) are deliberately
not aliases.
"""

from __future__ import annotations

import csv
import difflib
import functools
import math
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

__all__ = [
    "DEFAULT_PROVINCES_PATH",
    "REGION_TIMEZONES",
    "Province",
    "default_provinces",
    "load_provinces",
    "match_province",
    "normalize_name",
    "region_of_point",
]

# IANA time zone database: Thailand and India each have a single zone.
REGION_TIMEZONES: Mapping[str, str] = MappingProxyType({"TH": "Asia/Bangkok", "IN": "Asia/Kolkata"})

DEFAULT_PROVINCES_PATH = Path(__file__).with_name("data") / "provinces.csv"

LOCALES = ("en", "th", "hi")

_CODE_RE = {
    "TH": re.compile(r"^TH-\d{2}$"),
    "IN": re.compile(r"^IN-[A-Z]{2}$"),
}

FUZZY_CUTOFF = 0.75
FUZZY_LIMIT = 5
# Nobody names a province in more than this many characters; longer input is not a name.
MAX_INPUT_CHARS = 200


@dataclass(frozen=True)
class Province:
    """A Thai province (changwat or Bangkok) or an Indian state / union territory."""

    code: str  # ISO 3166-2, e.g. "TH-50", "IN-MH"
    region: str  # ISO 3166-1 alpha-2: "TH" or "IN"
    names: Mapping[str, str] = field(hash=False)  # locale ("en", "th", "hi") -> name
    aliases: tuple[str, ...] = ()

    def name(self, locale: str) -> str:
        """The name in ``locale`` ("th", "th-TH", "hi_IN", ...), falling back to English."""
        lang = re.split(r"[-_]", locale or "", maxsplit=1)[0].casefold()
        return self.names.get(lang) or self.names["en"]

    @property
    def timezone(self) -> str:
        return REGION_TIMEZONES[self.region]

    @functools.cached_property
    def _match_keys(self) -> tuple[str, ...]:
        """Normalised names and aliases, in order, without duplicates (computed once)."""
        keys: dict[str, None] = {}
        for raw in (*(self.names.get(loc, "") for loc in LOCALES), *self.aliases):
            key = normalize_name(raw)
            if key:
                keys[key] = None
        return tuple(keys)


# --------------------------------------------------------------------------- loading


def load_provinces(path: Path = DEFAULT_PROVINCES_PATH) -> tuple[Province, ...]:
    """Read the provinces CSV. Raises ``ValueError`` on a malformed file.

    Callers should cache the result (see :func:`default_provinces`).
    """
    provinces: list[Province] = []
    seen: set[str] = set()
    with Path(path).open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        expected = ["code", "region", "name_en", "name_th", "name_hi", "aliases"]
        if reader.fieldnames != expected:
            raise ValueError(f"{path}: header must be {','.join(expected)}")
        for lineno, row in enumerate(reader, start=2):
            code = (row["code"] or "").strip()
            region = (row["region"] or "").strip()
            names = {
                loc: unicodedata.normalize("NFC", (row[f"name_{loc}"] or "").strip())
                for loc in LOCALES
            }
            if region not in _CODE_RE or not _CODE_RE[region].match(code):
                raise ValueError(f"{path}:{lineno}: bad code/region {code!r}/{region!r}")
            if code in seen:
                raise ValueError(f"{path}:{lineno}: duplicate code {code}")
            if not all(names.values()):
                raise ValueError(f"{path}:{lineno}: {code} is missing a name")
            seen.add(code)
            aliases = tuple(
                unicodedata.normalize("NFC", a.strip())
                for a in (row["aliases"] or "").split("|")
                if a.strip()
            )
            provinces.append(Province(code, region, MappingProxyType(names), aliases))
    return tuple(provinces)


@functools.cache
def default_provinces() -> tuple[Province, ...]:
    """The bundled provinces, loaded once."""
    return load_provinces()


# --------------------------------------------------------------------------- normalising

# Characters dropped outright: Thai abbreviation mark (กรุงเทพฯ), Devanagari nukta (people
# often omit it: छत्तीसगढ / छत्तीसगढ़), zero-width characters and the BOM.
_DROP = frozenset("\u0e2f\u093c\u200b\u200c\u200d\u2060\ufeff")
_SPACES = re.compile(r"\s+")


def _is_latin(ch: str) -> bool:
    return "LATIN" in unicodedata.name(ch, "")


def normalize_name(text: str) -> str:
    """NFC, casefold, Latin diacritics removed, punctuation/symbols -> spaces, spaces collapsed.

    Thai and Devanagari vowel signs and tone marks are kept (they are part of the spelling).
    """
    text = unicodedata.normalize("NFC", text).casefold().replace("&", " and ")
    out: list[str] = []
    for ch in text:
        if ch in _DROP or "\u0300" <= ch <= "\u036f":  # combining diacritics (Latin)
            continue
        cat = unicodedata.category(ch)
        if cat[0] in "PSZC":
            out.append(" ")
        elif ord(ch) > 0x7F and _is_latin(ch):
            out.append(unicodedata.normalize("NFD", ch)[0])
        else:
            out.append(ch)
    return _SPACES.sub(" ", "".join(out)).strip()


def _compact(key: str) -> str:
    return key.replace(" ", "")


# Words around a name that are not part of it ("Chiang Mai province", "จังหวัดภูเก็ต",
# "महाराष्ट्र राज्य"). Stripping is only ever tried after the full text failed to match, so
# names that contain such a word ("उत्तर प्रदेश", "मध्य प्रदेश") still match as they are.
# Latin and Devanagari affixes must be whole words; Thai is written without spaces, so Thai
# affixes are plain string prefixes/suffixes.
_WORD_PREFIXES = (
    "the state of",
    "state of",
    "province of",
    "union territory of",
    "ut of",
    "changwat",
    "the",
    "राज्य",
)
_WORD_SUFFIXES = (
    "province",
    "state",
    "changwat",
    "union territory",
    "ut",
    "thailand",
    "india",
    "राज्य",
    "प्रदेश",
    "प्रांत",
    "प्रान्त",
    "केंद्र शासित प्रदेश",
    "केन्द्र शासित प्रदेश",
    "भारत",
    "थाईलैंड",
)
# "จ." has become "จ " after punctuation was turned into spaces.
_THAI_PREFIXES = ("จังหวัด", "จ ", "รัฐ")
_THAI_SUFFIXES = ("ประเทศไทย", "ประเทศอินเดีย", "อินเดีย", "ไทย")
_MAX_VARIANTS = 16


def _strip_once(text: str) -> Iterator[str]:
    for p in _WORD_PREFIXES:
        if text.startswith(p + " "):
            yield text[len(p) + 1 :].strip()
    for s in _WORD_SUFFIXES:
        if text.endswith(" " + s):
            yield text[: -len(s) - 1].strip()
    for p in _THAI_PREFIXES:
        if text.startswith(p) and len(text) > len(p):
            yield text[len(p) :].strip()
    for s in _THAI_SUFFIXES:
        if text.endswith(s) and len(text) > len(s):
            yield text[: -len(s)].strip()


def _variants(normalized: str) -> list[str]:
    """The text itself first, then with affix words stripped (breadth first)."""
    found = [normalized]
    i = 0
    while i < len(found) and len(found) < _MAX_VARIANTS:
        for nxt in _strip_once(found[i]):
            if nxt and nxt not in found:
                found.append(nxt)
        i += 1
    return found[:_MAX_VARIANTS]


# --------------------------------------------------------------------------- matching


def match_province(
    text: str, provinces: Sequence[Province], region: str | None = None
) -> list[Province]:
    """Provinces the user may mean by ``text``, best first.

    An exact match on a name (any script), alias or ISO code, ignoring case, punctuation,
    spaces and words such as "province" / "จังหวัด" / "राज्य", returns that single province.
    Otherwise up to five fuzzy candidates (difflib ratio >= 0.75) are returned, best first;
    ``[]`` when nothing is close. ``region`` ("TH" / "IN") restricts the search. Never raises.
    """
    if not isinstance(text, str) or len(text) > MAX_INPUT_CHARS:
        return []
    if region is not None:
        region = region.strip().upper() if isinstance(region, str) else ""
        if region not in REGION_TIMEZONES:
            return []
    pool = [p for p in provinces if isinstance(p, Province) and region in (None, p.region)]
    normalized = normalize_name(text)
    if not pool or not normalized:
        return []
    variants = _variants(normalized)

    exact = _exact_matches(variants, pool)
    if exact:
        return exact
    return _fuzzy_matches(variants, pool)


def _exact_matches(variants: list[str], pool: list[Province]) -> list[Province]:
    spaced: dict[str, list[Province]] = {}
    compact: dict[str, list[Province]] = {}
    for p in pool:
        for key in (*p._match_keys, normalize_name(p.code)):
            for index, k in ((spaced, key), (compact, _compact(key))):
                hits = index.setdefault(k, [])
                if p not in hits:
                    hits.append(p)
    for v in variants:
        hits = spaced.get(v) or compact.get(_compact(v)) or []
        if hits:
            # The bundled data has no ambiguous key (a test checks it); a caller's own data
            # might, in which case every province it names is returned.
            return sorted(hits, key=lambda p: p.code)
    return []


def _fuzzy_matches(variants: list[str], pool: list[Province]) -> list[Province]:
    queries = list(dict.fromkeys([*variants, *(_compact(v) for v in variants)]))
    scored: list[tuple[float, str, Province]] = []
    for p in pool:
        best = 0.0
        for key in p._match_keys:
            for candidate in (key, _compact(key)):
                for q in queries:
                    best = max(best, _ratio(q, candidate, best))
        if best >= FUZZY_CUTOFF:
            scored.append((best, p.code, p))
    scored.sort(key=lambda t: (-t[0], t[1]))
    return [p for _, _, p in scored[:FUZZY_LIMIT]]


def _ratio(a: str, b: str, floor: float) -> float:
    """difflib ratio of ``a`` and ``b``, or 0.0 when it cannot beat ``floor`` or the cutoff."""
    threshold = max(floor, FUZZY_CUTOFF)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
        return 0.0
    return matcher.ratio()


# --------------------------------------------------------------------------- location pins

# Latitude/longitude extents (decimal degrees, inclusive): (south, north, west, east).
_EXTENTS: Mapping[str, tuple[float, float, float, float]] = MappingProxyType(
    {
        # Thailand: southernmost 5°37′N (Betong, Yala), northernmost 20°27′N (Mae Sai,
        # Chiang Rai), westernmost 97°22′E (Mae Hong Son), easternmost 105°37′E (Khong Chiam,
        # Ubon Ratchathani). Source: the extreme points of Thailand as commonly published
        # (e.g. "Geography of Thailand", Wikipedia).
        "TH": (5 + 37 / 60, 20 + 27 / 60, 97 + 22 / 60, 105 + 37 / 60),
        # India: southernmost 6°44′N (Indira Point, Great Nicobar), northern limit 35.5°N
        # (Karakoram Pass area of Ladakh; the claimed area up to ~37°N is not needed),
        # westernmost 68°7′E (Kutch, Gujarat), easternmost 97°25′E (Kibithu area, Arunachal
        # Pradesh). Source: the extreme points of India as commonly published (National
        # Portal of India, india.gov.in, "India at a glance"; "Extreme points of India",
        # Wikipedia).
        "IN": (6 + 44 / 60, 35.5, 68 + 7 / 60, 97 + 25 / 60),
    }
)


def region_of_point(lat: Decimal | float, lon: Decimal | float) -> str | None:
    """The region ("TH" or "IN") whose latitude/longitude extent contains the point, or None.

    This is a bounding-box test, good enough to pick the region of a shared location pin;
    it does not exclude neighbouring countries inside the boxes. Where the two boxes overlap
    (about 97.37–97.42°E), the country whose box centre is nearer wins.
    """
    try:
        y, x = float(lat), float(lon)
    except (TypeError, ValueError, OverflowError):
        return None
    if not (math.isfinite(y) and math.isfinite(x)):
        return None
    inside = [
        (math.hypot(y - (s + n) / 2, x - (w + e) / 2), region)
        for region, (s, n, w, e) in _EXTENTS.items()
        if s <= y <= n and w <= x <= e
    ]
    if not inside:
        return None
    return min(inside)[1]
