"""SMS segment arithmetic and message splitting, independent of any SMS provider."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Literal

Encoding = Literal["GSM-7", "UCS-2"]

# GSM 03.38 default alphabet, 3GPP TS 23.038 section 6.2.1, in table order (0x00-0x7F).
# 0x1B is the escape to the extension table, not a character, so it is left out (127 chars).
GSM7_BASIC: frozenset[str] = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
# Default extension table, 3GPP TS 23.038 section 6.2.1.1: each is ESC + code, i.e. 2 septets.
GSM7_EXTENSION: frozenset[str] = frozenset("\f^{}\\[~]|€")
_GSM7_ALL: frozenset[str] = GSM7_BASIC | GSM7_EXTENSION

# 140 octets of user data per SMS (3GPP TS 23.040 section 9.2.3.24): 160 septets or
# 70 UCS-2 units alone; the 6-octet concatenation header leaves 153 septets or 67 units.
# Twilio: https://www.twilio.com/docs/glossary/what-sms-character-limit
GSM7_SINGLE_LIMIT = 160
GSM7_SEGMENT_LIMIT = 153
UCS2_SINGLE_LIMIT = 70
UCS2_SEGMENT_LIMIT = 67
# Twilio rejects longer bodies (error 21617: https://www.twilio.com/docs/api/errors/21617);
# it says non-GSM characters can count as several, so we count UTF-16 code units.
TWILIO_MAX_BODY_CHARS = 1600

# Typographic characters that force UCS-2 for no visible gain, with GSM-7 stand-ins.
_GSM_FRIENDLY: tuple[tuple[str, str], ...] = (
    ("\u2018", "'"),  # left single quotation mark
    ("\u2019", "'"),  # right single quotation mark / apostrophe
    ("\u201a", "'"),  # single low-9 quotation mark
    ("\u201b", "'"),  # single high-reversed-9 quotation mark
    ("\u2032", "'"),  # prime
    ("\u201c", '"'),  # left double quotation mark
    ("\u201d", '"'),  # right double quotation mark
    ("\u201e", '"'),  # double low-9 quotation mark
    ("\u201f", '"'),  # double high-reversed-9 quotation mark
    ("\u2033", '"'),  # double prime
    ("\u2010", "-"),  # hyphen
    ("\u2011", "-"),  # non-breaking hyphen
    ("\u2013", "-"),  # en dash
    ("\u2014", "-"),  # em dash
    ("\u2212", "-"),  # minus sign
    ("\u2026", "..."),  # horizontal ellipsis
    ("\u00a0", " "),  # no-break space
    ("\u202f", " "),  # narrow no-break space
    ("\u2009", " "),  # thin space
    ("\u2022", "-"),  # bullet
    ("\u00d7", "x"),  # multiplication sign
)

# Break opportunities, best first: paragraph, line, then any whitespace except the
# no-break spaces (U+00A0, U+2007, U+202F), plus ZERO WIDTH SPACE, which Thai text
# uses to mark word boundaries it does not show (Unicode UAX #14, class ZW).
_BREAKS: tuple[re.Pattern[str], ...] = (
    re.compile(r"\n[^\S\n]*\n"),
    re.compile(r"\n"),
    re.compile(r"[^\S\u00a0\u2007\u202f]|\u200b"),
)
# Whitespace dropped around a split point, ZERO WIDTH SPACE included.
_LEADING_GAP = re.compile(r"^[\s\u200b]+")
_TRAILING_GAP = re.compile(r"[\s\u200b]+$")

# Unicode general categories of marks that attach to the preceding character (UAX #29).
_MARK_CATEGORIES = frozenset({"Mn", "Mc", "Me"})
# Attach to what precedes them: ZWJ, Thai/Lao SARA AM (Grapheme_Cluster_Break=SpacingMark,
# UAX #29 GraphemeBreakProperty.txt) and emoji skin-tone modifiers U+1F3FB..U+1F3FF.
_ATTACH_TO_PREVIOUS = frozenset(
    "\u200d\u0e33\u0eb3\U0001f3fb\U0001f3fc\U0001f3fd\U0001f3fe\U0001f3ff"
)
# Attach to what follows them: ZWJ, Devanagari virama (conjuncts, UAX #29 rule GB9c) and
# Thai leading vowels U+0E40..U+0E44, which are written before the consonant they belong to.
_ATTACH_TO_NEXT = frozenset("\u200d\u094d\u0e40\u0e41\u0e42\u0e43\u0e44")


def is_gsm7(text: str) -> bool:
    """True if every character is in the GSM-7 basic or extension table."""
    return all(char in _GSM7_ALL for char in text)


def encoding(text: str) -> Encoding:
    """The encoding an SMS carrying this text must use."""
    # A single character outside both tables forces the whole message to UCS-2.
    return "GSM-7" if is_gsm7(text) else "UCS-2"


def _utf16_units(text: str) -> int:
    """Number of UTF-16 code units (astral characters count 2)."""
    return len(text.encode("utf-16-le")) // 2


def _char_cost(char: str, enc: Encoding) -> int:
    """Units one character takes: escape pairs and surrogate pairs cost 2."""
    if enc == "GSM-7":
        return 2 if char in GSM7_EXTENSION else 1
    return 2 if ord(char) > 0xFFFF else 1


def text_units(text: str) -> int:
    """Septets for GSM-7 text, UTF-16 code units for UCS-2 text."""
    enc = encoding(text)
    if enc == "UCS-2":
        return _utf16_units(text)
    return sum(_char_cost(char, enc) for char in text)


def segment_count(text: str) -> int:
    """Number of SMS segments the text is sent as (0 for empty text)."""
    if not text:
        return 0
    enc = encoding(text)
    units = text_units(text)
    single, per_segment = _limits(enc)
    if units <= single:
        return 1
    # Pack character by character rather than dividing, because an escape pair or a
    # surrogate pair that straddles a boundary moves whole into the next segment.
    segments, used = 1, 0
    for char in text:
        cost = _char_cost(char, enc)
        if used + cost > per_segment:
            segments, used = segments + 1, 0
        used += cost
    return segments


def _limits(enc: Encoding) -> tuple[int, int]:
    """(single-message limit, per-segment limit when concatenated) for an encoding."""
    if enc == "GSM-7":
        return GSM7_SINGLE_LIMIT, GSM7_SEGMENT_LIMIT
    return UCS2_SINGLE_LIMIT, UCS2_SEGMENT_LIMIT


def to_gsm_friendly(text: str) -> str:
    """Swap typographic characters for GSM-7 ones if that makes the whole text GSM-7."""
    converted = text
    for fancy, plain in _GSM_FRIENDLY:
        converted = converted.replace(fancy, plain)
    # Partial conversion gains nothing: one non-GSM character keeps the message UCS-2.
    return converted if is_gsm7(converted) else text


def _fits(text: str, max_segments: int) -> bool:
    """True if the text goes out as one message of at most max_segments segments."""
    return segment_count(text) <= max_segments and _utf16_units(text) <= TWILIO_MAX_BODY_CHARS


def _longest_fitting_prefix(text: str, max_segments: int) -> int:
    """Length in characters of the longest prefix that fits."""
    # Fitting is monotone in prefix length, so binary search applies. Cutting between
    # Python characters never splits an escape pair or a surrogate pair.
    low, high = 1, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if _fits(text[:middle], max_segments):
            low = middle
        else:
            high = middle - 1
    return low


def _soft_break(text: str, limit: int) -> int | None:
    """Index of the best whitespace break at or before limit, or None."""
    latest: int | None = None
    for pattern in _BREAKS:
        starts = [m.start() for m in pattern.finditer(text, 0, limit + 1) if m.start() > 0]
        if not starts:
            continue
        # Prefer the better kind of break only while it still fills half the message,
        # so one early blank line does not produce a near-empty SMS.
        if starts[-1] * 2 >= limit:
            return starts[-1]
        latest = max(latest or 0, starts[-1])
    return latest


def _is_cluster_boundary(text: str, index: int) -> bool:
    """True if cutting before text[index] keeps every grapheme whole."""
    after, before = text[index], text[index - 1]
    if unicodedata.category(after) in _MARK_CATEGORIES:
        return False
    if after in _ATTACH_TO_PREVIOUS or before in _ATTACH_TO_NEXT:
        return False
    return not (_is_regional_indicator(after) and _odd_indicator_run(text, index))


def _is_regional_indicator(char: str) -> bool:
    """True for U+1F1E6..U+1F1FF, pairs of which form flag emoji."""
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _odd_indicator_run(text: str, index: int) -> bool:
    """True if an odd number of regional indicators ends just before index (mid-flag)."""
    run = 0
    while index - run - 1 >= 0 and _is_regional_indicator(text[index - run - 1]):
        run += 1
    return run % 2 == 1


def _hard_break(text: str, limit: int) -> int:
    """Latest grapheme-safe cut at or before limit, else limit itself."""
    for index in range(limit, 0, -1):
        if _is_cluster_boundary(text, index):
            return index
    # A single cluster longer than a message: cut it rather than loop forever.
    return limit


def split_message(text: str, max_segments: int = 1) -> list[str]:
    """Split text into stripped messages that each fit in max_segments segments."""
    if max_segments < 1:
        raise ValueError("max_segments must be at least 1")
    pieces: list[str] = []
    rest = _TRAILING_GAP.sub("", _LEADING_GAP.sub("", text))
    while rest:
        if _fits(rest, max_segments):
            pieces.append(rest)
            break
        limit = _longest_fitting_prefix(rest, max_segments)
        cut = _soft_break(rest, limit)
        if cut is None:
            cut = _hard_break(rest, limit)
        pieces.append(_TRAILING_GAP.sub("", rest[:cut]))
        rest = _LEADING_GAP.sub("", rest[cut:])
    return pieces


def pack_blocks(blocks: Sequence[str], max_segments: int = 1, separator: str = "\n") -> list[str]:
    """Greedily join whole blocks, in order, into as few fitting messages as possible."""
    if max_segments < 1:
        raise ValueError("max_segments must be at least 1")
    messages: list[str] = []
    current = ""
    for block in blocks:
        if not block.strip():
            continue
        candidate = f"{current}{separator}{block}" if current else block
        if _fits(candidate, max_segments):
            current = candidate
            continue
        if current:
            messages.append(current)
        parts = [block] if _fits(block, max_segments) else split_message(block, max_segments)
        # The tail of an oversized block may still share a message with the next blocks.
        messages.extend(parts[:-1])
        current = parts[-1]
    if current:
        messages.append(current)
    return messages
