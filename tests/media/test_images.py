"""Photo checks, straightening, metadata stripping, GPS and dHash (core/media/images.py)."""

from __future__ import annotations

import io
import random
import struct
import zlib
from decimal import Decimal

import pytest
from PIL import ExifTags, Image, ImageDraw, ImageOps
from PIL.TiffImagePlugin import IFDRational

from core.media.images import (
    MAX_BYTES,
    NEAR_DUPLICATE_BITS,
    InvalidImage,
    ProcessedImage,
    hamming,
    perceptual_hash,
    process_image,
    read_gps,
)

RED, BLUE = (220, 20, 20), (20, 20, 220)


def dms(degrees: int, minutes: int, tenths_of_seconds: int) -> tuple[IFDRational, ...]:
    return IFDRational(degrees, 1), IFDRational(minutes, 1), IFDRational(tenths_of_seconds, 10)


def camera_exif(
    lat_ref: str,
    lat: tuple[IFDRational, ...],
    lon_ref: str,
    lon: tuple[IFDRational, ...],
    orientation: int = 1,
) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Acme"
    exif[ExifTags.Base.Model] = "Phone 9"
    exif[ExifTags.Base.Orientation] = orientation
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.BodySerialNumber] = "SN-0042"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = lat_ref
    gps[ExifTags.GPS.GPSLatitude] = lat
    gps[ExifTags.GPS.GPSLongitudeRef] = lon_ref
    gps[ExifTags.GPS.GPSLongitude] = lon
    return exif


def quadrant_picture(size: tuple[int, int] = (80, 60)) -> Image.Image:
    """Blue, with the top-left quadrant red, so a rotation shows where that corner went."""
    image = Image.new("RGB", size, BLUE)
    ImageDraw.Draw(image).rectangle((0, 0, size[0] // 2 - 1, size[1] // 2 - 1), fill=RED)
    return image


def encode(image: Image.Image, fmt: str = "JPEG", **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def bangkok_photo(orientation: int = 6) -> bytes:
    """13°45'22.8"N 100°29'38.4"E, with camera details, ICC, XMP and a comment."""
    exif = camera_exif("N", dms(13, 45, 228), "E", dms(100, 29, 384), orientation)
    return encode(
        quadrant_picture(),
        exif=exif,
        icc_profile=b"fake-icc-profile",
        xmp=b"<x:xmpmeta xmlns:x='adobe:ns:meta/'>serial SN-0042</x:xmpmeta>",
        comment=b"shot by someone",
    )


def scene(seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A deterministic photo-like picture: overlapping coloured rectangles."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, (rng.randrange(256),) * 3)
    draw = ImageDraw.Draw(image)
    for _ in range(14):
        x0, y0 = rng.randrange(size[0]), rng.randrange(size[1])
        x1, y1 = x0 + rng.randrange(60, 320), y0 + rng.randrange(60, 240)
        draw.rectangle((x0, y0, x1, y1), fill=tuple(rng.randrange(256) for _ in range(3)))
    return image


def forged_png(width: int, height: int) -> bytes:
    """A PNG header declaring width x height over almost no data: a decompression bomb."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


Pixel = float | tuple[int, ...] | None


def near(pixel: Pixel, colour: Pixel, tolerance: int = 40) -> bool:
    """Whether two RGB pixels match within what JPEG compression moves them."""
    assert isinstance(pixel, tuple) and isinstance(colour, tuple)
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour[:3], strict=True))


def test_process_image_reads_gps_from_the_original() -> None:
    result = process_image(bangkok_photo())

    assert result.gps == (Decimal("13.756333"), Decimal("100.494000"))


def test_southern_and_western_coordinates_are_negative() -> None:
    exif = camera_exif("S", dms(33, 52, 480), "W", dms(70, 40, 120))
    result = process_image(encode(quadrant_picture(), exif=exif))

    assert result.gps == (Decimal("-33.880000"), Decimal("-70.670000"))


def test_orientation_6_is_turned_upright() -> None:
    result = process_image(bangkok_photo(orientation=6))

    upright = Image.open(io.BytesIO(result.data)).convert("RGB")
    # Stored 80x60; orientation 6 means "rotate 90° clockwise to view", so the red top-left
    # quadrant ends up top-right of a 60x80 picture.
    assert (result.width, result.height) == (60, 80) == upright.size
    assert near(upright.getpixel((50, 10)), RED)
    assert near(upright.getpixel((10, 10)), BLUE)


def quadrant_colours(image: Image.Image) -> list[Pixel]:
    width, height = image.size
    points = [
        (width // 4, height // 4),
        (3 * width // 4, height // 4),
        (width // 4, 3 * height // 4),
        (3 * width // 4, 3 * height // 4),
    ]
    return [image.convert("RGB").getpixel(point) for point in points]


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_orientation_is_turned_as_pillows_exif_transpose_does(orientation: int) -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    raw = encode(quadrant_picture(), exif=exif)

    result = Image.open(io.BytesIO(process_image(raw).data))

    expected = ImageOps.exif_transpose(Image.open(io.BytesIO(raw)))
    assert result.size == expected.size
    for got, want in zip(quadrant_colours(result), quadrant_colours(expected), strict=True):
        assert near(got, want)


def corrupt_exif_with_orientation_6() -> bytes:
    """EXIF whose Make tag is a RATIONAL: readable, but Pillow cannot write it back."""
    value_offset = 8 + 2 + 2 * 12 + 4
    entries = [
        struct.pack("<HHI", 0x010F, 5, 1) + struct.pack("<I", value_offset),
        struct.pack("<HHI", 0x0112, 3, 1) + struct.pack("<HH", 6, 0),
    ]
    ifd = struct.pack("<H", len(entries)) + b"".join(entries) + struct.pack("<I", 0)
    return b"Exif\0\0II*\0" + struct.pack("<I", 8) + ifd + struct.pack("<II", 1, 2)


def test_corrupt_exif_still_gives_an_upright_photo() -> None:
    result = process_image(encode(quadrant_picture(), exif=corrupt_exif_with_orientation_6()))

    assert (result.width, result.height) == (60, 80)
    assert result.gps is None


def test_output_carries_no_metadata() -> None:
    result = process_image(bangkok_photo())

    output = Image.open(io.BytesIO(result.data))
    assert output.format == "JPEG"
    assert result.content_type == "image/jpeg"
    assert len(output.getexif()) == 0
    assert not {"exif", "icc_profile", "xmp", "comment"} & set(output.info)
    assert b"SN-0042" not in result.data and b"Acme" not in result.data


def test_output_is_progressive_jpeg() -> None:
    output = Image.open(io.BytesIO(process_image(bangkok_photo()).data))

    assert output.info.get("progressive") or output.info.get("progression")


def test_longer_side_is_shrunk_to_max_side() -> None:
    result = process_image(encode(scene(1, (4000, 1000))), max_side=1000)

    assert (result.width, result.height) == (1000, 250)
    assert Image.open(io.BytesIO(result.data)).size == (1000, 250)


def test_small_image_is_not_enlarged() -> None:
    result = process_image(encode(scene(1, (300, 200))), max_side=2048)

    assert (result.width, result.height) == (300, 200)


def test_photo_without_exif_has_no_gps() -> None:
    assert process_image(encode(scene(2), "PNG")).gps is None


def test_png_with_alpha_is_flattened_on_white() -> None:
    image = Image.new("RGBA", (40, 20), (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle((20, 0, 39, 19), fill=(*RED, 255))

    result = process_image(encode(image, "PNG"))

    output = Image.open(io.BytesIO(result.data))
    assert output.mode == "RGB"
    assert near(output.getpixel((5, 10)), (255, 255, 255))
    assert near(output.getpixel((35, 10)), RED)


def test_palette_png_with_transparency_is_flattened_on_white() -> None:
    image = Image.new("P", (20, 20), 0)
    image.putpalette([0, 0, 0, *RED])
    image.info["transparency"] = 0

    output = Image.open(io.BytesIO(process_image(encode(image, "PNG")).data))

    assert near(output.getpixel((10, 10)), (255, 255, 255))


def test_webp_is_accepted() -> None:
    result = process_image(encode(scene(3), "WEBP"))

    assert Image.open(io.BytesIO(result.data)).format == "JPEG"


def test_gif_is_an_unsupported_type() -> None:
    with pytest.raises(InvalidImage) as caught:
        process_image(encode(scene(4), "GIF"))

    assert caught.value.reason == "unsupported_type"


def test_text_is_not_an_image() -> None:
    with pytest.raises(InvalidImage) as caught:
        process_image(b"2 kg plastic bottles recycled\n")

    assert caught.value.reason == "not_an_image"


def test_truncated_jpeg_is_not_an_image() -> None:
    raw = encode(scene(5))

    with pytest.raises(InvalidImage) as caught:
        process_image(raw[: len(raw) // 2])

    assert caught.value.reason == "not_an_image"


def test_declared_content_type_plays_no_part_a_jpeg_named_png_is_a_jpeg() -> None:
    # process_image takes no content type: the decoded format alone decides.
    assert isinstance(process_image(encode(scene(6))), ProcessedImage)


def test_over_limit_size_is_too_large() -> None:
    with pytest.raises(InvalidImage) as caught:
        process_image(encode(scene(7)) + b"\0" * MAX_BYTES)

    assert caught.value.reason == "too_large"


def test_huge_dimensions_are_too_many_pixels() -> None:
    # 64 MP of one colour compresses to a few kilobytes.
    raw = encode(Image.new("1", (8000, 8000)), "PNG")
    assert len(raw) < 100_000

    with pytest.raises(InvalidImage) as caught:
        process_image(raw)

    assert caught.value.reason == "too_many_pixels"


def test_forged_giant_header_is_too_many_pixels() -> None:
    with pytest.raises(InvalidImage) as caught:
        process_image(forged_png(100_000, 100_000))

    assert caught.value.reason == "too_many_pixels"


def test_read_gps_ignores_out_of_range_latitude() -> None:
    exif = camera_exif("N", dms(91, 0, 0), "E", dms(100, 0, 0))
    image = Image.open(io.BytesIO(encode(quadrant_picture(), exif=exif)))

    assert read_gps(image) is None


def test_read_gps_ignores_a_zero_denominator() -> None:
    lat = (IFDRational(13, 0), IFDRational(45, 1), IFDRational(0, 1))
    exif = camera_exif("N", lat, "E", dms(100, 0, 0))
    image = Image.open(io.BytesIO(encode(quadrant_picture(), exif=exif)))

    assert read_gps(image) is None


def test_read_gps_ignores_a_missing_reference() -> None:
    exif = camera_exif("N", dms(13, 45, 228), "E", dms(100, 29, 384))
    del exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLongitudeRef]
    image = Image.open(io.BytesIO(encode(quadrant_picture(), exif=exif)))

    assert read_gps(image) is None


def test_reencoded_and_resized_photo_is_a_near_duplicate() -> None:
    photo = scene(8)
    first = process_image(encode(photo, quality=95))
    second = process_image(encode(photo.resize((400, 300), Image.Resampling.BILINEAR), quality=40))

    assert hamming(first.phash, second.phash) <= NEAR_DUPLICATE_BITS


def test_different_pictures_are_far_apart() -> None:
    first = process_image(encode(scene(8)))
    stripes = Image.new("RGB", (640, 480), (240, 240, 240))
    draw = ImageDraw.Draw(stripes)
    for x in range(0, 640, 80):
        draw.rectangle((x, 0, x + 39, 479), fill=(30, 30, 30))
    second = process_image(encode(stripes))

    assert hamming(first.phash, second.phash) > 3 * NEAR_DUPLICATE_BITS


def test_perceptual_hash_is_16_hex_digits() -> None:
    value = perceptual_hash(scene(9))

    assert len(value) == 16
    int(value, 16)


def test_hamming_counts_differing_bits() -> None:
    assert hamming("0000000000000000", "000000000000000f") == 4
    assert hamming("ffffffffffffffff", "0000000000000000") == 64


def test_hamming_rejects_malformed_hashes() -> None:
    with pytest.raises(ValueError):
        hamming("abc", "0000000000000000")
