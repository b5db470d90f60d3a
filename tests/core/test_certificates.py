"""Issuing certificates, finding them by code, and the PDF in English, Thai and Hindi."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import segno
import zxingcpp
from PIL import Image

from core.certificates import pdf, service
from core.certificates.service import (
    CODE_ALPHABET,
    MissingName,
    by_code,
    certificate_urls,
    issue,
    issued_on,
    new_code,
    normalise_code,
)
from core.settings import Settings
from core.training.models import Certificate, Module
from core.users.models import User
from core.users.service import CONSENT_VERSION
from tests.factories import CONSENTED_AT

NOW = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)
CODE = re.compile(rf"[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{2}}")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "certificates"
DPI = 100
TITLES = {"en": "Sorting household waste", "th": "การคัดแยกขยะในครัวเรือน",
          "hi": "घरेलू कचरे का पृथक्करण"}
HOLDERS = {"en": "Maria O'Neill", "th": "สมชาย ใจดี", "hi": "प्रिया शर्मा"}
ZONES = {"en": "Asia/Bangkok", "th": "Asia/Bangkok", "hi": "Asia/Kolkata"}
LOCALES = sorted(HOLDERS)


async def person(name: str = "Maria O'Neill", locale: str = "en") -> User:
    return await User.create(display_name=name, locale=locale, timezone=ZONES[locale],
                             consent_version=CONSENT_VERSION, consented_at=CONSENTED_AT)


async def module(code: str = "sorting", titles: dict[str, str] | None = None) -> Module:
    return await Module.create(code=code, titles=titles or TITLES, certificate=True,
                               published=True)


async def certificate_in(locale: str) -> Certificate:
    return await issue(await person(HOLDERS[locale], locale), await module(), NOW)


def verify_url(cert: Certificate) -> str:
    return f"https://wastenexus.test/verify/{cert.code}"


def rendered(cert: Certificate, name: str = "") -> tuple[bytes, Image.Image]:
    """The PDF and page 1 at 100 dpi, saved under test-artifacts/ for a person to look at."""
    data = pdf.render(cert, verify_url(cert))
    image = pdfium.PdfDocument(data)[0].render(scale=DPI / 72).to_pil().convert("RGB")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    image.save(ARTIFACTS / f"certificate-{name or cert.locale}.png")
    return data, image


def mm_to_px(mm: float) -> float:
    return mm / 25.4 * DPI


# --- issuing and finding ---------------------------------------------------------------


async def test_issue_twice_returns_the_same_certificate(db: str) -> None:
    user, sorting = await person(), await module()
    first = await issue(user, sorting, NOW)
    second = await issue(user, sorting, datetime(2026, 2, 1, tzinfo=UTC))
    assert second.id == first.id and second.code == first.code
    assert second.issued_at == first.issued_at
    assert await Certificate.filter(user=user).count() == 1


async def test_concurrent_issues_make_one_certificate(db: str) -> None:
    user, sorting = await person(), await module()
    first, second = await asyncio.gather(issue(user, sorting, NOW), issue(user, sorting, NOW))
    assert first.code == second.code
    assert await Certificate.filter(user=user).count() == 1


async def test_issue_draws_again_when_a_code_is_taken(
        db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    taken = (await certificate_in("en")).code
    codes = iter([taken, "2345-6789-AB"])
    monkeypatch.setattr(service, "new_code", lambda: next(codes))
    cert = await issue(await person("Asha"), await Module.get(code="sorting"), NOW)
    assert cert.code == "2345-6789-AB"


async def test_issue_refuses_a_person_without_a_name(db: str) -> None:
    user = await person(name="  ")
    with pytest.raises(MissingName):
        await issue(user, await module(), NOW)
    assert await Certificate.all().count() == 0


async def test_issue_snapshots_name_title_and_locale_of_the_holder(db: str) -> None:
    cert = await certificate_in("th")
    assert (cert.holder_name, cert.module_title, cert.locale) == (
        "สมชาย ใจดี", "การคัดแยกขยะในครัวเรือน", "th")


async def test_issue_falls_back_to_the_english_title(db: str) -> None:
    cert = await issue(await person("Asha", "hi"), await module(titles={"en": "Composting"}), NOW)
    assert cert.module_title == "Composting" and cert.locale == "hi"


async def test_issued_codes_are_unique_and_well_formed(db: str) -> None:
    sorting = await module()
    certs = [await issue(await person(f"Person {i}"), sorting, NOW) for i in range(20)]
    codes = {cert.code for cert in certs}
    assert len(codes) == 20 and all(CODE.fullmatch(code) for code in codes)


def test_new_codes_use_only_the_unambiguous_alphabet() -> None:
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000 and all(CODE.fullmatch(code) for code in codes)
    assert not set("01ILOU") & set("".join(codes))


def test_normalise_code_accepts_lower_case_spaces_and_missing_dashes() -> None:
    assert normalise_code(" k7q2 m9xd 4p ") == "K7Q2-M9XD-4P"
    assert normalise_code("K7Q2M9XD4P") == "K7Q2-M9XD-4P"
    assert normalise_code("k7q2-m9xd-4p") == "K7Q2-M9XD-4P"


def test_normalise_code_refuses_wrong_length_or_letters() -> None:
    assert normalise_code("K7Q2-M9XD") is None
    assert normalise_code("K7Q2-M9XD-4O") is None  # O is not in the alphabet
    assert normalise_code("") is None


async def test_by_code_finds_the_certificate_as_typed(db: str) -> None:
    cert = await certificate_in("en")
    typed = cert.code.lower().replace("-", " ")
    found = await by_code(typed)
    assert found is not None and found.id == cert.id
    assert isinstance(found.user, User)  # loaded, for the issue date in the holder's zone


async def test_by_code_is_none_for_an_unknown_or_malformed_code(db: str) -> None:
    await certificate_in("en")
    assert await by_code("2345-6789-AB") is None
    assert await by_code("<script>") is None


async def test_issued_on_is_the_day_in_the_holders_time_zone(db: str) -> None:
    late = datetime(2026, 1, 5, 20, 0, tzinfo=UTC)  # already 6 January in Bangkok
    cert = await issue(await person(), await module(), late)
    assert issued_on(cert) == date(2026, 1, 6)


def test_certificate_urls_are_under_the_public_base_url() -> None:
    settings = Settings(_env_file=None, public_base_url="https://wn.example/")  # type: ignore[call-arg]
    cert = Certificate(code="K7Q2-M9XD-4P")
    urls = certificate_urls(settings, cert)
    assert urls.pdf == "https://wn.example/certificates/K7Q2-M9XD-4P.pdf"
    assert urls.verify == "https://wn.example/verify/K7Q2-M9XD-4P"


# --- the PDF ---------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
async def test_pdf_is_one_a4_landscape_page(db: str, locale: str) -> None:
    data, _ = rendered(await certificate_in(locale))
    document = pdfium.PdfDocument(data)
    assert len(document) == 1
    width, height = document[0].get_size()  # points
    assert (round(width), round(height)) == (842, 595)


@pytest.mark.parametrize("locale", LOCALES)
async def test_page_has_ink_outside_the_qr_code(db: str, locale: str) -> None:
    _, image = rendered(await certificate_in(locale))
    grey = image.convert("L")
    left = grey.crop((0, 0, round(mm_to_px(pdf.QR_X)), grey.height))
    dark = sum(left.histogram()[:128])
    assert dark > 0.01 * left.width * left.height


@pytest.mark.parametrize("locale", LOCALES)
async def test_qr_code_decodes_to_the_verify_url(db: str, locale: str) -> None:
    cert = await certificate_in(locale)
    _, image = rendered(cert)
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [verify_url(cert)]


@pytest.mark.parametrize("locale", LOCALES)
async def test_qr_modules_are_drawn_where_the_layout_puts_them(db: str, locale: str) -> None:
    cert = await certificate_in(locale)
    _, image = rendered(cert)
    grey = image.convert("L")
    matrix = [list(row) for row in segno.make(verify_url(cert), error="m").matrix_iter(
        border=pdf.QR_BORDER)]
    module_px = mm_to_px(pdf.QR_SIZE) / len(matrix)
    x0, y0 = mm_to_px(pdf.QR_X), mm_to_px(pdf.QR_Y)
    pixels = grey.tobytes()  # one byte per pixel, row after row

    def dark(x: float, y: float) -> bool:
        return pixels[round(y) * grey.width + round(x)] < 128

    drawn = [[dark(x0 + (c + 0.5) * module_px, y0 + (r + 0.5) * module_px)
              for c in range(len(row))] for r, row in enumerate(matrix)]
    assert drawn == [[bool(v) for v in row] for row in matrix]


@pytest.mark.parametrize("locale", LOCALES)
async def test_pdf_text_has_the_name_title_code_and_verify_url(db: str, locale: str) -> None:
    cert = await certificate_in(locale)
    data, _ = rendered(cert)
    text = pdfium.PdfDocument(data)[0].get_textpage().get_text_range()
    lines = text.splitlines()
    assert HOLDERS[locale] in lines and TITLES[locale] in lines
    assert cert.code in lines and pdf.WORDING[locale]["title"] in lines
    assert pdf.WORDING[locale]["verify"].format(url=verify_url(cert)) in lines


async def test_pdf_date_is_formatted_for_the_locale(db: str) -> None:
    data, _ = rendered(await certificate_in("hi"))
    assert "5 जनवरी 2026" in pdfium.PdfDocument(data)[0].get_textpage().get_text_range()


async def test_long_names_and_titles_stay_inside_the_text_column(db: str) -> None:
    name = ("Wolfeschlegelsteinhausenbergerdorff " * 4)[:120]
    title = ("Segregation of dry and wet household waste at source, " * 4)[:200]
    cert = await issue(await person(name), await module(titles={"en": title}), NOW)
    data, image = rendered(cert, "en-long")
    grey = image.convert("L")
    column = (pdf.PAGE_W - pdf.TEXT_W) / 2
    for left_mm in (14.0, pdf.PAGE_W - column + 1):  # the margins either side of the column
        band = grey.crop((round(mm_to_px(left_mm)), round(mm_to_px(60)),
                          round(mm_to_px(left_mm + column - 15)), round(mm_to_px(135))))
        assert min(band.tobytes()) > 200, "text ran into the margin"
    lines = pdfium.PdfDocument(data)[0].get_textpage().get_text_range().splitlines()
    assert name in lines and " ".join(line for line in lines if "household" in line) == title


async def test_rendering_is_deterministic(db: str) -> None:
    cert = await certificate_in("th")
    assert pdf.render(cert, verify_url(cert)) == pdf.render(cert, verify_url(cert))


async def test_missing_script_font_falls_back_with_a_warning(
        db: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    real = pdf.find_font
    monkeypatch.setattr(pdf, "find_font",
                        lambda script, dirs=None: None if script == "thai" else real(script))
    cert = await certificate_in("th")
    with caplog.at_level(logging.WARNING, logger=pdf.__name__):
        data = pdf.render(cert, verify_url(cert))
    assert data.startswith(b"%PDF") and "no thai font installed" in caplog.text


async def test_rendering_without_any_font_installed_still_gives_a_pdf(
        db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "find_font", lambda script, dirs=None: None)
    cert = await certificate_in("hi")
    text = pdfium.PdfDocument(pdf.render(cert, verify_url(cert)))[0].get_textpage() \
        .get_text_range()
    assert cert.code in text


# --- fonts and scripts -----------------------------------------------------------------


@pytest.mark.parametrize("script", ["latin", "thai", "devanagari"])
def test_a_font_is_installed_for_each_script(script: str) -> None:
    assert pdf.find_font(script) is not None, "install the Debian packages in FONT_FILES"


def test_find_font_looks_in_the_certificate_font_dir_first(tmp_path: Path) -> None:
    (tmp_path / "Loma.ttf").write_bytes(b"not really a font")
    dirs = pdf.font_dirs({pdf.FONT_DIR_ENV: str(tmp_path)})
    face = pdf.find_font("thai", dirs)
    assert face is not None and face.regular == tmp_path / "Loma.ttf"


def test_find_font_is_none_for_a_script_without_fonts(tmp_path: Path) -> None:
    assert pdf.find_font("thai", [tmp_path]) is None


def test_script_runs_keep_spaces_and_punctuation_with_their_words() -> None:
    assert pdf.script_runs("ตรวจสอบได้ที่ https://x.test/v") == [
        ("thai", "ตรวจสอบได้ที่ "), ("latin", "https://x.test/v")]
    assert pdf.script_runs("(प्रिया) 5") == [("devanagari", "(प्रिया) 5")]
    assert pdf.script_runs("2026") == [("latin", "2026")]
