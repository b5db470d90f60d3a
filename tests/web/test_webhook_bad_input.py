"""Odd, malformed and unanswerable input: refused early, or stored and handled calmly."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from arq.worker import Worker
from redis.asyncio import Redis

from core.events.models import EventStatus, InboundEvent
from core.outbox.models import OutboundMessage
from core.queue import JOB_PROCESS_EVENT, open_queue
from core.settings import Settings
from tests.conftest import make_settings
from tests.fakes import payloads as p
from tests.fakes.platform import FakePlatform
from tests.harness import drain, running_app

LINE_PATH = "/webhooks/line"
TG_PATH = "/webhooks/telegram"
SMS_PATH = "/webhooks/twilio/sms"
LINE_USER = "U" + "c3" * 16
TG_USER = 4242
PHONE = "+66812345678"
CONSENT_QUESTION = "Do you agree?"
TEXT_ONLY = "I can read text, photos, buttons and locations, but not this kind of message."
APOLOGY = "Sorry, something went wrong with your last message. Please try again later."
Call = tuple[bytes, dict[str, str]]


def quiet_sweeper(db: str, fake: FakePlatform, **overrides: object) -> Settings:
    """Settings whose sweeper leaves fresh events alone, so each drain is one attempt."""
    return make_settings(db, fake.url, sweep_after_seconds=3600, **overrides)


def tg_without_chat(update_id: int, user_id: int) -> dict[str, object]:
    """A message update whose message lacks the required chat and date: unparseable."""
    return {"update_id": update_id,
            "message": {"message_id": 9, "from": {"id": user_id, "is_bot": False,
                                                  "first_name": "Test"}, "text": "hi"}}


async def post_once(settings: Settings, path: str, body: bytes | AsyncIterator[bytes],
                    headers: dict[str, str]) -> int:
    """The status code the app answers one call with."""
    async with running_app(settings) as client:
        return (await client.post(path, content=body, headers=headers)).status_code


async def in_chunks(body: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start:start + size]


async def post_line(client: httpx.AsyncClient, settings: Settings,
                    event: dict[str, object]) -> None:
    body, headers = p.line_request(event, secret=settings.line_channel_secret)
    response = await client.post(LINE_PATH, content=body, headers=headers)
    assert response.status_code == 200


async def post_tg(client: httpx.AsyncClient, settings: Settings,
                  update: dict[str, object]) -> None:
    body, headers = p.tg_request(update, settings.telegram_webhook_secret)
    response = await client.post(TG_PATH, content=body, headers=headers)
    assert response.status_code == 200


async def deliver_line(settings: Settings, event: dict[str, object]) -> Worker:
    """Post one signed LINE event, then let a burst worker handle it."""
    async with running_app(settings) as client:
        await post_line(client, settings, event)
        return await drain(settings)


async def deliver_tg(settings: Settings, update: dict[str, object]) -> Worker:
    """Post one Telegram update with the secret token, then let a burst worker handle it."""
    async with running_app(settings) as client:
        await post_tg(client, settings, update)
        return await drain(settings)


async def assert_not_answered(fake: FakePlatform, platform: str) -> None:
    assert fake.calls(platform) == [] and await OutboundMessage.all().count() == 0


# ---------------------------------------------------------------------- refused at the door


def line_signed(body: bytes) -> Callable[[Settings], Call]:
    """A raw LINE body with a valid signature over exactly those bytes."""
    return lambda settings: (body, {
        "Content-Type": "application/json; charset=utf-8",
        "X-Line-Signature": p.line_signature(body, settings.line_channel_secret)})


def tg_without_update_id(settings: Settings) -> Call:
    update = p.tg_message(1, TG_USER, "hello")
    del update["update_id"]
    return p.tg_request(update, settings.telegram_webhook_secret)


def sms_without_message_sid(settings: Settings) -> Call:
    form = p.twilio_sms(PHONE, "hello", MessageSid=None, SmsSid=None, SmsMessageSid=None)
    return p.twilio_request(settings.public_base_url + SMS_PATH, form,
                            settings.twilio_auth_token)


@pytest.mark.parametrize(("path", "call_for"), [
    pytest.param(LINE_PATH, line_signed(b'{"destination":"U0","events":[{"type":"message",'),
                 id="line-malformed-json"),
    pytest.param(LINE_PATH, line_signed(json.dumps({"destination": p.LINE_DESTINATION}).encode()),
                 id="line-body-without-events"),
    pytest.param(TG_PATH, tg_without_update_id, id="telegram-update-without-update-id"),
    pytest.param(SMS_PATH, sms_without_message_sid, id="sms-without-message-sid"),
])
async def test_malformed_but_authenticated_body_is_400_and_not_stored(
        settings: Settings, path: str, call_for: Callable[[Settings], Call]) -> None:
    assert await post_once(settings, path, *call_for(settings)) == 400
    assert await InboundEvent.all().count() == 0


async def test_line_console_verification_with_no_events_is_200_and_stores_nothing(
        settings: Settings) -> None:
    body, headers = p.line_request(secret=settings.line_channel_secret)
    assert await post_once(settings, LINE_PATH, body, headers) == 200
    assert await InboundEvent.all().count() == 0


@pytest.mark.parametrize("streamed", [pytest.param(False, id="with-content-length"),
                                      pytest.param(True, id="streamed")])
async def test_line_body_over_the_size_limit_is_413_and_not_stored(
        db: str, fake: FakePlatform, redis: Redis, streamed: bool) -> None:
    """Streamed, there is no Content-Length to trust: the limit holds while the body is read."""
    settings = make_settings(db, fake.url, webhook_max_body_bytes=2048)
    body, headers = p.line_request(p.line_text(LINE_USER, "x" * 3000),
                                   secret=settings.line_channel_secret)
    content = in_chunks(body, 512) if streamed else body
    assert await post_once(settings, LINE_PATH, content, headers) == 413
    assert await InboundEvent.all().count() == 0


# -------------------------------------------------------------- stored, then nothing to say


async def test_line_unknown_event_type_is_ignored_with_its_reason_and_not_answered(
        settings: Settings, fake: FakePlatform) -> None:
    await deliver_line(settings, p.line_unknown(LINE_USER, "somethingNew"))
    event = await InboundEvent.get()
    assert event.status == EventStatus.IGNORED
    assert event.last_error == "unknown event type 'somethingNew'"
    await assert_not_answered(fake, "line")


async def test_line_standby_event_is_ignored(settings: Settings, fake: FakePlatform) -> None:
    await deliver_line(settings, p.line_text(LINE_USER, "hello", mode="standby"))
    event = await InboundEvent.get()
    assert event.status == EventStatus.IGNORED and "standby" in event.last_error
    await assert_not_answered(fake, "line")


async def test_line_group_join_is_ignored(settings: Settings, fake: FakePlatform) -> None:
    group = p.line_group_id()
    await deliver_line(settings, p.line_join_group(group))
    event = await InboundEvent.get()
    assert event.sender == group
    assert event.status == EventStatus.IGNORED and event.last_error == "not a one-to-one chat"
    await assert_not_answered(fake, "line")


async def test_telegram_edited_message_is_ignored(settings: Settings,
                                                  fake: FakePlatform) -> None:
    await deliver_tg(settings, p.tg_edited_message(2001, TG_USER, "hello again"))
    event = await InboundEvent.get()
    assert event.sender == str(TG_USER)
    assert event.status == EventStatus.IGNORED and "edited_message" in event.last_error
    await assert_not_answered(fake, "telegram")


# ------------------------------------------------------------------- stored and answered


async def test_line_sticker_gets_the_text_only_reply(settings: Settings,
                                                     fake: FakePlatform) -> None:
    await deliver_line(settings, p.line_sticker(LINE_USER))
    (call,) = fake.calls("line", "reply")
    assert call.json["messages"][0]["text"].startswith(TEXT_ONLY)


async def test_telegram_sticker_gets_the_text_only_reply(settings: Settings,
                                                         fake: FakePlatform) -> None:
    await deliver_tg(settings, p.tg_sticker(2002, TG_USER))
    (call,) = fake.calls("telegram", "sendMessage")
    assert call.params["chat_id"] == str(TG_USER)
    assert str(call.params["text"]).startswith(TEXT_ONLY)


async def test_line_unknown_user_saying_hello_gets_the_consent_prompt(
        settings: Settings, fake: FakePlatform) -> None:
    await deliver_line(settings, p.line_text(LINE_USER, "hello"))
    (call,) = fake.calls("line", "reply")
    message = call.json["messages"][0]
    assert CONSENT_QUESTION in message["text"]
    data = [item["action"].get("data") for item in message["quickReply"]["items"]]
    assert "consent:yes" in data and "consent:no" in data


async def test_telegram_unknown_user_saying_hello_gets_the_consent_prompt(
        settings: Settings, fake: FakePlatform) -> None:
    await deliver_tg(settings, p.tg_message(2003, TG_USER, "hello"))
    (call,) = fake.calls("telegram", "sendMessage")
    assert CONSENT_QUESTION in str(call.params["text"])
    assert "consent:yes" in str(call.params["reply_markup"])


async def test_sms_unknown_user_saying_hello_gets_the_consent_prompt(
        settings: Settings, fake: FakePlatform) -> None:
    body, headers = p.twilio_request(settings.public_base_url + SMS_PATH,
                                     p.twilio_sms(PHONE, "hello"), settings.twilio_auth_token)
    async with running_app(settings) as client:
        assert (await client.post(SMS_PATH, content=body, headers=headers)).status_code == 200
        await drain(settings)
    sent = "\n".join(fake.sent_texts("twilio"))
    # A +66 number is greeted in Thai; the consent menu is numbered for SMS.
    assert "WasteNexus" in sent and "1 ยอมรับ" in sent and "2 ไม่ยอมรับ" in sent
    assert {c.form["To"][0] for c in fake.calls("twilio", "messages")} == {PHONE}


# ----------------------------------------------------------------------- processing faults


async def test_processing_failure_is_recorded_on_the_event_and_not_raised_from_the_job(
        db: str, fake: FakePlatform, redis: Redis) -> None:
    settings = quiet_sweeper(db, fake)
    worker = await deliver_tg(settings, tg_without_chat(3001, TG_USER))
    event = await InboundEvent.get()
    assert event.status == EventStatus.PENDING
    assert event.attempts == 1
    assert "validation errors for Update" in event.last_error
    assert event.next_attempt_at > event.received_at
    assert worker.jobs_failed == 0 and worker.jobs_retried == 0
    assert worker.jobs_complete >= 1
    assert fake.calls("telegram") == []


async def test_event_failing_max_attempts_times_is_failed_and_the_sender_apologised_to(
        db: str, fake: FakePlatform, redis: Redis) -> None:
    settings = quiet_sweeper(db, fake, event_max_attempts=3)
    queue = open_queue(settings.redis_url)
    async with running_app(settings) as client:
        await post_tg(client, settings, p.tg_message(3002, TG_USER, "hello"))
        await drain(settings)  # the sender is known now
        await post_tg(client, settings, tg_without_chat(3003, TG_USER))
        await drain(settings)
        bad = await InboundEvent.get(event_id="3003")
        for attempt in range(2, settings.event_max_attempts + 1):
            assert (bad.status, bad.attempts) == (EventStatus.PENDING, attempt - 1)
            # What the sweeper does once the backoff has run out.
            await queue.enqueue_job(JOB_PROCESS_EVENT, bad.id, _job_id=f"event:{bad.id}")
            await drain(settings)
            await bad.refresh_from_db()
    await queue.aclose()
    assert bad.status == EventStatus.FAILED
    assert bad.attempts == settings.event_max_attempts
    apology = await OutboundMessage.get(key=f"ev:{bad.id}:apology")
    assert [r["text"] for r in apology.replies] == [APOLOGY]
    assert (await apology.identity).external_id == str(TG_USER)


async def test_apology_is_sent_when_the_event_is_dead_lettered(
        db: str, fake: FakePlatform, redis: Redis) -> None:
    settings = quiet_sweeper(db, fake, event_max_attempts=1)
    async with running_app(settings) as client:
        await post_tg(client, settings, p.tg_message(3004, TG_USER, "hello"))
        await drain(settings)
        await post_tg(client, settings, tg_without_chat(3005, TG_USER))
        await drain(settings)
    assert (await InboundEvent.get(event_id="3005")).status == EventStatus.FAILED
    assert APOLOGY in fake.sent_texts("telegram")


async def test_line_message_event_missing_its_fields_is_a_processing_failure(
        settings: Settings) -> None:
    broken = p.line_text(LINE_USER, "hello")
    del broken["message"]
    await deliver_line(settings, broken)
    event = await InboundEvent.get()
    assert (event.status, event.attempts) == (EventStatus.PENDING, 1)
    assert "unknown event type" not in event.last_error
