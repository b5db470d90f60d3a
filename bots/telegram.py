"""Telegram Bot API through aiogram: verify, split, parse, render and send."""

from __future__ import annotations

import contextlib
import json
import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    Update,
)

from core.events.models import InboundEvent
from core.events.service import RawEvent
from core.media.images import MAX_BYTES, InvalidImage
from core.media.intake import PhotoUnavailable
from core.messages import IgnoredEvent, Incoming, Kind, Location, MediaRef, Reply
from core.outbox.delivery import RetryLater, Undeliverable
from core.outbox.models import OutboundMessage

CHANNEL = "telegram"
# Bot API sendMessage: text is 1-4096 characters after entity parsing.
TEXT_MAX = 4096
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Short labels sit two to a row; longer ones get a row each, so none is cut off.
SHORT_LABEL = 16
# The update parts that carry the sender, in the order we look for one.
SENDER_PARTS = ("message", "callback_query", "my_chat_member", "edited_message")


def verify(header: str, secret: str) -> bool:
    return bool(header) and secrets.compare_digest(header.encode(), secret.encode())


def split(body: bytes) -> list[RawEvent]:
    """One update per webhook call; raises ValueError when it is not an Update."""
    data = json.loads(body)
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        raise ValueError("no update_id")
    if any(kind in data and not isinstance(data[kind], dict) for kind in SENDER_PARTS):
        raise ValueError("an update part is not an object")
    return [RawEvent(str(data["update_id"]), _sender(data), data)]


def _sender(update: dict[str, Any]) -> str:
    for kind in SENDER_PARTS:
        who = (update.get(kind) or {}).get("from")
        if isinstance(who, dict) and "id" in who:
            return str(who["id"])
    return "-"


def parse(stored: InboundEvent) -> Incoming:
    update = Update.model_validate(stored.payload)
    base: dict[str, Any] = {"channel": CHANNEL, "sender": stored.sender,
                            "event_id": stored.event_id}
    if update.callback_query is not None:
        return _callback(update.callback_query, base)
    if update.my_chat_member is not None:
        status = update.my_chat_member.new_chat_member.status
        if status == "kicked":
            return Incoming(kind=Kind.UNFOLLOW, **base)
        raise IgnoredEvent(f"chat member status {status}")
    if update.message is None:
        raise IgnoredEvent(f"update type {update.event_type} needs no answer")
    return _message(update.message, base)


def _callback(query: CallbackQuery, base: dict[str, Any]) -> Incoming:
    return Incoming(kind=Kind.POSTBACK, data=query.data or "",
                    language_hint=query.from_user.language_code or "",
                    reply_context={"callback_query_id": query.id}, **base)


def _message(message: Message, base: dict[str, Any]) -> Incoming:
    if message.chat.type != "private":
        raise IgnoredEvent("not a private chat")
    base["language_hint"] = (message.from_user.language_code if message.from_user else "") or ""
    if message.text is not None:
        return Incoming(kind=Kind.TEXT, text=message.text, **base)
    if message.location is not None:
        where = Location(Decimal(str(message.location.latitude)),
                         Decimal(str(message.location.longitude)))
        return Incoming(kind=Kind.LOCATION, location=where, **base)
    if message.photo:
        return Incoming(kind=Kind.IMAGE, text=message.caption or "",
                        media=(MediaRef(message.photo[-1].file_id, "image/jpeg"),), **base)
    return Incoming(kind=Kind.UNSUPPORTED, detail=message.content_type, **base)


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    rows: list[list[InlineKeyboardButton]] = []
    for button in reply.buttons:
        cell = InlineKeyboardButton(text=button.label, callback_data=button.data)
        if rows and len(rows[-1]) == 1 and len(button.label) <= SHORT_LABEL \
                and len(rows[-1][0].text) <= SHORT_LABEL:
            rows[-1].append(cell)
        else:
            rows.append([cell])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def location_keyboard(label: str) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text=label, request_location=True)]],
                               resize_keyboard=True, one_time_keyboard=True)


class TelegramFiles:
    """Photo bytes through getFile and the file download endpoint."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def __call__(self, ref: MediaRef) -> bytes:
        try:
            found = await self.bot.get_file(ref.handle)
            if found.file_size and found.file_size > MAX_BYTES:
                raise InvalidImage("too_large")
            if not found.file_path:
                raise PhotoUnavailable("no file path")
            buffer = await self.bot.download_file(found.file_path, timeout=30)
        except TelegramBadRequest as exc:
            raise PhotoUnavailable(exc.message) from exc
        except (TelegramServerError, TelegramNetworkError) as exc:
            raise RetryLater(f"Telegram file: {exc.message}") from exc
        assert buffer is not None
        return buffer.read()


class TelegramSender:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, message: OutboundMessage, replies: list[Reply], address: str,
                   now: datetime) -> str:
        # Parts are API calls here, so a retry never repeats one that went out.
        calls = [call for reply in replies for call in self._calls(address, reply)]
        try:
            await self._answer_callback(message)
            for call in calls[message.parts_sent:]:
                sent = await call()
                message.platform_ids.append(str(sent.message_id))
                message.parts_sent += 1
        except TelegramRetryAfter as exc:
            raise RetryLater(f"Telegram 429: {exc.message}", exc.retry_after) from exc
        except (TelegramServerError, TelegramNetworkError) as exc:
            raise RetryLater(f"Telegram unavailable: {exc.message}") from exc
        except (TelegramForbiddenError, TelegramBadRequest, TelegramAPIError) as exc:
            raise Undeliverable(f"Telegram refused: {exc.message}") from exc
        return "api"

    async def _answer_callback(self, message: OutboundMessage) -> None:
        """Stop the button's spinner; a query answered late is harmless to skip."""
        query_id = message.reply_context.get("callback_query_id")
        if not query_id or message.parts_sent:
            return
        # "query is too old" only means the spinner has already stopped by itself.
        with contextlib.suppress(TelegramBadRequest):
            await self.bot.answer_callback_query(query_id)

    def _calls(self, chat_id: str, reply: Reply) -> list[Callable[[], Awaitable[Message]]]:
        """One reply as Bot API calls: photo, text with its keyboard, location ask, document."""
        calls: list[Callable[[], Awaitable[Message]]] = []
        if reply.image_url:
            calls.append(partial(self.bot.send_photo, chat_id, reply.image_url))
        calls.append(partial(self.bot.send_message, chat_id, reply.text[:TEXT_MAX],
                             reply_markup=keyboard(reply)))
        if reply.ask_location:
            calls.append(partial(self.bot.send_message, chat_id, "📍",
                                 reply_markup=location_keyboard(reply.ask_location)))
        if reply.document_url:
            calls.append(partial(self.bot.send_document, chat_id, reply.document_url))
        return calls
