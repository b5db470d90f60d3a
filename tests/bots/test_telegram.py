"""Telegram adapter: secret check, webhook split, update parsing, keyboards and sending."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from bots import telegram
from core.events.models import InboundEvent
from core.messages import Button, IgnoredEvent, Kind, Location, MediaRef, Reply
from core.outbox.delivery import RetryLater, Undeliverable
from core.outbox.models import OutboundMessage
from core.settings import Settings
from tests.bots.sending import fail_second, queued, send, store_split
from tests.fakes import payloads as p
from tests.fakes.platform import FakePlatform

SECRET = "tg-test-secret"
USER = 42


def body_of(update: dict[str, Any]) -> bytes:
    return json.dumps(update).encode()


async def stored(update: dict[str, Any]) -> InboundEvent:
    """The update as the webhook keeps it: split from a real body, then inserted."""
    return await store_split("telegram", telegram.split(body_of(update)))


async def outbound(replies: list[Reply], context: dict[str, Any] | None = None,
                   ) -> OutboundMessage:
    return await queued("telegram", str(USER), replies, context)


def texts_sent(fake: FakePlatform) -> list[str]:
    return [c.params["text"] for c in fake.calls("telegram", "sendMessage") if c.status == 200]


# ------------------------------------------------------------------------------ verify

def test_verify_accepts_the_configured_secret() -> None:
    assert telegram.verify(SECRET, SECRET)


@pytest.mark.parametrize("header", [
    pytest.param("tg-test-secreT", id="wrong"),
    pytest.param(SECRET + "x", id="longer"),
    pytest.param("", id="empty"),
    pytest.param("tg-tést-secret", id="non-ascii"),
])
def test_verify_rejects_a_wrong_or_empty_secret(header: str) -> None:
    assert not telegram.verify(header, SECRET)


def test_verify_rejects_an_empty_header_when_no_secret_is_set() -> None:
    assert not telegram.verify("", "")


# ------------------------------------------------------------------------------ split

@pytest.mark.parametrize("update", [
    pytest.param(p.tg_message(7, USER, "hi"), id="message"),
    pytest.param(p.tg_callback(7, USER, "consent:yes"), id="callback_query"),
    pytest.param(p.tg_my_chat_member_blocked(7, USER), id="my_chat_member"),
])
def test_split_uses_update_id_and_the_from_user(update: dict[str, Any]) -> None:
    (raw,) = telegram.split(body_of(update))
    assert (raw.event_id, raw.sender, raw.payload) == ("7", "42", update)


@pytest.mark.parametrize("body", [
    pytest.param(b"not json", id="not-json"),
    pytest.param(b"[1, 2]", id="not-an-object"),
    pytest.param(b'{"message": {"text": "hi"}}', id="no-update-id"),
    pytest.param(b'{"update_id": "7"}', id="update-id-not-int"),
    pytest.param(b'{"update_id": 7, "message": "hi"}', id="message-not-an-object"),
])
def test_split_rejects_a_malformed_body_with_value_error(body: bytes) -> None:
    with pytest.raises(ValueError):
        telegram.split(body)


# ------------------------------------------------------------------------------ parse

async def test_parse_text_takes_language_hint_from_language_code(db: str) -> None:
    incoming = telegram.parse(await stored(p.tg_message(11, USER, "สวัสดี", language_code="th")))
    assert (incoming.kind, incoming.text, incoming.language_hint) == (Kind.TEXT, "สวัสดี", "th")
    assert (incoming.sender, incoming.event_id) == ("42", "11")


async def test_parse_start_command_is_text(db: str) -> None:
    incoming = telegram.parse(await stored(p.tg_start(11, USER)))
    assert (incoming.kind, incoming.text) == (Kind.TEXT, "/start")


async def test_parse_callback_query_is_a_postback_with_its_query_id(db: str) -> None:
    update = p.tg_callback(11, USER, "consent:yes", callback_id="5551234567890")
    incoming = telegram.parse(await stored(update))
    assert (incoming.kind, incoming.data) == (Kind.POSTBACK, "consent:yes")
    assert incoming.reply_context == {"callback_query_id": "5551234567890"}


async def test_parse_location_gives_decimal_coordinates(db: str) -> None:
    incoming = telegram.parse(await stored(p.tg_location(11, USER, 28.6139, 77.209)))
    assert incoming.kind == Kind.LOCATION
    assert incoming.location == Location(Decimal("28.6139"), Decimal("77.209"))


async def test_parse_photo_refers_to_the_largest_size(db: str) -> None:
    update = p.tg_photo(11, USER, ["small-id", "medium-id", "large-id"], caption="my bin")
    incoming = telegram.parse(await stored(update))
    assert (incoming.kind, incoming.text) == (Kind.IMAGE, "my bin")
    assert [m.handle for m in incoming.media] == ["large-id"]
    assert incoming.media == (MediaRef("large-id", "image/jpeg"),)


async def test_parse_sticker_is_unsupported_with_detail(db: str) -> None:
    incoming = telegram.parse(await stored(p.tg_sticker(11, USER)))
    assert (incoming.kind, incoming.detail) == (Kind.UNSUPPORTED, "sticker")


async def test_parse_bot_blocked_is_an_unfollow(db: str) -> None:
    assert telegram.parse(await stored(p.tg_my_chat_member_blocked(11, USER))).kind == \
        Kind.UNFOLLOW


async def test_parse_ignores_an_edited_message(db: str) -> None:
    with pytest.raises(IgnoredEvent):
        telegram.parse(await stored(p.tg_edited_message(11, USER, "edited")))


# ------------------------------------------------------------------------------ keyboard

def test_keyboard_keeps_labels_and_callback_data_intact() -> None:
    buttons = (Button("ขยะอาหารและเศษผักผลไม้จากครัวเรือน", "log:c:" + "f" * 58),
               Button("Paper", "log:c:paper"))
    markup = telegram.keyboard(Reply("Pick", buttons=buttons))
    assert markup is not None
    cells = [cell for row in markup.inline_keyboard for cell in row]
    assert [(c.text, c.callback_data) for c in cells] == [(b.label, b.data) for b in buttons]
    assert all(len(c.callback_data.encode()) <= 64 for c in cells)


def test_keyboard_pairs_short_labels_and_gives_long_ones_a_row() -> None:
    labels = ["Plastic", "Paper", "Glass", "Garden and food waste", "Metal"]
    reply = Reply("Pick", buttons=tuple(Button(label, f"c:{i}") for i, label in enumerate(labels)))
    markup = telegram.keyboard(reply)
    assert markup is not None
    assert [[c.text for c in row] for row in markup.inline_keyboard] == [
        ["Plastic", "Paper"], ["Glass"], ["Garden and food waste"], ["Metal"]]


# ------------------------------------------------------------------------------ TelegramSender

async def test_callback_is_answered_before_the_reply_with_its_keyboard(
        settings: Settings, fake: FakePlatform) -> None:
    reply = Reply("Do you agree?", buttons=(Button("I agree", "consent:yes"),))
    message = await outbound([reply], {"callback_query_id": "5551234567890"})
    assert await send(settings, message) == "api"
    answer, sent = fake.calls("telegram")
    assert answer.endpoint == "answerCallbackQuery"
    assert answer.params["callback_query_id"] == "5551234567890"
    assert sent.endpoint == "sendMessage"
    assert (sent.params["chat_id"], sent.params["text"]) == ("42", "Do you agree?")
    assert json.loads(sent.params["reply_markup"])["inline_keyboard"] == [
        [{"text": "I agree", "callback_data": "consent:yes"}]]
    assert message.parts_sent == 1 and len(message.platform_ids) == 1


async def test_429_becomes_retry_later_after_retry_after(
        settings: Settings, fake: FakePlatform) -> None:
    message = await outbound([Reply("Hello")])
    fake.fail_next("telegram", "sendMessage", 429, retry_after=17)
    with pytest.raises(RetryLater) as caught:
        await send(settings, message)
    assert caught.value.after_seconds == 17
    assert message.parts_sent == 0


async def test_blocked_by_user_403_is_undeliverable(
        settings: Settings, fake: FakePlatform) -> None:
    message = await outbound([Reply("Hello")])
    fake.fail_next("telegram", "sendMessage", 403)
    with pytest.raises(Undeliverable):
        await send(settings, message)


async def test_retry_after_partial_send_sends_only_the_remaining_reply(
        settings: Settings, fake: FakePlatform) -> None:
    message = await outbound([Reply("First"), Reply("Second")])
    armed = fail_second(fake, "telegram", "sendMessage", 429, retry_after=3)
    with pytest.raises(RetryLater):
        await send(settings, message)
    await armed
    assert message.parts_sent == 1 and len(message.platform_ids) == 1
    await send(settings, message)
    assert texts_sent(fake) == ["First", "Second"]
    assert message.parts_sent == 2 and len(message.platform_ids) == 2


async def test_retry_after_failed_location_prompt_does_not_resend_the_text(
        settings: Settings, fake: FakePlatform) -> None:
    message = await outbound([Reply("Which province?", ask_location="Share my location")])
    armed = fail_second(fake, "telegram", "sendMessage", 429, retry_after=3)
    with pytest.raises(RetryLater):
        await send(settings, message)
    await armed
    await send(settings, message)
    assert texts_sent(fake) == ["Which province?", "📍"]
