"""LINE adapter: signature, webhook split, event parsing, rendering and sending."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from linebot.v3.messaging import (
    ImageMessage,
    LocationAction,
    Message,
    PostbackAction,
    QuickReplyItem,
    TextMessage,
)

from bots import line
from core.events.models import InboundEvent
from core.messages import Button, IgnoredEvent, Kind, Location, MediaRef, Reply
from core.outbox.delivery import RetryLater, Undeliverable
from core.outbox.models import OutboundMessage
from core.settings import Settings
from tests.bots.sending import queued, send, store_split
from tests.fakes import payloads as p
from tests.fakes.platform import FakePlatform

SECRET = "line-test-secret"
USER = "U" + "1" * 32
BODY = p.line_body(p.line_text(USER, "hello"))


def now_ms() -> int:
    return int(datetime.now(UTC).timestamp() * 1000)


async def stored(event: dict[str, Any]) -> InboundEvent:
    """The event as the webhook keeps it: split from a real body, then inserted."""
    return await store_split("line", line.split(p.line_body(event)))


async def outbound(replies: list[Reply], event_ms: int | None = None) -> OutboundMessage:
    """A pending message to USER; with event_ms it answers an event that had a reply token."""
    context = {} if event_ms is None else {"reply_token": uuid.uuid4().hex, "event_ms": event_ms}
    return await queued("line", USER, replies, context)


def quick_items(messages: list[Message]) -> list[QuickReplyItem]:
    return messages[-1].quick_reply.items


# ------------------------------------------------------------------------------ verify

def test_verify_accepts_the_channel_secret_signature() -> None:
    assert line.verify(BODY, p.line_signature(BODY, SECRET), SECRET)


@pytest.mark.parametrize("signature", [
    pytest.param(p.line_signature(BODY, "another-secret"), id="other-secret"),
    pytest.param(p.line_signature(BODY + b" ", SECRET), id="other-body"),
    pytest.param("", id="missing"),
])
def test_verify_rejects_a_wrong_or_missing_signature(signature: str) -> None:
    assert not line.verify(BODY, signature, SECRET)


def test_verify_rejects_a_body_that_is_not_utf8() -> None:
    body = b"\xff" + BODY
    assert not line.verify(body, p.line_signature(BODY, SECRET), SECRET)


# ------------------------------------------------------------------------------ split

def test_split_returns_one_raw_event_per_event() -> None:
    other = "U" + "2" * 32
    text, follow = p.line_text(USER, "hi"), p.line_follow(other)
    raws = line.split(p.line_body(text, follow))
    assert [(r.event_id, r.sender) for r in raws] == [
        (text["webhookEventId"], USER), (follow["webhookEventId"], other)]
    assert [r.payload for r in raws] == [text, follow]


EVENT_WITHOUT_ID = {k: v for k, v in p.line_text(USER, "hi").items() if k != "webhookEventId"}


@pytest.mark.parametrize("body", [
    pytest.param(b"not json", id="not-json"),
    pytest.param(b'{"destination": "U0", "events": {}}', id="events-not-a-list"),
    pytest.param(b'{"destination": "U0"}', id="no-events"),
    pytest.param(p.line_body(EVENT_WITHOUT_ID), id="event-without-id"),
])
def test_split_rejects_a_malformed_body_with_value_error(body: bytes) -> None:
    with pytest.raises(ValueError):
        line.split(body)


# ------------------------------------------------------------------------------ parse

async def test_parse_text_keeps_the_reply_token_and_event_time(db: str) -> None:
    event = p.line_text(USER, "hello", reply_token="token-1", timestamp=1_700_000_000_000)
    incoming = line.parse(await stored(event))
    assert (incoming.kind, incoming.text, incoming.sender) == (Kind.TEXT, "hello", USER)
    assert incoming.event_id == event["webhookEventId"]
    assert incoming.reply_context == {"reply_token": "token-1", "event_ms": 1_700_000_000_000}


async def test_parse_postback_carries_its_data(db: str) -> None:
    incoming = line.parse(await stored(p.line_postback(USER, "log:c:food")))
    assert (incoming.kind, incoming.data) == (Kind.POSTBACK, "log:c:food")


async def test_parse_location_gives_decimal_coordinates(db: str) -> None:
    event = p.line_location(USER, 13.7563, 100.5018, title="Home", address="Bangkok")
    incoming = line.parse(await stored(event))
    assert incoming.kind == Kind.LOCATION
    assert incoming.location == Location(Decimal("13.7563"), Decimal("100.5018"), "Bangkok")


async def test_parse_image_refers_to_the_message_id(db: str) -> None:
    incoming = line.parse(await stored(p.line_image(USER, message_id="500000000000000001")))
    assert (incoming.kind, incoming.media) == (Kind.IMAGE, (MediaRef("500000000000000001"),))


@pytest.mark.parametrize(("event", "kind"), [
    pytest.param(p.line_follow(USER), Kind.FOLLOW, id="follow"),
    pytest.param(p.line_unfollow(USER), Kind.UNFOLLOW, id="unfollow"),
])
async def test_parse_follow_and_unfollow_map_to_their_kind(
        db: str, event: dict[str, Any], kind: Kind) -> None:
    assert line.parse(await stored(event)).kind == kind


async def test_parse_sticker_is_unsupported_with_detail(db: str) -> None:
    incoming = line.parse(await stored(p.line_sticker(USER)))
    assert (incoming.kind, incoming.detail) == (Kind.UNSUPPORTED, "sticker")


@pytest.mark.parametrize("event", [
    pytest.param(p.line_text(USER, "hi", mode="standby"), id="standby"),
    pytest.param(p.line_text(USER, "hi", group_id=p.line_group_id()), id="group"),
    pytest.param(p.line_unknown(USER), id="unknown-type"),
    pytest.param(p.line_join_group(p.line_group_id()), id="join"),
])
async def test_parse_ignores_events_that_need_no_answer(db: str, event: dict[str, Any]) -> None:
    with pytest.raises(IgnoredEvent):
        line.parse(await stored(event))


# ------------------------------------------------------------------------------ render

def test_render_caps_quick_reply_items_at_13() -> None:
    buttons = tuple(Button(f"Option {i}", f"opt:{i}") for i in range(13))
    items = quick_items(line.render(Reply("Pick", buttons=buttons, ask_location="Share")))
    assert len(items) == 13


def test_render_truncates_labels_over_20_characters_with_ellipsis() -> None:
    buttons = (Button("Food and kitchen scraps", "c:food"), Button("Exactly twenty chars", "c:x"))
    labels = [i.action.label for i in quick_items(line.render(Reply("Pick", buttons=buttons)))]
    assert labels == ["Food and kitchen sc…", "Exactly twenty chars"]


def test_render_keeps_postback_data_and_full_label_as_display_text() -> None:
    reply = Reply("Pick", buttons=(Button("Food and kitchen scraps", "log:c:food"),))
    (item,) = quick_items(line.render(reply))
    assert isinstance(item.action, PostbackAction)
    assert (item.action.data, item.action.display_text) == ("log:c:food",
                                                            "Food and kitchen scraps")


def test_render_ask_location_adds_a_location_action() -> None:
    reply = Reply("Where?", buttons=(Button("Skip", "onboard:skip"),),
                  ask_location="Share my location")
    items = quick_items(line.render(reply))
    assert isinstance(items[0].action, LocationAction)
    assert items[0].action.label == "Share my location"


def test_render_keeps_the_location_action_when_buttons_fill_the_limit() -> None:
    buttons = tuple(Button(f"Option {n}", f"opt:{n}") for n in range(13))
    items = quick_items(line.render(Reply("Where?", buttons=buttons, ask_location="Here")))
    assert len(items) == 13 and isinstance(items[0].action, LocationAction)


def test_render_image_url_puts_an_image_before_the_text() -> None:
    messages = line.render(Reply("Your week", image_url="https://cdn.test/week.png"))
    assert [type(m) for m in messages] == [ImageMessage, TextMessage]
    assert messages[0].original_content_url == "https://cdn.test/week.png"
    assert messages[1].text == "Your week"


# ------------------------------------------------------------------------------ LineSender

async def test_fresh_reply_token_is_used_on_the_reply_endpoint(
        settings: Settings, fake: FakePlatform) -> None:
    message = await outbound([Reply("Hello")], event_ms=now_ms())
    assert await send(settings, message) == "reply"
    (call,) = fake.calls("line")
    assert call.endpoint == "reply"
    assert call.json["replyToken"] == message.reply_context["reply_token"]
    assert [m["text"] for m in call.json["messages"]] == ["Hello"]
    assert message.parts_sent == 1 and len(message.platform_ids) == 1


async def test_reply_token_older_than_ttl_falls_back_to_push(
        settings: Settings, fake: FakePlatform) -> None:
    stale = now_ms() - (settings.line_reply_token_ttl_seconds + 1) * 1000
    message = await outbound([Reply("Hello")], event_ms=stale)
    assert await send(settings, message) == "push"
    (call,) = fake.calls("line")
    assert (call.endpoint, call.json["to"]) == ("push", USER)
    assert message.parts_sent == 1


async def test_reply_refused_with_400_falls_back_to_push(
        settings: Settings, fake: FakePlatform) -> None:
    message = await outbound([Reply("Hello")], event_ms=now_ms())
    fake.fail_next("line", "reply", 400)
    assert await send(settings, message) == "push"
    assert [(c.endpoint, c.status) for c in fake.calls("line")] == [("reply", 400), ("push", 200)]
    assert fake.sent_texts("line") == ["Hello"]


async def test_push_retry_reuses_the_same_retry_key(
        settings: Settings, fake: FakePlatform) -> None:
    message = await outbound([Reply("Hello")])
    fake.fail_next("line", "push", 500)
    with pytest.raises(RetryLater):
        await send(settings, message)
    assert await send(settings, message) == "push"
    first, second = fake.calls("line", "push")
    key = first.header("X-Line-Retry-Key")
    assert key is not None and uuid.UUID(key)
    assert second.header("X-Line-Retry-Key") == key
    assert (first.status, second.status) == (500, 200)


async def test_push_answered_409_counts_as_delivered(
        settings: Settings, fake: FakePlatform) -> None:
    message = await outbound([Reply("Hello")])
    await send(settings, message)
    # The worker died before saving: the row still says nothing went out.
    unsaved = await OutboundMessage.get(id=message.id)
    assert await send(settings, unsaved) == "push"
    assert [c.status for c in fake.calls("line", "push")] == [200, 409]
    assert unsaved.parts_sent == 1
    assert fake.sent_texts("line") == ["Hello"]


@pytest.mark.parametrize(("status", "error"), [
    (429, RetryLater), (500, RetryLater), (503, RetryLater),
    (400, Undeliverable), (403, Undeliverable),
])
async def test_push_error_status_maps_to_retry_or_give_up(
        settings: Settings, fake: FakePlatform, status: int, error: type[Exception]) -> None:
    message = await outbound([Reply("Hello")])
    fake.fail_next("line", "push", status)
    with pytest.raises(error):
        await send(settings, message)
    assert message.parts_sent == 0


async def test_push_429_retry_after_header_sets_the_delay(
        settings: Settings, fake: FakePlatform) -> None:
    message = await outbound([Reply("Hello")])
    fake.fail_next("line", "push", 429, retry_after=30)
    with pytest.raises(RetryLater) as caught:
        await send(settings, message)
    assert caught.value.after_seconds == 30


async def test_more_than_five_messages_are_pushed_in_chunks_of_five(
        settings: Settings, fake: FakePlatform) -> None:
    texts = [f"part {i}" for i in range(7)]
    message = await outbound([Reply(t) for t in texts], event_ms=now_ms())
    assert await send(settings, message) == "push"
    assert fake.calls("line", "reply") == []
    assert [len(c.json["messages"]) for c in fake.calls("line", "push")] == [5, 2]
    assert fake.sent_texts("line") == texts
    assert message.parts_sent == 7 and len(message.platform_ids) == 7
