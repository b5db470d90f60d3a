"""The content-addressed local store and MEDIA_STORE_URL parsing (core/media/store.py)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from core.media.s3 import S3MediaStore
from core.media.store import (
    InvalidKey,
    LocalMediaStore,
    MediaNotFound,
    MediaStoreConfigError,
    S3Config,
    UnsupportedContentType,
    content_type_of,
    open_media_store,
    s3_config_from_env,
)

PHOTO = b"\xff\xd8\xff\xe0 not really a jpeg, but the store does not look"
KEY = hashlib.sha256(PHOTO).hexdigest() + ".jpg"
CREDENTIALS = S3Config(access_key_id="AKIDEXAMPLE", secret_access_key="secret")


@pytest.fixture
def store(tmp_path: Path) -> LocalMediaStore:
    return LocalMediaStore(tmp_path / "media")


async def test_put_returns_the_sha256_key_and_get_returns_the_bytes(store: LocalMediaStore) -> None:
    key = await store.put(PHOTO, "image/jpeg")

    assert key == KEY
    assert await store.get(key) == PHOTO
    assert await store.exists(key)


async def test_files_are_sharded_by_the_first_hex_digits(
    store: LocalMediaStore, tmp_path: Path
) -> None:
    await store.put(PHOTO, "image/jpeg")

    assert (tmp_path / "media" / KEY[:2] / KEY[2:4] / KEY).read_bytes() == PHOTO


async def test_same_content_twice_is_stored_once(store: LocalMediaStore, tmp_path: Path) -> None:
    first = await store.put(PHOTO, "image/jpeg")
    second = await store.put(PHOTO, "image/jpeg; charset=binary")

    assert first == second
    assert [p for p in (tmp_path / "media").rglob("*") if p.is_file()] == [store.path_for(KEY)]


async def test_put_leaves_no_temporary_files(store: LocalMediaStore, tmp_path: Path) -> None:
    await store.put(PHOTO, "image/jpeg")
    await store.put(b"another", "image/png")

    names = [p.name for p in (tmp_path / "media").rglob("*") if p.is_file()]
    assert not [name for name in names if name.startswith(".") or name.endswith(".part")]


async def test_extension_follows_the_content_type(store: LocalMediaStore) -> None:
    key = await store.put(b"webp bytes", "image/webp")

    assert key.endswith(".webp")
    assert content_type_of(key) == "image/webp"


async def test_unknown_content_type_is_refused(store: LocalMediaStore) -> None:
    with pytest.raises(UnsupportedContentType):
        await store.put(PHOTO, "application/x-msdownload")


async def test_get_of_a_missing_key_raises_media_not_found(store: LocalMediaStore) -> None:
    with pytest.raises(MediaNotFound):
        await store.get(KEY)

    assert not await store.exists(KEY)


@pytest.mark.parametrize(
    "key",
    [
        "../../etc/passwd",
        f"../{KEY}",
        f"{KEY[:2]}/../../{KEY}",
        f"/{KEY}",
        KEY.upper(),
        KEY[:-4] + ".exe",
        KEY + "\n",
        KEY[:10] + ".jpg",
        "",
    ],
)
async def test_keys_that_are_not_ours_are_rejected(store: LocalMediaStore, key: str) -> None:
    with pytest.raises(InvalidKey):
        await store.get(key)
    with pytest.raises(InvalidKey):
        await store.exists(key)


def test_relative_root_without_base_dir_is_refused() -> None:
    with pytest.raises(MediaStoreConfigError):
        LocalMediaStore(Path("var/media"))


def test_file_url_resolves_relative_paths_against_base_dir(tmp_path: Path) -> None:
    store = open_media_store("file://var/media", tmp_path)

    assert isinstance(store, LocalMediaStore)
    assert store.root == tmp_path / "var" / "media"


def test_file_url_keeps_absolute_paths(tmp_path: Path) -> None:
    store = open_media_store(f"file://{tmp_path}/media", Path("/elsewhere"))

    assert isinstance(store, LocalMediaStore)
    assert store.root == tmp_path / "media"


async def test_s3_url_opens_an_s3_store_for_bucket_and_prefix(tmp_path: Path) -> None:
    store = open_media_store("s3://wastenexus-media/reports/photos", tmp_path, s3=CREDENTIALS)
    try:
        assert isinstance(store, S3MediaStore)
        assert store.url_for(KEY) == (
            f"https://s3.us-east-1.amazonaws.com/wastenexus-media/reports/photos/{KEY}"
        )
    finally:
        await store.close()


@pytest.mark.parametrize("s3", [None, S3Config(access_key_id="AKIDEXAMPLE")])
def test_s3_url_without_credentials_is_refused(tmp_path: Path, s3: S3Config | None) -> None:
    with pytest.raises(MediaStoreConfigError):
        open_media_store("s3://wastenexus-media/photos", tmp_path, s3=s3)


@pytest.mark.parametrize(
    "url", ["s3://", "s3://Bad_Bucket/x", "http://example.com/media", "file://", "var/media"]
)
def test_unusable_urls_are_refused(tmp_path: Path, url: str) -> None:
    with pytest.raises(MediaStoreConfigError):
        open_media_store(url, tmp_path, s3=CREDENTIALS)


def test_s3_config_from_env_defaults_to_aws_us_east_1() -> None:
    config = s3_config_from_env({"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s"})

    assert config == S3Config("AKID", "s", "us-east-1", "")
    assert config.endpoint == "https://s3.us-east-1.amazonaws.com"


def test_s3_config_from_env_reads_region_and_endpoint() -> None:
    config = s3_config_from_env(
        {
            "AWS_ACCESS_KEY_ID": "AKID",
            "AWS_SECRET_ACCESS_KEY": "s",
            "AWS_REGION": "ap-southeast-1",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:9000/",
        }
    )

    assert config.region == "ap-southeast-1"
    assert config.endpoint == "http://127.0.0.1:9000"
