"""Phone numbers (core/phone.py): E.164 normalisation, masking and redaction."""

from __future__ import annotations

import pytest

from core.phone import InvalidPhone, mask, normalize_e164, redact, region_of


@pytest.mark.parametrize("raw", [
    "081 234 5678",
    "081-234-5678",
    "0812345678",
    "+66 81 234 5678",
    "+66812345678",
    "๐๘๑๒๓๔๕๖๗๘",  # Thai digits
])
def test_normalize_e164_reads_thai_formats(raw: str) -> None:
    assert normalize_e164(raw) == "+66812345678"


@pytest.mark.parametrize("raw", [
    "98765 43210",
    "098765 43210",
    "+91 98765 43210",
    "+919876543210",
])
def test_normalize_e164_reads_indian_formats(raw: str) -> None:
    assert normalize_e164(raw, "IN") == "+919876543210"


def test_normalize_e164_keeps_an_explicit_country_over_the_default() -> None:
    assert normalize_e164("+91 98765 43210", "TH") == "+919876543210"


@pytest.mark.parametrize("raw", ["12345", "hello", "+66 12", "", "+66 81 234 5678 9999"])
def test_normalize_e164_refuses_what_is_not_a_valid_number(raw: str) -> None:
    with pytest.raises(InvalidPhone):
        normalize_e164(raw)


def test_invalid_phone_message_does_not_reveal_the_number() -> None:
    with pytest.raises(InvalidPhone) as caught:
        normalize_e164("+66 12345678901234")
    assert "12345678901234" not in str(caught.value)
    assert str(caught.value).endswith("234")


@pytest.mark.parametrize(("phone", "masked"), [
    ("+66812345678", "+66••••••678"),  # 11 digits: 2 shown, 6 hidden, 3 shown
    ("+919876543210", "+91•••••••210"),  # 12 digits: 2 shown, 7 hidden, 3 shown
    ("0812345678", "•••••••678"),  # no country code: only the last 3 digits
    ("12345", "•••••"),  # too short to show anything
])
def test_mask_keeps_only_the_country_code_and_last_three_digits(phone: str,
                                                                masked: str) -> None:
    assert mask(phone) == masked


def test_mask_of_a_one_digit_country_code_hides_the_area_code() -> None:
    assert mask("+14155550123") == "+1•••••••123"


def test_redact_masks_phone_numbers_in_text() -> None:
    text = "sms from +66812345678, call back 0812345678 or +919876543210"
    assert redact(text) == ("sms from +66••••••678, call back •••••••678 or "
                            "+91•••••••210")


@pytest.mark.parametrize("text", [
    "logged on 2026-11-25",
    "25/11/2026 at 10:30",
    "2026-11-25T01:14:00+07:00",
    "batch 20261125",
    "1,234,567 credits",
])
def test_redact_leaves_dates_and_other_numbers_alone(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(("e164", "region"), [
    ("+66812345678", "TH"),
    ("+919876543210", "IN"),
    ("not a number", None),
])
def test_region_of_a_number(e164: str, region: str | None) -> None:
    assert region_of(e164) == region
