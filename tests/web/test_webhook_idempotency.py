"""Redeliveries and duplicates: each platform event is stored, processed and answered once."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

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


async def assert_once(channel: str) -> None:
    event = await InboundEvent.get(channel=channel)
    assert event.status == EventStatus.DONE
    assert await OutboundMessage.filter(in_reply_to_id=event.id).count() == 1


async def test_line_redelivery_is_stored_processed_and_replied_once(
        settings: Settings, fake: FakePlatform) -> None:
    event = p.line_text(LINE_USER, "hello")
    first = p.line_request(event, secret=settings.line_channel_secret)
    second = p.line_request(redelivered(event), secret=settings.line_channel_secret)
    async with running_app(settings) as client:
        for body, headers in (first, second):
            response = await client.post(LINE_PATH, content=body, headers=headers)
            assert response.status_code == 200
        await drain(settings)
    assert await InboundEvent.all().count() == 1
    await assert_once("line")
    (reply,) = fake.calls("line", "reply")
    assert reply.json["replyToken"] == event["replyToken"]


async def test_line_redelivery_after_the_reply_went_out_is_not_answered_again(
        settings: Settings, fake: FakePlatform) -> None:
    event = p.line_text(LINE_USER, "hello")
    first = p.line_request(event, secret=settings.line_channel_secret)
    second = p.line_request(redelivered(event), secret=settings.line_channel_secret)
    async with running_app(settings) as client:
        assert (await client.post(LINE_PATH, content=first[0], headers=first[1])).is_success
        await drain(settings)
        assert (await client.post(LINE_PATH, content=second[0], headers=second[1])).is_success
        await drain(settings)
    assert await InboundEvent.all().count() == 1
    await assert_once("line")
    assert len(fake.calls("line", "reply")) == 1
    assert fake.calls("line", "push") == []


async def test_telegram_repeated_update_id_is_stored_processed_and_replied_once(
        settings: Settings, fake: FakePlatform) -> None:
    body, headers = p.tg_request(p.tg_message(7001, 42, "hello"),
                                 settings.telegram_webhook_secret)
    async with running_app(settings) as client:
        for _ in range(2):
            response = await client.post(TG_PATH, content=body, headers=headers)
            assert response.status_code == 200
        await drain(settings)
    assert await InboundEvent.all().count() == 1
    await assert_once("telegram")
    (call,) = fake.calls("telegram", "sendMessage")
    assert call.params["chat_id"] == "42"


async def test_sms_repeated_message_sid_is_stored_processed_and_replied_once(
        settings: Settings, fake: FakePlatform) -> None:
    form = p.twilio_sms(PHONE, "hello")
    body, headers = p.twilio_request(settings.public_base_url + SMS_PATH, form,
                                     settings.twilio_auth_token)
    async with running_app(settings) as client:
        for _ in range(2):
            response = await client.post(SMS_PATH, content=body, headers=headers)
            assert response.status_code == 200
            assert "<Message>" not in response.text  # no worker yet: nothing to answer inline
        await drain(settings)
    assert await InboundEvent.all().count() == 1
    await assert_once("sms")
    calls = fake.calls("twilio", "messages")
    assert calls and {c.form["To"][0] for c in calls} == {PHONE}
    message = await OutboundMessage.get()
    assert message.via == "api" and len(message.platform_ids) == len(calls)


async def test_concurrent_duplicate_posts_store_and_process_the_event_once(
        settings: Settings, fake: FakePlatform) -> None:
    body, headers = p.line_request(p.line_text(LINE_USER, "hello"),
                                   secret=settings.line_channel_secret)
    async with running_app(settings) as client:
        responses = await asyncio.gather(
            *(client.post(LINE_PATH, content=body, headers=headers) for _ in range(2)))
        assert [r.status_code for r in responses] == [200, 200]
        await drain(settings)
    assert await InboundEvent.all().count() == 1
    await assert_once("line")
    assert len(fake.calls("line", "reply")) == 1


async def test_one_body_with_three_events_stores_three_rows(settings: Settings) -> None:
    events = [p.line_text(LINE_USER, text) for text in ("hello", "help", "no")]
    body, headers = p.line_request(*events, secret=settings.line_channel_secret)
    async with running_app(settings) as client:
        response = await client.post(LINE_PATH, content=body, headers=headers)
    assert response.status_code == 200
    stored = await InboundEvent.all().order_by("id")
    assert [e.event_id for e in stored] == [e["webhookEventId"] for e in events]
    assert {e.status for e in stored} == {EventStatus.PENDING}


async def test_three_events_of_one_sender_are_processed_in_their_order(
        settings: Settings) -> None:
    events = [p.line_text(LINE_USER, text) for text in ("hello", "help", "no")]
    body, headers = p.line_request(*events, secret=settings.line_channel_secret)
    async with running_app(settings) as client:
        assert (await client.post(LINE_PATH, content=body, headers=headers)).is_success
        await drain(settings)
    stored = await InboundEvent.all().order_by("id")
    assert [e.status for e in stored] == [EventStatus.DONE] * 3
    assert [e.processed_at for e in stored] == sorted(e.processed_at for e in stored)
    replies = await OutboundMessage.all().order_by("id")
    assert [m.in_reply_to_id for m in replies] == [e.id for e in stored]
    assert [m.reply_context["reply_token"] for m in replies] == [e["replyToken"] for e in events]


async def test_three_events_of_one_sender_are_replied_in_their_order(
        settings: Settings, fake: FakePlatform) -> None:
    events = [p.line_text(LINE_USER, text) for text in ("hello", "help", "no")]
    body, headers = p.line_request(*events, secret=settings.line_channel_secret)
    async with running_app(settings) as client:
        assert (await client.post(LINE_PATH, content=body, headers=headers)).is_success
        await drain(settings)
    tokens = [call.json["replyToken"] for call in fake.calls("line", "reply")]
    assert tokens == [e["replyToken"] for e in events]


async def test_a_retried_reply_is_not_overtaken_by_later_replies(
        settings: Settings, fake: FakePlatform) -> None:
    events = [p.line_text(LINE_USER, text) for text in ("hello", "help", "no")]
    fake.fail_next("line", "reply", 500)  # the first answer meets a passing LINE outage
    async with running_app(settings) as client, worker_running(settings):
        for event in events:
            body, headers = p.line_request(event, secret=settings.line_channel_secret)
            assert (await client.post(LINE_PATH, content=body, headers=headers)).is_success
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
