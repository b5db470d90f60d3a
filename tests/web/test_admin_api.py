"""The admin API: listing, reading and moving reports, notes, proof photos, the audit log."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from PIL import ExifTags, Image
from PIL.TiffImagePlugin import IFDRational
from redis.asyncio import Redis

from core.audit.models import AuditEntry
from core.ledger.models import LedgerEntry
from core.reports.models import Rating, Report, ReportPhoto, Status, Subscription
from core.reports.service import NewReport, Photo, create_report
from core.settings import Settings
from core.staff.models import Role, Staff
from core.staff.service import create_staff, issue_token
from core.users.models import Identity, User
from core.users.service import CONSENT_VERSION
from tests.conftest import make_settings
from tests.fakes.platform import FakePlatform
from tests.harness import drain
from web.api import reports as api_reports
from web.app import create_app
from web.deps import WebDeps

CLIENT_IP = "203.0.113.7"
BANGKOK = (13.7563, 100.5018)
# About 50 m and 300 m north of BANGKOK (one degree of latitude is about 111.2 km).
FIFTY_M_NORTH = (13.75675, 100.5018)
FAR_NORTH = (13.7590, 100.5018)
LINE_USER = "U" + "a" * 32


# ---------------------------------------------------------------- helpers (also used by
# test_admin_api_roles.py)


@dataclass
class Api:
    client: httpx.AsyncClient
    app: FastAPI

    @property
    def deps(self) -> WebDeps:
        deps: WebDeps = self.app.state.deps
        return deps

    async def get(self, url: str, token: str, **params: Any) -> httpx.Response:
        return await self.client.get(url, params=params, headers=bearer(token))

    async def post(self, url: str, token: str, body: dict[str, Any]) -> httpx.Response:
        return await self.client.post(url, json=body, headers=bearer(token))


@asynccontextmanager
async def admin_api(settings: Settings) -> AsyncIterator[Api]:
    """The real app with the admin router included, calling from CLIENT_IP."""
    app = create_app(settings, manage_db=False)
    app.include_router(api_reports.router)
    transport = httpx.ASGITransport(app=app, client=(CLIENT_IP, 40000))
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=transport, base_url="http://testserver") as client:
        yield Api(client, app)


def api_settings(db: str, fake_url: str, media_dir: Path) -> Settings:
    return make_settings(db, fake_url, media_store_url=f"file://{media_dir}")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def staff_token(role: Role, name: str = "", ward: str = "") -> tuple[Staff, str]:
    staff = await create_staff(name or f"{role} Person", role, ward=ward)
    return staff, await issue_token(staff)


async def citizen(line_id: str = LINE_USER, name: str = "Somchai Jaidee") -> tuple[User, Identity]:
    """A consented person on LINE, as onboarding leaves them."""
    user = await User.create(display_name=name, locale="en", timezone="Asia/Bangkok",
                             region="TH", consent_version=CONSENT_VERSION,
                             consented_at=datetime.now(UTC))
    return user, await Identity.create(channel="line", external_id=line_id, user=user)


async def a_report(settings: Settings, *, at: datetime | None = None,
                   where: tuple[float, float] | None = BANGKOK,
                   waste_types: tuple[str, ...] = ("mixed",), size: str = "small",
                   by: tuple[User, Identity] | None = None, photo_keys: tuple[str, ...] = (),
                   **fields: Any) -> Report:
    """A report made as the chat makes one, then set to whatever state fields say."""
    lat, lon = (Decimal(str(where[0])), Decimal(str(where[1]))) if where else (None, None)
    new = NewReport(waste_types=waste_types, size=size, latitude=lat, longitude=lon,
                    location_source="pin" if where else "", address="Soi 5",
                    photos=tuple(Photo(key, "") for key in photo_keys))
    report = await create_report(new, "chat", at or datetime.now(UTC), settings,
                                 reporter=by[0] if by else None,
                                 identity=by[1] if by else None)
    if fields:
        await Report.filter(id=report.id).update(**fields)
        await report.refresh_from_db()
    return report


def jpeg_with_gps() -> bytes:
    """A small JPEG carrying a camera make, a serial number and a GPS position."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Acme"
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.BodySerialNumber] = "SN-0042"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (IFDRational(13), IFDRational(45), IFDRational(228, 10))
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (IFDRational(100), IFDRational(29), IFDRational(384, 10))
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 140, 60)).save(out, "JPEG", exif=exif)
    return out.getvalue()


async def stored_photo(api: Api) -> str:
    return await api.deps.media.put(jpeg_with_gps(), "image/jpeg")


def refs(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["ref"] for item in response.json()["items"]]


@pytest.fixture
def settings(db: str, fake: FakePlatform, redis: Redis, tmp_path: Path) -> Settings:
    return api_settings(db, fake.url, tmp_path / "media")


# ---------------------------------------------------------------- listing


async def test_list_orders_by_priority_then_oldest_first(settings: Settings) -> None:
    now = datetime.now(UTC)
    newer_small = await a_report(settings, at=now - timedelta(hours=1))
    older_small = await a_report(settings, at=now - timedelta(hours=2))
    urgent = await a_report(settings, waste_types=("medical",), at=now)
    large = await a_report(settings, size="large", at=now)
    _, token = await staff_token(Role.DISPATCHER)
    async with admin_api(settings) as api:
        listed = refs(await api.get("/api/v1/reports", token))
    assert listed == [urgent.ref, large.ref, older_small.ref, newer_small.ref]


@pytest.mark.parametrize("sort", ["created_at", "-created_at", "sla"])
async def test_list_sorts_as_asked(settings: Settings, sort: str) -> None:
    now = datetime.now(UTC)
    first = await a_report(settings, at=now - timedelta(hours=3))
    second = await a_report(settings, at=now - timedelta(hours=2), waste_types=("hazardous",))
    third = await a_report(settings, at=now - timedelta(hours=1))
    _, token = await staff_token(Role.ADMIN)
    async with admin_api(settings) as api:
        listed = refs(await api.get("/api/v1/reports", token, sort=sort))
    expected = {"created_at": [first, second, third], "-created_at": [third, second, first],
                # the hazardous one is due in 24 h, the others in 72 h
                "sla": [second, first, third]}[sort]
    assert listed == [r.ref for r in expected]


async def test_list_filters_by_any_of_several_statuses(settings: Settings) -> None:
    verified = await a_report(settings, status=Status.VERIFIED)
    assigned = await a_report(settings, status=Status.ASSIGNED)
    await a_report(settings)
    _, token = await staff_token(Role.ADMIN)
    async with admin_api(settings) as api:
        response = await api.client.get(
            "/api/v1/reports?status=verified&status=assigned&sort=created_at",
            headers=bearer(token))
    assert refs(response) == [verified.ref, assigned.ref]


async def test_list_filters_by_waste_type_and_urgency(settings: Settings) -> None:
    plastic = await a_report(settings, waste_types=("plastic", "e_waste"))
    medical = await a_report(settings, waste_types=("medical",))
    await a_report(settings, waste_types=("organic",))
    _, token = await staff_token(Role.ADMIN)
    async with admin_api(settings) as api:
        e_waste = await api.get("/api/v1/reports", token, waste_type="e_waste")
        assert refs(await api.get("/api/v1/reports", token, urgency="urgent")) == [medical.ref]
        unknown = await api.get("/api/v1/reports", token, waste_type="glitter")
    assert refs(e_waste) == [plastic.ref] and e_waste.json()["total"] == 1
    assert unknown.status_code == 422
    assert unknown.json()["error"]["code"] == "invalid_request"


async def test_list_filters_by_ward_province_and_district(settings: Settings) -> None:
    target = await a_report(settings, province="Bangkok", district="Bang Rak", ward="Ward 7")
    await a_report(settings, province="Bangkok", district="Bang Rak", ward="Ward 8")
    await a_report(settings, province="Bangkok", district="Pathum Wan", ward="Ward 7")
    _, token = await staff_token(Role.ADMIN)
    async with admin_api(settings) as api:
        listed = refs(await api.get("/api/v1/reports", token, province="Bangkok",
                                    district="Bang Rak", ward="Ward 7"))
    assert listed == [target.ref]


async def test_list_filters_by_age_in_hours(settings: Settings) -> None:
    now = datetime.now(UTC)
    await a_report(settings, at=now - timedelta(hours=1))
    middle = await a_report(settings, at=now - timedelta(hours=30))
    await a_report(settings, at=now - timedelta(hours=100))
    _, token = await staff_token(Role.ADMIN)
    async with admin_api(settings) as api:
        listed = refs(await api.get("/api/v1/reports", token, min_age_hours=24,
                                    max_age_hours=48))
    assert listed == [middle.ref]


async def test_overdue_lists_open_reports_past_their_sla(settings: Settings) -> None:
    long_ago = datetime.now(UTC) - timedelta(days=5)
    late = await a_report(settings, at=long_ago, status=Status.ASSIGNED)
    await a_report(settings, at=long_ago, status=Status.RESOLVED)
    on_time = await a_report(settings)
    _, token = await staff_token(Role.ADMIN)
    async with admin_api(settings) as api:
        overdue = await api.get("/api/v1/reports", token, overdue="true")
        not_overdue = await api.get("/api/v1/reports", token, overdue="false",
                                    status="reported")
    assert refs(overdue) == [late.ref]
    (item,) = overdue.json()["items"]
    assert item["overdue"] is True and item["sla_seconds_left"] < -86400
    assert refs(not_overdue) == [on_time.ref]
    (fresh,) = not_overdue.json()["items"]
    assert fresh["overdue"] is False and 71 * 3600 < fresh["sla_seconds_left"] <= 72 * 3600


async def test_near_finds_reports_within_the_radius(settings: Settings) -> None:
    here = await a_report(settings, where=BANGKOK)
    close = await a_report(settings, where=FIFTY_M_NORTH)
    await a_report(settings, where=FAR_NORTH)
    await a_report(settings, where=None)
    _, token = await staff_token(Role.ADMIN)
    async with admin_api(settings) as api:
        listed = refs(await api.get("/api/v1/reports", token, near="13.7563,100.5018",
                                    radius_m=100, sort="created_at"))
        bad = await api.get("/api/v1/reports", token, near="north of the river")
    assert listed == [here.ref, close.ref]
    assert bad.status_code == 422


async def test_q_finds_reports_by_the_start_of_their_ref(settings: Settings) -> None:
    wanted = await a_report(settings)
    await a_report(settings)
    _, token = await staff_token(Role.ADMIN)
    async with admin_api(settings) as api:
        by_ref = refs(await api.get("/api/v1/reports", token, q=wanted.ref.lower()))
        without_prefix = refs(await api.get("/api/v1/reports", token, q=wanted.ref[3:]))
    assert by_ref == without_prefix == [wanted.ref]


async def test_cursor_pages_through_every_report_once(settings: Settings) -> None:
    now = datetime.now(UTC)
    made = [await a_report(settings, at=now - timedelta(minutes=i), size=size)
            for i, size in enumerate(["small", "large", "small", "medium", "large", "small",
                                      "small"])]
    _, token = await staff_token(Role.ADMIN)
    seen: list[str] = []
    async with admin_api(settings) as api:
        everything = refs(await api.get("/api/v1/reports", token))
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"limit": 3} | ({"cursor": cursor} if cursor else {})
            page = await api.get("/api/v1/reports", token, **params)
            seen += refs(page)
            assert page.json()["total"] == len(made)
            cursor = page.json()["next_cursor"]
            if cursor is None:
                break
        by_offset = refs(await api.get("/api/v1/reports", token, limit=3, offset=3))
    assert seen == everything and len(set(seen)) == len(made)
    assert by_offset == everything[3:6]


async def test_paging_mistakes_answer_422_in_the_error_shape(settings: Settings) -> None:
    _, token = await staff_token(Role.ADMIN)
    async with admin_api(settings) as api:
        too_many = await api.get("/api/v1/reports", token, limit=101)
        bad_cursor = await api.get("/api/v1/reports", token, cursor="not-a-cursor")
        both = await api.get("/api/v1/reports", token, cursor="x", offset=1)
        naive = base64.urlsafe_b64encode(json.dumps(
            {"sort": "sla", "after": ["2030-01-01T00:00:00", 1]}).encode()).decode()
        no_offset = await api.get("/api/v1/reports", token, sort="sla", cursor=naive)
    assert [r.status_code for r in (too_many, bad_cursor, both, no_offset)] == [422] * 4
    assert too_many.json()["error"]["details"][0]["field"] == "query.limit"
    assert bad_cursor.json()["error"]["code"] == "invalid_cursor"


async def test_an_item_carries_its_assignee_photos_and_utc_times(settings: Settings) -> None:
    worker, _ = await staff_token(Role.WORKER, "Niran")
    _, token = await staff_token(Role.ADMIN)
    async with admin_api(settings) as api:
        key = await stored_photo(api)
        report = await a_report(settings, photo_keys=(key,), status=Status.ASSIGNED,
                                assignee_id=worker.id)
        (item,) = (await api.get("/api/v1/reports", token)).json()["items"]
    assert item["ref"] == report.ref and item["status"] == "assigned"
    assert item["assignee"] == {"id": worker.id, "name": "Niran"}
    assert item["photo_urls"] == [f"https://wastenexus.test/media/{key}"]
    assert item["lat"] == BANGKOK[0] and item["lon"] == BANGKOK[1]
    assert item["created_at"].endswith("Z") and item["sla_due_at"].endswith("Z")
    assert datetime.fromisoformat(item["created_at"]) == report.created_at


# ---------------------------------------------------------------- reading one


async def test_detail_gives_timeline_ratings_and_nearby_but_no_personal_data(
        settings: Settings) -> None:
    person = await citizen(name="Somchai Jaidee")
    report = await a_report(settings, by=person, status=Status.RESOLVED,
                            contact={"phone": "+66812345678", "email": "s@example.org"})
    close = await a_report(settings, where=FIFTY_M_NORTH)
    await a_report(settings, where=FIFTY_M_NORTH, status=Status.REJECTED)
    await a_report(settings, where=FAR_NORTH)
    await Rating.create(report=report, user=person[0], stars=4, created_at=datetime.now(UTC))
    _, token = await staff_token(Role.MODERATOR)
    async with admin_api(settings) as api:
        response = await api.get(f"/api/v1/reports/{report.ref}", token)
    assert response.status_code == 200
    detail = response.json()
    assert detail["timeline"] == [{"from": None, "to": "reported", "actor": "reporter",
                                   "note": "", "photo_url": None,
                                   "at": detail["created_at"]}]
    assert detail["ratings"] == {"count": 1, "average": 4.0}
    assert detail["reporter"]["subscribed"] is True
    assert detail["reporter"]["id"].startswith("r_")
    assert [(n["ref"], round(n["distance_m"])) for n in detail["nearby"]] == [(close.ref, 50)]
    for private in ("Somchai", LINE_USER, "+66812345678", "example.org"):
        assert private not in response.text


async def test_unknown_ref_is_404(settings: Settings) -> None:
    _, token = await staff_token(Role.ADMIN)
    async with admin_api(settings) as api:
        response = await api.get("/api/v1/reports/WN-ZZZZ", token)
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "no report WN-ZZZZ"}}


# ---------------------------------------------------------------- moving reports


async def test_verification_credits_the_reporter_exactly_once(settings: Settings) -> None:
    user, identity = await citizen()
    report = await a_report(settings, by=(user, identity))
    _, token = await staff_token(Role.MODERATOR)
    async with admin_api(settings) as api:
        url = f"/api/v1/reports/{report.ref}/transitions"
        first = await api.post(url, token, {"to": "verified"})
        again = await api.post(url, token, {"to": "verified"})
    assert first.status_code == 200 and first.json()["status"] == "verified"
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "illegal_transition"
    (entry,) = await LedgerEntry.filter(user=user)
    assert entry.key == f"report:{report.id}:verified"
    assert entry.amount == settings.report_verified_credits


async def test_rejection_credits_nothing(settings: Settings) -> None:
    user, identity = await citizen()
    report = await a_report(settings, by=(user, identity))
    _, token = await staff_token(Role.MODERATOR)
    async with admin_api(settings) as api:
        response = await api.post(f"/api/v1/reports/{report.ref}/transitions", token,
                                  {"to": "rejected", "note": "not in our district"})
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    assert await LedgerEntry.filter(user=user).count() == 0


async def test_a_subscriber_hears_of_each_move_on_line(settings: Settings, redis: Redis,
                                                       fake: FakePlatform) -> None:
    report = await a_report(settings, by=await citizen())
    _, token = await staff_token(Role.MODERATOR)
    async with admin_api(settings) as api:
        response = await api.post(f"/api/v1/reports/{report.ref}/transitions", token,
                                  {"to": "verified", "note": "Team on Monday"})
        assert response.status_code == 200
        # Queued by the request itself, not left for the sweeper.
        assert len(await redis.keys("arq:job:send:*")) == 1
        await drain(settings)
    (push,) = fake.calls("line", "push")
    assert push.json["to"] == LINE_USER
    text = push.json["messages"][0]["text"]
    assert f"Your report {report.ref} has been checked and accepted" in text
    assert "Team on Monday" in text


async def test_collection_without_a_proof_photo_is_422(settings: Settings) -> None:
    worker, token = await staff_token(Role.WORKER)
    report = await a_report(settings, status=Status.IN_PROGRESS, assignee_id=worker.id)
    async with admin_api(settings) as api:
        response = await api.post(f"/api/v1/reports/{report.ref}/transitions", token,
                                  {"to": "collected"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "missing_detail"
    assert (await Report.get(id=report.id)).status == Status.IN_PROGRESS


async def test_collection_with_a_photo_adds_it_to_the_timeline(settings: Settings,
                                                                fake: FakePlatform) -> None:
    worker, token = await staff_token(Role.WORKER)
    report = await a_report(settings, by=await citizen(), status=Status.IN_PROGRESS,
                            assignee_id=worker.id)
    async with admin_api(settings) as api:
        key = await stored_photo(api)
        response = await api.post(f"/api/v1/reports/{report.ref}/transitions", token,
                                  {"to": "collected", "photo_key": key})
        await drain(settings)
    assert response.status_code == 200
    url = f"https://wastenexus.test/media/{key}"
    assert response.json()["timeline"][-1]["photo_url"] == url
    assert {"url": url, "kind": "proof"} in response.json()["photos"]
    (push,) = fake.calls("line", "push")
    assert {"type": "image", "originalContentUrl": url, "previewImageUrl": url} in [
        {k: m.get(k) for k in ("type", "originalContentUrl", "previewImageUrl")}
        for m in push.json["messages"]]


async def test_an_unknown_photo_key_is_refused(settings: Settings) -> None:
    worker, token = await staff_token(Role.WORKER)
    report = await a_report(settings, status=Status.IN_PROGRESS, assignee_id=worker.id)
    async with admin_api(settings) as api:
        response = await api.post(f"/api/v1/reports/{report.ref}/transitions", token,
                                  {"to": "collected", "photo_key": "a" * 64 + ".jpg"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_photo"


async def test_a_duplicate_hands_its_followers_to_the_original(settings: Settings,
                                                                fake: FakePlatform) -> None:
    original = await a_report(settings, by=await citizen("U" + "1" * 32, "First"))
    second_user, second_identity = await citizen("U" + "2" * 32, "Second")
    duplicate = await a_report(settings, by=(second_user, second_identity),
                               where=FIFTY_M_NORTH)
    _, token = await staff_token(Role.MODERATOR)
    async with admin_api(settings) as api:
        response = await api.post(f"/api/v1/reports/{duplicate.ref}/transitions", token,
                                  {"to": "duplicate", "duplicate_of": original.ref})
        await drain(settings)
    assert response.status_code == 200
    assert response.json()["duplicate_of"] == original.ref
    merged = await Report.get(id=original.id)
    assert merged.plus_ones == 1 and merged.status == Status.REPORTED
    assert await Subscription.exists(report=merged, user=second_user)
    (push,) = fake.calls("line", "push")
    assert push.json["to"] == "U" + "2" * 32
    assert f"same spot as {original.ref}" in push.json["messages"][0]["text"]


async def test_a_closed_report_cannot_be_the_original(settings: Settings) -> None:
    original = await a_report(settings, status=Status.RESOLVED)
    duplicate = await a_report(settings)
    _, token = await staff_token(Role.MODERATOR)
    async with admin_api(settings) as api:
        response = await api.post(f"/api/v1/reports/{duplicate.ref}/transitions", token,
                                  {"to": "duplicate", "duplicate_of": original.ref})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_original"


async def test_details_for_another_move_are_refused(settings: Settings) -> None:
    worker, _ = await staff_token(Role.WORKER)
    mine, token = await staff_token(Role.WORKER, "Me")
    report = await a_report(settings, status=Status.ASSIGNED, assignee_id=mine.id)
    async with admin_api(settings) as api:
        response = await api.post(f"/api/v1/reports/{report.ref}/transitions", token,
                                  {"to": "in_progress", "assignee_id": worker.id})
    assert response.status_code == 422
    assert (await Report.get(id=report.id)).assignee_id == mine.id  # type: ignore[attr-defined]


async def test_a_move_is_audited_with_its_actor_and_ip(settings: Settings) -> None:
    moderator, token = await staff_token(Role.MODERATOR, "Malee")
    report = await a_report(settings)
    async with admin_api(settings) as api:
        await api.post(f"/api/v1/reports/{report.ref}/transitions", token,
                       {"to": "verified", "note": "seen it"})
    (entry,) = await AuditEntry.filter(target=f"report:{report.ref}")
    assert entry.action == "report.verified" and entry.ip == CLIENT_IP
    assert entry.actor_id == moderator.id  # type: ignore[attr-defined]
    assert entry.actor_label == "moderator:Malee"
    assert entry.detail["note"] == "seen it"


async def test_assign_gives_the_report_to_a_worker_and_can_hand_it_on(
        settings: Settings) -> None:
    first, _ = await staff_token(Role.WORKER, "Niran")
    second, _ = await staff_token(Role.WORKER, "Kanya")
    dispatcher, token = await staff_token(Role.DISPATCHER)
    report = await a_report(settings, status=Status.VERIFIED)
    async with admin_api(settings) as api:
        url = f"/api/v1/reports/{report.ref}/assign"
        assigned = await api.post(url, token, {"worker_id": first.id})
        handed_on = await api.post(url, token, {"worker_id": second.id, "note": "Niran ill"})
    assert assigned.json()["assignee"] == {"id": first.id, "name": "Niran"}
    assert handed_on.json()["assignee"] == {"id": second.id, "name": "Kanya"}
    assert [s["to"] for s in handed_on.json()["timeline"]] == ["reported", "assigned",
                                                                "assigned"]
    actions = await AuditEntry.filter(actor_id=dispatcher.id).values_list("action", flat=True)
    assert actions == ["report.assigned", "report.assigned"]


async def test_assign_to_someone_who_is_not_an_active_worker_is_422(
        settings: Settings) -> None:
    moderator, _ = await staff_token(Role.MODERATOR)
    retired, _ = await staff_token(Role.WORKER)
    await Staff.filter(id=retired.id).update(active=False)
    _, token = await staff_token(Role.DISPATCHER)
    report = await a_report(settings, status=Status.VERIFIED)
    async with admin_api(settings) as api:
        url = f"/api/v1/reports/{report.ref}/assign"
        codes = [(await api.post(url, token, {"worker_id": staff_id})).status_code
                 for staff_id in (moderator.id, retired.id, 999_999)]
    assert codes == [422, 422, 422]
    assert (await Report.get(id=report.id)).status == Status.VERIFIED


# ---------------------------------------------------------------- notes, photos, audit


async def test_a_note_is_audited_and_shown_to_staff(settings: Settings) -> None:
    dispatcher, token = await staff_token(Role.DISPATCHER, "Dao")
    report = await a_report(settings)
    async with admin_api(settings) as api:
        response = await api.post(f"/api/v1/reports/{report.ref}/notes", token,
                                  {"note": "  Truck 3 passes Fridays  "})
        blank = await api.post(f"/api/v1/reports/{report.ref}/notes", token, {"note": "  "})
    assert response.status_code == 201 and blank.status_code == 422
    (note,) = response.json()["notes"]
    assert note["note"] == "Truck 3 passes Fridays" and note["actor"] == "dispatcher:Dao"
    (entry,) = await AuditEntry.filter(action="report.note")
    assert entry.target == f"report:{report.ref}" and entry.ip == CLIENT_IP
    assert entry.actor_id == dispatcher.id  # type: ignore[attr-defined]
    assert (await Report.get(id=report.id)).status == Status.REPORTED


async def test_an_uploaded_photo_loses_its_exif(settings: Settings) -> None:
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    worker, token = await staff_token(Role.WORKER)
    report = await a_report(settings, status=Status.IN_PROGRESS, assignee_id=worker.id)
    async with admin_api(settings) as api:
        response = await api.client.post(
            f"/api/v1/reports/{report.ref}/photos", headers=bearer(token),
            files={"file": ("proof.jpg", original, "image/jpeg")})
        assert response.status_code == 201, response.text
        key = response.json()["photo_key"]
        served = await api.client.get(f"/media/{key}")
    assert response.json()["url"] == f"https://wastenexus.test/media/{key}"
    stripped = Image.open(io.BytesIO(served.content))
    assert len(stripped.getexif()) == 0 and b"SN-0042" not in served.content
    (entry,) = await AuditEntry.filter(action="report.photo_upload")
    assert entry.detail == {"photo_key": key} and entry.ip == CLIENT_IP
    assert not await ReportPhoto.exists(report_id=report.id)  # attached by a transition only


async def test_an_upload_that_is_not_a_photo_is_refused(settings: Settings) -> None:
    _, token = await staff_token(Role.DISPATCHER)
    report = await a_report(settings)
    async with admin_api(settings) as api:
        url = f"/api/v1/reports/{report.ref}/photos"
        text = await api.client.post(url, headers=bearer(token),
                                     files={"file": ("x.jpg", b"hello", "image/jpeg")})
        no_file = await api.client.post(url, headers=bearer(token), data={"other": "x"})
    assert text.status_code == 422 and text.json()["error"]["code"] == "invalid_image"
    assert no_file.status_code == 422
    assert await AuditEntry.all().count() == 0


async def test_an_oversized_upload_is_413(settings: Settings) -> None:
    _, token = await staff_token(Role.DISPATCHER)
    report = await a_report(settings)
    async with admin_api(settings) as api:
        response = await api.client.post(
            f"/api/v1/reports/{report.ref}/photos", headers=bearer(token),
            files={"file": ("big.jpg", b"\xff" * (11 * 1024 * 1024), "image/jpeg")})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


async def test_the_audit_log_of_a_report_is_newest_first(settings: Settings) -> None:
    _, moderator = await staff_token(Role.MODERATOR)
    worker, _ = await staff_token(Role.WORKER)
    _, admin = await staff_token(Role.ADMIN, "Ada")
    report = await a_report(settings)
    other = await a_report(settings)
    async with admin_api(settings) as api:
        await api.post(f"/api/v1/reports/{report.ref}/transitions", moderator,
                       {"to": "verified"})
        await api.post(f"/api/v1/reports/{other.ref}/transitions", moderator,
                       {"to": "verified"})
        await api.post(f"/api/v1/reports/{report.ref}/notes", admin, {"note": "call back"})
        await api.post(f"/api/v1/reports/{report.ref}/assign", admin, {"worker_id": worker.id})
        response = await api.get("/api/v1/audit", admin, target=f"report:{report.ref}")
        first_two = await api.get("/api/v1/audit", admin, limit=2)
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["action"] for i in items] == ["report.assigned", "report.note",
                                            "report.verified"]
    assert items[0]["actor"]["name"] == "Ada" and items[0]["ip"] == CLIENT_IP
    assert first_two.json()["next_offset"] == 2
