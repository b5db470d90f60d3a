"""Serving stored photos. Keys are content hashes, so a URL never changes its bytes."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from core.media.store import InvalidKey, MediaNotFound, check_key, content_type_of
from web.deps import deps_of

router = APIRouter()
# Content-addressed: safe to cache for a year (RFC 9111 max-age; "immutable", RFC 8246).
CACHE = "public, max-age=31536000, immutable"


@router.get("/media/{key}")
async def media(key: str, request: Request) -> Response:
    try:
        check_key(key)
        data = await deps_of(request).media.get(key)
    except (InvalidKey, MediaNotFound):
        return JSONResponse({"error": "not found"}, status_code=404)
    return Response(data, media_type=content_type_of(key), headers={"Cache-Control": CACHE})
