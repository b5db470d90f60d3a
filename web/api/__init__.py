"""The admin JSON API under /api/v1, and the one error shape all its answers share.

Every failure is {"error": {"code": ..., "message": ...}} with the matching status. Routes
get that by using ApiRoute as their route class, so the app needs no exception handlers of
its own and the webhooks keep their own error format.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

# The code of a failure that carries only an HTTP status.
STATUS_CODES: Mapping[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid_request",
    503: "unavailable",
}


class ApiError(Exception):
    """A failure to answer as JSON: the status, a stable code and a message for people."""

    def __init__(self, status: int, code: str, message: str,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = dict(headers or {})


def error_response(error: ApiError, details: list[dict[str, str]] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"code": error.code, "message": error.message}
    if details:
        body["details"] = details
    return JSONResponse({"error": body}, status_code=error.status, headers=error.headers)


def _validation_details(exc: RequestValidationError) -> list[dict[str, str]]:
    return [{"field": ".".join(str(part) for part in e.get("loc", ())), "message": e["msg"]}
            for e in exc.errors()]


class ApiRoute(APIRoute):
    """A route whose errors, including FastAPI's own validation errors, use our shape."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def route_handler(request: Request) -> Response:
            try:
                return await handle(request)
            except ApiError as exc:
                return error_response(exc)
            except RequestValidationError as exc:
                error = ApiError(422, "invalid_request", "the request is not valid")
                return error_response(error, _validation_details(exc))
            except HTTPException as exc:
                code = STATUS_CODES.get(exc.status_code, "error")
                return error_response(ApiError(exc.status_code, code, str(exc.detail),
                                               exc.headers))

        return route_handler
