"""Twilio SMS adapter: signature, webhook split, parsing, segment-aware rendering and sending."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from bots import sms
from core.events.models import InboundEvent
from core.messages import Button, Kind, MediaRef, Reply
from core.outbox.delivery import RetryLater, Undeliverable
from core.outbox.models import OutboundMessage
from core.settings import Settings
from core.sms_text import encoding, segment_count
from tests.bots.sending import fail_second, queued, send, store_split
from tests.fakes import payloads as p
from tests.fakes.platform import FakePlatform

TOKEN = "twilio-test-token"
URL = "https://wastenexus.test/webhooks/twilio/sms"
PHONE = "+66812345678"
# About 900 GSM-7 characters: several SMS bodies at MAX_SEGMENTS segments each.
LONG_TEXT = " ".join(f"Sorting tip {i}: rinse containers before recycling them." for i in range(16))
THAI_WORDS = ["ขยะ", "พลาสติก", "กระดาษ", "แก้ว", "โลหะ", "อาหาร", "รีไซเคิล", "ถุง"]
OPTED_OUT = {"code": 21610, "message": "Attempt to send to unsubscribed recipient",
             "more_info": "https://www.twilio.com/docs/errors/21610", "status": 400}


async def stored(params: dict[str, str]) -> InboundEvent:
    """The message as the webhook keeps it: split from the form, then inserted."""
    return await store_split("sms", sms.split(params))


async def outbound(replies: list[Reply]) -> OutboundMessage:
    return await queued("sms", PHONE, replies)


# ------------------------------------------------------------------------------ verify

def test_verify_accepts_the_signature_for_the_called_url() -> None:
    params = p.twilio_sms(PHONE, "hello")
    assert sms.verify(URL, params, p.twilio_signature(URL, params, TOKEN), TOKEN)


@pytest.mark.parametrize(("signed_url", "token"), [
    pytest.param("https://elsewhere.test/webhooks/twilio/sms", TOKEN, id="other-url"),
    pytest.param(URL + "?retry=1", TOKEN, id="other-query"),
    pytest.param(URL, "another-token", id="other-token"),
])
def test_verify_rejects_a_signature_for_another_url_or_token(signed_url: str, token: str) -> None:
    params = p.twilio_sms(PHONE, "hello")
    assert not sms.verify(URL, params, p.twilio_signature(signed_url, params, token), TOKEN)


def test_verify_rejects_a_missing_signature() -> None:
    assert not sms.verify(URL, p.twilio_sms(PHONE, "hello"), "", TOKEN)


# ------------------------------------------------------------------------------ split

@pytest.mark.parametrize("sender", ["+66 81-234-5678", "081 234 5678", PHONE])
def test_split_normalises_from_to_e164_and_uses_message_sid(sender: str) -> None:
    sid = "SM" + "a" * 32
    (raw,) = sms.split(p.twilio_sms(sender, "hello", message_sid=sid))
    assert (raw.event_id, raw.sender) == (sid, PHONE)


@pytest.mark.parametrize("params", [
    pytest.param(p.twilio_sms(PHONE, "hi", MessageSid=None, SmsSid=None), id="no-sid"),
    pytest.param(p.twilio_sms("not a phone", "hi"), id="from-not-a-phone"),
])
def test_split_rejects_a_malformed_form_with_value_error(params: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        sms.split(params)


# ------------------------------------------------------------------------------ parse

async def test_parse_body_is_text(db: str) -> None:
    incoming = sms.parse(await stored(p.twilio_sms(PHONE, "2 kg plastic")))
    assert (incoming.kind, incoming.text, incoming.media) == (Kind.TEXT, "2 kg plastic", ())
    assert incoming.sender == PHONE


async def test_parse_mms_media_become_media_refs(db: str) -> None:
    url = f"https://api.twilio.com/2010-04-01/Accounts/{p.TWILIO_ACCOUNT_SID}/Media/ME1"
    incoming = sms.parse(await stored(p.twilio_sms(PHONE, "my bin",
                                                   media=[(url, "image/jpeg")])))
    assert (incoming.kind, incoming.text) == (Kind.IMAGE, "my bin")
    assert incoming.media == (MediaRef(url, "image/jpeg"),)


@pytest.mark.parametrize(("sender", "hint"), [
    (PHONE, "th"), ("+919876543210", "hi"), ("+447911123456", ""),
])
async def test_parse_language_hint_follows_the_country_code(
        db: str, sender: str, hint: str) -> None:
    assert sms.parse(await stored(p.twilio_sms(sender, "hello"))).language_hint == hint


# ------------------------------------------------------------------------------ render

def test_render_menu_as_numbered_lines() -> None:
    reply = Reply("What would you like to do?",
                  buttons=(Button("Log waste", "menu:log"), Button("My report", "menu:report")))
    assert sms.render(reply) == ["What would you like to do?\n1 Log waste\n2 My report"]


def test_render_suggestions_in_parentheses() -> None:
    reply = Reply("How much?", buttons=(Button("0.5 kg", "w:0.5"), Button("1 kg", "w:1")),
                  numbered=False)
    assert sms.render(reply) == ["How much?\n(0.5 kg, 1 kg)"]


def test_render_splits_long_text_into_bodies_within_max_segments() -> None:
    buttons = tuple(Button(f"Choice {i}", f"c:{i}") for i in range(1, 6))
    bodies = sms.render(Reply(LONG_TEXT, buttons=buttons))
    assert len(bodies) > 1
    assert all(segment_count(b) <= sms.MAX_SEGMENTS for b in bodies)
    menu = "\n".join(f"{i} Choice {i}" for i in range(1, 6))
    assert " ".join(bodies).split() == f"{LONG_TEXT}\n{menu}".split()


def test_render_thai_text_as_ucs2_bodies_split_between_words() -> None:
    text = " ".join(THAI_WORDS * 12)
    bodies = sms.render(Reply(text))
    assert len(bodies) > 1
    assert all(encoding(b) == "UCS-2" and segment_count(b) <= sms.MAX_SEGMENTS for b in bodies)
    assert " ".join(bodies) == text


def test_twiml_is_xml_with_one_message_per_body() -> None:
    replies = [Reply("Paper & card <5 kg>"), Reply(LONG_TEXT)]
    root = ElementTree.fromstring(sms.twiml(replies))
    assert root.tag == "Response"
    assert [child.tag for child in root] == ["Message"] * len(root)
    assert [m.text for m in root] == [b for r in replies for b in sms.render(r)]
    assert root[0].text == "Paper & card <5 kg>"


# ------------------------------------------------------------------------------ SmsSender

async def test_sender_posts_to_messages_and_records_the_sid(
        settings: Settings, fake: FakePlatform) -> None:
    message = await outbound([Reply("Logged 2 kg of plastic.")])
    assert await send(settings, message) == "api"
    (call,) = fake.calls("twilio", "messages")
    assert call.path == f"/2010-04-01/Accounts/{settings.twilio_account_sid}/Messages.json"
    assert {k: call.params[k] for k in ("To", "From", "Body", "StatusCallback")} == {
        "To": PHONE, "From": settings.twilio_from_number, "Body": "Logged 2 kg of plastic.",
        "StatusCallback": "https://wastenexus.test/webhooks/twilio/status"}
    assert message.platform_ids == list(fake.twilio_messages)
    assert message.platform_ids[0].startswith("SM") and message.parts_sent == 1


async def test_sender_429_becomes_retry_later(settings: Settings, fake: FakePlatform) -> None:
    message = await outbound([Reply("Hello")])
    fake.fail_next("twilio", "messages", 429)
    with pytest.raises(RetryLater):
        await send(settings, message)
    assert message.parts_sent == 0


async def test_sender_opted_out_recipient_is_undeliverable(
        settings: Settings, fake: FakePlatform) -> None:
    message = await outbound([Reply("Hello")])
    fake.fail_next("twilio", "messages", 400, body=OPTED_OUT)
    with pytest.raises(Undeliverable, match="21610"):
        await send(settings, message)


async def test_retry_after_partial_send_sends_only_the_remaining_bodies(
        settings: Settings, fake: FakePlatform) -> None:
    message = await outbound([Reply(LONG_TEXT)])
    bodies = sms.render(Reply(LONG_TEXT))
    armed = fail_second(fake, "twilio", "messages", 503)
    with pytest.raises(RetryLater):
        await send(settings, message)
    await armed
    assert message.parts_sent == 1 and len(message.platform_ids) == 1
    await send(settings, message)
    assert fake.sent_texts("twilio") == bodies
    assert message.parts_sent == len(bodies) == len(message.platform_ids)
