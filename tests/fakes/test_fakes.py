"""Self-tests of the fakes: the real SDK clients against FakePlatform, and the webhook
payload builders against the SDKs' own parsers / validators."""

from __future__ import annotations

import asyncio
import base64
import json
import re
from collections.abc import AsyncIterator
from datetime import datetime

import aiohttp
import pytest
import pytest_asyncio
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from linebot.v3 import WebhookParser
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    AsyncMessagingApiBlob,
    Configuration,
    PushMessageRequest,
    ReplyMessageRequest,
    ShowLoadingAnimationRequest,
    TextMessage,
)
from linebot.v3.webhooks import (
    FollowEvent,
    GroupSource,
    ImageMessageContent,
    JoinEvent,
    LocationMessageContent,
    MessageEvent,
    PostbackEvent,
    StickerMessageContent,
    TextMessageContent,
    UnfollowEvent,
    UserSource,
)
from multidict import MultiDict
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client as TwilioClient

from . import payloads as p
from .platform import FakePlatform

LINE_TOKEN = "line-channel-access-token"
LINE_SECRET = "0123456789abcdef0123456789abcdef"
TG_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
TWILIO_SID = "AC" + "ab12" * 8
TWILIO_TOKEN = "twilio-auth-token-0123456789abcd"

ULID_RE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")
HEX32_RE = re.compile(r"^[0-9a-f]{32}$")


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakePlatform]:
    async with FakePlatform() as platform:
        yield platform


def line_api(fake: FakePlatform, token: str = LINE_TOKEN) -> AsyncApiClient:
    return AsyncApiClient(Configuration(host=fake.url, access_token=token))


def tg_bot(fake: FakePlatform, token: str = TG_TOKEN) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(fake.url))
    return Bot(token, session=session)


def twilio_client(fake: FakePlatform, token: str = TWILIO_TOKEN) -> TwilioClient:
    client = TwilioClient(TWILIO_SID, token, http_client=AsyncTwilioHttpClient())
    client.api.base_url = fake.url
    return client


# ============================================================================ LINE


@pytest.mark.asyncio
async def test_line_reply_push_profile_loading(fake: FakePlatform) -> None:
    fake.line_profiles["Uthai"] = {"language": "th", "displayName": "Somchai"}
    client = line_api(fake)
    try:
        api = AsyncMessagingApi(client)
        token = "f" * 32
        reply = await api.reply_message(
            ReplyMessageRequest(reply_token=token, messages=[TextMessage(text="สวัสดี")])
        )
        assert len(reply.sent_messages) == 1
        assert reply.sent_messages[0].id.isdigit()
        assert reply.sent_messages[0].quote_token

        rec = fake.last("line", "reply")
        assert (rec.method, rec.path, rec.status) == ("POST", "/v2/bot/message/reply", 200)
        assert rec.headers["Authorization"] == f"Bearer {LINE_TOKEN}"
        assert rec.header("content-type") == "application/json"
        # the SDK always serialises notificationDisabled (default False)
        assert rec.json == {
            "replyToken": token,
            "messages": [{"type": "text", "text": "สวัสดี"}],
            "notificationDisabled": False,
        }
        assert rec.form is None and json.loads(rec.raw) == rec.json

        push = await api.push_message(
            PushMessageRequest(to="Uthai", messages=[TextMessage(text="a"), TextMessage(text="b")]),
            x_line_retry_key="123e4567-e89b-12d3-a456-426614174000",
        )
        assert len(push.sent_messages) == 2
        rec = fake.last("line", "push")
        assert rec.path == "/v2/bot/message/push"
        assert rec.json["to"] == "Uthai"
        assert rec.headers["X-Line-Retry-Key"] == "123e4567-e89b-12d3-a456-426614174000"
        # a replayed retry key is answered with 409 + the accepted request id
        with pytest.raises(ApiException) as conflict:
            await api.push_message(
                PushMessageRequest(to="Uthai", messages=[TextMessage(text="a")]),
                x_line_retry_key="123e4567-e89b-12d3-a456-426614174000",
            )
        assert conflict.value.status == 409
        assert conflict.value.headers["x-line-accepted-request-id"]
        assert json.loads(conflict.value.body)["sentMessages"][0]["id"] == push.sent_messages[0].id

        profile = await api.get_profile("Uthai")
        assert (profile.user_id, profile.display_name, profile.language) == (
            "Uthai",
            "Somchai",
            "th",
        )
        assert fake.last("line", "profile").path == "/v2/bot/profile/Uthai"
        default = await api.get_profile("Uother")
        assert default.language == "en" and default.picture_url.startswith("https://")

        loading = await api.show_loading_animation_with_http_info(
            ShowLoadingAnimationRequest(chat_id="Uthai", loading_seconds=10)
        )
        assert loading.status_code == 202
        rec = fake.last("line", "loading")
        assert rec.path == "/v2/bot/chat/loading/start"
        assert rec.json == {"chatId": "Uthai", "loadingSeconds": 10}

        assert fake.sent_texts("line") == ["สวัสดี", "a", "b"]
    finally:
        await client.close()


@pytest.mark.asyncio
async def test_line_errors(fake: FakePlatform) -> None:
    client = line_api(fake)
    try:
        api = AsyncMessagingApi(client)
        fake.fail_next("line", "push", 429)
        with pytest.raises(ApiException) as excinfo:
            await api.push_message(PushMessageRequest(to="U1", messages=[TextMessage(text="x")]))
        assert excinfo.value.status == 429
        assert json.loads(excinfo.value.body) == {
            "message": "The API rate limit has been exceeded. Try again later."
        }
        # only the next call failed
        await api.push_message(PushMessageRequest(to="U1", messages=[TextMessage(text="x")]))
        assert [r.status for r in fake.calls("line", "push")] == [429, 200]

        # reply tokens are single use
        request = ReplyMessageRequest(reply_token="a" * 32, messages=[TextMessage(text="1")])
        await api.reply_message(request)
        with pytest.raises(ApiException) as excinfo:
            await api.reply_message(request)
        assert excinfo.value.status == 400
        assert json.loads(excinfo.value.body)["message"] == "Invalid reply token"

        # over-long text is rejected like the real API does
        with pytest.raises(ApiException) as excinfo:
            await api.push_message(
                PushMessageRequest(to="U1", messages=[TextMessage(text="x" * 5001)])
            )
        assert excinfo.value.status == 400
        assert json.loads(excinfo.value.body)["details"][0]["property"] == "messages[0].text"

        fake.line_profiles["Ugone"] = None
        with pytest.raises(ApiException) as excinfo:
            await api.get_profile("Ugone")
        assert excinfo.value.status == 404
    finally:
        await client.close()

    fake.line_tokens = {"the-right-token"}
    client = line_api(fake, token="wrong")
    try:
        with pytest.raises(ApiException) as excinfo:
            await AsyncMessagingApi(client).get_profile("U1")
        assert excinfo.value.status == 401
    finally:
        await client.close()


@pytest.mark.asyncio
async def test_line_content_download(fake: FakePlatform) -> None:
    jpeg = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8
    fake.put_line_content("325708", jpeg, "image/jpeg")
    client = line_api(fake)
    try:
        blob = AsyncMessagingApiBlob(client)
        data = await blob.get_message_content("325708")
        assert bytes(data) == jpeg
        info = await blob.get_message_content_with_http_info("325708")
        assert info.headers["Content-Type"] == "image/jpeg"
        rec = fake.last("line", "content")
        assert (rec.method, rec.path) == ("GET", "/v2/bot/message/325708/content")
        assert rec.bearer_token == LINE_TOKEN

        with pytest.raises(ApiException) as excinfo:
            await blob.get_message_content("999")
        assert excinfo.value.status == 404
        fake.fail_next("line", "content", 500)
        with pytest.raises(ApiException) as excinfo:
            await blob.get_message_content("325708")
        assert excinfo.value.status == 500
    finally:
        await client.close()


# ============================================================================ Telegram


@pytest.mark.asyncio
async def test_telegram_send_message_callback_get_me(fake: FakePlatform) -> None:
    bot = tg_bot(fake)
    try:
        markup = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="Yes", callback_data="diary:yes")]]
        )
        sent = await bot.send_message(chat_id=42, text="hello ♻️", reply_markup=markup)
        assert sent.chat.id == 42 and sent.chat.type == "private"
        assert sent.text == "hello ♻️"
        assert sent.reply_markup.inline_keyboard[0][0].callback_data == "diary:yes"
        again = await bot.send_message(chat_id=42, text="second")
        assert again.message_id == sent.message_id + 1

        rec = fake.calls("telegram", "sendMessage")[0]
        assert (rec.method, rec.path) == ("POST", f"/bot{TG_TOKEN}/sendMessage")
        assert rec.header("Content-Type") == "application/x-www-form-urlencoded"
        assert rec.form["chat_id"] == ["42"] and rec.form["text"] == ["hello ♻️"]
        assert json.loads(rec.params["reply_markup"]) == {
            "inline_keyboard": [[{"text": "Yes", "callback_data": "diary:yes"}]]
        }
        assert fake.calls("telegram", "sendmessage") == fake.calls("telegram", "sendMessage")

        assert await bot.answer_callback_query("4382bfdwdsb323b2d9", text="Saved") is True
        rec = fake.last("telegram", "answerCallbackQuery")
        assert rec.params == {"callback_query_id": "4382bfdwdsb323b2d9", "text": "Saved"}

        me = await bot.get_me()
        assert me.id == 123456789 and me.is_bot
        assert await bot.set_webhook("https://example.org/tg", secret_token="s3cr3t") is True
        assert fake.last("telegram", "setWebhook").params["secret_token"] == "s3cr3t"

        with pytest.raises(TelegramBadRequest, match="message is too long"):
            await bot.send_message(chat_id=42, text="x" * 4097)
        assert fake.sent_texts("telegram") == ["hello ♻️", "second"]
    finally:
        await bot.session.close()


@pytest.mark.asyncio
async def test_telegram_retry_after(fake: FakePlatform) -> None:
    bot = tg_bot(fake)
    try:
        fake.fail_next("telegram", "sendMessage", 429, retry_after=7)
        with pytest.raises(TelegramRetryAfter) as excinfo:
            await bot.send_message(chat_id=42, text="hi")
        assert excinfo.value.retry_after == 7
        assert "retry after 7" in excinfo.value.message
        rec = fake.last("telegram", "sendMessage")
        assert rec.status == 429
        await bot.send_message(chat_id=42, text="hi")
        assert [r.status for r in fake.calls("telegram")] == [429, 200]
    finally:
        await bot.session.close()


@pytest.mark.asyncio
async def test_telegram_file_download_and_upload(fake: FakePlatform) -> None:
    photo = b"\x89PNG\r\n\x1a\n" + b"\x00" * 1000
    file_obj = fake.put_telegram_file("AgACAgIAAxkBAAIB", photo, "photos/file_7.png")
    assert file_obj["file_size"] == len(photo)
    bot = tg_bot(fake)
    try:
        downloaded = await bot.download("AgACAgIAAxkBAAIB")
        assert downloaded.read() == photo
        assert fake.last("telegram", "getFile").params == {"file_id": "AgACAgIAAxkBAAIB"}
        rec = fake.last("telegram", "file")
        assert (rec.method, rec.path) == ("GET", f"/file/bot{TG_TOKEN}/photos/file_7.png")

        with pytest.raises(TelegramBadRequest, match="invalid file_id"):
            await bot.get_file("nope")

        # uploads are multipart/form-data with an attach:// reference
        upload = b"%PDF-1.4 route sheet"
        sent = await bot.send_document(
            chat_id=42, document=BufferedInputFile(upload, "route.pdf"), caption="Route"
        )
        assert sent.document.file_name == "route.pdf" and sent.caption == "Route"
        rec = fake.last("telegram", "sendDocument")
        assert rec.header("Content-Type").startswith("multipart/form-data; boundary=")
        assert rec.form["chat_id"] == ["42"] and rec.form["caption"] == ["Route"]
        key = rec.form["document"][0].removeprefix("attach://")
        assert rec.files[key][0].data == upload and rec.files[key][0].filename == "route.pdf"
        # ... and the uploaded file can be fetched back by its new file_id
        assert (await bot.download(sent.document.file_id)).read() == upload

        sent_photo = await bot.send_photo(chat_id=42, photo=BufferedInputFile(photo, "p.png"))
        assert [s.width for s in sent_photo.photo] == [90, 320, 800]
    finally:
        await bot.session.close()


# ============================================================================ Twilio


@pytest.mark.asyncio
async def test_twilio_create_message(fake: FakePlatform) -> None:
    client = twilio_client(fake)
    try:
        msg = await client.messages.create_async(
            to="+66812345678", from_="+15005550006", body="Pickup tomorrow 07:00"
        )
        assert re.fullmatch(r"SM[0-9a-f]{32}", msg.sid)
        assert (msg.status, msg.to, msg.from_, msg.body) == (
            "queued",
            "+66812345678",
            "+15005550006",
            "Pickup tomorrow 07:00",
        )
        assert msg.num_segments == "1" and msg.num_media == "0"
        assert msg.account_sid == TWILIO_SID and msg.api_version == "2010-04-01"
        assert isinstance(msg.date_created, datetime)

        rec = fake.last("twilio", "messages")
        assert (rec.method, rec.path, rec.status) == (
            "POST",
            f"/2010-04-01/Accounts/{TWILIO_SID}/Messages.json",
            201,
        )
        assert rec.basic_auth == (TWILIO_SID, TWILIO_TOKEN)
        assert (
            rec.header("Authorization")
            == "Basic " + base64.b64encode(f"{TWILIO_SID}:{TWILIO_TOKEN}".encode()).decode()
        )
        assert rec.header("Content-Type") == "application/x-www-form-urlencoded"
        assert rec.header("Accept") == "application/json"
        assert rec.form == {
            "To": ["+66812345678"],
            "From": ["+15005550006"],
            "Body": ["Pickup tomorrow 07:00"],
        }

        mms = await client.messages.create_async(
            to="+66812345678",
            from_="+15005550006",
            body="ดูรูป" * 20,
            media_url=["https://example.org/a.jpg", "https://example.org/b.jpg"],
        )
        assert mms.sid.startswith("MM") and mms.num_media == "2" and mms.num_segments == "2"
        assert fake.last("twilio", "messages").form["MediaUrl"] == [
            "https://example.org/a.jpg",
            "https://example.org/b.jpg",
        ]

        fetched = await client.messages(msg.sid).fetch_async()
        assert fetched.sid == msg.sid
        assert fake.sent_texts("twilio") == ["Pickup tomorrow 07:00", "ดูรูป" * 20]
    finally:
        await client.http_client.close()


@pytest.mark.asyncio
async def test_twilio_errors(fake: FakePlatform) -> None:
    client = twilio_client(fake)
    try:
        fake.fail_next("twilio", "messages", 429, times=2, retry_after=2)
        for _ in range(2):
            with pytest.raises(TwilioRestException) as excinfo:
                await client.messages.create_async(to="+66812345678", from_="+1500", body="x")
            assert excinfo.value.status == 429 and excinfo.value.code == 20429
        await client.messages.create_async(to="+66812345678", from_="+1500", body="x")
        assert [r.status for r in fake.calls("twilio")] == [429, 429, 201]

        with pytest.raises(TwilioRestException) as excinfo:
            await client.messages.create_async(to="+66812345678", from_="+1500", body="x" * 1601)
        assert excinfo.value.code == 21617
    finally:
        await client.http_client.close()

    fake.twilio_credentials = {TWILIO_SID: TWILIO_TOKEN}
    client = twilio_client(fake, token="wrong")
    try:
        with pytest.raises(TwilioRestException) as excinfo:
            await client.messages.create_async(to="+66812345678", from_="+1500", body="x")
        assert excinfo.value.status == 401 and excinfo.value.code == 20003
    finally:
        await client.http_client.close()


@pytest.mark.asyncio
async def test_twilio_media_download(fake: FakePlatform) -> None:
    jpeg = b"\xff\xd8\xff\xe0 bin photo"
    url = fake.put_twilio_media(
        "/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1", jpeg, "image/jpeg"
    )
    form = p.twilio_sms("+66812345678", "overflowing bin", media=[(url, "image/jpeg")])
    async with aiohttp.ClientSession() as session, session.get(form["MediaUrl0"]) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"] == "image/jpeg"
        assert await resp.read() == jpeg
    rec = fake.last("twilio", "media")
    assert rec.path == "/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"


# ============================================================================ FakePlatform


@pytest.mark.asyncio
async def test_delay_and_wait_for(fake: FakePlatform) -> None:
    bot = tg_bot(fake)
    try:
        fake.delay("telegram", "sendMessage", 0.5)
        task = asyncio.create_task(bot.send_message(chat_id=1, text="slow"))
        recs = await fake.wait_for(1, "telegram", "sendMessage", timeout=2)
        assert recs[0].params["text"] == "slow"
        assert not task.done()  # recorded on arrival, answered after the delay
        await task
        fake.delay("telegram", "sendMessage", 0)

        with pytest.raises(AssertionError, match=r"waiting for 2 telegram/sendMessage"):
            await fake.wait_for(2, "telegram", "sendMessage", timeout=0.2)
    finally:
        await bot.session.close()


@pytest.mark.asyncio
async def test_fail_next_custom_body_and_retry_after(fake: FakePlatform) -> None:
    fake.fail_next("line", None, 503, retry_after=3, body={"message": "maintenance"})
    async with aiohttp.ClientSession() as session:
        headers = {"Authorization": "Bearer t", "Content-Type": "application/json"}
        url = fake.url + "/v2/bot/message/multicast"
        body = {"to": ["U1"], "messages": [{"type": "text", "text": "x"}]}
        async with session.post(url, json=body, headers=headers) as resp:
            assert resp.status == 503 and resp.headers["Retry-After"] == "3"
            assert await resp.json() == {"message": "maintenance"}
        async with session.post(url, json=body, headers=headers) as resp:
            assert resp.status == 200 and await resp.json() == {}
            assert resp.headers["x-line-request-id"]


@pytest.mark.asyncio
async def test_unknown_paths_are_recorded(fake: FakePlatform) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(fake.url + "/nowhere") as resp:
            assert resp.status == 404
        async with session.post(fake.url + f"/bot{TG_TOKEN}/sendUnicorn") as resp:
            assert resp.status == 404
            assert (await resp.json())["ok"] is False
    assert [r.platform for r in fake.requests] == ["unknown", "telegram"]
    assert fake.requests[1].endpoint == "sendUnicorn"


# ============================================================================ payloads: LINE


def _all_line_events() -> list[dict]:
    return [
        p.line_text("U1", "hello"),
        p.line_follow("U1"),
        p.line_follow("U1", unblocked=True),
        p.line_unfollow("U1"),
        p.line_postback("U1", "action=diary&kind=plastic", params={"date": "2025-11-25"}),
        p.line_location("U1", 13.7563, 100.5018, title="Bin", address="Bangkok"),
        p.line_location("U1", 13.7563, 100.5018),
        p.line_image("U1", message_id="325708"),
        p.line_sticker("U1"),
        p.line_unknown("U1"),
        p.line_join_group("C1"),
        p.line_text("U1", "standby", mode="standby"),
        p.line_text("U2", "in group", group_id="C1", redelivery=True),
    ]


def test_line_builders_parse_with_sdk() -> None:
    events = _all_line_events()
    body = p.line_body(*events)
    signature = p.line_signature(body, LINE_SECRET)
    parsed = WebhookParser(LINE_SECRET).parse(body.decode("utf-8"), signature, as_payload=True)
    assert parsed.destination == p.LINE_DESTINATION
    ev = parsed.events
    assert len(ev) == len(events)

    assert isinstance(ev[0], MessageEvent) and isinstance(ev[0].message, TextMessageContent)
    assert ev[0].message.text == "hello" and ev[0].mode.value == "active"
    assert isinstance(ev[0].source, UserSource) and ev[0].source.user_id == "U1"
    assert isinstance(ev[1], FollowEvent) and ev[1].follow.is_unblocked is False
    assert ev[2].follow.is_unblocked is True
    assert isinstance(ev[3], UnfollowEvent)
    assert isinstance(ev[4], PostbackEvent) and ev[4].postback.params == {"date": "2025-11-25"}
    assert isinstance(ev[5].message, LocationMessageContent)
    assert (ev[5].message.latitude, ev[5].message.title) == (13.7563, "Bin")
    assert ev[6].message.title is None
    assert isinstance(ev[7].message, ImageMessageContent) and ev[7].message.id == "325708"
    assert ev[7].message.content_provider.type == "line"
    assert isinstance(ev[8].message, StickerMessageContent)
    assert type(ev[9]).__name__ == "UnknownEvent" and ev[9].type == "somethingNew"
    assert isinstance(ev[10], JoinEvent) and isinstance(ev[10].source, GroupSource)
    assert ev[10].source.group_id == "C1"
    assert ev[11].mode.value == "standby" and ev[11].reply_token is None
    assert ev[12].source.group_id == "C1" and ev[12].source.user_id == "U2"
    assert ev[12].delivery_context.is_redelivery is True

    with pytest.raises(InvalidSignatureError):
        WebhookParser(LINE_SECRET).parse(body.decode(), p.line_signature(body, "other"))


def test_line_event_shape() -> None:
    events = _all_line_events()
    ids = [e["webhookEventId"] for e in events]
    assert len(set(ids)) == len(ids) and all(ULID_RE.match(i) for i in ids)
    for event in events:
        assert event["mode"] in ("active", "standby")
        assert isinstance(event["timestamp"], int) and event["timestamp"] > 1_600_000_000_000
        assert isinstance(event["deliveryContext"]["isRedelivery"], bool)
    assert "replyToken" not in events[3]  # unfollow
    assert "replyToken" not in events[11]  # standby
    assert all(HEX32_RE.match(e["replyToken"]) for e in events if "replyToken" in e)
    fixed = p.line_follow("U1", webhook_event_id="01FZ74A0TDDPYRVKNK77XKC3ZR", reply_token="c")
    assert fixed["webhookEventId"] == "01FZ74A0TDDPYRVKNK77XKC3ZR" and fixed["replyToken"] == "c"
    assert events[10]["source"] == {"type": "group", "groupId": "C1"}

    body, headers = p.line_request(events[0], secret=LINE_SECRET)
    assert headers["X-Line-Signature"] == p.line_signature(body, LINE_SECRET)
    assert json.loads(body)["events"][0]["message"]["text"] == "hello"
    with pytest.raises(TypeError):
        p.line_text("U1", "x", bogus=True)


# ============================================================================ payloads: Telegram


def test_telegram_builders_validate_with_aiogram() -> None:
    builders = {
        "message": p.tg_message(1, 42, "hi", language_code="th"),
        "start": p.tg_start(2, 42),
        "start_payload": p.tg_start(3, 42, payload="ref-abc"),
        "callback": p.tg_callback(4, 42, "diary:yes", message_id=77),
        "location": p.tg_location(5, 42, 13.75, 100.5),
        "photo": p.tg_photo(6, 42, ["small", "medium", "large"], caption="bin"),
        "sticker": p.tg_sticker(7, 42),
        "edited": p.tg_edited_message(8, 42, "fixed", message_id=55),
        "blocked": p.tg_my_chat_member_blocked(9, 42),
    }
    u = {name: Update.model_validate(data) for name, data in builders.items()}

    assert u["message"].message.text == "hi"
    assert u["message"].message.from_user.language_code == "th"
    assert u["message"].message.chat.type == "private" and u["message"].message.chat.id == 42
    assert u["start"].message.text == "/start"
    assert u["start"].message.entities[0].type == "bot_command"
    assert u["start_payload"].message.text == "/start ref-abc"
    cq = u["callback"].callback_query
    assert cq.data == "diary:yes" and cq.message.message_id == 77 and cq.from_user.id == 42
    assert cq.message.from_user.is_bot
    assert u["location"].message.location.latitude == 13.75
    sizes = u["photo"].message.photo
    assert [s.file_id for s in sizes] == ["small", "medium", "large"]
    assert sizes[0].width < sizes[1].width < sizes[2].width
    assert sizes[0].file_size < sizes[1].file_size < sizes[2].file_size
    assert u["sticker"].message.sticker.type == "regular"
    edited = u["edited"].edited_message
    assert edited.text == "fixed" and edited.message_id == 55 and edited.edit_date
    member = u["blocked"].my_chat_member
    assert member.new_chat_member.status == "kicked" and member.old_chat_member.status == "member"
    assert u["blocked"].event_type == "my_chat_member"

    assert builders["message"]["message"]["from"]["is_bot"] is False
    assert p.tg_headers("s3cr3t") == {
        "X-Telegram-Bot-Api-Secret-Token": "s3cr3t",
        "Content-Type": "application/json",
    }
    body, headers = p.tg_request(builders["message"], "s3cr3t")
    assert json.loads(body) == builders["message"] and headers == p.tg_headers("s3cr3t")


# ============================================================================ payloads: Twilio


def test_twilio_builders_and_signature() -> None:
    url = "https://wastenexus.example.org/webhooks/twilio/sms?tenant=bkk"
    sms = p.twilio_sms(
        "+66812345678",
        "Bin full at Soi 5",
        message_sid="SM" + "1" * 32,
        media=[("https://api.twilio.com/x/Media/ME1", "image/jpeg")],
    )
    assert sms["MessageSid"] == sms["SmsSid"] == sms["SmsMessageSid"] == "SM" + "1" * 32
    assert (sms["From"], sms["To"], sms["Body"]) == (
        "+66812345678",
        "+15005550006",
        "Bin full at Soi 5",
    )
    assert (sms["NumMedia"], sms["NumSegments"], sms["SmsStatus"]) == ("1", "1", "received")
    assert sms["MediaUrl0"] == "https://api.twilio.com/x/Media/ME1"
    assert sms["MediaContentType0"] == "image/jpeg"
    assert (sms["FromCountry"], sms["ToCountry"], sms["ApiVersion"]) == ("TH", "US", "2010-04-01")
    for key in ("AccountSid", "FromCity", "FromState", "FromZip", "ToCity", "ToState", "ToZip"):
        assert key in sms
    assert "MessagingServiceSid" not in sms
    assert p.twilio_sms("+1", "x", messaging_service_sid="MG1")["MessagingServiceSid"] == "MG1"
    assert p.twilio_sms("+1", "x", FromCity="BANGKOK", ToZip=None)["FromCity"] == "BANGKOK"
    assert "ToZip" not in p.twilio_sms("+1", "x", ToZip=None)
    assert p.twilio_sms("+1", "x")["MessageSid"].startswith("SM")
    assert p.twilio_sms("+1", "สวัสดี" * 20)["NumSegments"] == "2"

    status = p.twilio_status("SM" + "2" * 32, "undelivered", error_code=30003)
    assert (status["MessageStatus"], status["SmsStatus"], status["ErrorCode"]) == (
        "undelivered",
        "undelivered",
        "30003",
    )
    assert "ErrorCode" not in p.twilio_status("SM1", "delivered")

    validator = RequestValidator(TWILIO_TOKEN)
    repeated = MultiDict([("Body", "b"), ("To", "+1"), ("Body", "a")])
    for params in (sms, status, {}, repeated):
        signature = p.twilio_signature(url, params, TWILIO_TOKEN)
        assert validator.validate(url, params, signature)
    # a dict of lists is accepted too (e.g. straight from parse_qs)
    assert p.twilio_signature(url, {"Body": ["a", "b"], "To": ["+1"]}, TWILIO_TOKEN) == (
        p.twilio_signature(url, repeated, TWILIO_TOKEN)
    )
    assert not validator.validate(url, sms, p.twilio_signature(url, sms, "other-token"))
    assert not validator.validate(
        url, {**sms, "Body": "tampered"}, p.twilio_signature(url, sms, TWILIO_TOKEN)
    )

    body, headers = p.twilio_request(url, sms, TWILIO_TOKEN)
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert headers["X-Twilio-Signature"] == p.twilio_signature(url, sms, TWILIO_TOKEN)
    from urllib.parse import parse_qsl

    assert dict(parse_qsl(body.decode(), keep_blank_values=True)) == sms


def test_sms_segments() -> None:
    assert p.sms_segments("a" * 160) == 1
    assert p.sms_segments("a" * 161) == 2
    assert p.sms_segments("{" * 80) == 1 and p.sms_segments("{" * 81) == 2
    assert p.sms_segments("ก" * 70) == 1 and p.sms_segments("ก" * 71) == 2
