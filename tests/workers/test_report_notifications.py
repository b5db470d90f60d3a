"""Every step of a report reaches each subscriber, in their language, on their own channel."""

from __future__ import annotations

from decimal import Decimal

from core.reports import actions, service
from core.reports.lifecycle import Move
from core.reports.models import Status
from core.runtime import Runtime
from core.settings import Settings
from core.staff.models import Role
from core.staff.service import create_staff
from tests.factories import citizen
from tests.fakes.platform import FakePlatform
from tests.harness import drain

PROOF = "a" * 64 + ".jpg"


async def three_subscribers(settings: Settings) -> service.Report:
    runtime = Runtime.build(settings)
    reporter, line_id = await citizen("line", "U" + "e" * 32, locale="th")
    report = await service.create_report(
        service.NewReport(("plastic",), "medium", Decimal("13.7563"), Decimal("100.5018"),
                          "pin"), "chat", runtime.clock(), settings,
        reporter=reporter, identity=line_id)
    for channel, external, locale in (("telegram", "5151", "hi"), ("sms", "+66811112222", "en")):
        user, identity = await citizen(channel, external, locale=locale)
        await service.plus_one(report, user, identity, runtime.clock(), settings)
    return report


async def move_to(report: service.Report, step: Move, role: Role, settings: Settings) -> None:
    actor = await create_staff(f"{role} one", role, email=f"{role}-{step.to}@city.test")
    runtime = Runtime.build(settings)
    await actions.move(report.id, actor, step, runtime, runtime.clock(), ip="203.0.113.9")


async def test_verification_reaches_all_three_channels_in_each_language(
        settings: Settings, fake: FakePlatform) -> None:
    report = await three_subscribers(settings)
    await move_to(report, Move(Status.VERIFIED), Role.MODERATOR, settings)
    await drain(settings)
    (line_push,) = fake.calls("line", "push")
    assert report.ref in line_push.json["messages"][0]["text"]
    assert "ได้รับการตรวจสอบ" in line_push.json["messages"][0]["text"]  # Thai
    (tg,) = fake.calls("telegram", "sendMessage")
    assert "स्वीकार" in tg.params["text"]  # Hindi
    (sms,) = fake.calls("twilio", "messages")
    assert "checked and accepted" in sms.params["Body"] and sms.params["To"] == "+66811112222"


async def test_the_collected_notice_carries_the_proof_photo(
        settings: Settings, fake: FakePlatform) -> None:
    report = await three_subscribers(settings)
    worker = await create_staff("Somchai", Role.WORKER, phone="+66899990000")
    await move_to(report, Move(Status.VERIFIED), Role.MODERATOR, settings)
    await move_to(report, Move(Status.ASSIGNED, assignee=worker), Role.DISPATCHER, settings)
    runtime = Runtime.build(settings)
    await actions.move(report.id, worker, Move(Status.COLLECTED, photo_key=PROOF), runtime,
                       runtime.clock())
    await drain(settings)
    photo_url = f"{settings.public_base_url}/media/{PROOF}"
    line_images = [m for c in fake.calls("line", "push") for m in c.json["messages"]
                   if m["type"] == "image"]
    assert [m["originalContentUrl"] for m in line_images] == [photo_url]
    (tg_photo,) = fake.calls("telegram", "sendPhoto")
    assert tg_photo.params["photo"] == photo_url
    # SMS carries the photo as a link: Twilio has no MMS to Thai or Indian numbers.
    assert any(photo_url in c.params["Body"] for c in fake.calls("twilio", "messages"))


async def test_the_resolved_notice_asks_for_a_rating(settings: Settings,
                                                     fake: FakePlatform) -> None:
    report = await three_subscribers(settings)
    worker = await create_staff("Somchai", Role.WORKER, phone="+66899990000")
    await move_to(report, Move(Status.VERIFIED), Role.MODERATOR, settings)
    await move_to(report, Move(Status.ASSIGNED, assignee=worker), Role.DISPATCHER, settings)
    runtime = Runtime.build(settings)
    await actions.move(report.id, worker, Move(Status.COLLECTED, photo_key=PROOF), runtime,
                       runtime.clock())
    await move_to(report, Move(Status.RESOLVED), Role.DISPATCHER, settings)
    await drain(settings)
    last = fake.calls("telegram", "sendMessage")[-1]
    assert f"rate:{report.ref}:5" in last.params["reply_markup"]
    sms_bodies = [c.params["Body"] for c in fake.calls("twilio", "messages")]
    assert any("resolved" in body and "1 ★★★★★" in body for body in sms_bodies)
