"""LINE Messaging API: verify, split, parse, render and send."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import aiohttp
from linebot.v3.messaging import (
    ApiException,
    AsyncMessagingApi,
    AsyncMessagingApiBlob,
    ImageMessage,
    LocationAction,
    Message,
    PostbackAction,
    PushMessageRequest,
    QuickReply,
    QuickReplyItem,
    ReplyMessageRequest,
    TextMessage,
)
from linebot.v3.webhook import SignatureValidator
from linebot.v3.webhooks import (
    Event,
    FollowEvent,
    ImageMessageContent,
    LocationMessageContent,
    MessageEvent,
    PostbackEvent,
    TextMessageContent,
    UnfollowEvent,
)
from pydantic.v1 import ValidationError

from core.events.models import InboundEvent
from core.events.service import RawEvent
from core.media.images import MAX_BYTES, InvalidImage
from core.media.intake import PhotoUnavailable
from core.messages import MAX_BUTTONS, IgnoredEvent, Incoming, Kind, Location, MediaRef, Reply
from core.outbox.delivery import RetryLater, Undeliverable
from core.outbox.models import OutboundMessage

CHANNEL = "line"
# Messaging API reference: quick reply action labels are at most 20 characters,
# a text message at most 5000, and one reply or push carries at most 5 messages.
LABEL_MAX = 20
TEXT_MAX = 5000
MESSAGES_PER_CALL = 5
# Our own bound on one API call; the SDK's default is 300 s (PLATFORMS.md B5).
REQUEST_TIMEOUT = 10


def verify(body: bytes, signature: str, secret: str) -> bool:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return False  # LINE signs UTF-8 JSON; anything else is not from LINE
    return bool(signature) and SignatureValidator(secret).validate(text, signature)


def split(body: bytes) -> list[RawEvent]:
    """The events of one webhook body; raises ValueError when it is not LINE's shape."""
    data = json.loads(body)
    events = data.get("events") if isinstance(data, dict) else None
    if not isinstance(events, list) or not all(
            isinstance(e, dict) and e.get("webhookEventId") for e in events):
        raise ValueError("not a LINE webhook body")
    return [RawEvent(str(e["webhookEventId"]), _sender(e), e) for e in events]


def _sender(event: dict[str, Any]) -> str:
    source = event.get("source") or {}
    return str(source.get("userId") or source.get("groupId") or source.get("roomId") or "-")


def parse(stored: InboundEvent) -> Incoming:
    payload = stored.payload
    if payload.get("mode") == "standby":
        raise IgnoredEvent("standby mode: another channel answers")
    if (payload.get("source") or {}).get("type") != "user":
        raise IgnoredEvent("not a one-to-one chat")
    try:
        event = Event.from_dict(payload)
    except ValidationError:
        raise  # a known type without its fields: a failure to record, not an event to skip
    except ValueError as exc:
        raise IgnoredEvent(f"unknown event type {payload.get('type')!r}") from exc
    base = {"channel": CHANNEL, "sender": stored.sender, "event_id": stored.event_id,
            "reply_context": {"reply_token": payload.get("replyToken", ""),
                              "event_ms": payload.get("timestamp", 0)}}
    return _incoming(event, base)


def _incoming(event: Event, base: dict[str, Any]) -> Incoming:
    if isinstance(event, FollowEvent):
        return Incoming(kind=Kind.FOLLOW, **base)
    if isinstance(event, UnfollowEvent):
        return Incoming(kind=Kind.UNFOLLOW, **base)
    if isinstance(event, PostbackEvent):
        return Incoming(kind=Kind.POSTBACK, data=event.postback.data, **base)
    if not isinstance(event, MessageEvent):
        raise IgnoredEvent(f"{event.type} events need no answer")
    content = event.message
    if isinstance(content, TextMessageContent):
        return Incoming(kind=Kind.TEXT, text=content.text, **base)
    if isinstance(content, LocationMessageContent):
        where = Location(Decimal(str(content.latitude)), Decimal(str(content.longitude)),
                         content.address or content.title or "")
        return Incoming(kind=Kind.LOCATION, location=where, **base)
    if isinstance(content, ImageMessageContent):
        return Incoming(kind=Kind.IMAGE, media=(MediaRef(content.id),), **base)
    return Incoming(kind=Kind.UNSUPPORTED, detail=str(content.type), **base)


def _label(text: str) -> str:
    return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1] + "…"


def render(reply: Reply) -> list[Message]:
    items = [QuickReplyItem(action=PostbackAction(label=_label(b.label), data=b.data,
                                                  display_text=b.label[:300]))
             for b in reply.buttons]
    if reply.ask_location:  # first, so LINE's 13-item limit never drops it
        items.insert(0, QuickReplyItem(action=LocationAction(label=_label(reply.ask_location))))
    items = items[:MAX_BUTTONS]
    text = reply.text
    if reply.document_url:
        text = f"{text}\n{reply.document_url}"
    messages: list[Message] = []
    if reply.image_url:
        messages.append(ImageMessage(original_content_url=reply.image_url,
                                     preview_image_url=reply.image_url))
    messages.append(TextMessage(text=text[:TEXT_MAX],
                                quick_reply=QuickReply(items=items) if items else None))
    return messages


class LineLanguage:
    """LINE sends no language with events; the profile has the user's app language."""

    def __init__(self, api: AsyncMessagingApi) -> None:
        self.api = api

    async def __call__(self, user_id: str) -> str:
        try:
            profile = await self.api.get_profile(user_id, _request_timeout=REQUEST_TIMEOUT)
        except (ApiException, aiohttp.ClientError, TimeoutError):
            return ""  # a greeting in the default language beats no greeting
        return profile.language or ""


class LineContent:
    """Photo bytes from the LINE data API (message content), for content LINE hosts."""

    def __init__(self, blob: AsyncMessagingApiBlob) -> None:
        self.blob = blob

    async def __call__(self, ref: MediaRef) -> bytes:
        try:
            data = await self.blob.get_message_content(ref.handle,
                                                       _request_timeout=REQUEST_TIMEOUT)
        except ApiException as exc:
            if exc.status in (400, 404, 410):
                raise PhotoUnavailable(f"LINE {exc.status}") from exc
            raise RetryLater(f"LINE content {exc.status}") from exc
        if len(data) > MAX_BYTES:
            raise InvalidImage("too_large")
        return bytes(data)


class LineSender:
    def __init__(self, api: AsyncMessagingApi, reply_ttl: timedelta) -> None:
        self.api = api
        self.reply_ttl = reply_ttl

    async def send(self, message: OutboundMessage, replies: list[Reply], address: str,
                   now: datetime) -> str:
        pending = replies[message.parts_sent:]
        batch = [m for r in pending for m in render(r)]
        if (self._may_reply(message, now) and len(batch) <= MESSAGES_PER_CALL
                and await self._reply(message, batch)):
            message.parts_sent = len(replies)
            return "reply"
        for index in range(0, len(batch), MESSAGES_PER_CALL):
            await self._push(message, address, batch[index:index + MESSAGES_PER_CALL], index)
        message.parts_sent = len(replies)
        return "push"

    def _may_reply(self, message: OutboundMessage, now: datetime) -> bool:
        context = message.reply_context
        if not context.get("reply_token") or message.parts_sent or message.attempts:
            return False
        sent_at = datetime.fromtimestamp(context.get("event_ms", 0) / 1000, UTC)
        return now - sent_at < self.reply_ttl

    async def _reply(self, message: OutboundMessage, batch: list[Message]) -> bool:
        """Use the reply token; False when it has expired, so we push instead."""
        request = ReplyMessageRequest(reply_token=message.reply_context["reply_token"],
                                      messages=batch)
        try:
            response = await self.api.reply_message(request, _request_timeout=REQUEST_TIMEOUT)
        except ApiException as exc:
            if exc.status == 400:
                return False
            raise _translate(exc) from exc
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise RetryLater(f"LINE unreachable: {exc!r}") from exc
        message.platform_ids += [m.id for m in response.sent_messages or []]
        return True

    async def _push(self, message: OutboundMessage, address: str, batch: list[Message],
                    index: int) -> None:
        # The same key on every retry of this chunk lets LINE drop duplicates (409).
        retry_key = str(uuid.uuid5(uuid.NAMESPACE_URL, f"wastenexus:{message.key}:{index}"))
        request = PushMessageRequest(to=address, messages=batch)
        try:
            response = await self.api.push_message(request, x_line_retry_key=retry_key,
                                                   _request_timeout=REQUEST_TIMEOUT)
        except ApiException as exc:
            if exc.status == 409:
                return  # accepted on an earlier attempt
            raise _translate(exc) from exc
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise RetryLater(f"LINE unreachable: {exc!r}") from exc
        message.platform_ids += [m.id for m in response.sent_messages or []]


def _translate(exc: ApiException) -> Exception:
    detail = f"LINE {exc.status}: {exc.body!r}"
    if exc.status == 429 or (exc.status or 500) >= 500:
        retry_after = (exc.headers or {}).get("Retry-After")
        return RetryLater(detail, float(retry_after) if retry_after else None)
    return Undeliverable(detail)
