"""The SDK clients of the enabled platforms, opened in a running loop and closed at exit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from linebot.v3.messaging import (
    AsyncApiClient,
    AsyncMessagingApi,
    AsyncMessagingApiBlob,
    Configuration,
)
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from bots import console, line, sms, telegram
from core.conversation.service import LanguageLookup
from core.events.processing import Parser
from core.media.intake import Fetcher
from core.outbox.delivery import Sender
from core.settings import Settings

PARSERS: dict[str, Parser] = {"line": line.parse, "telegram": telegram.parse,
                              "sms": sms.parse, "console": console.parse}


@dataclass
class Channels:
    senders: dict[str, Sender] = field(default_factory=dict)
    # Where events carry no language, how to ask the platform for a user's language.
    language_lookups: dict[str, LanguageLookup] = field(default_factory=dict)
    media_fetchers: dict[str, Fetcher] = field(default_factory=dict)
    closers: list[Callable[[], Awaitable[object]]] = field(default_factory=list)

    @property
    def parsers(self) -> dict[str, Parser]:
        return PARSERS

    async def close(self) -> None:
        for close in reversed(self.closers):
            await close()
        self.closers.clear()


async def open_channels(settings: Settings) -> Channels:
    """Create clients inside the running loop: their aiohttp sessions need one."""
    channels = Channels()
    if settings.line_enabled:
        _open_line(channels, settings)
    if settings.telegram_enabled:
        _open_telegram(channels, settings)
    if settings.sms_enabled:
        _open_sms(channels, settings)
    return channels


def _open_line(channels: Channels, settings: Settings) -> None:
    token = settings.line_channel_access_token
    api_client = AsyncApiClient(Configuration(host=settings.line_api_base_url,
                                              access_token=token))
    data_client = AsyncApiClient(Configuration(host=settings.line_data_api_base_url,
                                               access_token=token))
    channels.closers += [api_client.close, data_client.close]
    ttl = timedelta(seconds=settings.line_reply_token_ttl_seconds)
    messaging = AsyncMessagingApi(api_client)
    channels.senders["line"] = line.LineSender(messaging, ttl)
    channels.language_lookups["line"] = line.LineLanguage(messaging)
    channels.media_fetchers["line"] = line.LineContent(AsyncMessagingApiBlob(data_client))


def _open_telegram(channels: Channels, settings: Settings) -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_base_url))
    bot = Bot(settings.telegram_bot_token, session=session)
    channels.closers.append(session.close)
    channels.senders["telegram"] = telegram.TelegramSender(bot)
    channels.media_fetchers["telegram"] = telegram.TelegramFiles(bot)


def _open_sms(channels: Channels, settings: Settings) -> None:
    http_client = AsyncTwilioHttpClient()
    client = Client(settings.twilio_account_sid, settings.twilio_auth_token,
                    http_client=http_client)
    client.api.base_url = settings.twilio_api_base_url
    channels.closers.append(http_client.close)
    callback = settings.public_base_url.rstrip("/") + "/webhooks/twilio/status"
    channels.senders["sms"] = sms.SmsSender(client, settings.twilio_from_number, callback)
    # Media downloads get their own client: Twilio redirects them to its storage.
    media = httpx.AsyncClient(timeout=30)
    channels.closers.append(media.aclose)
    channels.media_fetchers["sms"] = sms.TwilioMedia(
        media, settings.twilio_api_base_url, settings.twilio_account_sid,
        settings.twilio_auth_token)
