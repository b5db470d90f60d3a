"""Who is calling the API (a bearer token per staff member) and what they may see and do."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from tortoise.expressions import Q

from core.reports.models import Report
from core.staff.models import Role, Staff
from core.staff.service import TOKEN_PREFIX, staff_for_token
from web.api import ApiError
from web.deps import deps_of

EVERY_ROLE = frozenset(Role)
# RFC 6750 section 3: a missing token gets the bare challenge, a bad one says why.
_CHALLENGE = 'Bearer realm="wastenexus"'
_BAD_TOKEN = 'Bearer realm="wastenexus", error="invalid_token"'

bearer = HTTPBearer(auto_error=False, scheme_name="ApiToken",
                    description="A staff API token (wn_...), issued by an administrator.")


async def current_staff(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Staff:
    """The active staff member whose token this is; 401 otherwise."""
    if credentials is None:
        raise ApiError(401, "unauthorized", "an API token is required",
                       {"WWW-Authenticate": _CHALLENGE})
    token = credentials.credentials
    staff = None
    if token.startswith(TOKEN_PREFIX):
        staff = await staff_for_token(token, deps_of(request).runtime.clock())
    if staff is None:
        raise ApiError(401, "unauthorized", "the API token is not valid",
                       {"WWW-Authenticate": _BAD_TOKEN})
    return staff


def require(*roles: Role) -> Callable[..., Awaitable[Staff]]:
    """A dependency giving the caller when their role is one of roles; 403 otherwise."""
    allowed = frozenset(roles)

    async def caller(staff: Annotated[Staff, Depends(current_staff)]) -> Staff:
        if staff.role not in allowed:
            raise ApiError(403, "forbidden", f"the {staff.role} role may not do this")
        return staff

    return caller


def visible_to(staff: Staff) -> Q:
    """The reports this person may see: green champions their ward, workers their jobs."""
    if staff.role == Role.GREEN_CHAMPION:
        # Reports without a ward belong to nobody's ward, least of all a champion's.
        return Q(ward=staff.ward) if staff.ward else Q(id__in=[])
    if staff.role == Role.WORKER:
        return Q(assignee_id=staff.id)
    return Q()


def can_see(staff: Staff, report: Report) -> bool:
    """visible_to for one report already loaded."""
    if staff.role == Role.GREEN_CHAMPION:
        return bool(staff.ward) and report.ward == staff.ward
    if staff.role == Role.WORKER:
        return report.assignee_id == staff.id  # type: ignore[attr-defined]
    return True
