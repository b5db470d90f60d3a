"""``FakePlatform`` - one local HTTP server impersonating LINE, Telegram and Twilio.

Point every base URL at ``fake.url`` (LINE_API_BASE_URL, LINE_DATA_API_BASE_URL,
TELEGRAM_API_BASE_URL, TWILIO_API_BASE_URL); requests are told apart by path:

=========  ==========================================================  ===================
platform   request                                                     endpoint name
=========  ==========================================================  ===================
line       POST /v2/bot/message/reply                                  ``reply``
line       POST /v2/bot/message/push                                   ``push``
line       POST /v2/bot/message/multicast                              ``multicast``
line       POST /v2/bot/message/broadcast | narrowcast                 ``broadcast`` ...
line       GET  /v2/bot/profile/{userId}                               ``profile``
line       GET  /v2/bot/message/{messageId}/content   (data API)       ``content``
line       POST /v2/bot/chat/loading/start                             ``loading``
line       GET  /v2/bot/info                                           ``info``
telegram   POST /bot{token}/{method}                                   method, e.g.
                                                                       ``sendMessage``
telegram   GET  /file/bot{token}/{file_path}                           ``file``
twilio     POST /2010-04-01/Accounts/{AccountSid}/Messages.json        ``messages``
twilio     GET  /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json  ``message``
twilio     GET  any path registered with ``put_twilio_media``          ``media``
=========  ==========================================================  ===================

Anything else is recorded (platform ``"unknown"`` when the path matches no platform) and
answered with a 404 in the matching platform's error format.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import email.parser
import email.policy
import itertools
import json
import re
import secrets
import time
import uuid
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any, Literal
from urllib.parse import parse_qs

from aiohttp import web

from .payloads import sms_segments

__all__ = ["FakePlatform", "Platform", "Recorded", "UploadedFile"]

Platform = Literal["line", "telegram", "twilio", "unknown"]


class _Headers(dict):
    """A plain ``dict`` of request headers whose lookups ignore case."""

    def _key(self, key: object) -> object:
        if isinstance(key, str) and not dict.__contains__(self, key):
            lowered = key.lower()
            for existing in self:
                if existing.lower() == lowered:
                    return existing
        return key

    def __getitem__(self, key: object) -> Any:
        return dict.__getitem__(self, self._key(key))

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, self._key(key))

    def get(self, key: object, default: Any = None) -> Any:
        return dict.get(self, self._key(key), default)


@dataclass(frozen=True)
class UploadedFile:
    """One file part of a ``multipart/form-data`` request."""

    filename: str | None
    content_type: str | None
    data: bytes


@dataclass(frozen=True)
class Recorded:
    """One HTTP request received by the fake (recorded on arrival, before any delay)."""

    platform: Platform
    method: str
    path: str
    headers: dict[str, str]
    json: Any
    form: dict[str, list[str]] | None
    raw: bytes
    at: float
    endpoint: str = ""
    status: int = 0  # status code the fake answered (or is about to answer) with
    query: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, list[UploadedFile]] = field(default_factory=dict)

    def header(self, name: str, default: str | None = None) -> str | None:
        """Case-insensitive header lookup."""
        return self.headers.get(name, default)

    @property
    def params(self) -> dict[str, Any]:
        """JSON body, or the form with single values flattened (``{"chat_id": "42", ...}``)."""
        if isinstance(self.json, dict):
            return dict(self.json)
        if self.form is not None:
            return {k: v[0] if len(v) == 1 else list(v) for k, v in self.form.items()}
        return {}

    @property
    def bearer_token(self) -> str | None:
        auth = self.header("Authorization") or ""
        return auth[7:] if auth.startswith("Bearer ") else None

    @property
    def basic_auth(self) -> tuple[str, str] | None:
        """``(username, password)`` of a ``Basic`` Authorization header."""
        auth = self.header("Authorization") or ""
        if not auth.startswith("Basic "):
            return None
        try:
            user, _, password = base64.b64decode(auth[6:]).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return user, password


@dataclass
class _Failure:
    platform: str
    endpoint: str | None
    status: int
    remaining: int
    retry_after: int | None
    body: dict[str, Any] | None


@dataclass
class _Route:
    platform: Platform
    endpoint: str
    handler: Callable[[Recorded, dict[str, str]], web.Response] | None
    groups: dict[str, str] = field(default_factory=dict)


def _norm(endpoint: str | None) -> str | None:
    return None if endpoint is None or endpoint == "*" else endpoint.lower()


# ---------------------------------------------------------------------------- error bodies

_LINE_MESSAGES = {
    400: "The request body has 1 error(s)",
    401: "Authentication failed. Confirm that the access token in the authorization header "
    "is valid.",
    403: "Access to this API is not available for your account",
    404: "Not found",
    409: "The retry key is already accepted",
    413: "Request Entity Too Large",
    429: "The API rate limit has been exceeded. Try again later.",
    500: "Internal Server Error",
}

_TELEGRAM_DESCRIPTIONS = {
    400: "Bad Request: chat not found",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; make sure that only one bot "
    "instance is running",
    413: "Request Entity Too Large",
    500: "Internal Server Error",
    502: "Bad Gateway",
}

_TWILIO_ERRORS = {
    400: (21211, "The 'To' number is not a valid phone number."),
    401: (20003, "Authenticate"),
    403: (20403, "Forbidden"),
    404: (20404, "The requested resource was not found"),
    429: (20429, "Too Many Requests"),
    500: (20500, "Internal Server Error"),
    503: (20503, "Service Unavailable"),
}


def _line_error(status: int, message: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"message": message or _LINE_MESSAGES.get(status, "Error"), **extra}


def _telegram_error(
    status: int, description: str | None = None, retry_after: int | None = None
) -> dict[str, Any]:
    if status == 429:
        retry_after = 1 if retry_after is None else retry_after
        description = description or f"Too Many Requests: retry after {retry_after}"
    body: dict[str, Any] = {
        "ok": False,
        "error_code": status,
        "description": description or _TELEGRAM_DESCRIPTIONS.get(status, "Error"),
    }
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return body


def _twilio_error(status: int, code: int | None = None, message: str | None = None) -> dict:
    default_code, default_message = _TWILIO_ERRORS.get(status, (status, "Error"))
    code = code or default_code
    return {
        "code": code,
        "message": message or default_message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


def _error_body(platform: str, status: int, retry_after: int | None) -> dict[str, Any]:
    if platform == "line":
        return _line_error(status)
    if platform == "telegram":
        return _telegram_error(status, retry_after=retry_after)
    if platform == "twilio":
        return _twilio_error(status)
    return {"message": "Not found"}


# ---------------------------------------------------------------------------- body parsing


def _parse_multipart(
    content_type: str, raw: bytes
) -> tuple[dict[str, list[str]], dict[str, list[UploadedFile]]]:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + raw
    )
    form: dict[str, list[str]] = {}
    files: dict[str, list[UploadedFile]] = {}
    if not message.is_multipart():
        return form, files
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        data = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            files.setdefault(name, []).append(
                UploadedFile(filename, part.get("Content-Type"), data)
            )
        else:
            charset = part.get_content_charset() or "utf-8"
            form.setdefault(name, []).append(data.decode(charset))
    return form, files


def _maybe_json(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


# ---------------------------------------------------------------------------- the fake


class FakePlatform:
    """Local stand-in for the LINE, Telegram and Twilio HTTP APIs.

    Use ``async with FakePlatform() as fake:`` inside a running event loop.

    Behaviour worth knowing (all mirror the real platforms):

    * LINE reply tokens are single use: a second reply with the same token gets
      ``400 {"message": "Invalid reply token"}`` (set ``strict_reply_tokens=False`` to allow).
    * A repeated ``X-Line-Retry-Key`` on push/multicast/broadcast/narrowcast gets ``409`` with
      ``x-line-accepted-request-id`` (and ``sentMessages`` for push).  Injected failures do not
      consume the key, so a retry after a 5xx/429 succeeds.
    * LINE text > 5000 chars -> 400; Telegram text > 4096 / caption > 1024 -> 400
      "message is too long"; Twilio Body > 1600 -> 400 code 21617.
    * Auth: LINE needs ``Authorization: Bearer ...``, Twilio needs Basic auth; restrict the
      accepted credentials with ``line_tokens``, ``telegram_tokens``, ``twilio_credentials``.
    """

    def __init__(self, *, host: str = "127.0.0.1", strict_reply_tokens: bool = True) -> None:
        self.host = host
        self.port = 0
        self.url = ""
        self.strict_reply_tokens = strict_reply_tokens
        self.requests: list[Recorded] = []
        # user id -> profile overrides merged over the defaults; None -> 404 (not a friend)
        self.line_profiles: dict[str, dict[str, Any] | None] = {}
        self.line_tokens: set[str] = set()  # empty = any non-empty bearer token is accepted
        self.telegram_tokens: set[str] = set()  # empty = any token is accepted
        self.twilio_credentials: dict[str, str] = {}  # sid -> auth token; empty = any
        self.twilio_messages: dict[str, dict[str, Any]] = {}  # Message resources created
        self._line_content: dict[str, tuple[bytes, str]] = {}
        self._telegram_files: dict[str, dict[str, Any]] = {}  # file_id -> File object
        self._telegram_blobs: dict[str, bytes] = {}  # file_path -> bytes
        self._twilio_media: dict[str, tuple[bytes, str]] = {}
        self._used_reply_tokens: set[str] = set()
        self._retry_keys: dict[str, tuple[str, dict[str, Any]]] = {}
        self._failures: list[_Failure] = []
        self._delays: dict[tuple[str, str | None], float] = {}
        self._ids = itertools.count(1)
        self._line_ids = itertools.count(470_000_000_000_000_000 + secrets.randbelow(10**15))
        self._tg_message_ids = itertools.count(1001)
        self._changed: asyncio.Condition | None = None
        self._runner: web.AppRunner | None = None

    # ------------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> FakePlatform:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def start(self) -> None:
        self._changed = asyncio.Condition()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self.url = f"http://{self.host}:{self.port}"

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # ------------------------------------------------------------------ inspection

    def calls(self, platform: str | None = None, endpoint: str | None = None) -> list[Recorded]:
        """Recorded requests, optionally filtered by platform and endpoint (case-insensitive)."""
        wanted = _norm(endpoint)
        return [
            r
            for r in self.requests
            if (platform is None or r.platform == platform)
            and (wanted is None or r.endpoint.lower() == wanted)
        ]

    def last(self, platform: str | None = None, endpoint: str | None = None) -> Recorded:
        found = self.calls(platform, endpoint)
        if not found:
            raise AssertionError(
                f"no {platform or '*'}/{endpoint or '*'} request recorded; got {self._summary()}"
            )
        return found[-1]

    async def wait_for(
        self,
        count: int,
        platform: str | None = None,
        endpoint: str | None = None,
        timeout: float = 10,  # noqa: ASYNC109 - part of the requested API
    ) -> list[Recorded]:
        """Wait until at least *count* matching requests arrived; returns the matches."""
        assert self._changed is not None, "FakePlatform is not started"

        def enough() -> bool:
            return len(self.calls(platform, endpoint)) >= count

        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(enough), timeout)
            except TimeoutError:
                got = len(self.calls(platform, endpoint))
                raise AssertionError(
                    f"timed out after {timeout}s waiting for {count} "
                    f"{platform or '*'}/{endpoint or '*'} request(s), got {got}; "
                    f"all requests: {self._summary()}"
                ) from None
        return self.calls(platform, endpoint)

    def sent_texts(self, platform: str | None = None) -> list[str]:
        """Texts the app sent out, in order: LINE reply/push/multicast/broadcast text messages,
        Telegram sendMessage text and media captions, Twilio message bodies."""
        texts: list[str] = []
        for r in self.requests:
            if platform is not None and r.platform != platform:
                continue
            if r.status >= 300 or r.method != "POST":
                continue
            if r.platform == "line" and isinstance(r.json, dict):
                for message in r.json.get("messages") or []:
                    if isinstance(message, dict) and message.get("type") == "text":
                        texts.append(message.get("text", ""))
            elif r.platform == "telegram":
                params = r.params
                if r.endpoint.lower() == "sendmessage" and "text" in params:
                    texts.append(str(params["text"]))
                elif r.endpoint.lower().startswith("send") and "caption" in params:
                    texts.append(str(params["caption"]))
            elif r.platform == "twilio" and r.endpoint == "messages" and r.form:
                texts.extend(r.form.get("Body", []))
        return texts

    def clear(self) -> None:
        """Forget recorded requests, pending failures, delays and used tokens/keys."""
        self.requests.clear()
        self._failures.clear()
        self._delays.clear()
        self._used_reply_tokens.clear()
        self._retry_keys.clear()

    def _summary(self) -> str:
        return (
            "["
            + ", ".join(
                f"{r.method} {r.path} ({r.platform}/{r.endpoint} -> {r.status})"
                for r in self.requests
            )
            + "]"
        )

    # ------------------------------------------------------------------ programming

    def fail_next(
        self,
        platform: str,
        endpoint: str | None,
        status: int,
        times: int = 1,
        retry_after: int | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        """Answer the next *times* matching requests with *status* and the platform's error
        body (or *body*).  ``endpoint=None``/``"*"`` matches every endpoint of *platform*.
        ``retry_after`` also sets a ``Retry-After`` header (and Telegram's
        ``parameters.retry_after``; Telegram 429s default to ``retry_after=1``)."""
        self._failures.append(_Failure(platform, _norm(endpoint), status, times, retry_after, body))

    def delay(self, platform: str, endpoint: str | None, seconds: float) -> None:
        """Delay every matching response by *seconds* (``0`` removes the delay)."""
        key = (platform, _norm(endpoint))
        if seconds > 0:
            self._delays[key] = seconds
        else:
            self._delays.pop(key, None)

    def put_line_content(self, message_id: str, data: bytes, content_type: str) -> None:
        """Serve *data* at ``GET /v2/bot/message/{message_id}/content``."""
        self._line_content[str(message_id)] = (data, content_type)

    def put_telegram_file(self, file_id: str, data: bytes, file_path: str) -> dict[str, Any]:
        """Make ``getFile(file_id)`` return a File and serve *data* at
        ``GET /file/bot{token}/{file_path}``.  Returns the File object."""
        file_obj = {
            "file_id": file_id,
            "file_unique_id": "AQAD" + uuid.uuid5(uuid.NAMESPACE_OID, file_id).hex[:12],
            "file_size": len(data),
            "file_path": file_path,
        }
        self._telegram_files[file_id] = file_obj
        self._telegram_blobs[file_path] = data
        return dict(file_obj)

    def put_twilio_media(self, path: str, data: bytes, content_type: str) -> str:
        """Serve *data* at ``GET {path}``; returns the absolute URL (for ``MediaUrl0``)."""
        if not path.startswith("/"):
            path = "/" + path
        self._twilio_media[path] = (data, content_type)
        return self.url + path

    # ------------------------------------------------------------------ request handling

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        ctype = request.content_type
        json_body: Any = None
        form: dict[str, list[str]] | None = None
        files: dict[str, list[UploadedFile]] = {}
        if raw and "json" in ctype:
            try:
                json_body = json.loads(raw)
            except ValueError:
                json_body = None
        elif ctype == "application/x-www-form-urlencoded":
            form = parse_qs(raw.decode(request.charset or "utf-8"), keep_blank_values=True)
        elif ctype.startswith("multipart/"):
            form, files = _parse_multipart(request.headers["Content-Type"], raw)

        route = self._route(request.method, request.path)
        record = Recorded(
            platform=route.platform,
            method=request.method,
            path=request.path,
            headers=_Headers(request.headers.items()),
            json=json_body,
            form=form,
            raw=raw,
            at=time.monotonic(),
            endpoint=route.endpoint,
            query={k: list(request.query.getall(k)) for k in request.query},
            files=files,
        )
        response = self._respond(route, record)
        record = replace(record, status=response.status)
        self.requests.append(record)
        assert self._changed is not None
        async with self._changed:
            self._changed.notify_all()
        pause = self._delays.get((route.platform, route.endpoint.lower())) or self._delays.get(
            (route.platform, None)
        )
        if pause:
            await asyncio.sleep(pause)
        return response

    def _route(self, method: str, path: str) -> _Route:
        if path in self._twilio_media:
            return _Route("twilio", "media", self._twilio_media_get)
        for platform, pattern, endpoint, handler in self._routes():
            match = pattern.fullmatch(path)
            if match:
                groups = match.groupdict()
                name = endpoint if endpoint != "{method}" else groups["method"]
                return _Route(platform, name, handler, groups)
        if path.startswith("/v2/"):
            return _Route("line", path.rstrip("/").rsplit("/", 1)[-1], None)
        if path.startswith("/2010-04-01/"):
            return _Route("twilio", path.rstrip("/").rsplit("/", 1)[-1], None)
        return _Route("unknown", path, None)

    def _routes(self) -> list[tuple[Platform, re.Pattern[str], str, Any]]:
        return [
            ("line", _P_LINE_REPLY, "reply", self._line_reply),
            ("line", _P_LINE_PUSH, "push", self._line_push),
            ("line", _P_LINE_MULTICAST, "multicast", self._line_sendall),
            ("line", _P_LINE_BROADCAST, "broadcast", self._line_sendall),
            ("line", _P_LINE_NARROWCAST, "narrowcast", self._line_sendall),
            ("line", _P_LINE_PROFILE, "profile", self._line_profile),
            ("line", _P_LINE_CONTENT, "content", self._line_content_get),
            ("line", _P_LINE_LOADING, "loading", self._line_loading),
            ("line", _P_LINE_INFO, "info", self._line_info),
            ("telegram", _P_TG_FILE, "file", self._tg_file_get),
            ("telegram", _P_TG_METHOD, "{method}", self._tg_method),
            ("twilio", _P_TWILIO_MESSAGES, "messages", self._twilio_create),
            ("twilio", _P_TWILIO_MESSAGE, "message", self._twilio_fetch),
        ]

    def _respond(self, route: _Route, rec: Recorded) -> web.Response:
        denied = self._check_auth(route, rec)
        if denied is not None:
            return denied
        failure = self._take_failure(route)
        if failure is not None:
            body = failure.body or _error_body(route.platform, failure.status, failure.retry_after)
            headers = {}
            if failure.retry_after is not None:
                headers["Retry-After"] = str(failure.retry_after)
            return self._json(route.platform, body, failure.status, headers)
        if route.handler is None:
            return self._json(route.platform, _error_body(route.platform, 404, None), 404)
        return route.handler(rec, route.groups)

    def _take_failure(self, route: _Route) -> _Failure | None:
        for failure in self._failures:
            if failure.platform == route.platform and failure.endpoint in (
                None,
                route.endpoint.lower(),
            ):
                failure.remaining -= 1
                if failure.remaining <= 0:
                    self._failures.remove(failure)
                return failure
        return None

    def _check_auth(self, route: _Route, rec: Recorded) -> web.Response | None:
        if route.platform == "line":
            token = rec.bearer_token
            if not token or (self.line_tokens and token not in self.line_tokens):
                return self._json("line", _line_error(401), 401)
        elif route.platform == "telegram":
            token = route.groups.get("token", "")
            if self.telegram_tokens and token not in self.telegram_tokens:
                return self._json("telegram", _telegram_error(401), 401)
        elif route.platform == "twilio" and route.endpoint != "media":
            creds = rec.basic_auth
            if creds is None or (
                self.twilio_credentials and self.twilio_credentials.get(creds[0]) != creds[1]
            ):
                return self._json("twilio", _twilio_error(401), 401)
        return None

    def _json(
        self,
        platform: str,
        body: Any,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
    ) -> web.Response:
        all_headers = dict(headers or {})
        if platform == "line":
            all_headers.setdefault("x-line-request-id", str(uuid.uuid4()))
        if platform == "twilio":
            all_headers.setdefault("Twilio-Request-Id", "RQ" + uuid.uuid4().hex)
        return web.json_response(body, status=status, headers=all_headers)

    # ------------------------------------------------------------------ LINE

    def _line_sent_messages(
        self, rec: Recorded
    ) -> tuple[list[dict[str, str]] | None, web.Response | None]:
        body = rec.json if isinstance(rec.json, dict) else {}
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            return None, self._json(
                "line",
                _line_error(
                    400, details=[{"message": "must be specified", "property": "messages"}]
                ),
                400,
            )
        if len(messages) > 5:
            return None, self._json(
                "line",
                _line_error(
                    400,
                    details=[{"message": "Size must be between 1 and 5", "property": "messages"}],
                ),
                400,
            )
        for i, message in enumerate(messages):
            if not isinstance(message, dict) or message.get("type") != "text":
                continue
            if len(str(message.get("text") or "")) > 5000:
                return None, self._json(
                    "line",
                    _line_error(
                        400,
                        details=[
                            {
                                "message": "Length must be between 0 and 5000",
                                "property": f"messages[{i}].text",
                            }
                        ],
                    ),
                    400,
                )
        return [
            {"id": str(next(self._line_ids)), "quoteToken": secrets.token_urlsafe(48)}
            for _ in messages
        ], None

    def _line_reply(self, rec: Recorded, groups: dict[str, str]) -> web.Response:
        body = rec.json if isinstance(rec.json, dict) else {}
        token = body.get("replyToken")
        if not token:
            return self._json(
                "line",
                _line_error(
                    400, details=[{"message": "must be specified", "property": "replyToken"}]
                ),
                400,
            )
        if self.strict_reply_tokens and token in self._used_reply_tokens:
            return self._json("line", _line_error(400, "Invalid reply token"), 400)
        sent, error = self._line_sent_messages(rec)
        if error is not None:
            return error
        self._used_reply_tokens.add(token)
        return self._json("line", {"sentMessages": sent})

    def _line_retry_conflict(self, rec: Recorded) -> web.Response | None:
        key = rec.header("X-Line-Retry-Key")
        if key and key in self._retry_keys:
            request_id, previous = self._retry_keys[key]
            body = _line_error(409)
            if "sentMessages" in previous:
                body["sentMessages"] = previous["sentMessages"]
            return self._json("line", body, 409, {"x-line-accepted-request-id": request_id})
        return None

    def _line_accept(self, rec: Recorded, body: dict[str, Any], status: int) -> web.Response:
        response = self._json("line", body, status)
        key = rec.header("X-Line-Retry-Key")
        if key:
            self._retry_keys[key] = (response.headers["x-line-request-id"], body)
        return response

    def _line_push(self, rec: Recorded, groups: dict[str, str]) -> web.Response:
        conflict = self._line_retry_conflict(rec)
        if conflict is not None:
            return conflict
        if not (rec.json or {}).get("to"):
            return self._json(
                "line",
                _line_error(400, details=[{"message": "must be specified", "property": "to"}]),
                400,
            )
        sent, error = self._line_sent_messages(rec)
        if error is not None:
            return error
        return self._line_accept(rec, {"sentMessages": sent}, 200)

    def _line_sendall(self, rec: Recorded, groups: dict[str, str]) -> web.Response:
        conflict = self._line_retry_conflict(rec)
        if conflict is not None:
            return conflict
        _, error = self._line_sent_messages(rec)
        if error is not None:
            return error
        status = 202 if rec.endpoint == "narrowcast" else 200
        return self._line_accept(rec, {}, status)

    def _line_profile(self, rec: Recorded, groups: dict[str, str]) -> web.Response:
        user_id = groups["user_id"]
        overrides = self.line_profiles.get(user_id, {})
        if overrides is None:
            return self._json("line", _line_error(404), 404)
        profile: dict[str, Any] = {
            "userId": user_id,
            "displayName": f"LINE user {user_id[-4:]}",
            "pictureUrl": f"https://profile.line-scdn.net/0h{user_id[-12:]}",
            "statusMessage": "Reduce, reuse, recycle",
            "language": "en",
        }
        profile.update(overrides)
        return self._json("line", {k: v for k, v in profile.items() if v is not None})

    def _line_content_get(self, rec: Recorded, groups: dict[str, str]) -> web.Response:
        found = self._line_content.get(groups["message_id"])
        if found is None:
            return self._json("line", _line_error(404), 404)
        data, content_type = found
        return web.Response(
            body=data,
            content_type=None,
            headers={"Content-Type": content_type, "x-line-request-id": str(uuid.uuid4())},
        )

    def _line_loading(self, rec: Recorded, groups: dict[str, str]) -> web.Response:
        if not (rec.json or {}).get("chatId"):
            return self._json(
                "line",
                _line_error(400, details=[{"message": "must be specified", "property": "chatId"}]),
                400,
            )
        return self._json("line", {}, 202)

    def _line_info(self, rec: Recorded, groups: dict[str, str]) -> web.Response:
        return self._json(
            "line",
            {
                "userId": "U" + "0f3c" * 8,
                "basicId": "@123wastenx",
                "displayName": "WasteNexus",
                "pictureUrl": "https://profile.line-scdn.net/0hWasteNexus",
                "chatMode": "bot",
                "markAsReadMode": "manual",
            },
        )

    # ------------------------------------------------------------------ Telegram

    def _tg_ok(self, result: Any) -> web.Response:
        return self._json("telegram", {"ok": True, "result": result})

    def _tg_error(self, status: int, description: str) -> web.Response:
        return self._json("telegram", _telegram_error(status, description), status)

    @staticmethod
    def _tg_bot_user(token: str) -> dict[str, Any]:
        bot_id = token.split(":", 1)[0]
        return {
            "id": int(bot_id) if bot_id.isdigit() else 7012345678,
            "is_bot": True,
            "first_name": "WasteNexus",
            "username": "wastenexus_bot",
        }

    @staticmethod
    def _tg_chat(chat_id: Any) -> dict[str, Any]:
        text = str(chat_id)
        if text.startswith("@"):
            return {
                "id": -1001000000000 - zlib.crc32(text.encode()),
                "type": "channel",
                "title": text[1:],
                "username": text[1:],
            }
        number = int(text)
        if number < 0:
            return {"id": number, "type": "supergroup", "title": "Group"}
        return {"id": number, "type": "private", "first_name": "Test"}

    def _tg_new_file(
        self,
        rec: Recorded,
        value: Any,
        default_name: str,
        mime: str,
    ) -> dict[str, Any]:
        """Resolve an uploaded file (``attach://``), a known file_id or a URL to a File."""
        value = str(value)
        upload: UploadedFile | None = None
        if value.startswith("attach://"):
            parts = rec.files.get(value[len("attach://") :]) or []
            upload = parts[0] if parts else None
        if value in self._telegram_files:
            return dict(self._telegram_files[value])
        data = upload.data if upload else b""
        name = upload.filename if upload and upload.filename else default_name
        file_id = "BQACAgIAAxkBAAI" + secrets.token_urlsafe(30)
        file_obj = self.put_telegram_file(file_id, data, f"documents/{name}")
        file_obj["file_name"] = name
        file_obj["mime_type"] = upload.content_type if upload and upload.content_type else mime
        return file_obj

    def _tg_message(self, token: str, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        message = {
            "message_id": next(self._tg_message_ids),
            "from": self._tg_bot_user(token),
            "chat": self._tg_chat(params["chat_id"]),
            "date": int(time.time()),
            **content,
        }
        markup = _maybe_json(params.get("reply_markup"))
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        return message

    def _tg_method(self, rec: Recorded, groups: dict[str, str]) -> web.Response:
        token, method = groups["token"], groups["method"].lower()
        params = rec.params
        caption = params.get("caption")
        if caption is not None and len(str(caption)) > 1024:
            return self._tg_error(400, "Bad Request: message caption is too long")
        if method in _TG_NEEDS_CHAT and not params.get("chat_id"):
            return self._tg_error(400, "Bad Request: chat_id is empty")

        if method == "getme":
            return self._tg_ok(
                {
                    **self._tg_bot_user(token),
                    "can_join_groups": True,
                    "can_read_all_group_messages": False,
                    "supports_inline_queries": False,
                }
            )
        if method == "sendmessage":
            text = str(params.get("text") or "")
            if not text:
                return self._tg_error(400, "Bad Request: message text is empty")
            if len(text) > 4096:
                return self._tg_error(400, "Bad Request: message is too long")
            return self._tg_ok(self._tg_message(token, params, text=text))
        if method in ("editmessagetext", "editmessagereplymarkup", "editmessagecaption"):
            if "inline_message_id" in params:
                return self._tg_ok(True)
            content: dict[str, Any] = {"edit_date": int(time.time())}
            if "text" in params:
                content["text"] = str(params["text"])
            message = self._tg_message(token, params, **content)
            message["message_id"] = int(params.get("message_id") or message["message_id"])
            return self._tg_ok(message)
        if method == "sendphoto":
            photo = self._tg_new_file(rec, params.get("photo", ""), "photo.jpg", "image/jpeg")
            sizes = [
                {
                    "file_id": photo["file_id"],
                    "file_unique_id": photo["file_unique_id"],
                    "file_size": photo["file_size"],
                    "width": side,
                    "height": side * 3 // 4,
                }
                for side in (90, 320, 800)
            ]
            content = {"photo": sizes}
            if caption is not None:
                content["caption"] = str(caption)
            return self._tg_ok(self._tg_message(token, params, **content))
        if method == "senddocument":
            document = self._tg_new_file(
                rec, params.get("document", ""), "document.bin", "application/octet-stream"
            )
            document.pop("file_path", None)
            content = {"document": document}
            if caption is not None:
                content["caption"] = str(caption)
            return self._tg_ok(self._tg_message(token, params, **content))
        if method == "sendlocation":
            location = {
                "latitude": float(params.get("latitude", 0)),
                "longitude": float(params.get("longitude", 0)),
            }
            return self._tg_ok(self._tg_message(token, params, location=location))
        if method == "getfile":
            found = self._telegram_files.get(str(params.get("file_id", "")))
            if found is None:
                return self._tg_error(400, "Bad Request: invalid file_id")
            return self._tg_ok(dict(found))
        if method == "getwebhookinfo":
            return self._tg_ok(
                {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
            )
        if method in _TG_TRUE_METHODS:
            return self._tg_ok(True)
        return self._tg_error(404, "Not Found")

    def _tg_file_get(self, rec: Recorded, groups: dict[str, str]) -> web.Response:
        data = self._telegram_blobs.get(groups["file_path"])
        if data is None:
            return self._tg_error(404, "Not Found")
        return web.Response(body=data, content_type="application/octet-stream")

    # ------------------------------------------------------------------ Twilio

    def _twilio_error(self, status: int, code: int, message: str) -> web.Response:
        return self._json("twilio", _twilio_error(status, code, message), status)

    def _twilio_create(self, rec: Recorded, groups: dict[str, str]) -> web.Response:
        account_sid = groups["account_sid"]
        form = rec.form or {}

        def one(name: str) -> str | None:
            values = form.get(name)
            return values[0] if values else None

        to, from_, service = one("To"), one("From"), one("MessagingServiceSid")
        body, media = one("Body"), form.get("MediaUrl", [])
        if not to:
            return self._twilio_error(400, 21604, "A 'To' phone number is required.")
        if not from_ and not service:
            return self._twilio_error(400, 21603, "A 'From' phone number is required.")
        if body is None and not media and not one("ContentSid"):
            return self._twilio_error(400, 21602, "Message body is required.")
        if body is not None and len(body) > 1600:
            return self._twilio_error(
                400, 21617, "The concatenated message body exceeds the 1600 character limit."
            )
        sid = ("MM" if media else "SM") + uuid.uuid4().hex
        now = format_datetime(datetime.now(UTC))
        uri = f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}.json"
        resource = {
            "account_sid": account_sid,
            "api_version": "2010-04-01",
            "body": body or "",
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": from_,
            "messaging_service_sid": service,
            "num_media": str(len(media)),
            "num_segments": str(sms_segments(body) if body else 1),
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "queued" if from_ else "accepted",
            "subresource_uris": {
                "media": uri[:-5] + "/Media.json",
                "feedback": uri[:-5] + "/Feedback.json",
            },
            "to": to,
            "uri": uri,
        }
        self.twilio_messages[sid] = resource
        return self._json("twilio", resource, 201)

    def _twilio_fetch(self, rec: Recorded, groups: dict[str, str]) -> web.Response:
        found = self.twilio_messages.get(groups["sid"])
        if found is None:
            return self._twilio_error(
                404, 20404, f"The requested resource {rec.path} was not found"
            )
        return self._json("twilio", found)

    def _twilio_media_get(self, rec: Recorded, groups: dict[str, str]) -> web.Response:
        data, content_type = self._twilio_media[rec.path]
        return web.Response(body=data, content_type=None, headers={"Content-Type": content_type})


_P_LINE_REPLY = re.compile(r"/v2/bot/message/reply")
_P_LINE_PUSH = re.compile(r"/v2/bot/message/push")
_P_LINE_MULTICAST = re.compile(r"/v2/bot/message/multicast")
_P_LINE_BROADCAST = re.compile(r"/v2/bot/message/broadcast")
_P_LINE_NARROWCAST = re.compile(r"/v2/bot/message/narrowcast")
_P_LINE_PROFILE = re.compile(r"/v2/bot/profile/(?P<user_id>[^/]+)")
_P_LINE_CONTENT = re.compile(r"/v2/bot/message/(?P<message_id>[^/]+)/content")
_P_LINE_LOADING = re.compile(r"/v2/bot/chat/loading/start")
_P_LINE_INFO = re.compile(r"/v2/bot/info")
_P_TG_FILE = re.compile(r"/file/bot(?P<token>[^/]+)/(?P<file_path>.+)")
_P_TG_METHOD = re.compile(r"/bot(?P<token>[^/]+)/(?P<method>[A-Za-z]+)")
_P_TWILIO_MESSAGES = re.compile(r"/2010-04-01/Accounts/(?P<account_sid>[^/]+)/Messages\.json")
_P_TWILIO_MESSAGE = re.compile(
    r"/2010-04-01/Accounts/(?P<account_sid>[^/]+)/Messages/(?P<sid>[^/.]+)\.json"
)

_TG_NEEDS_CHAT = {
    "sendmessage",
    "sendphoto",
    "senddocument",
    "sendlocation",
    "sendchataction",
    "sendmediagroup",
    "sendsticker",
    "sendvideo",
    "sendaudio",
    "sendvoice",
}
_TG_TRUE_METHODS = {
    "answercallbackquery",
    "setwebhook",
    "deletewebhook",
    "sendchataction",
    "deletemessage",
    "setmycommands",
    "deletemycommands",
    "setchatmenubutton",
    "setmydescription",
    "setmyshortdescription",
    "setmyname",
    "logout",
    "close",
}
