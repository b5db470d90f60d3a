"""Webhook authentication: unsigned or wrongly signed calls are refused and leave no trace."""

from __future__ import annotations

from arq.constants import default_queue_name
from redis.asyncio import Redis

from core.events.models import InboundEvent
from core.settings import Settings
from tests.conftest import make_settings
from tests.fakes import payloads as p
from tests.fakes.platform import FakePlatform
from tests.harness import running_app

LINE_PATH = "/webhooks/line"
TG_PATH = "/webhooks/telegram"
SMS_PATH = "/webhooks/twilio/sms"
LINE_USER = "U" + "a1" * 16
PHONE = "+66812345678"


async def assert_nothing_taken(redis: Redis) -> None:
    """No row stored and no job queued: the refused call did no work at all."""
    assert await InboundEvent.all().count() == 0
    assert await redis.zcard(default_queue_name) == 0


def line_call(settings: Settings, secret: str | None = None) -> tuple[bytes, dict[str, str]]:
    return p.line_request(p.line_text(LINE_USER, "hello"),
                          secret=secret or settings.line_channel_secret)


def sms_call(settings: Settings, url: str | None = None,
             token: str | None = None) -> tuple[bytes, dict[str, str]]:
    return p.twilio_request(url or settings.public_base_url + SMS_PATH,
                            p.twilio_sms(PHONE, "hello"), token or settings.twilio_auth_token)


# ------------------------------------------------------------------------------------ LINE


async def test_line_bad_signature_is_refused_and_nothing_stored(
        settings: Settings, redis: Redis) -> None:
    body, headers = line_call(settings, secret="not-the-channel-secret")
    async with running_app(settings) as client:
        response = await client.post(LINE_PATH, content=body, headers=headers)
    assert response.status_code == 401
    await assert_nothing_taken(redis)


async def test_line_missing_signature_header_is_refused_and_nothing_stored(
        settings: Settings, redis: Redis) -> None:
    body, headers = line_call(settings)
    del headers["X-Line-Signature"]
    async with running_app(settings) as client:
        response = await client.post(LINE_PATH, content=body, headers=headers)
    assert response.status_code == 401
    await assert_nothing_taken(redis)


async def test_line_signature_of_another_body_is_refused(settings: Settings,
                                                        redis: Redis) -> None:
    body, headers = line_call(settings)
    tampered = body.replace(b'"hello"', b'"HELLO"')
    async with running_app(settings) as client:
        response = await client.post(LINE_PATH, content=tampered, headers=headers)
    assert response.status_code == 401
    await assert_nothing_taken(redis)


async def test_line_non_utf8_body_with_a_bogus_signature_is_refused_with_401(
        settings: Settings, redis: Redis) -> None:
    body = b'{"events": ["\xff\xfe"]}'
    headers = {"Content-Type": "application/json", "X-Line-Signature": "bm90LWEtc2lnbmF0dXJl"}
    async with running_app(settings) as client:
        response = await client.post(LINE_PATH, content=body, headers=headers)
    assert response.status_code == 401
    await assert_nothing_taken(redis)


async def test_line_without_credentials_answers_404(db: str, fake: FakePlatform,
                                                    redis: Redis) -> None:
    settings = make_settings(db, fake.url, line_channel_secret="")
    body, headers = line_call(settings, secret="line-test-secret")
    async with running_app(settings) as client:
        response = await client.post(LINE_PATH, content=body, headers=headers)
    assert response.status_code == 404
    await assert_nothing_taken(redis)


# -------------------------------------------------------------------------------- Telegram


async def test_telegram_wrong_secret_token_is_refused_and_nothing_stored(
        settings: Settings, redis: Redis) -> None:
    body, headers = p.tg_request(p.tg_message(1, 42, "hello"), "not-the-secret")
    async with running_app(settings) as client:
        response = await client.post(TG_PATH, content=body, headers=headers)
    assert response.status_code == 401
    await assert_nothing_taken(redis)


async def test_telegram_missing_secret_header_is_refused_and_nothing_stored(
        settings: Settings, redis: Redis) -> None:
    body, headers = p.tg_request(p.tg_message(1, 42, "hello"), None)
    async with running_app(settings) as client:
        response = await client.post(TG_PATH, content=body, headers=headers)
    assert response.status_code == 401
    await assert_nothing_taken(redis)


async def test_telegram_without_credentials_answers_404(db: str, fake: FakePlatform,
                                                        redis: Redis) -> None:
    settings = make_settings(db, fake.url, telegram_webhook_secret="")
    body, headers = p.tg_request(p.tg_message(1, 42, "hello"), "tg-test-secret")
    async with running_app(settings) as client:
        response = await client.post(TG_PATH, content=body, headers=headers)
    assert response.status_code == 404
    await assert_nothing_taken(redis)


# ------------------------------------------------------------------------------ Twilio SMS


async def test_sms_bad_signature_is_refused_and_nothing_stored(settings: Settings,
                                                               redis: Redis) -> None:
    body, headers = sms_call(settings, token="not-the-auth-token")
    async with running_app(settings) as client:
        response = await client.post(SMS_PATH, content=body, headers=headers)
    assert response.status_code == 401
    await assert_nothing_taken(redis)


async def test_sms_missing_signature_header_is_refused_and_nothing_stored(
        settings: Settings, redis: Redis) -> None:
    body, headers = sms_call(settings)
    del headers["X-Twilio-Signature"]
    async with running_app(settings) as client:
        response = await client.post(SMS_PATH, content=body, headers=headers)
    assert response.status_code == 401
    await assert_nothing_taken(redis)


async def test_sms_signature_computed_for_another_url_is_refused(settings: Settings,
                                                                 redis: Redis) -> None:
    body, headers = sms_call(settings, url="https://attacker.example" + SMS_PATH)
    async with running_app(settings) as client:
        response = await client.post(SMS_PATH, content=body, headers=headers)
    assert response.status_code == 401
    await assert_nothing_taken(redis)


async def test_sms_signature_for_the_internal_url_is_refused(settings: Settings,
                                                             redis: Redis) -> None:
    """Twilio signs the public URL; a signature over the app's own host must not pass."""
    body, headers = sms_call(settings, url="http://testserver" + SMS_PATH)
    async with running_app(settings) as client:
        response = await client.post(SMS_PATH, content=body, headers=headers)
    assert response.status_code == 401
    await assert_nothing_taken(redis)


async def test_sms_without_credentials_answers_404(db: str, fake: FakePlatform,
                                                   redis: Redis) -> None:
    settings = make_settings(db, fake.url, twilio_auth_token="")
    body, headers = sms_call(settings, token="twilio-test-token")
    async with running_app(settings) as client:
        response = await client.post(SMS_PATH, content=body, headers=headers)
    assert response.status_code == 404
    await assert_nothing_taken(redis)
