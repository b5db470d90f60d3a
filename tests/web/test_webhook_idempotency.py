"""Redeliveries and duplicates: each platform event is stored, processed and answered once."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import httpx
import pytest

from core.events.models import EventStatus, InboundEvent
from core.outbox.models import OutboundMessage
from core.settings import Settings
from tests.fakes import payloads as p
from tests.fakes.platform import FakePlatform
from tests.harness import drain, running_app, worker_running

LINE_PATH = "/webhooks/line"
TG_PATH = "/webhooks/telegram"
SMS_PATH = "/webhooks/twilio/sms"
LINE_USER = "U" + "b2" * 16
PHONE = "+66812345678"


def redelivered(event: dict[str, Any]) -> dict[str, Any]:
    """The same webhook event as LINE sends it again: only isRedelivery changes."""
    again = copy.deepcopy(event)
    again["deliveryContext"]["isRedelivery"] = True
    return again


def three_line_texts() -> list[dict[str, Any]]:
    return [p.line_text(LINE_USER, text) for text in ("hello", "help", "no")]


def line_call(settings: Settings, *events: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    return p.line_request(*events, secret=settings.line_channel_secret)


async def post_accepted(client: httpx.AsyncClient, path: str,
                        call: tuple[bytes, dict[str, str]]) -> httpx.Response:
    body, headers = call
    response = await client.post(path, content=body, headers=headers)
    assert response.status_code == 200
    return response


async def assert_once(channel: str) -> None:
    """One event stored in all, done, and answered by exactly one outbound message."""
    assert await InboundEvent.all().count() == 1
    event = await InboundEvent.get(channel=channel)
    assert event.status == EventStatus.DONE
    assert await OutboundMessage.filter(in_reply_to_id=event.id).count() == 1


@pytest.mark.parametrize("drain_in_between", [
    pytest.param(False, id="redelivered-before-processing"),
    pytest.param(True, id="redelivered-after-the-reply-went-out"),
])
async def test_line_redelivery_is_stored_processed_and_replied_once(
        settings: Settings, fake: FakePlatform, drain_in_between: bool) -> None:
    event = p.line_text(LINE_USER, "hello")
    async with running_app(settings) as client:
        for delivery in (event, redelivered(event)):
            await post_accepted(client, LINE_PATH, line_call(settings, delivery))
            if drain_in_between:
                await drain(settings)
        await drain(settings)
    await assert_once("line")
    (reply,) = fake.calls("line", "reply")
    assert reply.json["replyToken"] == event["replyToken"]
    assert fake.calls("line", "push") == []


async def test_telegram_repeated_update_id_is_stored_processed_and_replied_once(
        settings: Settings, fake: FakePlatform) -> None:
    call = p.tg_request(p.tg_message(7001, 42, "hello"), settings.telegram_webhook_secret)
    async with running_app(settings) as client:
        for _ in range(2):
            await post_accepted(client, TG_PATH, call)
        await drain(settings)
    await assert_once("telegram")
    (sent,) = fake.calls("telegram", "sendMessage")
    assert sent.params["chat_id"] == "42"


async def test_sms_repeated_message_sid_is_stored_processed_and_replied_once(
        settings: Settings, fake: FakePlatform) -> None:
    call = p.twilio_request(settings.public_base_url + SMS_PATH, p.twilio_sms(PHONE, "hello"),
                            settings.twilio_auth_token)
    async with running_app(settings) as client:
        for _ in range(2):
            response = await post_accepted(client, SMS_PATH, call)
            assert "<Message>" not in response.text  # no worker yet: nothing to answer inline
        await drain(settings)
    await assert_once("sms")
    calls = fake.calls("twilio", "messages")
    assert calls and {c.form["To"][0] for c in calls} == {PHONE}
    message = await OutboundMessage.get()
    assert message.via == "api" and len(message.platform_ids) == len(calls)


async def test_concurrent_duplicate_posts_store_and_process_the_event_once(
        settings: Settings, fake: FakePlatform) -> None:
    body, headers = line_call(settings, p.line_text(LINE_USER, "hello"))
    async with running_app(settings) as client:
        responses = await asyncio.gather(
            *(client.post(LINE_PATH, content=body, headers=headers) for _ in range(2)))
        assert [r.status_code for r in responses] == [200, 200]
        await drain(settings)
    await assert_once("line")
    assert len(fake.calls("line", "reply")) == 1


async def test_one_body_with_three_events_stores_three_rows(settings: Settings) -> None:
    events = three_line_texts()
    async with running_app(settings) as client:
        await post_accepted(client, LINE_PATH, line_call(settings, *events))
    stored = await InboundEvent.all().order_by("id")
    assert [e.event_id for e in stored] == [e["webhookEventId"] for e in events]
    assert {e.status for e in stored} == {EventStatus.PENDING}


async def three_events_in_one_body_processed(settings: Settings) -> list[dict[str, Any]]:
    """Post three texts of one sender in one body, let a burst worker handle them."""
    events = three_line_texts()
    async with running_app(settings) as client:
        await post_accepted(client, LINE_PATH, line_call(settings, *events))
        await drain(settings)
    return events


async def test_three_events_of_one_sender_are_processed_in_their_order(
        settings: Settings) -> None:
    events = await three_events_in_one_body_processed(settings)
    stored = await InboundEvent.all().order_by("id")
    assert [e.status for e in stored] == [EventStatus.DONE] * 3
    assert [e.processed_at for e in stored] == sorted(e.processed_at for e in stored)
    replies = await OutboundMessage.all().order_by("id")
    assert [m.in_reply_to_id for m in replies] == [e.id for e in stored]
    assert [m.reply_context["reply_token"] for m in replies] == [e["replyToken"] for e in events]


async def test_three_events_of_one_sender_are_replied_in_their_order(
        settings: Settings, fake: FakePlatform) -> None:
    events = await three_events_in_one_body_processed(settings)
    tokens = [call.json["replyToken"] for call in fake.calls("line", "reply")]
    assert tokens == [e["replyToken"] for e in events]


async def test_a_retried_reply_is_not_overtaken_by_later_replies(
        settings: Settings, fake: FakePlatform) -> None:
    events = three_line_texts()
    fake.fail_next("line", "reply", 500)  # the first answer meets a passing LINE outage
    async with running_app(settings) as client, worker_running(settings):
        for event in events:
            await post_accepted(client, LINE_PATH, line_call(settings, event))
            if event is events[0]:
                await fake.wait_for(1, "line", "reply")
        # The refused reply and two more, then the retry of the first answer as a push.
        await fake.wait_for(3, "line", "reply")
        await fake.wait_for(1, "line", "push")
    texts = fake.sent_texts("line")
    assert len(texts) == 4  # the help answer is two messages

    def position(marker: str) -> int:
        return next(i for i, text in enumerate(texts) if marker in text)

    consent, help_, declined = (position(m) for m in (
        "Do you agree?", "I keep your waste diary", "I have not stored anything"))
    assert consent < help_ < declined
