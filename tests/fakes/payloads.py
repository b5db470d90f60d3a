"""Builders for the inbound webhook requests LINE, Telegram and Twilio send to WasteNexus.

Every builder produces data in the platform's documented wire format:

* LINE - webhook event objects (camelCase JSON) wrapped in ``{"destination", "events"}`` and
  signed with ``X-Line-Signature`` = base64(HMAC-SHA256(channel secret, raw body)).
* Telegram - ``Update`` objects as plain dicts (snake_case, ``from`` not ``from_user``), posted
  as JSON with ``X-Telegram-Bot-Api-Secret-Token``.
* Twilio - ``application/x-www-form-urlencoded`` parameters in Twilio's PascalCase naming,
  signed with ``X-Twilio-Signature`` = base64(HMAC-SHA1(auth token, URL + sorted name/value
  pairs)).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import math
import os
import secrets
import time
import uuid
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

__all__ = [
    "LINE_DESTINATION",
    "TG_BOT_ID",
    "TG_BOT_USERNAME",
    "TWILIO_ACCOUNT_SID",
    "TWILIO_DEFAULT_TO",
    "line_body",
    "line_follow",
    "line_group_id",
    "line_image",
    "line_join_group",
    "line_location",
    "line_postback",
    "line_request",
    "line_signature",
    "line_sticker",
    "line_text",
    "line_unfollow",
    "line_unknown",
    "line_user_id",
    "sms_segments",
    "tg_callback",
    "tg_edited_message",
    "tg_headers",
    "tg_location",
    "tg_message",
    "tg_my_chat_member",
    "tg_my_chat_member_blocked",
    "tg_photo",
    "tg_request",
    "tg_start",
    "tg_sticker",
    "twilio_request",
    "twilio_signature",
    "twilio_sms",
    "twilio_status",
    "ulid",
]

# --------------------------------------------------------------------------------------------
# shared helpers
# --------------------------------------------------------------------------------------------

_CROCKFORD32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def ulid(timestamp_ms: int | None = None) -> str:
    """A 26 character ULID (48 bit ms timestamp + 80 random bits, Crockford base32)."""
    ts = int(time.time() * 1000) if timestamp_ms is None else timestamp_ms
    value = (ts & ((1 << 48) - 1)) << 80 | int.from_bytes(os.urandom(10), "big")
    return "".join(_CROCKFORD32[(value >> (5 * i)) & 31] for i in range(25, -1, -1))


def _now_ms() -> int:
    return int(time.time() * 1000)


# LINE message ids are 18-19 digit decimal strings; keep them unique within the process.
_line_message_ids = itertools.count(500_000_000_000_000_000 + secrets.randbelow(10**15))


def _line_message_id() -> str:
    return str(next(_line_message_ids))


def _quote_token() -> str:
    return secrets.token_urlsafe(48)


def line_user_id() -> str:
    """A random LINE user id: ``U`` + 32 lowercase hex digits."""
    return "U" + uuid.uuid4().hex


def line_group_id() -> str:
    """A random LINE group id: ``C`` + 32 lowercase hex digits."""
    return "C" + uuid.uuid4().hex


# --------------------------------------------------------------------------------------------
# LINE
# --------------------------------------------------------------------------------------------

LINE_DESTINATION = "U" + "0f3c" * 8  # the bot's own user id, as sent in "destination"


def line_signature(body: bytes, secret: str) -> str:
    """Value of ``X-Line-Signature`` for *body*: base64(HMAC-SHA256(channel secret, body))."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def line_body(*events: Mapping[str, Any], destination: str = LINE_DESTINATION) -> bytes:
    """The raw webhook request body LINE posts: compact UTF-8 JSON."""
    payload = {"destination": destination, "events": list(events)}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def line_request(
    *events: Mapping[str, Any], secret: str, destination: str = LINE_DESTINATION
) -> tuple[bytes, dict[str, str]]:
    """``(body, headers)`` exactly as the LINE platform posts them to the webhook URL."""
    body = line_body(*events, destination=destination)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "LineBotWebhook/2.0",
        "X-Line-Signature": line_signature(body, secret),
    }
    return body, headers


_LINE_COMMON = (
    "timestamp",
    "mode",
    "webhook_event_id",
    "redelivery",
    "reply_token",
    "group_id",
    "room_id",
)


def _line_event(
    type_: str,
    user_id: str | None,
    kw: dict[str, Any],
    *,
    reply: bool,
    reply_optional: bool = True,
) -> dict[str, Any]:
    """Common envelope of every webhook event.

    Recognised keyword options (all optional): ``timestamp`` (ms), ``mode`` ("active" /
    "standby"), ``webhook_event_id``, ``redelivery`` (bool), ``reply_token``, ``group_id`` /
    ``room_id`` (event comes from a group / multi-person chat instead of a 1:1 chat).
    """
    unknown = set(kw) - set(_LINE_COMMON)
    if unknown:
        raise TypeError(f"unexpected keyword argument(s) for LINE {type_} event: {sorted(unknown)}")
    mode = kw.get("mode", "active")
    if mode not in ("active", "standby"):
        raise ValueError(f"mode must be 'active' or 'standby', not {mode!r}")
    if kw.get("group_id"):
        source: dict[str, Any] = {"type": "group", "groupId": kw["group_id"]}
        if user_id:
            source["userId"] = user_id
    elif kw.get("room_id"):
        source = {"type": "room", "roomId": kw["room_id"]}
        if user_id:
            source["userId"] = user_id
    else:
        source = {"type": "user", "userId": user_id}
    event: dict[str, Any] = {
        "type": type_,
        "mode": mode,
        "timestamp": kw.get("timestamp") or _now_ms(),
        "source": source,
        "webhookEventId": kw.get("webhook_event_id") or ulid(),
        "deliveryContext": {"isRedelivery": bool(kw.get("redelivery", False))},
    }
    # In standby mode the channel must not answer; LINE leaves out the (optional) reply token.
    if reply and not (mode == "standby" and reply_optional):
        event["replyToken"] = kw.get("reply_token") or uuid.uuid4().hex
    return event


def _pop_message_kw(kw: dict[str, Any]) -> tuple[str, str]:
    return kw.pop("message_id", None) or _line_message_id(), kw.pop("quote_token", None) or (
        _quote_token()
    )


def line_text(user_id: str, text: str, **kw: Any) -> dict[str, Any]:
    """``message`` event with a text message.

    Extra options: ``message_id``, ``quote_token``, ``quoted_message_id``, ``emojis``,
    ``mention`` plus the common ones (see :func:`_line_event`).
    """
    message_id, quote_token = _pop_message_kw(kw)
    message: dict[str, Any] = {
        "type": "text",
        "id": message_id,
        "quoteToken": quote_token,
        "text": text,
    }
    for key, wire in (
        ("quoted_message_id", "quotedMessageId"),
        ("emojis", "emojis"),
        ("mention", "mention"),
    ):
        value = kw.pop(key, None)
        if value is not None:
            message[wire] = value
    event = _line_event("message", user_id, kw, reply=True)
    event["message"] = message
    return event


def line_image(user_id: str, message_id: str | None = None, **kw: Any) -> dict[str, Any]:
    """``message`` event with an image stored on LINE (``contentProvider.type == "line"``).

    Fetch the bytes with ``GET /v2/bot/message/{message_id}/content`` on the data API.
    Extra option ``image_set`` = ``{"id", "index", "total"}`` for multi-image sends.
    """
    quote_token = kw.pop("quote_token", None) or _quote_token()
    image_set = kw.pop("image_set", None)
    message: dict[str, Any] = {
        "type": "image",
        "id": message_id or _line_message_id(),
        "quoteToken": quote_token,
        "contentProvider": {"type": "line"},
    }
    if image_set:
        message["imageSet"] = image_set
    event = _line_event("message", user_id, kw, reply=True)
    event["message"] = message
    return event


def line_location(
    user_id: str,
    lat: float,
    lon: float,
    title: str | None = None,
    address: str | None = None,
    **kw: Any,
) -> dict[str, Any]:
    """``message`` event with a location message (``title``/``address`` only when given)."""
    message: dict[str, Any] = {
        "type": "location",
        "id": kw.pop("message_id", None) or _line_message_id(),
    }
    if title is not None:
        message["title"] = title
    if address is not None:
        message["address"] = address
    message["latitude"] = lat
    message["longitude"] = lon
    event = _line_event("message", user_id, kw, reply=True)
    event["message"] = message
    return event


def line_sticker(
    user_id: str, package_id: str = "446", sticker_id: str = "1988", **kw: Any
) -> dict[str, Any]:
    """``message`` event with a (static) sticker."""
    message_id, quote_token = _pop_message_kw(kw)
    message = {
        "type": "sticker",
        "id": message_id,
        "quoteToken": quote_token,
        "packageId": package_id,
        "stickerId": sticker_id,
        "stickerResourceType": kw.pop("sticker_resource_type", "STATIC"),
        "keywords": kw.pop("keywords", ["thumbs up", "OK", "good"]),
    }
    event = _line_event("message", user_id, kw, reply=True)
    event["message"] = message
    return event


def line_follow(user_id: str, unblocked: bool = False, **kw: Any) -> dict[str, Any]:
    """``follow`` event (friend added, or ``unblocked=True`` when the user unblocked us)."""
    event = _line_event("follow", user_id, kw, reply=True, reply_optional=False)
    event["follow"] = {"isUnblocked": unblocked}
    return event


def line_unfollow(user_id: str, **kw: Any) -> dict[str, Any]:
    """``unfollow`` event (user blocked the account) - it has no reply token."""
    return _line_event("unfollow", user_id, kw, reply=False)


def line_postback(
    user_id: str, data: str, params: Mapping[str, str] | None = None, **kw: Any
) -> dict[str, Any]:
    """``postback`` event; ``params`` e.g. ``{"date": "2025-11-25"}`` for datetime pickers."""
    event = _line_event("postback", user_id, kw, reply=True)
    postback: dict[str, Any] = {"data": data}
    if params:
        postback["params"] = dict(params)
    event["postback"] = postback
    return event


def line_unknown(user_id: str, type_: str = "somethingNew", **kw: Any) -> dict[str, Any]:
    """An event of a type the SDK does not know yet (forward compatibility)."""
    return _line_event(type_, user_id, kw, reply=True)


def line_join_group(group_id: str, **kw: Any) -> dict[str, Any]:
    """``join`` event: the bot was added to a group (source type ``group``, no userId)."""
    kw["group_id"] = group_id
    return _line_event("join", None, kw, reply=True, reply_optional=False)


# --------------------------------------------------------------------------------------------
# Telegram
# --------------------------------------------------------------------------------------------

TG_BOT_ID = 7012345678
TG_BOT_USERNAME = "wastenexus_bot"

_tg_message_ids = itertools.count(101)


def _tg_bot_user(bot_id: int = TG_BOT_ID) -> dict[str, Any]:
    return {"id": bot_id, "is_bot": True, "first_name": "WasteNexus", "username": TG_BOT_USERNAME}


def _tg_user(user_id: int, language_code: str | None, kw: dict[str, Any]) -> dict[str, Any]:
    user: dict[str, Any] = {
        "id": user_id,
        "is_bot": False,
        "first_name": kw.pop("first_name", "Test"),
    }
    last_name = kw.pop("last_name", None)
    if last_name:
        user["last_name"] = last_name
    username = kw.pop("username", None)
    if username:
        user["username"] = username
    if language_code:
        user["language_code"] = language_code
    return user


def _tg_chat(user: Mapping[str, Any]) -> dict[str, Any]:
    chat: dict[str, Any] = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
    for key in ("last_name", "username"):
        if key in user:
            chat[key] = user[key]
    return chat


def _tg_message_obj(user_id: int, language_code: str | None, kw: dict[str, Any]) -> dict[str, Any]:
    message_id = kw.pop("message_id", None) or next(_tg_message_ids)
    date = kw.pop("date", None) or int(time.time())
    user = _tg_user(user_id, language_code, kw)
    message: dict[str, Any] = {
        "message_id": message_id,
        "from": user,
        "chat": _tg_chat(user),
        "date": date,
    }
    reply_to = kw.pop("reply_to_message", None)
    if reply_to is not None:
        message["reply_to_message"] = reply_to
    return message


def _tg_finish(kw: dict[str, Any], what: str) -> None:
    if kw:
        raise TypeError(f"unexpected keyword argument(s) for {what}: {sorted(kw)}")


def tg_message(
    update_id: int, user_id: int, text: str, language_code: str | None = "en", **kw: Any
) -> dict[str, Any]:
    """``Update`` with a private text ``message``.

    Extra options: ``message_id``, ``date``, ``first_name``, ``last_name``, ``username``,
    ``entities``, ``reply_to_message``.
    """
    entities = kw.pop("entities", None)
    message = _tg_message_obj(user_id, language_code, kw)
    _tg_finish(kw, "tg_message")
    message["text"] = text
    if entities:
        message["entities"] = list(entities)
    return {"update_id": update_id, "message": message}


def tg_start(
    update_id: int,
    user_id: int,
    payload: str | None = None,
    language_code: str | None = "en",
    **kw: Any,
) -> dict[str, Any]:
    """``/start`` or ``/start PAYLOAD`` (deep link) with its ``bot_command`` entity."""
    text = "/start" if payload is None else f"/start {payload}"
    entities = [{"type": "bot_command", "offset": 0, "length": len("/start")}]
    return tg_message(update_id, user_id, text, language_code, entities=entities, **kw)


def tg_callback(
    update_id: int,
    user_id: int,
    data: str,
    message_id: int | None = None,
    language_code: str | None = "en",
    **kw: Any,
) -> dict[str, Any]:
    """``callback_query`` from an inline keyboard button on a message the bot sent.

    Extra options: ``message_text`` (text of that bot message), ``reply_markup``,
    ``callback_id``, ``chat_instance``, ``bot_id`` and the user options of :func:`tg_message`.
    """
    callback_id = kw.pop("callback_id", None) or str(secrets.randbelow(9 * 10**18) + 10**18)
    chat_instance = kw.pop("chat_instance", None) or str(-(secrets.randbelow(9 * 10**18) + 10**18))
    message_text = kw.pop("message_text", "Choose an option")
    reply_markup = kw.pop("reply_markup", None) or {
        "inline_keyboard": [[{"text": "OK", "callback_data": data}]]
    }
    bot_id = kw.pop("bot_id", TG_BOT_ID)
    user = _tg_user(user_id, language_code, kw)
    _tg_finish(kw, "tg_callback")
    bot_message = {
        "message_id": message_id or next(_tg_message_ids),
        "from": _tg_bot_user(bot_id),
        "chat": _tg_chat(user),
        "date": int(time.time()) - 60,
        "text": message_text,
        "reply_markup": reply_markup,
    }
    return {
        "update_id": update_id,
        "callback_query": {
            "id": callback_id,
            "from": user,
            "message": bot_message,
            "chat_instance": chat_instance,
            "data": data,
        },
    }


def tg_location(
    update_id: int,
    user_id: int,
    lat: float,
    lon: float,
    language_code: str | None = "en",
    **kw: Any,
) -> dict[str, Any]:
    """``message`` carrying a ``location`` (shared via the attachment menu)."""
    accuracy = kw.pop("horizontal_accuracy", None)
    message = _tg_message_obj(user_id, language_code, kw)
    _tg_finish(kw, "tg_location")
    location: dict[str, Any] = {"latitude": lat, "longitude": lon}
    if accuracy is not None:
        location["horizontal_accuracy"] = accuracy
    message["location"] = location
    return {"update_id": update_id, "message": message}


_PHOTO_SIDES = (90, 320, 800, 1280, 2560)


def tg_photo(
    update_id: int,
    user_id: int,
    file_ids: Iterable[str],
    caption: str | None = None,
    language_code: str | None = "en",
    **kw: Any,
) -> dict[str, Any]:
    """``message`` with a ``photo``: one PhotoSize per file id, smallest first."""
    message = _tg_message_obj(user_id, language_code, kw)
    _tg_finish(kw, "tg_photo")
    sizes = []
    for i, file_id in enumerate(file_ids):
        side = _PHOTO_SIDES[i] if i < len(_PHOTO_SIDES) else 2560 + 640 * (i - 4)
        sizes.append(
            {
                "file_id": file_id,
                "file_unique_id": "AQAD" + hashlib.sha1(file_id.encode()).hexdigest()[:12],
                "file_size": side * side * 3 // 40,
                "width": side,
                "height": side * 3 // 4,
            }
        )
    if not sizes:
        raise ValueError("tg_photo needs at least one file id")
    message["photo"] = sizes
    if caption is not None:
        message["caption"] = caption
    return {"update_id": update_id, "message": message}


def tg_sticker(
    update_id: int, user_id: int, language_code: str | None = "en", **kw: Any
) -> dict[str, Any]:
    """``message`` with a regular static ``sticker``."""
    emoji = kw.pop("emoji", "\N{THUMBS UP SIGN}")
    file_id = kw.pop("file_id", None) or "CAACAgIAAxkBAAE" + secrets.token_urlsafe(24)
    message = _tg_message_obj(user_id, language_code, kw)
    _tg_finish(kw, "tg_sticker")
    message["sticker"] = {
        "file_id": file_id,
        "file_unique_id": "AgAD" + secrets.token_hex(6),
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": emoji,
        "set_name": "HotCherry",
        "file_size": 23_000,
    }
    return {"update_id": update_id, "message": message}


def tg_edited_message(
    update_id: int,
    user_id: int,
    text: str,
    message_id: int | None = None,
    language_code: str | None = "en",
    **kw: Any,
) -> dict[str, Any]:
    """``edited_message``: same message object as the original plus ``edit_date``."""
    now = int(time.time())
    kw.setdefault("date", now - 30)
    if message_id is not None:
        kw["message_id"] = message_id
    message = _tg_message_obj(user_id, language_code, kw)
    _tg_finish(kw, "tg_edited_message")
    message["edit_date"] = now
    message["text"] = text
    return {"update_id": update_id, "edited_message": message}


def tg_my_chat_member(
    update_id: int,
    user_id: int,
    old_status: str,
    new_status: str,
    language_code: str | None = "en",
    **kw: Any,
) -> dict[str, Any]:
    """``my_chat_member``: the bot's own membership in the private chat changed."""
    bot_id = kw.pop("bot_id", TG_BOT_ID)
    date = kw.pop("date", None) or int(time.time())
    user = _tg_user(user_id, language_code, kw)
    _tg_finish(kw, "tg_my_chat_member")

    def member(status: str) -> dict[str, Any]:
        obj: dict[str, Any] = {"user": _tg_bot_user(bot_id), "status": status}
        if status == "kicked":
            obj["until_date"] = 0  # 0 = banned forever
        return obj

    return {
        "update_id": update_id,
        "my_chat_member": {
            "chat": _tg_chat(user),
            "from": user,
            "date": date,
            "old_chat_member": member(old_status),
            "new_chat_member": member(new_status),
        },
    }


def tg_my_chat_member_blocked(update_id: int, user_id: int, **kw: Any) -> dict[str, Any]:
    """The user blocked the bot (bot status ``member`` -> ``kicked``)."""
    return tg_my_chat_member(update_id, user_id, "member", "kicked", **kw)


def tg_headers(secret: str | None) -> dict[str, str]:
    """Headers of a Telegram webhook delivery (``secret_token`` given to ``setWebhook``)."""
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    return headers


def tg_request(update: Mapping[str, Any], secret: str | None) -> tuple[bytes, dict[str, str]]:
    """``(body, headers)`` of a webhook delivery of *update*."""
    body = json.dumps(update, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return body, tg_headers(secret)


# --------------------------------------------------------------------------------------------
# Twilio
# --------------------------------------------------------------------------------------------

TWILIO_ACCOUNT_SID = "AC" + "5e1f" * 8
TWILIO_DEFAULT_TO = "+15005550006"

_GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENDED = set("^{}\\[~]|€\f")


def sms_segments(text: str) -> int:
    """Number of SMS segments Twilio bills for *text* (GSM-7 160/153, UCS-2 70/67)."""
    if all(ch in _GSM7_BASIC or ch in _GSM7_EXTENDED for ch in text):
        septets = sum(2 if ch in _GSM7_EXTENDED else 1 for ch in text)
        return 1 if septets <= 160 else math.ceil(septets / 153)
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else math.ceil(units / 67)


# E.164 prefix -> ISO country, longest prefix first.
_COUNTRY_PREFIXES = (
    ("+66", "TH"),
    ("+65", "SG"),
    ("+63", "PH"),
    ("+62", "ID"),
    ("+60", "MY"),
    ("+84", "VN"),
    ("+81", "JP"),
    ("+82", "KR"),
    ("+91", "IN"),
    ("+44", "GB"),
    ("+49", "DE"),
    ("+33", "FR"),
    ("+61", "AU"),
    ("+1", "US"),
)


def _country(number: str) -> str:
    for prefix, country in _COUNTRY_PREFIXES:
        if number.startswith(prefix):
            return country
    return ""


def _twilio_sid(prefix: str) -> str:
    return prefix + uuid.uuid4().hex


def twilio_sms(
    from_: str,
    body: str,
    to: str = TWILIO_DEFAULT_TO,
    message_sid: str | None = None,
    media: Iterable[tuple[str, str]] = (),
    *,
    account_sid: str = TWILIO_ACCOUNT_SID,
    messaging_service_sid: str | None = None,
    **extra: str | None,
) -> dict[str, str]:
    """Form parameters of an inbound SMS/MMS webhook (``media`` = ``[(url, content_type)]``).

    ``extra`` adds or overrides parameters by their Twilio name (e.g. ``FromCity="BANGKOK"``);
    a value of ``None`` removes that parameter.
    """
    media = list(media)
    sid = message_sid or _twilio_sid("MM" if media else "SM")
    params: dict[str, str] = {
        "ToCountry": _country(to),
        "ToState": "",
        "SmsMessageSid": sid,
        "NumMedia": str(len(media)),
        "ToCity": "",
        "FromZip": "",
        "SmsSid": sid,
        "FromState": "",
        "SmsStatus": "received",
        "FromCity": "",
        "Body": body,
        "FromCountry": _country(from_),
        "To": to,
        "ToZip": "",
        "NumSegments": str(sms_segments(body) if body else 1),
        "MessageSid": sid,
        "AccountSid": account_sid,
        "From": from_,
        "ApiVersion": "2010-04-01",
    }
    if messaging_service_sid:
        params["MessagingServiceSid"] = messaging_service_sid
    for i, (url, content_type) in enumerate(media):
        params[f"MediaContentType{i}"] = content_type
        params[f"MediaUrl{i}"] = url
    for key, value in extra.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    return params


def twilio_status(
    message_sid: str,
    status: str,
    error_code: int | str | None = None,
    *,
    account_sid: str = TWILIO_ACCOUNT_SID,
    from_: str = TWILIO_DEFAULT_TO,
    to: str = "+66812345678",
    **extra: str | None,
) -> dict[str, str]:
    """Form parameters of a message status callback (``ErrorCode`` only when given)."""
    params: dict[str, str] = {
        "SmsSid": message_sid,
        "SmsStatus": status,
        "MessageStatus": status,
        "To": to,
        "MessageSid": message_sid,
        "AccountSid": account_sid,
        "From": from_,
        "ApiVersion": "2010-04-01",
    }
    if error_code is not None:
        params["ErrorCode"] = str(error_code)
    for key, value in extra.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    return params


def _param_values(params: Mapping[str, Any], name: str) -> list[str]:
    """All values of *name*: supports MultiDict-style ``getall``, lists/tuples and scalars."""
    getall = getattr(params, "getall", None)
    values = getall(name) if callable(getall) else params[name]
    if isinstance(values, list | tuple):
        return [str(v) for v in values]
    return [str(values)]


def twilio_signature(url: str, params: Mapping[str, Any], auth_token: str) -> str:
    """``X-Twilio-Signature`` for a form POST to *url* (the full URL, query string included).

    HMAC-SHA1 keyed with the auth token over the URL followed by every POST parameter name
    and value, sorted by name (repeated names: each distinct value, sorted), base64 encoded.
    *params* may be a plain dict, a dict of lists (``parse_qs``) or a MultiDict.
    """
    data = url
    for name in sorted(set(params)):
        for value in sorted(set(_param_values(params, name))):
            data += name + value
    digest = hmac.new(auth_token.encode("utf-8"), data.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def twilio_request(
    url: str, params: Mapping[str, Any], auth_token: str
) -> tuple[bytes, dict[str, str]]:
    """``(form body, headers)`` exactly as Twilio posts a webhook to *url*."""
    names = list(dict.fromkeys(params))
    body = urlencode([(name, v) for name in names for v in _param_values(params, name)])
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "User-Agent": "TwilioProxy/1.1",
        "I-Twilio-Idempotency-Token": str(uuid.uuid4()),
        "X-Twilio-Signature": twilio_signature(url, params, auth_token),
    }
    return body.encode("ascii"), headers
