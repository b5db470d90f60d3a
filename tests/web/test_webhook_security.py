"""Webhook authentication: unsigned or wrongly signed calls are refused and leave no trace."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
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
TG_UPDATE = p.tg_message(1, 42, "hello")

Call = tuple[bytes, dict[str, str]]


async def assert_nothing_taken(redis: Redis) -> None:
    """No row stored and no job queued: the refused call did no work at all."""
    assert await InboundEvent.all().count() == 0
    assert await redis.zcard(default_queue_name) == 0


async def post(settings: Settings, path: str, call: Call) -> httpx.Response:
    body, headers = call
    async with running_app(settings) as client:
        return await client.post(path, content=body, headers=headers)


def line_call(settings: Settings, secret: str | None = None) -> Call:
    return p.line_request(p.line_text(LINE_USER, "hello"),
                          secret=secret or settings.line_channel_secret)


def sms_call(settings: Settings, url: str | None = None, token: str | None = None) -> Call:
    return p.twilio_request(url or settings.public_base_url + SMS_PATH,
                            p.twilio_sms(PHONE, "hello"), token or settings.twilio_auth_token)


def without(header: str, call: Call) -> Call:
    body, headers = call
    assert header in headers
    return body, {name: value for name, value in headers.items() if name != header}


def tampered(call: Call) -> Call:
    """The signed body changed after signing; the signature header is left as it was."""
    body, headers = call
    changed = body.replace(b'"hello"', b'"HELLO"')
    assert changed != body
    return changed, headers


NON_UTF8_LINE: Call = (b'{"events": ["\xff\xfe"]}', {
    "Content-Type": "application/json", "X-Line-Signature": "bm90LWEtc2lnbmF0dXJl"})


@pytest.mark.parametrize(("path", "call_for"), [
    pytest.param(LINE_PATH, lambda s: line_call(s, secret="not-the-channel-secret"),
                 id="line-bad-signature"),
    pytest.param(LINE_PATH, lambda s: without("X-Line-Signature", line_call(s)),
                 id="line-missing-signature-header"),
    pytest.param(LINE_PATH, lambda s: tampered(line_call(s)),
                 id="line-signature-of-another-body"),
    pytest.param(LINE_PATH, lambda s: NON_UTF8_LINE,
                 id="line-non-utf8-body-with-a-bogus-signature"),
    pytest.param(TG_PATH, lambda s: p.tg_request(TG_UPDATE, "not-the-secret"),
                 id="telegram-wrong-secret-token"),
    pytest.param(TG_PATH, lambda s: p.tg_request(TG_UPDATE, None),
                 id="telegram-missing-secret-header"),
    pytest.param(SMS_PATH, lambda s: sms_call(s, token="not-the-auth-token"),
                 id="sms-bad-signature"),
    pytest.param(SMS_PATH, lambda s: without("X-Twilio-Signature", sms_call(s)),
                 id="sms-missing-signature-header"),
    pytest.param(SMS_PATH, lambda s: sms_call(s, url="https://attacker.example" + SMS_PATH),
                 id="sms-signature-computed-for-another-url"),
    # Twilio signs the public URL; a signature over the app's own host must not pass.
    pytest.param(SMS_PATH, lambda s: sms_call(s, url="http://testserver" + SMS_PATH),
                 id="sms-signature-for-the-internal-url"),
])
async def test_unauthenticated_call_is_refused_with_401_and_nothing_stored(
        settings: Settings, redis: Redis, path: str,
        call_for: Callable[[Settings], Call]) -> None:
    response = await post(settings, path, call_for(settings))
    assert response.status_code == 401
    await assert_nothing_taken(redis)


@pytest.mark.parametrize(("path", "unset", "call_for"), [
    pytest.param(LINE_PATH, "line_channel_secret",
                 lambda s: line_call(s, secret="line-test-secret"), id="line"),
    pytest.param(TG_PATH, "telegram_webhook_secret",
                 lambda s: p.tg_request(TG_UPDATE, "tg-test-secret"), id="telegram"),
    pytest.param(SMS_PATH, "twilio_auth_token",
                 lambda s: sms_call(s, token="twilio-test-token"), id="sms"),
])
async def test_channel_without_credentials_answers_404_and_nothing_stored(
        db: str, fake: FakePlatform, redis: Redis, path: str, unset: str,
        call_for: Callable[[Settings], Call]) -> None:
    settings = make_settings(db, fake.url, **{unset: ""})
    response = await post(settings, path, call_for(settings))
    assert response.status_code == 404
    await assert_nothing_taken(redis)
