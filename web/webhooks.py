"""The platform webhooks: verify first, store, acknowledge fast."""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import parse_qsl, urlsplit

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from starlette.datastructures import FormData
from tortoise.transactions import in_transaction

from bots import line, sms, telegram
from core.events.ingest import StoreFailed, ingest
from core.events.models import InboundEvent
from core.events.service import RawEvent
from core.messages import Reply
from core.outbox import service as outbox
from core.outbox.models import OutboundMessage, OutboundStatus
from web.bodies import BodyTooLarge, read_body
from web.deps import WebDeps, deps_of

log = logging.getLogger(__name__)
router = APIRouter(prefix="/webhooks")
# How often the SMS webhook looks for replies while it can still answer with TwiML.
TWIML_POLL_S = 0.03


def _refuse(status: int, detail: str, channel: str) -> Response:
    log.info("%s webhook refused (%s): %s", channel, status, detail)
    return JSONResponse({"error": detail}, status_code=status)


async def _count(deps: WebDeps, channel: str, outcome: str) -> None:
    await deps.metrics.count("inbound_events_total", channel=channel, outcome=outcome)


async def _take(request: Request, channel: str, raws: list[RawEvent]) -> list[InboundEvent]:
    deps = deps_of(request)
    return await ingest(deps.intake, channel, raws, deps.runtime.clock())


@router.post("/line")
async def line_webhook(request: Request) -> Response:
    deps = deps_of(request)
    if not deps.settings.line_enabled:
        return _refuse(404, "LINE is not enabled", "line")
    try:
        body = await read_body(request, deps.settings.webhook_max_body_bytes)
    except BodyTooLarge:
        await _count(deps, "line", "too_large")
        return _refuse(413, "body too large", "line")
    if not line.verify(body, request.headers.get("x-line-signature", ""),
                       deps.settings.line_channel_secret):
        await _count(deps, "line", "bad_signature")
        return _refuse(401, "bad signature", "line")
    try:
        raws = line.split(body)
    except (ValueError, KeyError, TypeError):
        await _count(deps, "line", "malformed")
        return _refuse(400, "malformed body", "line")
    try:
        await _take(request, "line", raws)
    except StoreFailed as exc:
        return _refuse(503, f"not stored: {exc}", "line")
    return PlainTextResponse("OK")


@router.post("/telegram")
async def telegram_webhook(request: Request) -> Response:
    deps = deps_of(request)
    if not deps.settings.telegram_enabled:
        return _refuse(404, "Telegram is not enabled", "telegram")
    if not telegram.verify(request.headers.get(telegram.SECRET_HEADER, ""),
                           deps.settings.telegram_webhook_secret):
        await _count(deps, "telegram", "bad_signature")
        return _refuse(401, "bad secret token", "telegram")
    try:
        body = await read_body(request, deps.settings.webhook_max_body_bytes)
        raws = telegram.split(body)
    except BodyTooLarge:
        await _count(deps, "telegram", "too_large")
        return _refuse(413, "body too large", "telegram")
    except (ValueError, TypeError):
        await _count(deps, "telegram", "malformed")
        return _refuse(400, "malformed body", "telegram")
    try:
        await _take(request, "telegram", raws)
    except StoreFailed as exc:
        return _refuse(503, f"not stored: {exc}", "telegram")
    return JSONResponse({})


def public_url(request: Request, base: str) -> str:
    """The URL Twilio signed: our public base plus the path and query it called."""
    parts = urlsplit(str(request.url))
    query = f"?{parts.query}" if parts.query else ""
    return base.rstrip("/") + parts.path + query


async def _signed_form(request: Request, deps: WebDeps) -> FormData | Response:
    try:
        body = await read_body(request, deps.settings.webhook_max_body_bytes)
    except BodyTooLarge:
        await _count(deps, "sms", "too_large")
        return _refuse(413, "body too large", "sms")
    form = FormData(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    url = public_url(request, deps.settings.public_base_url)
    if not sms.verify(url, form, request.headers.get(sms.SIGNATURE_HEADER, ""),
                      deps.settings.twilio_auth_token):
        await _count(deps, "sms", "bad_signature")
        return _refuse(401, "bad signature", "sms")
    return form


@router.post("/twilio/sms")
async def sms_webhook(request: Request) -> Response:
    deps = deps_of(request)
    if not deps.settings.sms_enabled:
        return _refuse(404, "SMS is not enabled", "sms")
    form = await _signed_form(request, deps)
    if isinstance(form, Response):
        return form
    try:
        raws = sms.split({k: str(v) for k, v in form.items()})
    except ValueError:
        await _count(deps, "sms", "malformed")
        return _refuse(400, "malformed form", "sms")
    try:
        stored = await _take(request, "sms", raws)
    except StoreFailed as exc:
        return _refuse(503, f"not stored: {exc}", "sms")
    replies = await _await_replies(deps, stored[0].id) if stored else []
    return Response(sms.twiml(replies), media_type="text/xml")


async def _await_replies(deps: WebDeps, event_id: int) -> list[Reply]:
    """Answer in the TwiML response if the reply is ready in time; else the worker sends it."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + deps.settings.sms_twiml_wait_ms / 1000
    while loop.time() < deadline:
        await asyncio.sleep(TWIML_POLL_S)
        async with in_transaction():
            message = await OutboundMessage.select_for_update(skip_locked=True).get_or_none(
                in_reply_to_id=event_id, status=OutboundStatus.PENDING, channel="sms")
            if message is not None:
                await outbox.mark_sent(message, "twiml", deps.runtime.clock())
                return outbox.replies_of(message)
    return []
