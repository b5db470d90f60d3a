"""Taking in a chat photo: fetch it from the platform, clean it, store it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from core.media.images import InvalidImage, process_image
from core.media.store import MediaStore
from core.messages import MediaRef, Photo

# A platform's content API: the bytes of one photo (LINE content, Telegram getFile, MMS).
Fetcher = Callable[[MediaRef], Awaitable[bytes]]


class PhotoUnavailable(Exception):
    """The platform no longer has this photo (expired, deleted); retrying will not help."""


async def take_photo(ref: MediaRef, fetch: Fetcher, store: MediaStore) -> Photo:
    """Fetch, validate, re-encode without EXIF and store; network errors propagate."""
    try:
        data = await fetch(ref)
        # Decoding and re-encoding is CPU work; keep it off the event loop.
        processed = await asyncio.to_thread(process_image, data)
    except InvalidImage as bad:
        return Photo(error=bad.reason)
    except PhotoUnavailable:
        return Photo(error="unavailable")
    key = await store.put(processed.data, processed.content_type)
    latitude, longitude = processed.gps or (None, None)
    return Photo(key, processed.phash, latitude, longitude)
