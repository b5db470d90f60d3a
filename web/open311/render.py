"""The GeoReport v2 structures, as the spec's JSON or its XML (the Spark convention).

Every field the spec lists is present; one we have no value for is null in JSON and an empty
element in XML, as in the spec's examples (<account_id/>, "agency_responsible":null).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Response

from core.reports.kinds import DESCRIPTIONS, WASTE_TYPES
from core.reports.models import OPEN_STATUSES, Report, Status
from core.reports.notify import media_url
from web.open311.params import Problem

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# "XML: Content-Type: text/xml; charset=utf-8", "JSON: Content-Type: application/json;
# charset=utf-8" (GeoReport v2, Format Support).
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# "the root element must be preceded with the XML declaration including the
# encoding="UTF-8" attribute" (GeoReport v2, Encoding).
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
# The XML name of an array's items, from the spec's response tables ("services ⇊ service ↴").
ITEM_NAMES = {"services": "service", "service_requests": "request", "errors": "error",
              "endpoints": "endpoint", "formats": "format", "attributes": "attribute",
              "values": "value"}
# Characters XML 1.0 cannot carry at all, even escaped; free text loses them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Discovery's changeset "specifies the last time this document was updated"; for GeoReport it
# flags "an update to the Service Discovery list or to the Service Definitions". Our services
# are WASTE_TYPES and DESCRIPTIONS: when they change, bump CHANGESET and CATALOG_DIGEST
# (a test recomputes the digest, so a forgotten bump fails).
CHANGESET = "2026-11-25T00:00:00Z"
CATALOG_DIGEST = "b9d0728ab65b"
GROUP = "Waste"
KEYWORDS = {
    "mixed": "garbage, rubbish, trash, overflowing bin",
    "plastic": "plastic bags, bottles, packaging",
    "organic": "food waste, garden waste, leaves",
    "construction": "rubble, debris, bricks, concrete",
    "bulky": "furniture, mattress, sofa",
    "e_waste": "electronics, batteries, appliances, cables",
    "hazardous": "chemicals, paint, oil",
    "medical": "syringes, needles, dressings",
    "dead_animal": "carcass, animal",
}
# A report made before it had a waste type still needs a service to be listed under.
FALLBACK_CODE = "mixed"


def respond(fmt: str, root: str, body: list[Any] | dict[str, Any],
            status: int = 200) -> Response:
    """JSON as is; XML under `root`, whose arrays become elements of their ITEM_NAMES."""
    if fmt == "json":
        content = json.dumps(body, ensure_ascii=False).encode()
    else:
        content = XML_DECLARATION + ET.tostring(_element(root, body), encoding="unicode").encode()
    return Response(content, status_code=status, media_type=CONTENT_TYPES[fmt])


def errors(fmt: str, problems: list[Problem]) -> Response:
    """The spec's error array; the HTTP status is the first problem's code."""
    body = [{"code": p.code, "description": p.description} for p in problems]
    return respond(fmt, "errors", body, problems[0].code)


def _element(name: str, value: Any) -> ET.Element:
    element = ET.Element(name)
    if isinstance(value, list):
        element.extend(_element(ITEM_NAMES[name], item) for item in value)
    elif isinstance(value, dict):
        element.extend(_element(key, item) for key, item in value.items())
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = _NOT_XML.sub("", str(value))
    return element


def w3c(moment: datetime, tz: ZoneInfo) -> str:
    """A W3C-DTF datetime with its offset, like the spec's 2010-04-14T06:37:38-08:00."""
    return moment.astimezone(tz).isoformat(timespec="seconds")


def discovery(public_base_url: str) -> dict[str, Any]:
    base = public_base_url.rstrip("/")
    return {
        "changeset": CHANGESET,
        "contact": f"WasteNexus for this municipality: {base}",
        "key_service": "api_keys are issued by the municipality's WasteNexus administrators.",
        "endpoints": [{"specification": SPECIFICATION, "url": f"{base}/open311/v2",
                       "changeset": CHANGESET, "type": "production",
                       "formats": ["application/json", "text/xml"]}],
    }


def service(code: str) -> dict[str, Any]:
    keywords = ", ".join(filter(None, ("waste, dumping", KEYWORDS.get(code, ""))))
    return {"service_code": code, "service_name": WASTE_TYPES[code],
            "description": DESCRIPTIONS.get(code, ""), "metadata": False, "type": "realtime",
            "keywords": keywords, "group": GROUP}


def service_definition(code: str) -> dict[str, Any]:
    """No service asks for more than the standard fields, so no attributes."""
    return {"service_code": code, "attributes": []}


def service_code_of(waste_types: list[str]) -> str:
    """A report lists several waste types; the first, the main one, is its service."""
    return waste_types[0] if waste_types else FALLBACK_CODE


def submitted(report: Report, merged: bool, tz: ZoneInfo) -> dict[str, Any]:
    """The POST answer. We have no accounts, so account_id is null ("May not be returned")."""
    if merged:
        notice = (f"This spot was already reported as {report.ref}. Your request was merged "
                  "into it and counted as a confirmation.")
    else:
        notice = (f"Received as {report.ref}. The municipality aims to clear it by "
                  f"{w3c(report.sla_due_at, tz)}.")
    return {"service_request_id": report.ref, "service_notice": notice, "account_id": None}


@dataclass(frozen=True, slots=True)
class RequestView:
    """A report with what its Open311 form needs from other tables."""

    report: Report
    note: str = ""  # the latest note on its timeline
    photo_key: str = ""  # its first photo
    original_ref: str = ""  # the report a duplicate repeats


def service_request(view: RequestView, public_base_url: str, tz: ZoneInfo) -> dict[str, Any]:
    report = view.report
    code = service_code_of(report.waste_types)
    closed = report.status not in OPEN_STATUSES
    # "For requests with status=closed, this will be the date the request was closed."
    updated = report.resolved_at if closed and report.resolved_at else report.updated_at
    contact = report.contact or {}
    media = (media_url(public_base_url, view.photo_key) if view.photo_key
             else contact.get("media_url"))
    return {
        "service_request_id": report.ref,
        "status": "closed" if closed else "open",
        "status_notes": _status_notes(view),
        "service_name": WASTE_TYPES.get(code, code),
        "service_code": code,
        "description": report.note or None,
        "agency_responsible": None,
        "service_notice": None,
        "requested_datetime": w3c(report.created_at, tz),
        "updated_datetime": w3c(updated, tz),
        "expected_datetime": w3c(report.sla_due_at, tz),
        "address": report.address or None,
        "address_id": contact.get("address_id") or None,
        "zipcode": None,
        "lat": float(report.latitude) if report.latitude is not None else None,
        "long": float(report.longitude) if report.longitude is not None else None,
        "media_url": media or None,
    }


def _status_notes(view: RequestView) -> str | None:
    if view.note:
        return view.note
    if view.report.status == Status.DUPLICATE and view.original_ref:
        return f"Duplicate of {view.original_ref}."
    return None


def token(ref: str, given: str) -> dict[str, Any]:
    return {"service_request_id": ref, "token": given}
