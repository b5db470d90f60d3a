"""The certificate PDF and the public page that says whether a certificate code is genuine."""

from __future__ import annotations

import asyncio
import hashlib
from html import escape

from babel.dates import format_date
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from core.certificates.pdf import render
from core.certificates.service import by_code, certificate_urls, issued_on
from core.training.models import Certificate
from web.deps import deps_of

router = APIRouter()
# The PDF is a pure function of the stored snapshot, so caches may keep it; a day, not a
# year, so a renderer fix or a deleted account is seen by tomorrow.
PDF_CACHE = "public, max-age=86400"
PAGE_CACHE = "public, max-age=300"
# Holders' names stay out of search engines; the page loads nothing from anywhere.
PRIVATE = {"X-Robots-Tag": "noindex", "X-Content-Type-Options": "nosniff"}
PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
STYLE = """
body{margin:0;font:1.05rem/1.6 system-ui,sans-serif;color:#1c2420;background:#f6f8f6}
main{max-width:36rem;margin:3rem auto;padding:2rem;background:#fff;border:1px solid #c9d6cd;
border-radius:.5rem}
h1{color:#185434;font-size:1.6rem;margin:0 0 1rem}
h1.bad{color:#8a1c1c}
dt{color:#4f5d56;font-size:.9rem}dd{margin:0 0 .8rem;font-weight:600}
a{color:#0b4f8a}a:focus{outline:3px solid #0b4f8a;outline-offset:2px}
"""


@router.get("/certificates/{code}.pdf")
async def certificate_pdf(code: str, request: Request) -> Response:
    cert = await by_code(code)
    if cert is None:
        return JSONResponse({"error": "not found"}, status_code=404, headers=PRIVATE)
    urls = certificate_urls(deps_of(request).settings, cert)
    pdf = await asyncio.to_thread(render, cert, urls.verify)  # CPU-bound: keep the loop free
    etag = f'"{hashlib.sha256(pdf).hexdigest()[:32]}"'
    headers = {**PRIVATE, "Cache-Control": PDF_CACHE, "ETag": etag}
    if _matches(request.headers.get("if-none-match", ""), etag):
        return Response(status_code=304, headers=headers)
    headers["Content-Disposition"] = f'inline; filename="certificate-{cert.code}.pdf"'
    return Response(pdf, media_type="application/pdf", headers=headers)


@router.get("/verify/{code}")
async def verify(code: str, request: Request) -> Response:
    cert = await by_code(code)
    headers = {**PRIVATE, "Cache-Control": PAGE_CACHE, "Vary": "Accept"}
    if wants_json(request.headers.get("accept", "")):
        body = _json(cert, request) if cert else {"valid": False, "error": "not found"}
        return JSONResponse(body, status_code=200 if cert else 404, headers=headers)
    headers["Content-Security-Policy"] = PAGE_POLICY
    if cert is None:
        return HTMLResponse(unknown_page(code), status_code=404, headers=headers)
    pdf_url = certificate_urls(deps_of(request).settings, cert).pdf
    return HTMLResponse(genuine_page(cert, pdf_url), headers=headers)


def wants_json(accept: str) -> bool:
    """True when the client ranks application/json at least as high as text/html."""
    quality: dict[str, float] = {}
    for item in accept.lower().split(","):
        media, *params = (part.strip() for part in item.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        quality[media] = q
    json_q = quality.get("application/json", 0.0)
    return json_q > 0 and json_q >= quality.get("text/html", 0.0)


def genuine_page(cert: Certificate, pdf_url: str) -> str:
    day = issued_on(cert)
    lang = escape(cert.locale)
    return _page("Genuine certificate", f"""
<h1>Genuine certificate</h1>
<p>WasteNexus issued this certificate of completion.</p>
<dl>
<dt>Holder</dt><dd lang="{lang}">{escape(cert.holder_name)}</dd>
<dt>Training module</dt><dd lang="{lang}">{escape(cert.module_title)}</dd>
<dt>Issued on</dt><dd><time datetime="{day.isoformat()}">{
        escape(format_date(day, format="long", locale="en"))}</time></dd>
<dt>Verification code</dt><dd>{escape(cert.code)}</dd>
</dl>
<p><a href="{escape(pdf_url)}" type="application/pdf">Open the certificate (PDF)</a></p>""")


def unknown_page(code: str) -> str:
    return _page("No certificate with this code", f"""
<h1 class="bad">No certificate with this code</h1>
<p>WasteNexus has issued no certificate with the code <strong>{escape(code[:40])}</strong>.
Check the code printed under the QR code and try again.</p>""")


def _page(title: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{escape(title)} · WasteNexus</title>
<style>{STYLE}</style>
</head>
<body>
<main>{body}
</main>
</body>
</html>
"""


def _json(cert: Certificate, request: Request) -> dict[str, object]:
    urls = certificate_urls(deps_of(request).settings, cert)
    return {"valid": True, "code": cert.code, "holder_name": cert.holder_name,
            "module_title": cert.module_title, "locale": cert.locale,
            "issued_at": cert.issued_at.isoformat(), "issued_on": issued_on(cert).isoformat(),
            "pdf_url": urls.pdf, "verify_url": urls.verify}


def _matches(if_none_match: str, etag: str) -> bool:
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return etag in tags or "*" in tags
