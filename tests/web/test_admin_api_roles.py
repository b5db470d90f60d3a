"""Who may call the admin API, what each role sees, and which moves each role may make."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from core.audit.models import AuditEntry
from core.reports.lifecycle import TRANSITIONS
from core.reports.models import Report, Status
from core.settings import Settings
from core.staff.models import ApiToken, Role, Staff
from tests.fakes.platform import FakePlatform
from tests.web.test_admin_api import (
    a_report,
    admin_api,
    api_settings,
    bearer,
    jpeg_with_gps,
    refs,
    staff_token,
    stored_photo,
)

WARD = "Ward 7"


@pytest.fixture
def settings(db: str, fake: FakePlatform, redis: Redis, tmp_path: Path) -> Settings:
    return api_settings(db, fake.url, tmp_path / "media")


# ---------------------------------------------------------------- authentication


async def test_no_token_is_401_with_a_bearer_challenge(settings: Settings) -> None:
    async with admin_api(settings) as api:
        response = await api.client.get("/api/v1/reports")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("token", ["wn_not-a-real-token", "secret", ""])
async def test_a_made_up_token_is_401(settings: Settings, token: str) -> None:
    async with admin_api(settings) as api:
        response = await api.client.get("/api/v1/reports", headers=bearer(token))
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_a_revoked_token_is_401(settings: Settings) -> None:
    _, token = await staff_token(Role.ADMIN)
    await ApiToken.all().update(revoked_at=datetime.now(UTC))
    async with admin_api(settings) as api:
        response = await api.get("/api/v1/reports", token)
    assert response.status_code == 401


async def test_the_token_of_someone_who_left_is_401(settings: Settings) -> None:
    staff, token = await staff_token(Role.ADMIN)
    await Staff.filter(id=staff.id).update(active=False)
    async with admin_api(settings) as api:
        response = await api.get("/api/v1/reports", token)
    assert response.status_code == 401


# ---------------------------------------------------------------- visibility


async def test_a_green_champion_sees_only_their_own_ward(settings: Settings) -> None:
    mine = await a_report(settings, ward=WARD)
    other = await a_report(settings, ward="Ward 8")
    await a_report(settings)  # no ward yet
    _, token = await staff_token(Role.GREEN_CHAMPION, ward=WARD)
    async with admin_api(settings) as api:
        listed = refs(await api.get("/api/v1/reports", token))
        asked_for_other = refs(await api.get("/api/v1/reports", token, ward="Ward 8"))
        read_other = await api.get(f"/api/v1/reports/{other.ref}", token)
        read_mine = await api.get(f"/api/v1/reports/{mine.ref}", token)
    assert listed == [mine.ref] and asked_for_other == []
    assert read_other.status_code == 404 and read_mine.status_code == 200


async def test_a_green_champion_without_a_ward_sees_nothing(settings: Settings) -> None:
    report = await a_report(settings)
    _, token = await staff_token(Role.GREEN_CHAMPION)
    async with admin_api(settings) as api:
        listed = refs(await api.get("/api/v1/reports", token))
        read = await api.get(f"/api/v1/reports/{report.ref}", token)
    assert listed == [] and read.status_code == 404


async def test_a_worker_sees_only_the_reports_assigned_to_them(settings: Settings) -> None:
    worker, token = await staff_token(Role.WORKER, "Niran")
    colleague, _ = await staff_token(Role.WORKER, "Kanya")
    mine = await a_report(settings, status=Status.ASSIGNED, assignee_id=worker.id)
    theirs = await a_report(settings, status=Status.ASSIGNED, assignee_id=colleague.id)
    await a_report(settings, status=Status.VERIFIED)
    async with admin_api(settings) as api:
        listed = refs(await api.get("/api/v1/reports", token))
        read_theirs = await api.get(f"/api/v1/reports/{theirs.ref}", token)
        start_theirs = await api.post(f"/api/v1/reports/{theirs.ref}/transitions", token,
                                      {"to": "in_progress"})
    assert listed == [mine.ref]
    assert read_theirs.status_code == 404 and start_theirs.status_code == 404


async def test_nearby_reports_follow_the_same_visibility(settings: Settings) -> None:
    mine = await a_report(settings, ward=WARD)
    await a_report(settings, ward="Ward 8")
    neighbour = await a_report(settings, ward=WARD)
    _, token = await staff_token(Role.GREEN_CHAMPION, ward=WARD)
    async with admin_api(settings) as api:
        detail = (await api.get(f"/api/v1/reports/{mine.ref}", token)).json()
    assert [n["ref"] for n in detail["nearby"]] == [neighbour.ref]


async def test_government_reads_but_changes_nothing(settings: Settings) -> None:
    report = await a_report(settings)
    _, token = await staff_token(Role.GOVERNMENT)
    async with admin_api(settings) as api:
        url = f"/api/v1/reports/{report.ref}"
        listed = refs(await api.get("/api/v1/reports", token))
        read = await api.get(url, token)
        moved = await api.post(f"{url}/transitions", token, {"to": "verified"})
        noted = await api.post(f"{url}/notes", token, {"note": "hm"})
        uploaded = await api.client.post(f"{url}/photos", headers=bearer(token),
                                         files={"file": ("p.jpg", jpeg_with_gps())})
        audit = await api.get("/api/v1/audit", token)
    assert listed == [report.ref] and read.status_code == 200
    assert [r.status_code for r in (moved, noted, uploaded, audit)] == [403] * 4
    assert moved.json()["error"]["code"] == "forbidden"
    assert (await Report.get(id=report.id)).status == Status.REPORTED
    assert await AuditEntry.all().count() == 0


@pytest.mark.parametrize("role", [Role.DISPATCHER, Role.MODERATOR, Role.GREEN_CHAMPION,
                                  Role.WORKER])
async def test_only_admins_read_the_audit_log(settings: Settings, role: Role) -> None:
    _, token = await staff_token(role, ward=WARD)
    _, admin = await staff_token(Role.ADMIN)
    async with admin_api(settings) as api:
        refused = await api.get("/api/v1/audit", token)
        allowed = await api.get("/api/v1/audit", admin)
    assert refused.status_code == 403 and allowed.status_code == 200


@pytest.mark.parametrize(("role", "may_note", "may_upload"), [
    (Role.ADMIN, True, True),
    (Role.DISPATCHER, True, True),
    (Role.MODERATOR, True, False),
    (Role.GREEN_CHAMPION, True, False),
    (Role.WORKER, False, True),
])
async def test_notes_and_uploads_follow_the_role(settings: Settings, role: Role,
                                                 may_note: bool, may_upload: bool) -> None:
    staff, token = await staff_token(role, ward=WARD)
    report = await a_report(settings, ward=WARD, status=Status.ASSIGNED, assignee_id=staff.id)
    async with admin_api(settings) as api:
        url = f"/api/v1/reports/{report.ref}"
        noted = await api.post(f"{url}/notes", token, {"note": "checked"})
        uploaded = await api.client.post(f"{url}/photos", headers=bearer(token),
                                         files={"file": ("p.jpg", jpeg_with_gps())})
    assert noted.status_code == (201 if may_note else 403)
    assert uploaded.status_code == (201 if may_upload else 403)


async def test_a_worker_starts_and_collects_their_job(settings: Settings) -> None:
    worker, token = await staff_token(Role.WORKER)
    report = await a_report(settings, status=Status.ASSIGNED, assignee_id=worker.id)
    async with admin_api(settings) as api:
        url = f"/api/v1/reports/{report.ref}"
        started = await api.post(f"{url}/transitions", token, {"to": "in_progress"})
        photo = await api.client.post(f"{url}/photos", headers=bearer(token),
                                      files={"file": ("p.jpg", jpeg_with_gps())})
        collected = await api.post(f"{url}/transitions", token,
                                   {"to": "collected", "photo_key": photo.json()["photo_key"]})
        closing = await api.post(f"{url}/transitions", token, {"to": "resolved"})
    assert started.status_code == 200 and collected.status_code == 200
    assert collected.json()["status"] == "collected"
    assert closing.status_code == 403


# ---------------------------------------------------------------- the transition table


def expected_status(role: Role, start: Status, end: Status) -> int:
    """200 exactly for the moves TRANSITIONS allows this role; else 403 or 409."""
    if role == Role.GOVERNMENT:
        return 403  # read-only, refused before the lifecycle is asked
    allowed = TRANSITIONS.get((start, end))
    if allowed is None:
        return 409
    return 200 if role in allowed else 403


@pytest.mark.parametrize("role", list(Role))
async def test_the_api_allows_exactly_the_transitions_of_the_lifecycle(
        settings: Settings, role: Role) -> None:
    caller, token = await staff_token(role, "Caller", ward=WARD)
    # Every report is in the caller's ward and assigned to them when they are a worker, so
    # visibility never hides it and only the lifecycle decides.
    owner, _ = await staff_token(Role.WORKER, "Owner")
    other_worker, _ = await staff_token(Role.WORKER, "Other")
    assignee = caller if role == Role.WORKER else owner
    original = await a_report(settings, ward=WARD, status=Status.VERIFIED,
                              assignee_id=assignee.id)
    outcomes: dict[tuple[Status, Status], int] = {}
    async with admin_api(settings) as api:
        key = await stored_photo(api)
        for start in Status:
            for end in Status:
                report = await a_report(settings, ward=WARD, status=start,
                                        assignee_id=assignee.id)
                body: dict[str, Any] = {"to": end, "note": f"{start} to {end}"}
                if end == Status.ASSIGNED:
                    body["assignee_id"] = other_worker.id
                if end == Status.COLLECTED:
                    body["photo_key"] = key
                if end == Status.DUPLICATE:
                    body["duplicate_of"] = original.ref
                response = await api.post(f"/api/v1/reports/{report.ref}/transitions",
                                          token, body)
                outcomes[start, end] = response.status_code
                stored = await Report.get(id=report.id)
                assert stored.status == (end if response.status_code == 200 else start)
    expected = {(start, end): expected_status(role, start, end)
                for start in Status for end in Status}
    assert outcomes == expected
    moves = await AuditEntry.filter(actor_id=caller.id).count()
    assert moves == sum(1 for code in expected.values() if code == 200)
