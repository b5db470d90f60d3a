"""A signed webhook in, a reply out through the real SDK client, on each platform."""

from __future__ import annotations

from core.events.models import EventStatus, InboundEvent
from core.outbox.models import OutboundMessage
from core.settings import Settings
from tests.fakes import payloads as p
from tests.fakes.platform import FakePlatform
from tests.harness import drain, running_app, worker_running


async def test_line_follow_gets_a_consent_reply_with_quick_replies(
        settings: Settings, fake: FakePlatform) -> None:
    user_id = "U" + "1" * 32
    fake.line_profiles[user_id] = {"language": "th"}  # LINE's only language hint
    body, headers = p.line_request(p.line_follow(user_id), secret=settings.line_channel_secret)
    async with running_app(settings) as client:
        response = await client.post("/webhooks/line", content=body, headers=headers)
        assert response.status_code == 200
        await drain(settings)
    (call,) = fake.calls("line", "reply")
    message = call.json["messages"][0]
    assert "PDPA" in message["text"]
    labels = [item["action"]["label"] for item in message["quickReply"]["items"]]
    assert len(labels) <= 13 and all(len(label) <= 20 for label in labels)
    assert labels[0] == "ยอมรับ"  # "I agree", in the profile's language
    assert (await OutboundMessage.get()).via == "reply"


async def test_telegram_start_gets_an_inline_keyboard(settings: Settings,
                                                       fake: FakePlatform) -> None:
    body, headers = p.tg_request(p.tg_start(1001, 42, language_code="hi"),
                                 settings.telegram_webhook_secret)
    async with running_app(settings) as client:
        response = await client.post("/webhooks/telegram", content=body, headers=headers)
        assert response.status_code == 200 and response.json() == {}
        await drain(settings)
    (call,) = fake.calls("telegram", "sendMessage")
    assert call.params["chat_id"] == "42"
    assert "consent:yes" in call.params["reply_markup"]


async def test_sms_reply_comes_back_as_twiml(settings: Settings, fake: FakePlatform) -> None:
    url = settings.public_base_url + "/webhooks/twilio/sms"
    body, headers = p.twilio_request(url, p.twilio_sms("+66812345678", "hello"),
                                     settings.twilio_auth_token)
    async with running_app(settings) as client, worker_running(settings):
        response = await client.post("/webhooks/twilio/sms", content=body, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    # A +66 number is greeted in Thai: the consent menu's first choice is "I agree".
    assert "<Message>" in response.text and "1 ยอมรับ" in response.text
    assert fake.calls("twilio", "messages") == []
    event = await InboundEvent.get()
    assert event.status == EventStatus.DONE and event.sender == "+66812345678"
    assert (await OutboundMessage.get()).via == "twiml"
