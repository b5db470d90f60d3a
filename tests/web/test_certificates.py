"""The certificate PDF route and the public /verify page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import httpx
import pytest

from core.certificates.service import issue
from core.settings import Settings
from core.training.models import Certificate, Module
from core.users.models import User
from core.users.service import CONSENT_VERSION
from tests.factories import CONSENTED_AT
from web import certificates
from web.app import create_app

NOW = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)
UNKNOWN = "2345-6789-AB"


@asynccontextmanager
async def certificates_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The real app with the certificates router added, as web/app.py will once it is wired."""
    app = create_app(settings, manage_db=False)
    if not any(getattr(r, "path", "").startswith("/verify/") for r in app.routes):
        app.include_router(certificates.router)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        yield client


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with certificates_client(settings) as c:
        yield c


async def certificate(name: str = "สมชาย ใจดี", locale: str = "th") -> Certificate:
    user = await User.create(display_name=name, locale=locale, timezone="Asia/Bangkok",
                             consent_version=CONSENT_VERSION, consented_at=CONSENTED_AT)
    module = await Module.create(code="sorting", certificate=True, published=True, titles={
        "en": "Sorting household waste", "th": "การคัดแยกขยะในครัวเรือน"})
    return await issue(user, module, NOW)


async def test_verify_confirms_a_genuine_certificate(client: httpx.AsyncClient) -> None:
    cert = await certificate()
    response = await client.get(f"/verify/{cert.code}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert '<html lang="en">' in page and "Genuine certificate" in page
    assert '<dd lang="th">สมชาย ใจดี</dd>' in page and "การคัดแยกขยะในครัวเรือน" in page
    assert '<time datetime="2026-01-05">January 5, 2026</time>' in page
    assert f'href="https://wastenexus.test/certificates/{cert.code}.pdf"' in page


async def test_verify_page_loads_nothing_from_elsewhere(client: httpx.AsyncClient) -> None:
    cert = await certificate()
    response = await client.get(f"/verify/{cert.code}")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert "<script" not in response.text and "<link" not in response.text
    assert "src=" not in response.text


async def test_verify_accepts_the_code_as_typed(client: httpx.AsyncClient) -> None:
    cert = await certificate()
    response = await client.get(f"/verify/{cert.code.lower().replace('-', '')}")
    assert response.status_code == 200 and cert.code in response.text


async def test_verify_says_no_certificate_for_an_unknown_code(
        client: httpx.AsyncClient) -> None:
    await certificate()
    response = await client.get(f"/verify/{UNKNOWN}")
    assert response.status_code == 404
    assert "No certificate with this code" in response.text
    assert "Genuine" not in response.text


async def test_verify_escapes_the_holder_name(client: httpx.AsyncClient) -> None:
    cert = await certificate(name='<script>alert("x")</script> & Co', locale="en")
    page = (await client.get(f"/verify/{cert.code}")).text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in page
    assert "<script>" not in page


async def test_verify_escapes_an_unknown_code(client: httpx.AsyncClient) -> None:
    response = await client.get("/verify/<img src=x onerror=alert(1)>")
    assert response.status_code == 404
    assert "<img" not in response.text and "&lt;img src=x onerror=alert(1)&gt;" in response.text


async def test_verify_answers_json_when_asked(client: httpx.AsyncClient) -> None:
    cert = await certificate()
    response = await client.get(f"/verify/{cert.code}", headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.headers["vary"] == "Accept"
    assert response.json() == {
        "valid": True, "code": cert.code, "holder_name": "สมชาย ใจดี",
        "module_title": "การคัดแยกขยะในครัวเรือน", "locale": "th",
        "issued_at": "2026-01-05T03:00:00+00:00", "issued_on": "2026-01-05",
        "pdf_url": f"https://wastenexus.test/certificates/{cert.code}.pdf",
        "verify_url": f"https://wastenexus.test/verify/{cert.code}"}


async def test_verify_answers_json_404_for_an_unknown_code(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/verify/{UNKNOWN}", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.json()["valid"] is False


def test_browsers_get_html_and_machines_that_ask_get_json() -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert not certificates.wants_json(browser)
    assert not certificates.wants_json("*/*") and not certificates.wants_json("")
    assert certificates.wants_json("application/json")
    assert certificates.wants_json("application/json, text/html;q=0.5")


async def test_pdf_route_serves_the_pdf_inline_and_cacheable(client: httpx.AsyncClient) -> None:
    cert = await certificate()
    response = await client.get(f"/certificates/{cert.code}.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == \
        f'inline; filename="certificate-{cert.code}.pdf"'
    assert response.headers["cache-control"] == "public, max-age=86400"
    assert response.headers["etag"].startswith('"')
    assert response.content.startswith(b"%PDF-")


async def test_pdf_route_answers_304_to_a_matching_etag(client: httpx.AsyncClient) -> None:
    cert = await certificate()
    first = await client.get(f"/certificates/{cert.code}.pdf")
    again = await client.get(f"/certificates/{cert.code}.pdf",
                             headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


async def test_pdf_route_is_404_for_an_unknown_code(client: httpx.AsyncClient) -> None:
    await certificate()
    response = await client.get(f"/certificates/{UNKNOWN}.pdf")
    assert response.status_code == 404
