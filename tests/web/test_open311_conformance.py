"""Open311 GeoReport v2 conformance: every structure, field by field, in JSON and in XML.

The field lists are the spec's response tables (http://wiki.open311.org/GeoReport_v2 and
http://wiki.open311.org/Service_Discovery).
"""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from core.reports.kinds import DESCRIPTIONS, WASTE_TYPES
from core.reports.models import Report, Status
from core.settings import Settings
from tests.fakes.platform import FakePlatform
from tests.web.test_open311 import (
    API_KEY,
    BANGKOK,
    chat_report,
    open311_client,
    open311_settings_for,
    post_fields,
    post_request,
)
from web.open311 import render

SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type",
                  "keywords", "group"}
DEFINITION_FIELDS = {"service_code", "attributes"}
POSTED_FIELDS = {"service_request_id", "service_notice", "account_id"}
TOKEN_FIELDS = {"service_request_id", "token"}
REQUEST_FIELDS = {"service_request_id", "status", "status_notes", "service_name",
                  "service_code", "description", "agency_responsible", "service_notice",
                  "requested_datetime", "updated_datetime", "expected_datetime", "address",
                  "address_id", "zipcode", "lat", "long", "media_url"}
DISCOVERY_FIELDS = {"changeset", "contact", "key_service", "endpoints"}
ENDPOINT_FIELDS = {"specification", "url", "changeset", "type", "formats"}
ERROR_FIELDS = {"code", "description"}
# W3C-DTF to the second with its offset: "2010-04-14T06:37:38-08:00" or "...Z".
W3C_SECONDS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})")
DATETIME_FIELDS = ("requested_datetime", "updated_datetime", "expected_datetime")
STATUS_MAP = {Status.REPORTED: "open", Status.VERIFIED: "open", Status.ASSIGNED: "open",
              Status.IN_PROGRESS: "open", Status.COLLECTED: "open", Status.RESOLVED: "closed",
              Status.REJECTED: "closed", Status.DUPLICATE: "closed"}
BASE = "/open311/v2"


@pytest.fixture
def open311_settings(db: str, fake: FakePlatform, redis: Redis) -> Settings:
    return open311_settings_for(db, fake)


@pytest.fixture
async def client(open311_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with open311_client(open311_settings) as c:
        yield c


def json_of(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    return response.json()


def xml_of(response: httpx.Response, status: int = 200) -> ET.Element:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)


def children(element: ET.Element) -> dict[str, ET.Element]:
    """An element's children by tag; each tag must occur once."""
    tags = [child.tag for child in element]
    assert len(tags) == len(set(tags)), tags
    return {child.tag: child for child in element}


def items_of(root: ET.Element, root_tag: str, item_tag: str) -> list[ET.Element]:
    assert root.tag == root_tag
    assert {child.tag for child in root} <= {item_tag}
    return list(root)


def assert_w3c(value: str) -> datetime:
    assert W3C_SECONDS.fullmatch(value), value
    parsed = datetime.fromisoformat(value)
    assert parsed.utcoffset() is not None
    return parsed


def assert_errors(body: Any, code: int, description: str | None = None) -> None:
    assert isinstance(body, list) and body
    for error in body:
        assert set(error) == ERROR_FIELDS
        assert isinstance(error["code"], int) and isinstance(error["description"], str)
    assert body[0]["code"] == code
    if description is not None:
        assert body[0]["description"] == description


def assert_xml_errors(root: ET.Element, code: int) -> None:
    errors = items_of(root, "errors", "error")
    assert errors
    for error in errors:
        fields = children(error)
        assert set(fields) == ERROR_FIELDS
        assert fields["description"].text
    assert children(errors[0])["code"].text == str(code)


# --- discovery ------------------------------------------------------------------------------

async def test_discovery_json_has_every_field(client: httpx.AsyncClient) -> None:
    body = json_of(await client.get(f"{BASE}/discovery.json"))
    assert set(body) == DISCOVERY_FIELDS
    [endpoint] = body["endpoints"]
    assert set(endpoint) == ENDPOINT_FIELDS
    assert endpoint == {"specification": "http://wiki.open311.org/GeoReport_v2",
                        "url": "https://wastenexus.test/open311/v2",
                        "changeset": body["changeset"], "type": "production",
                        "formats": ["application/json", "text/xml"]}
    assert_w3c(body["changeset"])


async def test_discovery_xml_nests_endpoints_and_formats(client: httpx.AsyncClient) -> None:
    root = xml_of(await client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    fields = children(root)
    assert set(fields) == DISCOVERY_FIELDS
    [endpoint] = items_of(fields["endpoints"], "endpoints", "endpoint")
    parts = children(endpoint)
    assert set(parts) == ENDPOINT_FIELDS
    assert [f.text for f in items_of(parts["formats"], "formats", "format")] == [
        "application/json", "text/xml"]
    assert parts["type"].text == "production"


def test_the_discovery_changeset_was_bumped_with_the_service_catalog() -> None:
    digest = hashlib.sha256(json.dumps([WASTE_TYPES, DESCRIPTIONS],
                                       sort_keys=True).encode()).hexdigest()[:12]
    assert digest == render.CATALOG_DIGEST, "services changed: bump CHANGESET and the digest"


# --- services -------------------------------------------------------------------------------

async def test_services_json_lists_every_waste_type_with_the_spec_fields(
        client: httpx.AsyncClient) -> None:
    body = json_of(await client.get(f"{BASE}/services.json"))
    assert [s["service_code"] for s in body] == list(WASTE_TYPES)
    for service in body:
        assert set(service) == SERVICE_FIELDS
        code = service["service_code"]
        assert service["service_name"] == WASTE_TYPES[code]
        assert service["description"] == DESCRIPTIONS[code]
        assert (service["metadata"], service["type"], service["group"]) == (False, "realtime",
                                                                            "Waste")
        assert service["keywords"].startswith("waste, dumping")


async def test_services_xml_has_a_service_element_per_type(client: httpx.AsyncClient) -> None:
    services = items_of(xml_of(await client.get(f"{BASE}/services.xml?jurisdiction_id=x")),
                        "services", "service")
    assert len(services) == len(WASTE_TYPES)
    for service in services:
        fields = children(service)
        assert set(fields) == SERVICE_FIELDS
        assert (fields["metadata"].text, fields["type"].text) == ("false", "realtime")


async def test_service_definition_json_and_xml(client: httpx.AsyncClient) -> None:
    body = json_of(await client.get(f"{BASE}/services/hazardous.json"))
    assert body == {"service_code": "hazardous", "attributes": []}
    root = xml_of(await client.get(f"{BASE}/services/hazardous.xml"))
    assert root.tag == "service_definition"
    fields = children(root)
    assert set(fields) == DEFINITION_FIELDS
    assert fields["service_code"].text == "hazardous" and len(fields["attributes"]) == 0


async def test_an_unknown_service_definition_is_404_in_both_formats(
        client: httpx.AsyncClient) -> None:
    assert_errors(json_of(await client.get(f"{BASE}/services/potholes.json"), 404), 404)
    assert_xml_errors(xml_of(await client.get(f"{BASE}/services/potholes.xml"), 404), 404)


# --- POST requests --------------------------------------------------------------------------

async def test_post_answer_json(client: httpx.AsyncClient) -> None:
    [answer] = json_of(await post_request(client))
    assert set(answer) == POSTED_FIELDS
    assert answer["service_request_id"].startswith("WN-")
    assert answer["service_notice"] and answer["account_id"] is None


async def test_post_answer_xml(client: httpx.AsyncClient) -> None:
    [request] = items_of(xml_of(await post_request(client, "xml")), "service_requests",
                         "request")
    fields = children(request)
    assert set(fields) == POSTED_FIELDS
    assert fields["service_request_id"].text and fields["service_notice"].text
    assert fields["account_id"].text is None and len(fields["account_id"]) == 0


@pytest.mark.parametrize(("fields", "status", "description"), [
    ({"lat": None, "long": None}, 400, "lat/long, address_string or address_id required"),
    ({"service_code": "potholes"}, 404, "service_code 'potholes' was not found"),
    ({"service_code": None}, 400, "service_code was not provided"),
    ({"api_key": "not-a-key"}, 403, "Invalid api_key received"),
    ({"api_key": None}, 403, "api_key was not provided"),
    ({"lat": "90.5"}, 400, "lat must be between -90 and 90"),
    ({"long": "-180.01"}, 400, "long must be between -180 and 180"),
    ({"long": "east"}, 400, "long must be a number (WGS84 degrees)"),
    ({"lat": "NaN"}, 400, "lat must be a number (WGS84 degrees)"),
    ({"long": None}, 400, "lat and long must both be sent"),
    ({"description": "x" * 4001}, 400, "description is longer than 4,000 characters"),
    ({"media_url": "javascript:alert(1)"}, 400, "media_url must be an http or https URL"),
])
async def test_bad_posts_get_the_spec_error_and_create_nothing(
        client: httpx.AsyncClient, fields: dict[str, str | None], status: int,
        description: str) -> None:
    assert_errors(json_of(await post_fields(client, "json", fields), status), status,
                  description)
    assert_xml_errors(xml_of(await post_fields(client, "xml", fields), status), status)
    assert await Report.all().count() == 0


async def test_every_problem_of_a_post_is_listed(client: httpx.AsyncClient) -> None:
    body = json_of(await post_request(client, service_code=None, lat="x", long="200"), 400)
    assert [e["description"] for e in body] == [
        "service_code was not provided", "lat must be a number (WGS84 degrees)",
        "long must be between -180 and 180"]


# --- GET requests ---------------------------------------------------------------------------

async def test_get_requests_json_has_every_field_with_w3c_datetimes(
        open311_settings: Settings, client: httpx.AsyncClient) -> None:
    report = await chat_report(open311_settings)
    [record] = json_of(await client.get(f"{BASE}/requests.json"))
    assert set(record) == REQUEST_FIELDS
    assert record["service_request_id"] == report.ref
    assert (record["service_code"], record["service_name"]) == ("plastic", "Plastic")
    assert (record["lat"], record["long"]) == (float(BANGKOK[0]), float(BANGKOK[1]))
    for name in DATETIME_FIELDS:
        assert record[name].endswith("+07:00")  # DEFAULT_TIMEZONE, Asia/Bangkok
    assert assert_w3c(record["requested_datetime"]) == report.created_at.replace(microsecond=0)
    assert assert_w3c(record["expected_datetime"]) == report.sla_due_at.replace(microsecond=0)
    assert_w3c(record["updated_datetime"])


async def test_get_requests_xml_has_every_field(
        open311_settings: Settings, client: httpx.AsyncClient) -> None:
    report = await chat_report(open311_settings)
    [request] = items_of(xml_of(await client.get(f"{BASE}/requests.xml")), "service_requests",
                         "request")
    fields = children(request)
    assert set(fields) == REQUEST_FIELDS
    assert fields["service_request_id"].text == report.ref
    assert fields["status"].text == "open"
    assert fields["zipcode"].text is None  # unknown: an empty element, as in the spec
    for name in DATETIME_FIELDS:
        assert_w3c(fields[name].text or "")


async def test_get_one_request_is_a_one_element_list(
        open311_settings: Settings, client: httpx.AsyncClient) -> None:
    report = await chat_report(open311_settings)
    [record] = json_of(await client.get(f"{BASE}/requests/{report.ref}.json"))
    assert set(record) == REQUEST_FIELDS
    [request] = items_of(xml_of(await client.get(f"{BASE}/requests/{report.ref}.xml")),
                         "service_requests", "request")
    assert set(children(request)) == REQUEST_FIELDS


async def test_an_unknown_request_is_404(client: httpx.AsyncClient) -> None:
    assert_errors(json_of(await client.get(f"{BASE}/requests/WN-NONE.json"), 404), 404)
    assert_xml_errors(xml_of(await client.get(f"{BASE}/requests/WN-NONE.xml"), 404), 404)


@pytest.mark.parametrize("status", list(Status))
async def test_status_maps_to_open_or_closed(
        status: Status, open311_settings: Settings, client: httpx.AsyncClient) -> None:
    report = await chat_report(open311_settings)
    await Report.filter(id=report.id).update(status=status)
    [record] = json_of(await client.get(f"{BASE}/requests/{report.ref}.json"))
    assert record["status"] == STATUS_MAP[status]


@pytest.mark.parametrize("query", [
    {"start_date": "yesterday"}, {"end_date": "2026-13-01T00:00:00Z"},
    {"start_date": "20260101T000000Z"}, {"status": "pending"},
    {"start_date": "2026-01-01T00:00:00Z", "end_date": "2025-12-01T00:00:00Z"},
    {"start_date": "2025-01-01T00:00:00Z", "end_date": "2025-06-01T00:00:00Z"},
])
async def test_bad_request_filters_are_400(client: httpx.AsyncClient,
                                           query: dict[str, str]) -> None:
    assert_errors(json_of(await client.get(f"{BASE}/requests.json", params=query), 400), 400)
    assert_xml_errors(xml_of(await client.get(f"{BASE}/requests.xml", params=query), 400), 400)


async def test_w3c_dates_of_every_precision_are_accepted(client: httpx.AsyncClient) -> None:
    for start in ("2026-10-01", "2026-10-01T00:00Z", "2026-10-01T00:00:00.5+07:00",
                  "2026-10-01T00:00:00"):
        json_of(await client.get(f"{BASE}/requests.json", params={"start_date": start}))


async def test_an_unencoded_plus_in_an_offset_is_read_as_plus(
        open311_settings: Settings, client: httpx.AsyncClient) -> None:
    report = await chat_report(open311_settings)
    start = report.created_at.strftime("%Y-%m-%dT00:00:00")
    body = json_of(await client.get(f"{BASE}/requests.json?start_date={start}+00:00"))
    assert [r["service_request_id"] for r in body] == [report.ref]


# --- tokens, formats, unknown resources ----------------------------------------------------

async def test_token_answer_json_and_xml(open311_settings: Settings,
                                         client: httpx.AsyncClient) -> None:
    report = await chat_report(open311_settings)
    [answer] = json_of(await client.get(f"{BASE}/tokens/{report.ref}.json"))
    assert set(answer) == TOKEN_FIELDS
    [request] = items_of(xml_of(await client.get(f"{BASE}/tokens/{report.ref}.xml")),
                         "service_requests", "request")
    assert {k: v.text for k, v in children(request).items()} == {
        "service_request_id": report.ref, "token": report.ref}
    assert_xml_errors(xml_of(await client.get(f"{BASE}/tokens/nope.xml"), 404), 404)


@pytest.mark.parametrize("path", ["discovery.html", "services.csv", "services/plastic.yaml",
                                  "requests.txt", "requests/WN-AAAA.atom", "tokens/x.rss"])
async def test_an_unknown_format_is_404_in_xml(client: httpx.AsyncClient, path: str) -> None:
    assert_xml_errors(xml_of(await client.get(f"{BASE}/{path}"), 404), 404)


async def test_posting_in_an_unknown_format_is_404(client: httpx.AsyncClient) -> None:
    response = await client.post(f"{BASE}/requests.html", data={"api_key": API_KEY})
    assert_xml_errors(xml_of(response, 404), 404)


async def test_an_unknown_resource_is_404_in_the_spec_format(client: httpx.AsyncClient) -> None:
    assert_errors(json_of(await client.get(f"{BASE}/graffiti.json"), 404), 404)
    assert_xml_errors(xml_of(await client.get(f"{BASE}/graffiti"), 404), 404)


async def test_free_text_with_markup_and_control_characters_stays_well_formed_xml(
        client: httpx.AsyncClient) -> None:
    text = "<b>Bins & bags</b> \x07 ขยะ"
    ref = json_of(await post_request(client, description=text))[0]["service_request_id"]
    [request] = items_of(xml_of(await client.get(f"{BASE}/requests/{ref}.xml")),
                         "service_requests", "request")
    assert children(request)["description"].text == "<b>Bins & bags</b>  ขยะ"
