"""A small async S3 client: AWS Signature Version 4 over httpx, with path-style addressing.

The signing follows AWS's "Signature Calculations for the Authorization Header: Transferring
Payload in a Single Chunk" (Amazon S3 API Reference). Path-style URLs ({endpoint}/{bucket}/
{prefix}/{key}) need no DNS name per bucket, so S3-compatible servers such as MinIO work too.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from urllib.parse import parse_qsl, quote, urlsplit

import httpx

from core.media.store import (
    MediaNotFound,
    MediaStoreError,
    S3Config,
    check_key,
    content_type_of,
    media_key,
)

ALGORITHM = "AWS4-HMAC-SHA256"
SERVICE = "s3"
_AMZ_DATE = "%Y%m%dT%H%M%SZ"
_DEFAULT_PORTS = frozenset({("http", "80"), ("https", "443")})
# Uploads are photos of at most 10 MB (core.media.images.MAX_BYTES): allow a slow uplink
# time to send one, but give up quickly on a server that does not answer at all.
_TIMEOUT = httpx.Timeout(60.0, connect=5.0)


def uri_encode(segment: str) -> str:
    """Percent-encode everything but RFC 3986 unreserved characters, as SigV4 requires."""
    # quote() leaves letters, digits and "_.-~" alone; safe="" encodes "/" as well.
    return quote(segment, safe="")


def object_path(bucket: str, prefix: str, key: str) -> str:
    """The encoded path-style path of an object: /bucket/prefix/segments/key."""
    segments = [bucket, *(part for part in prefix.split("/") if part), key]
    return "/" + "/".join(uri_encode(segment) for segment in segments)


def signing_key(secret_access_key: str, day: str, region: str, service: str) -> bytes:
    """The SigV4 key for one day, region and service."""
    key = ("AWS4" + secret_access_key).encode()
    for part in (day, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def sign_request(
    method: str,
    url: str,
    headers: Mapping[str, str],
    payload_hash: str,
    config: S3Config,
    now: datetime,
    service: str = SERVICE,
) -> dict[str, str]:
    """Return headers plus host, x-amz-date, x-amz-content-sha256 and a SigV4 Authorization.

    The URL's path must already be encoded (object_path does it); every given header is signed.
    """
    parts = urlsplit(url)
    amz_date = now.astimezone(UTC).strftime(_AMZ_DATE)
    scope = f"{amz_date[:8]}/{config.region}/{service}/aws4_request"
    signed = {name.lower(): " ".join(value.split()) for name, value in headers.items()}
    signed |= {
        "host": _host(parts.scheme, parts.netloc),
        "x-amz-content-sha256": payload_hash,
        "x-amz-date": amz_date,
    }
    names = sorted(signed)
    canonical_request = "\n".join(
        [
            method.upper(),
            parts.path or "/",
            _canonical_query(parts.query),
            "".join(f"{name}:{signed[name]}\n" for name in names),
            ";".join(names),
            payload_hash,
        ]
    )
    string_to_sign = "\n".join(
        [ALGORITHM, amz_date, scope, hashlib.sha256(canonical_request.encode()).hexdigest()]
    )
    key = signing_key(config.secret_access_key, amz_date[:8], config.region, service)
    signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    authorization = (
        f"{ALGORITHM} Credential={config.access_key_id}/{scope}, "
        f"SignedHeaders={';'.join(names)}, Signature={signature}"
    )
    return {**signed, "authorization": authorization}


def _host(scheme: str, netloc: str) -> str:
    """The Host header value: the URL's host, with its port unless it is the default."""
    host = netloc.rpartition("@")[2]
    name, colon, port = host.rpartition(":")
    if colon and "]" not in port and (scheme, port) in _DEFAULT_PORTS:
        return name
    return host


def _canonical_query(query: str) -> str:
    """Query parameters encoded and sorted by name, then value."""
    pairs = sorted(
        (uri_encode(name), uri_encode(value))
        for name, value in parse_qsl(query, keep_blank_values=True)
    )
    return "&".join(f"{name}={value}" for name, value in pairs)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class S3MediaStore:
    """Media as objects under a bucket and prefix of S3 or an S3-compatible server.

    The credentials need s3:ListBucket besides s3:GetObject and s3:PutObject: without it S3
    answers 403 instead of 404 for a missing key (S3 API Reference, HeadObject, Permissions).
    """

    def __init__(
        self,
        config: S3Config,
        bucket: str,
        prefix: str = "",
        *,
        client: httpx.AsyncClient | None = None,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._config = config
        self._bucket = bucket
        self._prefix = prefix.strip("/")
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient(timeout=_TIMEOUT)
        self._clock = clock

    def url_for(self, key: str) -> str:
        return self._config.endpoint + object_path(self._bucket, self._prefix, check_key(key))

    async def put(self, data: bytes, content_type: str) -> str:
        key = media_key(data, content_type)
        # The key is the content's hash: an object already there holds these very bytes.
        if not await self.exists(key):
            await self._send("PUT", key, data, {"content-type": content_type_of(key)})
        return key

    async def get(self, key: str) -> bytes:
        return (await self._send("GET", key)).content

    async def exists(self, key: str) -> bool:
        try:
            await self._send("HEAD", key)
        except MediaNotFound:
            return False
        return True

    async def close(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    async def _send(
        self, method: str, key: str, body: bytes = b"", headers: Mapping[str, str] | None = None
    ) -> httpx.Response:
        url = self.url_for(key)
        signed = sign_request(
            method,
            url,
            headers or {},
            hashlib.sha256(body).hexdigest(),
            self._config,
            self._clock(),
        )
        try:
            response = await self._client.request(
                method, url, content=body if method == "PUT" else None, headers=signed
            )
        except httpx.HTTPError as exc:
            raise MediaStoreError(f"S3 {method} {key}: {exc!r}") from exc
        if response.status_code == httpx.codes.NOT_FOUND:
            raise MediaNotFound(key, status=response.status_code)
        if response.is_error:
            raise MediaStoreError(
                f"S3 {method} {key}: HTTP {response.status_code} {response.text[:200]}",
                status=response.status_code,
            )
        return response
