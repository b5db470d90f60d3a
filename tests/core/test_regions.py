"""Tests for the province/state list, name matching and location-pin regions."""

from __future__ import annotations

import random
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from core.users.regions import (
    DEFAULT_PROVINCES_PATH,
    REGION_TIMEZONES,
    Province,
    default_provinces,
    load_provinces,
    match_province,
    normalize_name,
    region_of_point,
)

THAI = re.compile(r"^[\u0e00-\u0e7f ]+$")
DEVANAGARI = re.compile(r"^[\u0900-\u097f ]+$")

# ISO 3166-2:TH: 76 changwat + Bangkok (TH-10).
TH_CODES = {
    f"TH-{n}"
    for n in (
        *range(10, 28),
        *range(30, 50),
        *range(50, 59),
        *range(60, 68),
        *range(70, 78),
        *range(80, 87),
        *range(90, 97),
    )
}
# ISO 3166-2:IN after the 2023-11-23 update: 28 states + 8 union territories.
IN_STATES = {
    "AP", "AR", "AS", "BR", "CG", "GA", "GJ", "HR", "HP", "JH", "KA", "KL", "MP", "MH",
    "MN", "ML", "MZ", "NL", "OD", "PB", "RJ", "SK", "TN", "TS", "TR", "UP", "UK", "WB",
}  # fmt: skip
IN_UTS = {"AN", "CH", "DH", "DL", "JK", "LA", "LD", "PY"}


@pytest.fixture(scope="module")
def provinces() -> tuple[Province, ...]:
    return load_provinces()


def by_code(provinces: tuple[Province, ...], code: str) -> Province:
    return next(p for p in provinces if p.code == code)


def codes(found: list[Province]) -> list[str]:
    return [p.code for p in found]


# --------------------------------------------------------------------------- data


def test_counts(provinces: tuple[Province, ...]) -> None:
    counts = Counter(p.region for p in provinces)
    assert counts == {"TH": 77, "IN": 36}
    assert len(IN_STATES) == 28 and len(IN_UTS) == 8 and len(TH_CODES) == 77


def test_codes_are_unique_iso_codes(provinces: tuple[Province, ...]) -> None:
    all_codes = [p.code for p in provinces]
    assert len(all_codes) == len(set(all_codes))
    for p in provinces:
        assert p.code.startswith(p.region + "-")
        assert re.fullmatch(r"TH-\d{2}|IN-[A-Z]{2}", p.code), p.code
    assert {p.code for p in provinces if p.region == "TH"} == TH_CODES
    assert {p.code for p in provinces if p.region == "IN"} == {
        f"IN-{c}" for c in IN_STATES | IN_UTS
    }


def test_examples_from_the_iso_lists(provinces: tuple[Province, ...]) -> None:
    expected = {
        "TH-10": "Bangkok",
        "TH-30": "Nakhon Ratchasima",
        "TH-38": "Bueng Kan",
        "TH-50": "Chiang Mai",
        "TH-57": "Chiang Rai",
        "TH-83": "Phuket",
        "TH-96": "Narathiwat",
        "IN-MH": "Maharashtra",
        "IN-DL": "Delhi",
        "IN-KA": "Karnataka",
        "IN-LA": "Ladakh",
        "IN-DH": "Dadra and Nagar Haveli and Daman and Diu",
        "IN-OD": "Odisha",
        "IN-UK": "Uttarakhand",
    }
    for code, name in expected.items():
        assert by_code(provinces, code).name("en") == name


def test_every_row_has_names_in_three_scripts(provinces: tuple[Province, ...]) -> None:
    for p in provinces:
        en, th, hi = p.names["en"], p.names["th"], p.names["hi"]
        assert en and th and hi, p.code
        assert en.isascii(), p.code
        assert THAI.match(th), (p.code, th)
        assert DEVANAGARI.match(hi), (p.code, hi)
        assert all(a and a == a.strip() for a in p.aliases), p.code


def test_no_name_or_alias_is_ambiguous(provinces: tuple[Province, ...]) -> None:
    owners: dict[str, set[str]] = {}
    for p in provinces:
        for raw in (*p.names.values(), *p.aliases, p.code):
            key = normalize_name(raw)
            for k in (key, key.replace(" ", "")):
                owners.setdefault(k, set()).add(p.code)
    clashes = {k: v for k, v in owners.items() if len(v) > 1}
    assert clashes == {}


def test_cities_are_not_aliases(provinces: tuple[Province, ...]) -> None:
    aliases = {normalize_name(a) for p in provinces for a in p.aliases}
    assert not aliases & {"bombay", "mumbai", "pattaya", "hat yai", "hua hin", "surat"}


def test_selected_aliases(provinces: tuple[Province, ...]) -> None:
    assert {"bkk", "krung thep", "กรุงเทพ", "กทม"} <= set(by_code(provinces, "TH-10").aliases)
    assert {"korat", "โคราช"} <= set(by_code(provinces, "TH-30").aliases)
    assert {"new delhi", "ncr"} <= set(by_code(provinces, "IN-DL").aliases)
    assert "orissa" in by_code(provinces, "IN-OD").aliases
    assert "pondicherry" in by_code(provinces, "IN-PY").aliases
    assert "j&k" in by_code(provinces, "IN-JK").aliases


def test_province_name_by_locale(provinces: tuple[Province, ...]) -> None:
    bkk = by_code(provinces, "TH-10")
    assert bkk.name("en") == "Bangkok"
    assert bkk.name("th") == "กรุงเทพมหานคร"
    assert bkk.name("th-TH") == "กรุงเทพมหานคร"
    assert bkk.name("hi_IN") == "बैंकॉक"
    assert bkk.name("fr") == "Bangkok"
    assert bkk.name("") == "Bangkok"
    cm = by_code(provinces, "TH-50")
    assert (cm.name("th"), cm.name("hi")) == ("เชียงใหม่", "चियांग माई")
    mh = by_code(provinces, "IN-MH")
    assert (mh.name("hi"), mh.name("th")) == ("महाराष्ट्र", "มหาราษฏระ")


def test_province_is_frozen_and_hashable(provinces: tuple[Province, ...]) -> None:
    p = by_code(provinces, "TH-50")
    assert len(set(provinces)) == len(provinces)
    with pytest.raises(AttributeError):
        p.code = "TH-57"  # type: ignore[misc]
    with pytest.raises(TypeError):
        p.names["en"] = "x"  # type: ignore[index]
    assert p.timezone == "Asia/Bangkok"
    assert by_code(provinces, "IN-KA").timezone == "Asia/Kolkata"


def test_region_timezones() -> None:
    assert dict(REGION_TIMEZONES) == {"TH": "Asia/Bangkok", "IN": "Asia/Kolkata"}


def test_default_provinces_is_cached_and_equal_to_a_fresh_load() -> None:
    assert default_provinces() is default_provinces()
    assert default_provinces() == load_provinces(DEFAULT_PROVINCES_PATH)


def test_load_rejects_malformed_files(tmp_path: Path) -> None:
    header = "code,region,name_en,name_th,name_hi,aliases\n"
    bad = {
        "header": "code,name\nTH-10,Bangkok\n",
        "region": header + "TH-10,XX,Bangkok,กรุงเทพมหานคร,बैंकॉक,\n",
        "code": header + "IN-10,IN,Bangkok,กรุงเทพมหานคร,बैंकॉक,\n",
        "dup": header + "TH-10,TH,A,ก,क,\nTH-10,TH,B,ข,ख,\n",
        "name": header + "TH-10,TH,Bangkok,,बैंकॉक,\n",
    }
    for name, content in bad.items():
        path = tmp_path / f"{name}.csv"
        path.write_text(content, encoding="utf-8")
        with pytest.raises(ValueError):
            load_provinces(path)
    good = tmp_path / "good.csv"
    good.write_text(header + "TH-10,TH,Bangkok,กรุงเทพมหานคร,बैंकॉक, bkk | |กทม\n", "utf-8")
    (only,) = load_provinces(good)
    assert only.aliases == ("bkk", "กทม")


# --------------------------------------------------------------------------- matching


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Bangkok", "TH-10"),
        ("กรุงเทพ", "TH-10"),
        ("กรุงเทพฯ", "TH-10"),
        ("กทม", "TH-10"),
        ("กทม.", "TH-10"),
        ("  BKK ", "TH-10"),
        ("Krung Thep Maha Nakhon", "TH-10"),
        ("बैंकॉक", "TH-10"),
        ("เชียงใหม่", "TH-50"),
        ("Chiang mai", "TH-50"),
        ("chiangmai", "TH-50"),
        ("Chiang Mai province", "TH-50"),
        ("Chiang Mai, Thailand", "TH-50"),
        ("चियांग माई", "TH-50"),
        ("จังหวัดภูเก็ต", "TH-83"),
        ("จังหวัด ภูเก็ต", "TH-83"),
        ("จ.ภูเก็ต", "TH-83"),
        ("Phuket", "TH-83"),
        ("korat", "TH-30"),
        ("โคราช", "TH-30"),
        ("Phang-Nga", "TH-82"),
        ("Phangnga", "TH-82"),
        ("TH-50", "TH-50"),
        ("महाराष्ट्र", "IN-MH"),
        ("maharashtra", "IN-MH"),
        ("MAHARASHTRA STATE", "IN-MH"),
        ("महाराष्ट्र राज्य", "IN-MH"),
        ("มหาราษฏระ", "IN-MH"),
        ("รัฐมหาราษฏระ", "IN-MH"),
        ("Delhi", "IN-DL"),
        ("New Delhi", "IN-DL"),
        ("दिल्ली", "IN-DL"),
        ("उत्तर प्रदेश", "IN-UP"),
        ("Uttar Pradesh state", "IN-UP"),
        ("Uttar Pradesh", "IN-UP"),
        ("मध्य प्रदेश", "IN-MP"),
        ("Madhya Pradesh", "IN-MP"),
        ("Orissa", "IN-OD"),
        ("उड़ीसा", "IN-OD"),
        ("Pondicherry", "IN-PY"),
        ("J&K", "IN-JK"),
        ("Jammu & Kashmir", "IN-JK"),
        ("Jammu and Kashmir", "IN-JK"),
        ("छत्तीसगढ़", "IN-CG"),
        ("छत्तीसगढ", "IN-CG"),  # without the nukta
        ("Andaman & Nicobar Islands", "IN-AN"),
        ("Tamilnadu", "IN-TN"),
        ("the state of Karnataka", "IN-KA"),
    ],
)
def test_exact_matches(provinces: tuple[Province, ...], text: str, code: str) -> None:
    assert codes(match_province(text, provinces)) == [code]


def test_pradesh_stripped_only_when_the_rest_matches(provinces: tuple[Province, ...]) -> None:
    # "प्रदेश" is part of these names; the whole name must win over any stripped form.
    assert codes(match_province("हिमाचल प्रदेश", provinces)) == ["IN-HP"]
    assert codes(match_province("अरुणाचल प्रदेश", provinces)) == ["IN-AR"]
    # ...and it is stripped when it is just a trailing word after a complete name.
    assert codes(match_province("महाराष्ट्र प्रदेश", provinces)) == ["IN-MH"]
    assert codes(match_province("चियांग माई प्रांत", provinces)) == ["TH-50"]
    # "उत्तर" alone is not Uttar Pradesh (nor anything else).
    assert match_province("उत्तर", provinces) == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Chang Mai", "TH-50"),
        ("Chiang Maii", "TH-50"),
        ("เชียงใหม", "TH-50"),
        ("Maharastra", "IN-MH"),
        ("Karnatka", "IN-KA"),
        ("Nakhon Ratchasema", "TH-30"),
        ("Chang Mai province", "TH-50"),
        ("Telengana", "IN-TS"),
    ],
)
def test_typos_give_the_right_first_candidate(
    provinces: tuple[Province, ...], text: str, code: str
) -> None:
    found = match_province(text, provinces)
    assert found, text
    assert found[0].code == code
    assert 1 <= len(found) <= 5
    assert len(set(codes(found))) == len(found)


def test_fuzzy_candidates_are_ranked_and_limited(provinces: tuple[Province, ...]) -> None:
    found = match_province("Chang Mai", provinces)
    assert codes(found)[:2] == ["TH-50", "TH-57"]  # Chiang Mai before Chiang Rai
    # "Nakhon" appears in many Thai names; never more than five candidates.
    assert len(match_province("Nakhon Sri", provinces)) <= 5


def test_region_restriction(provinces: tuple[Province, ...]) -> None:
    assert codes(match_province("Delhi", provinces, region="IN")) == ["IN-DL"]
    assert match_province("Delhi", provinces, region="TH") == []
    assert codes(match_province("Bangkok", provinces, region="th")) == ["TH-10"]
    assert match_province("Bangkok", provinces, region="IN") == []
    assert codes(match_province("Chang Mai", provinces, region="TH"))[0] == "TH-50"
    assert all(p.region == "IN" for p in match_province("Chang Mai", provinces, region="IN"))
    assert "TH-50" not in codes(match_province("Chang Mai", provinces, region="IN"))
    assert codes(match_province("Maharastra", provinces, region="IN"))[0] == "IN-MH"
    assert match_province("Maharastra", provinces, region="TH") == []
    assert match_province("Bangkok", provinces, region="FR") == []


def test_matching_a_subset(provinces: tuple[Province, ...]) -> None:
    only_india = [p for p in provinces if p.region == "IN"]
    assert match_province("Bangkok", only_india) == []
    assert codes(match_province("Goa", only_india)) == ["IN-GA"]
    assert match_province("Goa", []) == []


@pytest.mark.parametrize(
    "text",
    ["", "   ", "!!!", "?", "xyzzy", "qwertyuiop", "asdf jkl", "12345", "ฮฮฮฮฮ", "क्ष्ज्ञ", "🙂🙂",
     "hello there", "bombay"],
)  # fmt: skip
def test_gibberish_gives_nothing(provinces: tuple[Province, ...], text: str) -> None:
    assert match_province(text, provinces) == []


def test_never_raises(provinces: tuple[Province, ...]) -> None:
    rng = random.Random(20240601)
    alphabet = (
        "abcdefghijklmnopqrstuvwxyz ABC.-&|,'\"\t\n0123456789"
        "กขคงจฉชซญดตถทนบปผพฟภมยรลวสหอฮะาิีึืุูเแโใไ่้๊๋็์ฯๆ"
        "अआइईउऊएऐओऔकखगघचछजझटठडढणतथदधनपफबभमयरलवशषसह़ािीुूेैोौंः्ँ"
        "\u200b\u200d\ufeff\u0301\ud800\x00🙂"
    )
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        result = match_province(text, provinces)
        assert isinstance(result, list) and len(result) <= 5
        assert all(isinstance(p, Province) for p in result)
    for odd in (None, 42, b"Bangkok", ["Bangkok"], "x" * 10_000):
        assert match_province(odd, provinces) == []  # type: ignore[arg-type]
    assert match_province("Bangkok", provinces, region=7) == []  # type: ignore[arg-type]


# --------------------------------------------------------------------------- points


@pytest.mark.parametrize(
    ("lat", "lon", "region"),
    [
        (13.75, 100.5, "TH"),  # Bangkok
        (19.9, 99.8, "TH"),  # Chiang Rai
        (7.88, 98.39, "TH"),  # Phuket
        (Decimal("18.788"), Decimal("98.985"), "TH"),  # Chiang Mai, as stored by the ORM
        (19.07, 72.88, "IN"),  # Mumbai
        (22.57, 88.36, "IN"),  # Kolkata
        (28.61, 77.21, "IN"),  # New Delhi
        (34.15, 77.58, "IN"),  # Leh
        (Decimal("12.9716"), Decimal("77.5946"), "IN"),  # Bengaluru
        (48.8566, 2.3522, None),  # Paris
        (-33.87, 151.21, None),  # Sydney
        (0.0, 0.0, None),
        (40.0, 100.0, None),  # north of both boxes
    ],
)
def test_region_of_point(lat: Decimal | float, lon: Decimal | float, region: str | None) -> None:
    assert region_of_point(lat, lon) == region


def test_region_of_point_edges_and_overlap() -> None:
    # Thailand's extent is 5°37′N–20°27′N, 97°22′E–105°37′E; India's 6°44′N–35.5°N, 68°7′E–97°25′E.
    assert region_of_point(5 + 37 / 60, 101.0) == "TH"
    assert region_of_point(5.5, 101.0) is None
    assert region_of_point(20.5, 105.0) is None
    assert region_of_point(15.0, 105.7) is None
    assert region_of_point(35.5, 75.0) == "IN"
    assert region_of_point(35.6, 75.0) is None
    assert region_of_point(25.0, 68.0) is None
    # 97.40°E lies in both boxes; Thailand's box centre (~13.0°N, 101.5°E) is nearer than
    # India's (~21.1°N, 82.8°E) at these latitudes.
    assert region_of_point(15.0, 97.40) == "TH"
    assert region_of_point(20.0, 97.40) == "TH"
    # Just west of Thailand's box but inside India's.
    assert region_of_point(15.0, 97.3) == "IN"
    # Inside India's box only (north of Thailand's).
    assert region_of_point(27.0, 97.40) == "IN"


def test_region_of_point_bad_input() -> None:
    assert region_of_point(float("nan"), 100.0) is None
    assert region_of_point(13.75, float("inf")) is None
    assert region_of_point(Decimal("NaN"), Decimal("100")) is None
    assert region_of_point(Decimal("sNaN"), Decimal("100")) is None
    assert region_of_point(None, 100.0) is None  # type: ignore[arg-type]
