"""Content-addressed media storage: one interface, a local-directory and an S3 backend.

A key is the SHA-256 of the content plus an extension ("ab12…ef.jpg"), so storing the same
bytes twice is a no-op and a key alone says what the file is.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Protocol
from urllib.parse import urlsplit

from core.settings import Settings

EXTENSIONS: Mapping[str, str] = MappingProxyType(
    {
        "image/jpeg": "jpg",
        "image/png": "png",
        "image/webp": "webp",
    }
)
CONTENT_TYPES: Mapping[str, str] = MappingProxyType({ext: ct for ct, ext in EXTENSIONS.items()})
_KEY = re.compile(r"[0-9a-f]{64}\.(?:" + "|".join(sorted(CONTENT_TYPES)) + r")")
# Bucket names are 3-63 lowercase letters, digits, dots and hyphens, starting and ending
# with a letter or digit (AWS S3 User Guide, "General purpose bucket naming rules").
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
DEFAULT_REGION = "us-east-1"


class MediaStoreError(Exception):
    """The store failed; `status` is the HTTP status when the backend answered one."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class MediaNotFound(MediaStoreError):
    """No media is stored under this key."""


class InvalidKey(ValueError):
    """Not a key this store hands out (and so never a path outside it)."""


class UnsupportedContentType(ValueError):
    """A content type the store has no extension for."""


class MediaStoreConfigError(ValueError):
    """MEDIA_STORE_URL or the S3 settings cannot open a store."""


class MediaStore(Protocol):
    async def put(self, data: bytes, content_type: str) -> str:
        """Store data and return its key; the same content twice gives the same key."""
        ...

    async def get(self, key: str) -> bytes:
        """The stored content; MediaNotFound if there is none."""
        ...

    async def exists(self, key: str) -> bool:
        """Whether content is stored under key."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


@dataclass(frozen=True, slots=True)
class S3Config:
    access_key_id: str = ""
    secret_access_key: str = ""
    region: str = DEFAULT_REGION
    # Empty means AWS itself; set it for S3-compatible services such as MinIO.
    endpoint_url: str = ""

    @property
    def endpoint(self) -> str:
        return (self.endpoint_url or f"https://s3.{self.region}.amazonaws.com").rstrip("/")


def media_key(data: bytes, content_type: str) -> str:
    """The key of data: its SHA-256 in hex and the extension of its content type."""
    base = content_type.split(";", 1)[0].strip().lower()
    try:
        extension = EXTENSIONS[base]
    except KeyError:
        raise UnsupportedContentType(content_type) from None
    return f"{hashlib.sha256(data).hexdigest()}.{extension}"


def check_key(key: str) -> str:
    """Return key if it is one media_key can produce; raise InvalidKey otherwise."""
    if not _KEY.fullmatch(key):
        raise InvalidKey(repr(key))
    return key


def content_type_of(key: str) -> str:
    """The content type a key was stored with."""
    return CONTENT_TYPES[check_key(key).rsplit(".", 1)[1]]


class LocalMediaStore:
    """Media as files under a directory, sharded ab/cd/<key> to keep directories small."""

    def __init__(self, root: Path, base_dir: Path | None = None) -> None:
        if not root.is_absolute():
            if base_dir is None:
                raise MediaStoreConfigError(f"relative media root {root} needs a base_dir")
            root = base_dir / root
        self.root = root

    def path_for(self, key: str) -> Path:
        check_key(key)
        return self.root / key[:2] / key[2:4] / key

    async def put(self, data: bytes, content_type: str) -> str:
        key = media_key(data, content_type)
        await asyncio.to_thread(self._write, self.path_for(key), data)
        return key

    async def get(self, key: str) -> bytes:
        path = self.path_for(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            raise MediaNotFound(key) from None
        except OSError as exc:
            raise MediaStoreError(f"cannot read {key}: {exc}") from exc

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self.path_for(key).is_file)

    async def close(self) -> None:
        return None

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        """Write through a temporary file so readers never see a partial file."""
        if path.is_file():
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
        except OSError as exc:
            raise MediaStoreError(f"cannot write {path.name}: {exc}") from exc
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except OSError as exc:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise MediaStoreError(f"cannot write {path.name}: {exc}") from exc


def s3_config_from_env(env: Mapping[str, str]) -> S3Config:
    """S3 settings from the standard AWS variable names."""
    return S3Config(
        access_key_id=env.get("AWS_ACCESS_KEY_ID", ""),
        secret_access_key=env.get("AWS_SECRET_ACCESS_KEY", ""),
        region=env.get("AWS_REGION", "") or DEFAULT_REGION,
        endpoint_url=env.get("AWS_ENDPOINT_URL", ""),
    )


def open_media_store(url: str, base_dir: Path, *, s3: S3Config | None = None) -> MediaStore:
    """The store MEDIA_STORE_URL names: file://path (relative to base_dir) or s3://bucket/prefix."""
    if url.startswith("file://"):
        path = url.removeprefix("file://")
        if not path:
            raise MediaStoreConfigError(f"no directory in {url!r}")
        return LocalMediaStore(Path(path), base_dir)
    if url.startswith("s3://"):
        return _open_s3(url, s3)
    raise MediaStoreConfigError(f"unsupported media store URL {url!r}")


def _open_s3(url: str, config: S3Config | None) -> MediaStore:
    # Imported here because core.media.s3 builds on this module's errors and keys.
    from core.media.s3 import S3MediaStore

    parts = urlsplit(url)
    if not _BUCKET.fullmatch(parts.netloc):
        raise MediaStoreConfigError(f"not a valid bucket name in {url!r}")
    if config is None or not (config.access_key_id and config.secret_access_key):
        raise MediaStoreConfigError("s3:// media needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
    return S3MediaStore(config, bucket=parts.netloc, prefix=parts.path.strip("/"))


def open_configured_store(settings: Settings) -> MediaStore:
    """MEDIA_STORE_URL, relative to the working directory; S3 keys from the AWS_* names."""
    return open_media_store(settings.media_store_url, Path.cwd(),
                            s3=s3_config_from_env(os.environ))
