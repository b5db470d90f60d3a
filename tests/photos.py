"""Photos built in tests: a JPEG carrying camera EXIF and a GPS position."""

from __future__ import annotations

import io
from decimal import Decimal

from PIL import ExifTags, Image, ImageDraw
from PIL.TiffImagePlugin import IFDRational


def _dms(value: Decimal) -> tuple[IFDRational, IFDRational, IFDRational]:
    """Degrees, minutes and hundredths of seconds, as EXIF rationals."""
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    hundredths = round(((value - degrees) * 60 - minutes) * 6000)
    return IFDRational(degrees, 1), IFDRational(minutes, 1), IFDRational(hundredths, 100)


def geotagged_jpeg(latitude: str, longitude: str, seed: int = 1) -> bytes:
    """A 320x240 JPEG with a pattern from seed, a camera make and the GPS position."""
    image = Image.new("RGB", (320, 240), "white")
    draw = ImageDraw.Draw(image)
    for step in range(8):
        shade = (seed * 37 + step * 29) % 256
        draw.rectangle([step * 40, (seed * step) % 120, step * 40 + 39, 239],
                       fill=(shade, 255 - shade, (shade * 3) % 256))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestCam"
    exif[ExifTags.Base.BodySerialNumber] = "SERIAL-12345"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    lat, lon = Decimal(latitude), Decimal(longitude)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N" if lat >= 0 else "S"
    gps[ExifTags.GPS.GPSLatitude] = _dms(lat)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E" if lon >= 0 else "W"
    gps[ExifTags.GPS.GPSLongitude] = _dms(lon)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()
