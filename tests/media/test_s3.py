"""SigV4 signing and the S3 store (core/media/s3.py), checked against AWS's worked examples,
botocore's signer, and a moto S3 server that verifies every signature."""

from __future__ import annotations

import hashlib
import re
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from core.media.s3 import S3MediaStore, object_path, sign_request, uri_encode
from core.media.store import MediaNotFound, MediaStoreError, S3Config

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()

# The worked examples of the Amazon S3 API Reference, "Signature Calculations for the
# Authorization Header: Transferring Payload in a Single Chunk (AWS Signature Version 4)".
AWS_EXAMPLE = S3Config("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
AWS_EXAMPLE_TIME = datetime(2013, 5, 24, tzinfo=UTC)
AWS_EXAMPLE_HOST = "https://examplebucket.s3.amazonaws.com"
AWS_EXAMPLE_BODY = b"Welcome to Amazon S3."


@pytest.mark.parametrize(
    ("method", "path", "headers", "body", "signature"),
    [
        (
            "GET",
            "/test.txt",
            {"Range": "bytes=0-9"},
            b"",
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
        ),
        (
            "PUT",
            "/test%24file.text",
            {"Date": "Fri, 24 May 2013 00:00:00 GMT", "x-amz-storage-class": "REDUCED_REDUNDANCY"},
            AWS_EXAMPLE_BODY,
            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd",
        ),
        (
            "GET",
            "/?lifecycle",
            {},
            b"",
            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543",
        ),
        (
            "GET",
            "/?max-keys=2&prefix=J",
            {},
            b"",
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7",
        ),
    ],
)
def test_signature_matches_the_aws_worked_examples(
    method: str, path: str, headers: dict[str, str], body: bytes, signature: str
) -> None:
    signed = sign_request(
        method,
        AWS_EXAMPLE_HOST + path,
        headers,
        hashlib.sha256(body).hexdigest(),
        AWS_EXAMPLE,
        AWS_EXAMPLE_TIME,
    )

    assert signed["authorization"].endswith(f", Signature={signature}")
    assert signed["authorization"].startswith(
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
    )


def botocore_authorization(
    method: str,
    url: str,
    headers: dict[str, str],
    body: bytes,
    config: S3Config,
    now: datetime,
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    monkeypatch.setattr("botocore.auth.get_current_datetime", lambda: now)
    request = AWSRequest(method=method, url=url, data=body, headers=headers)
    credentials = Credentials(config.access_key_id, config.secret_access_key)
    S3SigV4Auth(credentials, "s3", config.region).add_auth(request)
    return str(request.headers["Authorization"])


@pytest.mark.parametrize(
    ("method", "endpoint", "prefix", "headers", "body"),
    [
        (
            "PUT",
            "https://s3.ap-southeast-1.amazonaws.com",
            "reports/photos",
            {"Content-Type": "image/jpeg"},
            b"\xff\xd8 photo bytes",
        ),
        ("GET", "http://127.0.0.1:9000", "", {}, b""),
        ("HEAD", "http://minio.local:9000", "odd prefix/ไทย/a+b=c~d", {}, b""),
        ("PUT", "https://s3.amazonaws.com:443", "x", {"Content-Type": "image/png"}, b"png"),
    ],
)
def test_signature_matches_botocore(
    monkeypatch: pytest.MonkeyPatch,
    method: str,
    endpoint: str,
    prefix: str,
    headers: dict[str, str],
    body: bytes,
) -> None:
    config = S3Config("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "ap-southeast-1")
    now = datetime(2024, 2, 29, 23, 59, 58, tzinfo=UTC)
    url = endpoint + object_path("wastenexus-media", prefix, "ab" * 32 + ".jpg")

    ours = sign_request(method, url, headers, hashlib.sha256(body).hexdigest(), config, now)

    theirs = botocore_authorization(method, url, headers, body, config, now, monkeypatch)
    assert ours["authorization"] == theirs


def test_uri_encode_keeps_only_unreserved_characters() -> None:
    assert uri_encode("a-b_c.d~e") == "a-b_c.d~e"
    assert uri_encode("a b+c/é$") == "a%20b%2Bc%2F%C3%A9%24"


def test_object_path_encodes_each_segment_once() -> None:
    assert object_path("bucket", "/a b//c/", "k.jpg") == "/bucket/a%20b/c/k.jpg"


def test_signing_covers_given_headers_and_drops_a_default_port() -> None:
    signed = sign_request(
        "PUT",
        "https://s3.amazonaws.com:443/b/k",
        {"Content-Type": "a/b"},
        EMPTY_SHA256,
        AWS_EXAMPLE,
        AWS_EXAMPLE_TIME,
    )

    assert signed["host"] == "s3.amazonaws.com"
    assert (
        "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date,"
        in (signed["authorization"])
    )
    assert signed["x-amz-date"] == "20130524T000000Z"


# --- against a real S3 implementation --------------------------------------------------

BUCKET = "wastenexus-media"
SETUP = S3Config("AKIDSETUP", "setup-secret")  # moto checks nothing until auth is turned on


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_serving(endpoint: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"moto server exited with {process.returncode}")
        try:
            httpx.get(endpoint + "/moto-api/", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail("moto server did not start within 30 s")


def signed_call(
    method: str,
    url: str,
    config: S3Config,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    service: str = "s3",
) -> httpx.Response:
    signed = sign_request(
        method,
        url,
        headers or {},
        hashlib.sha256(body).hexdigest(),
        config,
        datetime.now(UTC),
        service,
    )
    return httpx.request(method, url, content=body or None, headers=signed, timeout=10)


def iam_call(endpoint: str, action: str, **params: str) -> str:
    body = httpx.QueryParams({"Action": action, "Version": "2010-05-08", **params})
    response = signed_call(
        "POST",
        endpoint + "/",
        SETUP,
        str(body).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
        "iam",
    )
    response.raise_for_status()
    return response.text


def xml_value(text: str, tag: str) -> str:
    match = re.search(f"<{tag}>([^<]+)</{tag}>", text)
    assert match, f"no {tag} in {text[:300]}"
    return match.group(1)


@pytest.fixture(scope="module")
def moto_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, S3Config]]:
    """A moto S3 server with one bucket and an IAM user, checking every signature after setup."""
    port = free_port()
    log = (tmp_path_factory.mktemp("moto") / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(endpoint, process)
        iam_call(endpoint, "CreateUser", UserName="media")
        iam_call(
            endpoint,
            "PutUserPolicy",
            UserName="media",
            PolicyName="s3",
            PolicyDocument='{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",'
            ' "Action": "s3:*", "Resource": "*"}]}',
        )
        created = iam_call(endpoint, "CreateAccessKey", UserName="media")
        config = S3Config(
            xml_value(created, "AccessKeyId"),
            xml_value(created, "SecretAccessKey"),
            endpoint_url=endpoint,
        )
        signed_call("PUT", f"{endpoint}/{BUCKET}", config).raise_for_status()
        # From here on moto verifies each request's signature against the user's secret.
        httpx.post(endpoint + "/moto-api/reset-auth", content=b"0").raise_for_status()
        yield endpoint, config
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture
async def s3_store(moto_server: tuple[str, S3Config]) -> AsyncIterator[S3MediaStore]:
    _, config = moto_server
    store = S3MediaStore(config, BUCKET, "reports/photos 2024")
    yield store
    await store.close()


async def test_put_get_exists_round_trip_through_s3(s3_store: S3MediaStore) -> None:
    key = await s3_store.put(b"\xff\xd8 a photo of a dumping spot", "image/jpeg")

    assert key == hashlib.sha256(b"\xff\xd8 a photo of a dumping spot").hexdigest() + ".jpg"
    assert await s3_store.exists(key)
    assert await s3_store.get(key) == b"\xff\xd8 a photo of a dumping spot"


async def test_object_is_stored_under_the_prefix_with_its_content_type(
    s3_store: S3MediaStore, moto_server: tuple[str, S3Config]
) -> None:
    endpoint, config = moto_server
    key = await s3_store.put(b"png bytes", "image/png")

    response = signed_call("HEAD", f"{endpoint}/{BUCKET}/reports/photos%202024/{key}", config)

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"


async def test_putting_the_same_content_twice_returns_the_same_key(s3_store: S3MediaStore) -> None:
    first = await s3_store.put(b"same bytes", "image/webp")
    second = await s3_store.put(b"same bytes", "image/webp")

    assert first == second
    assert await s3_store.get(second) == b"same bytes"


async def test_missing_object_raises_media_not_found(s3_store: S3MediaStore) -> None:
    key = "0" * 64 + ".jpg"

    assert not await s3_store.exists(key)
    with pytest.raises(MediaNotFound):
        await s3_store.get(key)


async def test_a_wrong_secret_is_refused_with_its_status(moto_server: tuple[str, S3Config]) -> None:
    _, config = moto_server
    wrong = S3Config(config.access_key_id, "not-the-secret", endpoint_url=config.endpoint_url)
    store = S3MediaStore(wrong, BUCKET)
    try:
        with pytest.raises(MediaStoreError) as caught:
            await store.get("0" * 64 + ".jpg")
    finally:
        await store.close()

    assert caught.value.status == 403
    assert "SignatureDoesNotMatch" in str(caught.value)


async def test_an_unreachable_endpoint_is_a_media_store_error(tmp_path: Path) -> None:
    config = S3Config("AKID", "secret", endpoint_url=f"http://127.0.0.1:{free_port()}")
    store = S3MediaStore(config, BUCKET)
    try:
        with pytest.raises(MediaStoreError) as caught:
            await store.get("0" * 64 + ".jpg")
    finally:
        await store.close()

    assert caught.value.status is None
