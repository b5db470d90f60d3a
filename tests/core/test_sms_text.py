"""Tests for SMS segment arithmetic and splitting."""

from __future__ import annotations

import random
import re
import unicodedata

import pytest

from core.sms_text import (
    GSM7_BASIC,
    GSM7_EXTENSION,
    encoding,
    is_gsm7,
    pack_blocks,
    segment_count,
    split_message,
    text_units,
    to_gsm_friendly,
)

THAI = "สวัสดีครับ"  # 10 code points, two of them combining marks
# Thai consonants only (no marks), so the count of characters equals code units.
THAI_CONSONANTS = "กขคงจฉชซญดตถทนบปผพฟภมยรลวสหอฮ"
HINDI = "नमस्ते दुनिया"
WORDS = ("bin", "collection", "recycling", "Tuesday", "compost", "glass", "route", "stop")


def _limit(text: str, max_segments: int) -> int:
    """Unit budget of one message, per the module's own encoding of the text."""
    if encoding(text) == "GSM-7":
        return 160 if max_segments == 1 else 153 * max_segments
    return 70 if max_segments == 1 else 67 * max_segments


def _no_space(text: str) -> str:
    """The text without whitespace, to compare content across split points."""
    return re.sub(r"\s", "", text)


def _english(rng: random.Random, words: int) -> str:
    """Random English-ish prose with occasional line and paragraph breaks."""
    out: list[str] = []
    for _ in range(words):
        out.append(rng.choice(WORDS))
        out.append(rng.choice((" ", " ", " ", " ", "\n", "\n\n")))
    return "".join(out)


def test_alphabet_tables_match_3gpp_ts_23_038() -> None:
    # 128 code points minus the escape 0x1B; 9 extension characters plus form feed.
    assert len(GSM7_BASIC) == 127
    assert len(GSM7_EXTENSION) == 10
    assert not GSM7_BASIC & GSM7_EXTENSION
    assert {"@", "£", "Δ", "¿", "à", "\n", "\r"} <= GSM7_BASIC
    assert "`" not in GSM7_BASIC and "\x1b" not in GSM7_BASIC


@pytest.mark.parametrize(
    ("length", "segments"), [(0, 0), (1, 1), (160, 1), (161, 2), (306, 2), (307, 3)]
)
def test_gsm_segment_boundaries(length: int, segments: int) -> None:
    text = "a" * length
    assert encoding(text) == "GSM-7"
    assert segment_count(text) == segments


@pytest.mark.parametrize(("length", "segments"), [(70, 1), (71, 2), (134, 2), (135, 3), (300, 5)])
def test_thai_segment_boundaries(length: int, segments: int) -> None:
    text = (THAI_CONSONANTS * 20)[:length]
    assert encoding(text) == "UCS-2"
    assert text_units(text) == length
    assert segment_count(text) == segments


def test_thai_and_hindi_are_always_ucs2() -> None:
    assert encoding(THAI) == "UCS-2"
    assert encoding(HINDI) == "UCS-2"
    assert not is_gsm7("ก")


def test_extension_characters_count_double() -> None:
    assert is_gsm7("{[~]}|^\\€\f")
    assert text_units("a{b") == 4
    assert text_units("€" * 80) == 160
    assert segment_count("€" * 80) == 1
    assert segment_count("€" * 81) == 2


def test_one_emoji_switches_to_ucs2_and_counts_two_units() -> None:
    text = "Pickup at 9" + "😀"
    assert encoding("Pickup at 9") == "GSM-7"
    assert encoding(text) == "UCS-2"
    assert text_units(text) == 11 + 2
    # 69 units would be one segment; the emoji's 2 units tip it over 70.
    assert segment_count("a" * 68 + "😀") == 1
    assert segment_count("a" * 69 + "😀") == 2


def test_pairs_straddling_a_segment_boundary_move_whole() -> None:
    # 152 + 2 + 152 = 306 septets, but "{" cannot start at septet 153 of segment one.
    assert segment_count("a" * 152 + "{" + "a" * 152) == 3
    # Likewise a surrogate pair cannot start at unit 67 of a UCS-2 segment.
    assert segment_count("ก" * 66 + "😀" + "ก" * 66) == 3


def test_escape_pair_is_never_split() -> None:
    text = "a" * 159 + "{" + "b" * 10
    pieces = split_message(text)
    assert pieces == ["a" * 159, "{" + "b" * 10]
    assert all(text_units(piece) <= 160 for piece in pieces)


def test_surrogate_pair_is_never_split() -> None:
    text = "ก" * 69 + "😀" + "ก" * 5
    pieces = split_message(text)
    assert pieces == ["ก" * 69, "😀" + "ก" * 5]
    # Python strings index code points, so a lone surrogate would show up here.
    assert all(not 0xD800 <= ord(char) <= 0xDFFF for piece in pieces for char in piece)


def test_split_never_cuts_english_words() -> None:
    rng = random.Random(2024)
    for max_segments in (1, 2, 3):
        text = _english(rng, 200)
        pieces = split_message(text, max_segments)
        assert len(pieces) > 1
        assert [word for piece in pieces for word in piece.split()] == text.split()


def test_split_prefers_paragraph_then_line_breaks() -> None:
    first = "Stop one. " * 10
    second = "Stop two. " * 10
    pieces = split_message(first + "\n\n" + second)
    assert pieces == [first.strip(), second.strip()]
    pieces = split_message(first + "\n" + second)
    assert pieces == [first.strip(), second.strip()]


def test_every_piece_fits_its_limit() -> None:
    rng = random.Random(7)
    alphabet = list("abc xyz\n{€") + list(THAI_CONSONANTS[:5]) + ["😀", "ี", " "]
    texts = [_english(rng, 150), "".join(rng.choice(alphabet) for _ in range(900))]
    texts += ["x" * 1000, THAI * 60, HINDI * 40, "{" * 500, "😀" * 300]
    for text in texts:
        for max_segments in (1, 2, 4, 20):
            pieces = split_message(text, max_segments)
            assert _no_space("".join(pieces)) == _no_space(text)
            for piece in pieces:
                assert piece == piece.strip() and piece
                assert text_units(piece) <= _limit(piece, max_segments)
                assert segment_count(piece) <= max_segments
                assert len(piece) <= 1600


def test_long_single_word_is_hard_split() -> None:
    pieces = split_message("x" * 400)
    assert pieces == ["x" * 160, "x" * 160, "x" * 80]


def test_thai_without_spaces_keeps_combining_marks_with_their_base() -> None:
    text = THAI * 30  # 300 code points, no spaces
    pieces = split_message(text)
    assert "".join(pieces) == text
    assert len(pieces) > 1
    for piece in pieces:
        assert text_units(piece) <= 70
        assert unicodedata.category(piece[0]) not in {"Mn", "Mc"}
        assert piece[0] != "\u0e33"  # SARA AM belongs to the syllable before it


def test_hindi_split_keeps_matras_and_virama_attached() -> None:
    text = "नमस्ते" * 30
    pieces = split_message(text)
    assert "".join(pieces) == text
    for piece in pieces:
        assert unicodedata.category(piece[0]) not in {"Mn", "Mc"}
        assert piece[-1] != "\u094d"  # a virama joins the next consonant


def test_split_empty_and_fitting_text() -> None:
    assert split_message("") == []
    assert split_message("  \n ") == []
    assert split_message("  Bin day is Tuesday.\n") == ["Bin day is Tuesday."]


def test_split_rejects_zero_segments() -> None:
    with pytest.raises(ValueError, match="max_segments"):
        split_message("hello", 0)


def test_to_gsm_friendly_converts_english_typography() -> None:
    text = "“Don’t” put glass – or cans… in the\u00a0bin • 2×"
    friendly = to_gsm_friendly(text)
    assert friendly == '"Don\'t" put glass - or cans... in the bin - 2x'
    assert encoding(text) == "UCS-2"
    assert encoding(friendly) == "GSM-7"


def test_to_gsm_friendly_leaves_thai_untouched() -> None:
    text = "“ขยะ” – วันอังคาร…"
    assert to_gsm_friendly(text) == text
    assert to_gsm_friendly(HINDI) == HINDI


def test_pack_blocks_keeps_blocks_whole_and_in_order() -> None:
    blocks = [f"{n}. Stop at {n * 11} Sukhumvit Rd, bins out by 7am" for n in range(1, 13)]
    messages = pack_blocks(blocks)
    assert 1 < len(messages) < len(blocks)
    assert [line for message in messages for line in message.split("\n")] == blocks
    assert all(segment_count(message) == 1 for message in messages)


def test_pack_blocks_uses_more_segments_when_allowed() -> None:
    blocks = [f"{n}. Stop at Market Rd {n}" for n in range(1, 21)]
    assert len(pack_blocks(blocks, max_segments=3)) < len(pack_blocks(blocks, max_segments=1))
    assert pack_blocks(blocks, max_segments=10, separator=" | ") == [" | ".join(blocks)]


def test_pack_blocks_splits_only_an_oversized_block() -> None:
    big = "word " * 60
    messages = pack_blocks(["1. short", big, "3. short"])
    assert messages[0] == "1. short"
    assert all(segment_count(message) == 1 for message in messages)
    assert _no_space("".join(messages)) == _no_space("1. short" + big + "3. short")
    assert messages[-1].endswith("3. short")
