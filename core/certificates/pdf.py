"""Rendering a certificate as a one-page A4 landscape PDF, in English, Thai or Hindi.

Thai and Devanagari need fonts that cover them and HarfBuzz shaping (fpdf2 with uharfbuzz)
for Devanagari conjuncts and matras and Thai mark stacking. No fonts ship with the code:
find_font looks in CERTIFICATE_FONT_DIR, then in the Debian font packages' directories.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import segno
from babel.dates import format_date
from fpdf import FPDF
from fpdf.enums import TextMode

from core.certificates.service import issued_on
from core.training.models import Certificate

log = logging.getLogger(__name__)

WORDING: Mapping[str, Mapping[str, str]] = {
    "en": {"title": "Certificate of completion", "presented": "This certifies that",
           "completed": "has completed the training module", "issued": "Issued on",
           "code": "Verification code", "verify": "Verify at {url}"},
    "th": {"title": "ประกาศนียบัตรผ่านการอบรม", "presented": "ขอมอบประกาศนียบัตรนี้เพื่อแสดงว่า",
           "completed": "ได้ผ่านการอบรมหลักสูตร", "issued": "ให้ไว้ ณ วันที่",
           "code": "รหัสตรวจสอบ", "verify": "ตรวจสอบได้ที่ {url}"},
    "hi": {"title": "पूर्णता प्रमाणपत्र", "presented": "प्रमाणित किया जाता है कि",
           "completed": "ने निम्नलिखित प्रशिक्षण मॉड्यूल पूरा किया है", "issued": "जारी करने की तिथि",
           "code": "सत्यापन कोड", "verify": "{url} पर सत्यापित करें"},
}

FONT_DIR_ENV = "CERTIFICATE_FONT_DIR"
SYSTEM_FONT_DIRS = (Path("/usr/share/fonts/truetype"), Path("/usr/local/share/fonts"))
# (regular, bold or None) per script, best first, relative to a font directory. Debian
# packages: fonts-dejavu-core; fonts-noto-core; fonts-tlwg-loma-ttf; fonts-lohit-deva.
FONT_FILES: Mapping[str, Sequence[tuple[str, str | None]]] = {
    "latin": (("dejavu/DejaVuSans.ttf", "dejavu/DejaVuSans-Bold.ttf"),
              ("noto/NotoSans-Regular.ttf", "noto/NotoSans-Bold.ttf")),
    "thai": (("noto/NotoSansThai-Regular.ttf", "noto/NotoSansThai-Bold.ttf"),
             ("tlwg/Loma.ttf", "tlwg/Loma-Bold.ttf"),
             ("tlwg/Garuda.ttf", "tlwg/Garuda-Bold.ttf")),
    "devanagari": (("noto/NotoSansDevanagari-Regular.ttf", "noto/NotoSansDevanagari-Bold.ttf"),
                   ("lohit-devanagari/Lohit-Devanagari.ttf", None)),
}

# A4 landscape, in millimetres.
PAGE_W, PAGE_H = 297.0, 210.0
TEXT_W = 235.0  # the widest a centred line may be
QR_X, QR_Y, QR_SIZE = 226.0, 134.0, 42.0  # the QR code's box, its quiet zone included
QR_BORDER = 4  # modules of quiet zone (ISO/IEC 18004)
MIN_SIZE, SMALLEST_SIZE = 9.0, 6.0  # points: shrink-to-fit stops here
GREEN, INK, MUTED = (24, 84, 52), (28, 36, 32), (84, 96, 90)  # ≥ 7:1 contrast on white


@dataclass(frozen=True, slots=True)
class Typeface:
    regular: Path
    bold: Path | None


def script_of(char: str) -> str | None:
    """The script a character needs a font for; None for spaces, digits and punctuation."""
    code = ord(char)
    if 0x0E00 <= code <= 0x0E7F:
        return "thai"
    if 0x0900 <= code <= 0x097F or 0xA8E0 <= code <= 0xA8FF or 0x1CD0 <= code <= 0x1CFF:
        return "devanagari"
    return "latin" if char.isalpha() else None  # other scripts fall back to the Latin face


def script_runs(text: str) -> list[tuple[str, str]]:
    """Split text where the script changes; neutral characters join the run before them."""
    runs: list[tuple[str, str]] = []
    leading = ""  # neutral characters before the first letter join the first run
    for char in text:
        script = script_of(char)
        if script is None and not runs:
            leading += char
        elif script is None or (runs and runs[-1][0] == script):
            runs[-1] = (runs[-1][0], runs[-1][1] + char)
        else:
            runs.append((script, leading + char))
            leading = ""
    return runs or ([("latin", leading)] if leading else [])


def font_dirs(env: Mapping[str, str] = os.environ) -> list[Path]:
    extra = env.get(FONT_DIR_ENV, "")
    return [Path(extra), *SYSTEM_FONT_DIRS] if extra else list(SYSTEM_FONT_DIRS)


def find_font(script: str, dirs: Sequence[Path] | None = None) -> Typeface | None:
    """The first installed typeface for script ("latin", "thai", "devanagari"), or None.

    In each directory a file is looked for at its Debian path and directly inside it.
    """
    for directory in font_dirs() if dirs is None else dirs:
        for regular, bold in FONT_FILES.get(script, ()):
            found = _font_file(directory, regular)
            if found is not None:
                return Typeface(found, _font_file(directory, bold) if bold else None)
    return None


def _font_file(directory: Path, relative: str) -> Path | None:
    for path in (directory / relative, directory / Path(relative).name):
        if path.is_file():
            return path
    return None


class _Sheet(FPDF):
    """fpdf2 with the fonts registered on first use, per script."""

    def __init__(self) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.families: dict[str, tuple[str, bool]] = {}  # script -> (family, has bold)
        self.set_text_shaping(True)
        self.set_auto_page_break(False)
        self.set_margin(0)
        self.c_margin = 0

    def use(self, script: str, size: float, bold: bool) -> None:
        family, has_bold = self.families.get(script) or self._register(script)
        if family == "helvetica":
            self.set_font(family, "B" if bold else "", size)
            return
        self.set_font(family, "B" if bold and has_bold else "", size)
        # A face without bold gets a faux bold: the outline stroked as well as filled. fpdf2
        # 2.8 writes the stroke width inside text unscaled, so this is 3% of the size in pt.
        faux = bold and not has_bold
        self.text_mode = TextMode.FILL_STROKE if faux else TextMode.FILL
        self.set_line_width(size * 0.03 if faux else 0.2)

    def _register(self, script: str) -> tuple[str, bool]:
        face = find_font(script)
        if face is None:
            log.warning("no %s font installed (see FONT_FILES in %s); falling back to %s",
                        script, __name__, "Helvetica" if script == "latin" else "Latin")
            found = ("helvetica", True) if script == "latin" else \
                self.families.get("latin") or self._register("latin")
        else:
            found = (f"wn-{script}", face.bold is not None)
            self.add_font(found[0], "", str(face.regular))
            if face.bold is not None:
                self.add_font(found[0], "B", str(face.bold))
        self.families[script] = found
        return found

    @contextmanager
    def actual_text(self, text: str) -> Iterator[None]:
        """Mark shaped text with what it says (PDF 32000-1 §14.9.4), so copying and search
        give back the input even where glyphs are reordered (Devanagari ि) or merged."""
        utf16 = ("\ufeff" + text).encode("utf-16-be").hex().upper()
        self._out(f"/Span <</ActualText <{utf16}>>> BDC")
        try:
            yield
        finally:
            self._out("EMC")


def _plain(sheet: _Sheet, text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1") \
        if sheet.font_family == "helvetica" else text


def text_width(sheet: _Sheet, text: str, size: float, bold: bool = False) -> float:
    total = 0.0
    for script, part in script_runs(text):
        sheet.use(script, size, bold)
        total += sheet.get_string_width(_plain(sheet, part))
    return total


def fit_size(sheet: _Sheet, text: str, size: float, *, bold: bool = False,
             max_width: float = TEXT_W, min_size: float = MIN_SIZE) -> float:
    """The largest size up to size, down to min_size, at which text fits max_width."""
    while size > min_size and text_width(sheet, text, size, bold) > max_width:
        size = max(min_size, size * 0.94)
    return size


def draw_line(sheet: _Sheet, text: str, y: float, size: float, *, bold: bool = False,
              color: tuple[int, int, int] = INK, centre: float = PAGE_W / 2,
              max_width: float = TEXT_W, min_size: float = MIN_SIZE) -> None:
    """Draw text centred on a line of the given size whose top is y, shrunk to fit max_width
    (and then kept vertically centred on that line)."""
    fitted = fit_size(sheet, text, size, bold=bold, max_width=max_width, min_size=min_size)
    y += (line_height(size) - line_height(fitted)) / 2
    size = fitted
    x = centre - text_width(sheet, text, size, bold) / 2
    sheet.set_text_color(*color)
    sheet.set_draw_color(*color)
    with sheet.actual_text(text):
        for script, part in script_runs(text):
            sheet.use(script, size, bold)
            part = _plain(sheet, part)
            width = sheet.get_string_width(part)
            sheet.set_xy(x, y)
            sheet.cell(width, line_height(size), part)
            x += width
    sheet.text_mode = TextMode.FILL


def draw_wrapped(sheet: _Sheet, text: str, y: float, size: float, *, bold: bool = False,
                 color: tuple[int, int, int] = INK) -> None:
    """One line if text fits at three quarters of size, else two lines split at a space."""
    head, _, tail = _split_near_middle(text)
    if not tail or text_width(sheet, text, size * 0.75, bold) <= TEXT_W:
        draw_line(sheet, text, y, size, bold=bold, color=color, min_size=SMALLEST_SIZE)
        return
    size = min(fit_size(sheet, part, size, bold=bold, min_size=SMALLEST_SIZE)
               for part in (head, tail))
    for row, part in enumerate((head, tail)):
        draw_line(sheet, part, y + row * line_height(size), size, bold=bold, color=color,
                  min_size=size)


def _split_near_middle(text: str) -> tuple[str, str, str]:
    spaces = [i for i, char in enumerate(text) if char == " "]
    if not spaces:
        return text, "", ""
    cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return text[:cut].strip(), " ", text[cut + 1:].strip()


def line_height(size: float) -> float:
    return size * 0.3528 * 1.45  # points to millimetres, with room for Thai marks


def draw_qr(sheet: _Sheet, data: str, x: float = QR_X, y: float = QR_Y,
            size: float = QR_SIZE) -> None:
    """The QR code as vector squares (one rectangle per run of dark modules in a row)."""
    rows = [list(row) for row in segno.make(data, error="m", micro=False).matrix_iter(
        border=QR_BORDER)]
    module = size / len(rows)
    sheet.set_fill_color(255, 255, 255)
    sheet.rect(x, y, size, size, style="F")
    sheet.set_fill_color(0, 0, 0)
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            sheet.rect(x + start * module, y + r * module, (c - start) * module, module,
                       style="F")


def render(cert: Certificate, verify_url: str) -> bytes:
    """The certificate as PDF bytes; the same certificate always gives the same bytes."""
    words = WORDING.get(cert.locale, WORDING["en"])
    locale = cert.locale if cert.locale in WORDING else "en"
    sheet = _Sheet()
    sheet.set_creation_date(cert.issued_at)  # fixed metadata keeps the output deterministic
    sheet.set_title(f"{words['title']}: {cert.holder_name}")
    sheet.set_author("WasteNexus")
    sheet.set_lang(locale)
    sheet.add_page()
    _frame(sheet)
    draw_line(sheet, "WASTENEXUS", 24, 11, bold=True, color=GREEN)
    draw_line(sheet, words["title"], 36, 30, bold=True, color=GREEN)
    sheet.set_draw_color(*GREEN)
    sheet.set_line_width(0.6)
    sheet.line(PAGE_W / 2 - 25, 55, PAGE_W / 2 + 25, 55)
    draw_line(sheet, words["presented"], 63, 14, color=MUTED)
    draw_line(sheet, cert.holder_name, 74, 34, bold=True, min_size=SMALLEST_SIZE)
    draw_line(sheet, words["completed"], 98, 14, color=MUTED)
    draw_wrapped(sheet, cert.module_title, 108, 22, bold=True, color=GREEN)

    day = format_date(issued_on(cert), format="long", locale=locale)
    left = 62.0
    draw_line(sheet, words["issued"], 143, 10, color=MUTED, centre=left, max_width=80)
    draw_line(sheet, day, 149, 15, centre=left, max_width=80)
    draw_line(sheet, words["code"], 162, 10, color=MUTED, centre=left, max_width=80)
    sheet.set_char_spacing(1)
    draw_line(sheet, cert.code, 168, 17, bold=True, centre=left, max_width=80)
    sheet.set_char_spacing(0)
    draw_qr(sheet, verify_url)
    draw_line(sheet, words["verify"].format(url=verify_url), 184, 9, color=MUTED,
              max_width=150, min_size=SMALLEST_SIZE)
    return bytes(sheet.output())


def _frame(sheet: _Sheet) -> None:
    sheet.set_draw_color(*GREEN)
    sheet.set_line_width(1.2)
    sheet.rect(9, 9, PAGE_W - 18, PAGE_H - 18)
    sheet.set_line_width(0.3)
    sheet.rect(13, 13, PAGE_W - 26, PAGE_H - 26)
