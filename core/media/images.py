"""Check, straighten, shrink and strip a citizen's photo; read its GPS and perceptual hash.

Decoding is CPU-bound: call process_image through asyncio.to_thread from async code.
"""

from __future__ import annotations

import io
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Any

from PIL import ExifTags, Image, UnidentifiedImageError
from PIL.TiffImagePlugin import IFDRational

# Telegram's Bot API takes photos of at most 10 MB (sendPhoto; PLATFORMS.md A4), and LINE's
# image messages are at most 10 MB (Messaging API reference, "Image message"): no chat photo
# we are meant to handle is larger.
MAX_BYTES = 10 * 1024 * 1024
# Decompression-bomb guard: a small file can declare a huge canvas (deflate, which PNG uses,
# packs a solid canvas up to 1032:1, zlib.net "zlib technical details") and decoding costs
# 3-4 bytes per pixel. Telegram photos have width + height
# <= 10000 (PLATFORMS.md A4), so at most 25 MP; 40 MP leaves room for larger originals sent
# as files, stays below Pillow's own 89.5 MP warning (Image.MAX_IMAGE_PIXELS) and caps one
# decode at about 160 MB.
MAX_PIXELS = 40_000_000
# Accepted by the decoded format, never by the content type the platform declares.
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
# Lighthouse's "efficiently encode images" audit measures savings against JPEG quality 85.
JPEG_QUALITY = 85
# Of two 64-bit hashes, a Hamming distance of 0 reads as the same picture, about 5 as still
# similar, 10 or more as a different one (N. Krawetz, hackerfactor.com, "Looks Like It" 2011;
# dHash itself in "Kind of Like That" 2013), and near-duplicate checks commonly cut at 5-10.
# We start low, at 6, because a false match would merge two different dumping reports.
# A tunable threshold.
NEAR_DUPLICATE_BITS = 6
# dHash compares each pixel with its right neighbour: 9 columns give 8 bits per row, 8 rows.
_HASH_SIZE = (9, 8)
_WHITE = (255, 255, 255)
_MICRODEGREE = Decimal("0.000001")
# The transposition that shows each EXIF Orientation value upright (CIPA DC-008, EXIF 2.32,
# tag 0x0112: 1 is as stored, 6 is "rotate 90° clockwise to view", and so on).
_UPRIGHT: Mapping[int, Image.Transpose] = MappingProxyType(
    {
        2: Image.Transpose.FLIP_LEFT_RIGHT,
        3: Image.Transpose.ROTATE_180,
        4: Image.Transpose.FLIP_TOP_BOTTOM,
        5: Image.Transpose.TRANSPOSE,
        6: Image.Transpose.ROTATE_270,
        7: Image.Transpose.TRANSVERSE,
        8: Image.Transpose.ROTATE_90,
    }
)

log = logging.getLogger(__name__)


class InvalidImage(ValueError):
    """The upload is not a photo we accept; `reason` says why, for the reply."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class ProcessedImage:
    data: bytes
    width: int
    height: int
    phash: str
    # (latitude, longitude) from the original's EXIF, which the stored copy no longer carries.
    gps: tuple[Decimal, Decimal] | None
    content_type: str = "image/jpeg"


def process_image(raw: bytes, max_side: int = 2048) -> ProcessedImage:
    """Validate an upload and return it upright, at most max_side, as metadata-free JPEG."""
    if max_side < 1:
        raise ValueError(f"max_side must be positive, got {max_side}")
    if len(raw) > MAX_BYTES:
        raise InvalidImage("too_large", f"{len(raw)} bytes; at most {MAX_BYTES}")
    with _open(raw) as original:
        gps = read_gps(original)
        image = _to_rgb(_upright(original))
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return ProcessedImage(
        data=_encode_jpeg(image),
        width=image.width,
        height=image.height,
        phash=perceptual_hash(image),
        gps=gps,
    )


def _open(raw: bytes) -> Image.Image:
    """Open and decode an accepted image, checking its format and size before decoding."""
    try:
        image = Image.open(io.BytesIO(raw))
    except Image.DecompressionBombError as exc:
        raise InvalidImage("too_many_pixels", str(exc)) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise InvalidImage("not_an_image", str(exc)) from exc
    if image.format not in ACCEPTED_FORMATS:
        image.close()
        raise InvalidImage("unsupported_type", str(image.format))
    if image.width * image.height > MAX_PIXELS:
        image.close()
        raise InvalidImage("too_many_pixels", f"{image.width}x{image.height}")
    try:
        image.load()
    except (OSError, SyntaxError, ValueError) as exc:
        image.close()
        raise InvalidImage("not_an_image", str(exc)) from exc
    return image


def _upright(image: Image.Image) -> Image.Image:
    """A copy turned as its EXIF Orientation says, so phone photos are not sideways."""
    # Like ImageOps.exif_transpose, without re-encoding the EXIF onto the copy: that fails in
    # assorted ways on corrupt EXIF, and the copy's EXIF is dropped anyway.
    method = _UPRIGHT.get(_orientation(image))
    return image.transpose(method) if method is not None else image.copy()


def _orientation(image: Image.Image) -> int:
    """The EXIF Orientation value, 1 (as stored) when absent or unreadable."""
    try:
        value = image.getexif().get(ExifTags.Base.Orientation, 1)
    except (OSError, SyntaxError, TypeError, ValueError) as exc:
        log.info("unreadable EXIF, orientation not applied: %s", exc)
        return 1
    return value if isinstance(value, int) else 1


def _to_rgb(image: Image.Image) -> Image.Image:
    """Flatten any mode to RGB, putting transparent areas on white as chat apps show them."""
    if image.has_transparency_data:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, _WHITE)
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image if image.mode == "RGB" else image.convert("RGB")


def _encode_jpeg(image: Image.Image) -> bytes:
    """Encode as progressive JPEG with no EXIF, XMP, ICC or comment."""
    # Pillow copies a JPEG comment from info when saving; dropping info leaves only what we
    # pass, and we pass no metadata: the reporter's GPS and camera serial must not leave us.
    image.info = {}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, progressive=True, optimize=True)
    return out.getvalue()


def read_gps(image: Image.Image) -> tuple[Decimal, Decimal] | None:
    """The EXIF GPS position as signed decimal degrees (6 places), or None if absent or bad."""
    try:
        gps = image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    except (OSError, SyntaxError, ValueError, TypeError) as exc:
        # Malformed EXIF is common from odd apps; a photo without a position is still a photo.
        log.info("unreadable EXIF, no GPS taken: %s", exc)
        return None
    latitude = _coordinate(
        gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef), "N", "S", 90
    )
    longitude = _coordinate(
        gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef), "E", "W", 180
    )
    if latitude is None or longitude is None:
        return None
    # Cameras without a fix write zeros; 0,0 is open sea, never a dumping spot we serve.
    if latitude == 0 and longitude == 0:
        return None
    return latitude, longitude


def _coordinate(dms: Any, ref: Any, positive: str, negative: str, limit: int) -> Decimal | None:
    """Degrees/minutes/seconds rationals and an N/S or E/W ref as signed decimal degrees."""
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    if not isinstance(ref, str):
        return None
    ref = ref.strip("\x00 ").upper()
    if ref not in (positive, negative):
        return None
    if not isinstance(dms, tuple) or len(dms) != 3:
        return None
    degrees, minutes, seconds = (_fraction(part) for part in dms)
    if degrees is None or minutes is None or seconds is None:
        return None
    if min(degrees, minutes, seconds) < 0 or minutes >= 60 or seconds >= 60:
        return None
    value = degrees + minutes / 60 + seconds / 3600
    if value > limit:
        return None
    decimal = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        _MICRODEGREE, rounding=ROUND_HALF_UP
    )
    return -decimal if ref == negative else decimal


def _fraction(value: Any) -> Fraction | None:
    """An EXIF rational (or a plain number) as an exact fraction; None if undefined."""
    if isinstance(value, IFDRational):
        numerator, denominator = _fraction(value.numerator), _fraction(value.denominator)
        return numerator / denominator if numerator is not None and denominator else None
    if isinstance(value, int) and not isinstance(value, bool):
        return Fraction(value)
    if isinstance(value, float) and math.isfinite(value):
        return Fraction(value)
    return None


def perceptual_hash(image: Image.Image) -> str:
    """A 64-bit difference hash (dHash) as 16 hex digits."""
    small = image.convert("L").resize(_HASH_SIZE, Image.Resampling.LANCZOS)
    width, height = _HASH_SIZE
    pixels = small.tobytes()  # one byte per pixel in mode L, row by row
    bits = 0
    for row in range(height):
        for col in range(width - 1):
            left = pixels[row * width + col]
            right = pixels[row * width + col + 1]
            bits = (bits << 1) | (left > right)
    return f"{bits:016x}"


def hamming(a: str, b: str) -> int:
    """The number of differing bits between two perceptual hashes."""
    if len(a) != 16 or len(b) != 16:
        raise ValueError(f"perceptual hashes are 16 hex digits: {a!r}, {b!r}")
    return (int(a, 16) ^ int(b, 16)).bit_count()
