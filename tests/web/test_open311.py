"""Open311 behaviour: submitting, merging into open reports, the lifecycle and the filters."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from redis.asyncio import Redis

from core.reports import actions
from core.reports.lifecycle import Move
from core.reports.models import Report, ReportEvent, Status
from core.reports.open311_intake import accepted_api_keys, api_key_accepted
from core.reports.service import NewReport, Photo, create_report
from core.runtime import Runtime, utcnow
from core.settings import Settings
from core.staff.models import Role, Staff
from core.users.models import Identity, User
from tests.conftest import make_settings
from tests.fakes.platform import FakePlatform
from web import open311
from web.app import create_app
from web.open311 import params

API_KEY = "open311-test-key"
BANGKOK = (Decimal("13.756300"), Decimal("100.501800"))
# 0.0003 degrees of latitude is about 33 m, 0.001 about 111 m (1 degree ~ 111.2 km).
NEAR, FAR = Decimal("0.0003"), Decimal("0.001")
PHOTO_KEY = "ab" * 32 + ".jpg"


@asynccontextmanager
async def open311_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The real app with the Open311 router added, as web/app.py will once it is wired."""
    app = create_app(settings, manage_db=False)
    if not any(getattr(r, "path", "").startswith("/open311/") for r in app.routes):
        app.include_router(open311.router)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        yield client


def open311_settings_for(db: str, fake: FakePlatform, **overrides: Any) -> Settings:
    return make_settings(db, fake.url, open311_api_keys=f" other-key , {API_KEY},", **overrides)


@pytest.fixture
def open311_settings(db: str, fake: FakePlatform, redis: Redis) -> Settings:
    return open311_settings_for(db, fake)


@pytest.fixture
async def client(open311_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with open311_client(open311_settings) as c:
        yield c


async def post_request(client: httpx.AsyncClient, fmt: str = "json",
                       **fields: str | None) -> httpx.Response:
    return await post_fields(client, fmt, fields)


async def post_fields(client: httpx.AsyncClient, fmt: str,
                      fields: dict[str, str | None]) -> httpx.Response:
    """POST requests.{fmt} form-encoded over valid defaults; a field given as None is left out."""
    data = {"api_key": API_KEY, "service_code": "plastic", "lat": str(BANGKOK[0]),
            "long": str(BANGKOK[1]), **fields}
    return await client.post(f"/open311/v2/requests.{fmt}",
                             data={k: v for k, v in data.items() if v is not None})


async def chat_report(settings: Settings, lat: Decimal = BANGKOK[0],
                      long: Decimal = BANGKOK[1], *, when: datetime | None = None,
                      waste_types: tuple[str, ...] = ("plastic",),
                      photos: tuple[Photo, ...] = ()) -> Report:
    """A report made in a chat by a consented user who follows it."""
    when = when or utcnow()
    user = await User.create(locale="en", timezone="Asia/Bangkok", consent_version="1",
                             consented_at=when)
    identity = await Identity.create(channel="console", external_id=uuid.uuid4().hex,
                                     user=user)
    new = NewReport(waste_types, "small", lat, long, "pin", note="Bags by the canal",
                    photos=photos)
    return await create_report(new, "chat", when, settings, reporter=user, identity=identity)


async def one_request(client: httpx.AsyncClient, ref: str) -> dict[str, Any]:
    response = await client.get(f"/open311/v2/requests/{ref}.json")
    assert response.status_code == 200, response.text
    [record] = response.json()
    return record


def refs_of(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [record["service_request_id"] for record in response.json()]


# --- api keys ---------------------------------------------------------------------------

def test_accepted_api_keys_are_the_trimmed_non_empty_entries() -> None:
    settings = Settings(_env_file=None, open311_api_keys=" a-key ,, b-key ,")  # type: ignore[call-arg]
    assert accepted_api_keys(settings) == {"a-key", "b-key"}
    assert api_key_accepted("b-key", settings)
    assert not api_key_accepted("", settings)
    assert not api_key_accepted("a-ke", settings)


def test_no_api_key_is_accepted_when_none_is_configured() -> None:
    settings = Settings(_env_file=None, open311_api_keys="")  # type: ignore[call-arg]
    assert accepted_api_keys(settings) == frozenset()
    assert not api_key_accepted("anything", settings)


# --- submitting ---------------------------------------------------------------------------

async def test_post_creates_a_report_listed_by_get_requests(
        client: httpx.AsyncClient) -> None:
    response = await post_request(client, description="Sacks of bottles\non the footpath",
                                  email="ann@example.org", first_name="Ann", phone="+6621234567",
                                  device_id="dev-1", account_id="acc-9", last_name="Lee",
                                  jurisdiction_id="wastenexus.test")
    assert response.status_code == 200, response.text
    ref = response.json()[0]["service_request_id"]

    report = await Report.get(ref=ref)
    assert (report.source, report.status, report.waste_types) == ("open311", "reported",
                                                                  ["plastic"])
    assert (report.latitude, report.longitude, report.location_source) == (*BANGKOK, "pin")
    assert report.contact == {"email": "ann@example.org", "first_name": "Ann",
                              "last_name": "Lee", "phone": "+6621234567",
                              "device_id": "dev-1", "account_id": "acc-9"}
    listing = await client.get("/open311/v2/requests.json")
    assert refs_of(listing) == [ref]
    record = listing.json()[0]
    assert record["description"] == "Sacks of bottles\non the footpath"
    assert (record["lat"], record["long"], record["status"]) == (13.7563, 100.5018, "open")
    assert "ann@example.org" not in listing.text and "6621234567" not in listing.text


async def test_post_with_an_address_only_keeps_it_without_coordinates(
        client: httpx.AsyncClient) -> None:
    response = await post_request(client, lat=None, long=None,
                                  address_string="12 Soi Sukhumvit 11, Bangkok")
    record = await one_request(client, response.json()[0]["service_request_id"])
    assert (record["address"], record["lat"], record["long"]) == (
        "12 Soi Sukhumvit 11, Bangkok", None, None)


async def test_post_with_an_address_id_only_echoes_the_address_id(
        client: httpx.AsyncClient) -> None:
    response = await post_request(client, lat=None, long=None, address_id="545483")
    assert response.status_code == 200, response.text
    record = await one_request(client, response.json()[0]["service_request_id"])
    assert (record["address_id"], record["address"]) == ("545483", None)


async def test_post_near_an_open_chat_report_merges_into_it_and_plus_ones_it(
        open311_settings: Settings, client: httpx.AsyncClient) -> None:
    original = await chat_report(open311_settings)

    response = await post_request(client, lat=str(BANGKOK[0] + NEAR))

    assert response.status_code == 200, response.text
    [answer] = response.json()
    assert answer["service_request_id"] == original.ref
    assert "merged" in answer["service_notice"] and original.ref in answer["service_notice"]
    await original.refresh_from_db()
    assert original.plus_ones == 1
    assert await Report.all().count() == 1


async def test_post_beyond_the_duplicate_radius_creates_its_own_report(
        open311_settings: Settings, client: httpx.AsyncClient) -> None:
    original = await chat_report(open311_settings)

    response = await post_request(client, lat=str(BANGKOK[0] + FAR))

    assert response.json()[0]["service_request_id"] != original.ref
    await original.refresh_from_db()
    assert original.plus_ones == 0
    assert await Report.all().count() == 2


async def test_post_near_a_resolved_report_creates_a_new_one(
        open311_settings: Settings, client: httpx.AsyncClient) -> None:
    original = await chat_report(open311_settings)
    await Report.filter(id=original.id).update(status=Status.RESOLVED)

    response = await post_request(client)

    assert response.json()[0]["service_request_id"] != original.ref


async def test_enough_merged_confirmations_make_a_report_urgent(
        open311_settings: Settings, client: httpx.AsyncClient) -> None:
    original = await chat_report(open311_settings)
    normal_due = original.sla_due_at

    for _ in range(open311_settings.plus_ones_urgent):
        await post_request(client)

    await original.refresh_from_db()
    assert (original.plus_ones, original.urgency) == (open311_settings.plus_ones_urgent,
                                                      "urgent")
    assert original.priority > 100
    assert original.sla_due_at == original.created_at + timedelta(
        hours=open311_settings.sla_urgent_hours) < normal_due


# --- the lifecycle ------------------------------------------------------------------------

async def _staff(role: Role) -> Staff:
    return await Staff.create(name=f"{role} one", role=role)


async def test_an_open311_report_stays_open_until_resolved_then_is_closed(
        open311_settings: Settings, client: httpx.AsyncClient) -> None:
    ref = (await post_request(client)).json()[0]["service_request_id"]
    report = await Report.get(ref=ref)
    runtime = Runtime.build(open311_settings)
    moderator, dispatcher = await _staff(Role.MODERATOR), await _staff(Role.DISPATCHER)
    worker = await _staff(Role.WORKER)
    steps = [(moderator, Move(Status.VERIFIED, note="Checked on the map")),
             (dispatcher, Move(Status.ASSIGNED, assignee=worker)),
             (worker, Move(Status.COLLECTED, photo_key=PHOTO_KEY))]

    for actor, step in steps:
        await actions.move(report.id, actor, step, runtime, utcnow())
        record = await one_request(client, ref)
        assert record["status"] == "open", step.to
    assert record["status_notes"] == "Checked on the map"
    done = await actions.move(report.id, dispatcher,
                              Move(Status.RESOLVED, note="Cleared by the ward team"),
                              runtime, utcnow())

    record = await one_request(client, ref)
    assert (record["status"], record["status_notes"]) == ("closed", "Cleared by the ward team")
    assert done.report.resolved_at is not None
    assert datetime.fromisoformat(record["updated_datetime"]) == done.report.resolved_at.replace(
        microsecond=0)
    assert record["media_url"] is None  # the proof photo is not the report's photo


@pytest.mark.parametrize("status", [Status.REJECTED, Status.DUPLICATE])
async def test_rejected_and_duplicate_reports_are_closed(
        status: Status, open311_settings: Settings, client: httpx.AsyncClient) -> None:
    original = await chat_report(open311_settings)
    report = await chat_report(open311_settings, BANGKOK[0] + FAR)
    moderator = await _staff(Role.MODERATOR)
    move = Move(status, duplicate_of=original if status == Status.DUPLICATE else None)

    await actions.move(report.id, moderator, move, Runtime.build(open311_settings), utcnow())

    record = await one_request(client, report.ref)
    assert record["status"] == "closed"
    if status == Status.DUPLICATE:
        assert record["status_notes"] == f"Duplicate of {original.ref}."


# --- media ------------------------------------------------------------------------------------

async def test_media_url_is_the_reports_first_photo_on_our_media_route(
        open311_settings: Settings, client: httpx.AsyncClient) -> None:
    with_photo = await chat_report(open311_settings, photos=(Photo(PHOTO_KEY, ""),))
    without = await chat_report(open311_settings, BANGKOK[0] + FAR)

    assert (await one_request(client, with_photo.ref))["media_url"] == (
        f"https://wastenexus.test/media/{PHOTO_KEY}")
    assert (await one_request(client, without.ref))["media_url"] is None


async def test_a_submitted_media_url_is_shown_when_we_hold_no_photo(
        client: httpx.AsyncClient) -> None:
    url = "https://photos.example.org/pile.jpg"
    response = await post_request(client, media_url=url)
    assert (await one_request(client, response.json()[0]["service_request_id"]))[
        "media_url"] == url


# --- filters ------------------------------------------------------------------------------

async def test_service_request_id_lists_those_reports_and_overrides_other_filters(
        open311_settings: Settings, client: httpx.AsyncClient) -> None:
    old = await chat_report(open311_settings, when=utcnow() - timedelta(days=200))
    new = await chat_report(open311_settings, BANGKOK[0] + FAR, waste_types=("organic",))
    await chat_report(open311_settings, BANGKOK[0] + 2 * FAR)

    response = await client.get("/open311/v2/requests.json", params={
        "service_request_id": f"{new.ref},{old.ref.lower()},WN-NONE", "status": "closed",
        "service_code": "medical", "start_date": "2001-01-01T00:00:00Z"})

    assert refs_of(response) == [new.ref, old.ref]


async def test_service_code_filter_takes_a_comma_delimited_list(
        open311_settings: Settings, client: httpx.AsyncClient) -> None:
    plastic = await chat_report(open311_settings)
    organic = await chat_report(open311_settings, BANGKOK[0] + FAR, waste_types=("organic",
                                                                                 "plastic"))
    await chat_report(open311_settings, BANGKOK[0] + 2 * FAR, waste_types=("medical",))

    one = await client.get("/open311/v2/requests.json", params={"service_code": "plastic"})
    two = await client.get("/open311/v2/requests.json",
                           params={"service_code": "organic,plastic"})

    assert refs_of(one) == [plastic.ref]  # a report's service is its first waste type
    assert set(refs_of(two)) == {plastic.ref, organic.ref}


async def test_status_filter_maps_open_and_closed(
        open311_settings: Settings, client: httpx.AsyncClient) -> None:
    still_open = await chat_report(open311_settings)
    closed = await chat_report(open311_settings, BANGKOK[0] + FAR)
    await Report.filter(id=closed.id).update(status=Status.REJECTED)

    url = "/open311/v2/requests.json"
    assert refs_of(await client.get(url, params={"status": "open"})) == [still_open.ref]
    assert refs_of(await client.get(url, params={"status": "closed"})) == [closed.ref]
    assert set(refs_of(await client.get(url, params={"status": "open,closed"}))) == {
        still_open.ref, closed.ref}


async def test_requests_default_to_the_most_recent_90_days(
        open311_settings: Settings, client: httpx.AsyncClient) -> None:
    recent = await chat_report(open311_settings, when=utcnow() - timedelta(days=89))
    await chat_report(open311_settings, BANGKOK[0] + FAR, when=utcnow() - timedelta(days=91))

    assert refs_of(await client.get("/open311/v2/requests.json")) == [recent.ref]


async def test_a_date_range_selects_by_requested_datetime(
        open311_settings: Settings, client: httpx.AsyncClient) -> None:
    now = utcnow()
    inside = await chat_report(open311_settings, when=now - timedelta(days=150))
    await chat_report(open311_settings, BANGKOK[0] + FAR, when=now - timedelta(days=170))
    await chat_report(open311_settings, BANGKOK[0] + 2 * FAR, when=now - timedelta(days=5))
    start = (now - timedelta(days=160)).astimezone(ZoneInfo("Asia/Bangkok")).isoformat(
        timespec="seconds")
    end = (now - timedelta(days=140)).strftime("%Y-%m-%dT%H:%M:%SZ")

    both = await client.get("/open311/v2/requests.json",
                            params={"start_date": start, "end_date": end})
    start_only = await client.get("/open311/v2/requests.json", params={"start_date": start})

    assert refs_of(both) == [inside.ref]
    assert refs_of(start_only) == [inside.ref]  # the 90 days from start_date


async def test_results_are_capped_newest_first(
        open311_settings: Settings, client: httpx.AsyncClient,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(params, "MAX_REQUESTS", 2)
    now = utcnow()
    made = [await chat_report(open311_settings, BANGKOK[0] + i * FAR,
                              when=now - timedelta(hours=i)) for i in range(3)]

    everything = await client.get("/open311/v2/requests.json")
    by_code = await client.get("/open311/v2/requests.json", params={"service_code": "plastic"})

    assert refs_of(everything) == refs_of(by_code) == [made[0].ref, made[1].ref]


# --- tokens -------------------------------------------------------------------------------

async def test_a_service_request_id_is_its_own_token(
        open311_settings: Settings, client: httpx.AsyncClient) -> None:
    report = await chat_report(open311_settings)
    response = await client.get(f"/open311/v2/tokens/{report.ref}.json")
    assert response.json() == [{"service_request_id": report.ref, "token": report.ref}]
    assert (await client.get("/open311/v2/tokens/123456.json")).status_code == 404


async def test_a_post_writes_the_first_timeline_step(client: httpx.AsyncClient) -> None:
    ref = (await post_request(client)).json()[0]["service_request_id"]
    [event] = await ReportEvent.filter(report__ref=ref)
    assert (event.to_status, event.actor_label) == ("reported", "open311")
