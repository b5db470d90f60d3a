"""Recording state-changing actions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.audit.models import AuditEntry
from core.staff.models import Staff


async def record(actor: Staff | None, action: str, target: str, now: datetime, *,
                 ip: str = "", detail: dict[str, Any] | None = None,
                 label: str = "") -> AuditEntry:
    return await AuditEntry.create(
        actor=actor, actor_label=label or (f"{actor.role}:{actor.name}" if actor else "system"),
        action=action, target=target, detail=detail or {}, ip=ip, created_at=now)
