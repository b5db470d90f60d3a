"""Phone numbers: E.164 normalisation, and masking for logs and screens."""

from __future__ import annotations

import re

import phonenumbers


class InvalidPhone(ValueError):
    """The text is not a valid phone number."""


def normalize_e164(raw: str, default_region: str = "TH") -> str:
    try:
        number = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(mask(raw)) from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(mask(raw))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def region_of(e164: str) -> str | None:
    """ISO 3166 region of a number, e.g. TH for +66."""
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(e164, None))
    except phonenumbers.NumberParseException:
        return None


def mask(phone: str) -> str:
    """Keep the country code and last 3 digits only: +66•••••678."""
    digits = [c for c in phone if c.isdigit()]
    if len(digits) <= 5:
        return "•" * len(digits)
    code = _country_code_length(phone) if phone.startswith("+") else 0
    hidden = len(digits) - code - 3
    head = "+" + "".join(digits[:code]) if code else ""
    return head + "•" * hidden + "".join(digits[-3:])


def _country_code_length(phone: str) -> int:
    try:
        return len(str(phonenumbers.parse(phone, None).country_code))
    except phonenumbers.NumberParseException:
        return 2


PHONE_LIKE = re.compile(r"\+\d{7,15}|\b0\d{8,10}\b")


def redact(text: str) -> str:
    """Mask anything that looks like a phone number, for logs and error records."""
    return PHONE_LIKE.sub(lambda m: mask(m.group()), text)
