"""Twilio SMS: verify, split, parse, render (numbered menus, segment-aware) and send."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import httpx
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.rest import Client
from twilio.twiml.messaging_response import MessagingResponse

from core.events.models import InboundEvent
from core.events.service import RawEvent
from core.media.images import MAX_BYTES, InvalidImage
from core.media.intake import PhotoUnavailable
from core.messages import Incoming, Kind, MediaRef, Reply
from core.outbox.delivery import RetryLater, Undeliverable
from core.outbox.models import OutboundMessage
from core.phone import InvalidPhone, normalize_e164, region_of
from core.sms_text import pack_blocks, to_gsm_friendly

CHANNEL = "sms"
SIGNATURE_HEADER = "X-Twilio-Signature"
# Twilio recommends bodies of at most 320 characters (PLATFORMS.md C6): three GSM-7
# segments. Longer replies go out as several messages, split between words.
MAX_SEGMENTS = 3
# A phone's language hint from its country: Thai for +66, Hindi for +91.
REGION_LANGUAGE = {"TH": "th", "IN": "hi"}


def verify(url: str, form: Mapping[str, Any], signature: str, auth_token: str) -> bool:
    return bool(signature) and RequestValidator(auth_token).validate(url, form, signature)


def split(form: Mapping[str, str]) -> list[RawEvent]:
    """One message per webhook call; raises ValueError when it is not Twilio's shape."""
    sid = form.get("MessageSid") or form.get("SmsSid")
    if not sid or "From" not in form:
        raise ValueError("no MessageSid or From")
    try:
        sender = normalize_e164(form["From"], "TH")
    except InvalidPhone as exc:
        raise ValueError("sender is not a phone number") from exc
    return [RawEvent(sid, sender, dict(form))]


def parse(stored: InboundEvent) -> Incoming:
    form = stored.payload
    media = tuple(MediaRef(form[f"MediaUrl{i}"], form.get(f"MediaContentType{i}", ""))
                  for i in range(int(form.get("NumMedia") or 0)) if f"MediaUrl{i}" in form)
    hint = REGION_LANGUAGE.get(region_of(stored.sender) or "", "")
    return Incoming(channel=CHANNEL, sender=stored.sender, event_id=stored.event_id,
                    kind=Kind.IMAGE if media else Kind.TEXT, text=form.get("Body", ""),
                    media=media, language_hint=hint)


def render(reply: Reply) -> list[str]:
    """SMS bodies for one reply: the text, then its menu as numbered lines."""
    blocks = [reply.text]
    if reply.buttons and reply.numbered:
        blocks.append("\n".join(f"{i} {b.label}" for i, b in enumerate(reply.buttons, 1)))
    elif reply.buttons:
        blocks.append("(" + ", ".join(b.label for b in reply.buttons) + ")")
    # Links, not MMS: Twilio sends MMS only to a few countries (the US and Canada among
    # them, per its MMS support FAQ), not to Thailand or India; a photo travels as its URL.
    blocks += [url for url in (reply.image_url, reply.document_url) if url]
    return pack_blocks([to_gsm_friendly(b) for b in blocks], MAX_SEGMENTS)


def twiml(replies: list[Reply]) -> str:
    response = MessagingResponse()
    for reply in replies:
        for body in render(reply):
            response.message(body)
    return str(response)


class TwilioMedia:
    """MMS photo bytes from Twilio's media URLs, with the account's credentials."""

    def __init__(self, http: httpx.AsyncClient, api_base_url: str, account_sid: str,
                 auth_token: str) -> None:
        self.http = http
        self.host = urlsplit(api_base_url).netloc
        self.auth = (account_sid, auth_token)

    async def __call__(self, ref: MediaRef) -> bytes:
        if urlsplit(ref.handle).netloc != self.host:
            raise PhotoUnavailable("media URL is not on the Twilio API host")
        try:
            async with self.http.stream("GET", ref.handle, auth=self.auth,
                                        follow_redirects=True) as response:
                if response.status_code in (403, 404, 410):
                    raise PhotoUnavailable(f"Twilio media {response.status_code}")
                if response.status_code != 200:
                    raise RetryLater(f"Twilio media {response.status_code}")
                return await _read_capped(response)
        except httpx.TransportError as exc:
            raise RetryLater(f"Twilio media unreachable: {exc!r}") from exc


async def _read_capped(response: httpx.Response) -> bytes:
    data = bytearray()
    async for chunk in response.aiter_bytes():
        data += chunk
        if len(data) > MAX_BYTES:
            raise InvalidImage("too_large")
    return bytes(data)


class SmsSender:
    def __init__(self, client: Client, from_number: str, status_callback: str) -> None:
        self.client = client
        self.from_number = from_number
        self.status_callback = status_callback

    async def send(self, message: OutboundMessage, replies: list[Reply], address: str,
                   now: datetime) -> str:
        # Parts are SMS bodies here, so a retry never repeats one that went out.
        bodies = [body for reply in replies for body in render(reply)]
        for body in bodies[message.parts_sent:]:
            message.platform_ids.append(await self._create(address, body))
            message.parts_sent += 1
        return "api"

    async def _create(self, to: str, body: str) -> str:
        try:
            created = await self.client.messages.create_async(
                to=to, from_=self.from_number, body=body, status_callback=self.status_callback)
        except TwilioRestException as exc:
            detail = f"Twilio {exc.status} code {exc.code}: {exc.msg}"
            if exc.status == 429 or exc.status >= 500:
                raise RetryLater(detail) from exc
            raise Undeliverable(detail) from exc
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise RetryLater(f"Twilio unreachable: {exc!r}") from exc
        return str(created.sid)
