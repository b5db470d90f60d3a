"""Photos sent in chat are fetched through each platform's content API, cleaned and stored."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from core.events.models import InboundEvent
from core.media.store import LocalMediaStore
from core.settings import Settings
from tests.conftest import make_settings
from tests.factories import citizen
from tests.fakes import payloads as p
from tests.fakes.platform import FakePlatform
from tests.harness import drain, running_app
from tests.photos import geotagged_jpeg

BANGKOK = ("13.756333", "100.494000")


def photo_settings(db: str, fake: FakePlatform, tmp_path: Path) -> Settings:
    return make_settings(db, fake.url, media_store_url=f"file://{tmp_path}/media")


async def stored_photo(tmp_path: Path) -> tuple[dict, bytes]:
    event = await InboundEvent.get()
    (photo,) = event.media
    return photo, await LocalMediaStore(tmp_path / "media").get(photo["key"])


def assert_clean_and_located(photo: dict, data: bytes) -> None:
    assert (Decimal(photo["latitude"]), Decimal(photo["longitude"])) == tuple(
        Decimal(v) for v in BANGKOK)
    assert len(photo["phash"]) == 16 and not photo["error"]
    assert b"SERIAL-12345" not in data and b"TestCam" not in data  # EXIF stripped


async def test_a_line_photo_is_fetched_from_the_content_api(
        db: str, fake: FakePlatform, redis: object, tmp_path: Path) -> None:
    settings = photo_settings(db, fake, tmp_path)
    user_id = "U" + "c" * 32
    await citizen("line", user_id)
    event = p.line_image(user_id, message_id="900001")
    fake.put_line_content("900001", geotagged_jpeg(*BANGKOK), "image/jpeg")
    body, headers = p.line_request(event, secret=settings.line_channel_secret)
    async with running_app(settings) as client:
        assert (await client.post("/webhooks/line", content=body, headers=headers)).is_success
        await drain(settings)
    assert len(fake.calls("line", "content")) == 1
    assert_clean_and_located(*await stored_photo(tmp_path))


async def test_a_telegram_photo_is_fetched_with_get_file(
        db: str, fake: FakePlatform, redis: object, tmp_path: Path) -> None:
    settings = photo_settings(db, fake, tmp_path)
    await citizen("telegram", "4242")
    fake.put_telegram_file("big-file-id", geotagged_jpeg(*BANGKOK), "photos/file_1.jpg")
    update = p.tg_photo(7001, 4242, ["small-file-id", "big-file-id"])
    body, headers = p.tg_request(update, settings.telegram_webhook_secret)
    async with running_app(settings) as client:
        assert (await client.post("/webhooks/telegram", content=body,
                                  headers=headers)).is_success
        await drain(settings)
    (get_file,) = fake.calls("telegram", "getFile")
    assert get_file.params["file_id"] == "big-file-id"  # the largest size
    assert_clean_and_located(*await stored_photo(tmp_path))


async def test_an_mms_photo_is_fetched_with_the_account_credentials(
        db: str, fake: FakePlatform, redis: object, tmp_path: Path) -> None:
    settings = photo_settings(db, fake, tmp_path)
    await citizen("sms", "+66812345678")
    media_url = fake.put_twilio_media(
        f"/2010-04-01/Accounts/{settings.twilio_account_sid}/Messages/MM1/Media/ME1",
        geotagged_jpeg(*BANGKOK), "image/jpeg")
    form = p.twilio_sms("+66812345678", "", media=[(media_url, "image/jpeg")])
    url = settings.public_base_url + "/webhooks/twilio/sms"
    body, headers = p.twilio_request(url, form, settings.twilio_auth_token)
    async with running_app(settings) as client:
        assert (await client.post("/webhooks/twilio/sms", content=body,
                                  headers=headers)).is_success
        await drain(settings)
    (fetch,) = fake.calls("twilio", "media")
    assert fetch.basic_auth == (settings.twilio_account_sid, settings.twilio_auth_token)
    assert_clean_and_located(*await stored_photo(tmp_path))


async def test_photos_of_someone_who_has_not_consented_are_not_stored(
        db: str, fake: FakePlatform, redis: object, tmp_path: Path) -> None:
    settings = photo_settings(db, fake, tmp_path)
    user_id = "U" + "d" * 32
    fake.put_line_content("900002", geotagged_jpeg(*BANGKOK), "image/jpeg")
    body, headers = p.line_request(p.line_image(user_id, message_id="900002"),
                                   secret=settings.line_channel_secret)
    async with running_app(settings) as client:
        assert (await client.post("/webhooks/line", content=body, headers=headers)).is_success
        await drain(settings)
    assert fake.calls("line", "content") == []
    assert (await InboundEvent.get()).media == []
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").rglob("*.jpg"))
