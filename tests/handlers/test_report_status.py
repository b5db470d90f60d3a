"""Following reports through the real pipeline (handlers/reports_status.py): status by ref,
"my reports", and rating a resolved report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from core.reports.models import Rating, Report, ReportEvent, Status
from core.reports.service import NewReport, create_report
from core.settings import Settings
from core.users.models import Identity, User
from tests.harness import Chat, buttons_of, text_of

T0 = datetime(2026, 3, 11, 5, 0, tzinfo=UTC)  # 12:00 in Bangkok
PROVINCE = {"en": "Bangkok", "th": "Bangkok", "hi": "Maharashtra"}
STARS = ["rate:{ref}:5", "rate:{ref}:4", "rate:{ref}:3", "rate:{ref}:2", "rate:{ref}:1"]


async def person(settings: Settings, sender: str = "tester", lang: str = "en") -> Chat:
    chat = Chat.build(settings, sender=sender, lang=lang)
    chat.pipeline.runtime.clock = lambda: T0
    await chat.onboard(PROVINCE[lang])
    return chat


async def report_of(settings: Settings, sender: str | None, when: datetime = T0,
                    types: tuple[str, ...] = ("plastic",)) -> Report:
    """A report as the chat flow makes it, by this sender (followed by them), or anonymous."""
    identity = await Identity.get(external_id=sender) if sender else None
    user = await User.get(id=identity.user_id) if identity else None  # type: ignore[attr-defined]
    new = NewReport(types, "large", Decimal("13.756300"), Decimal("100.501800"), "pin")
    return await create_report(new, "chat", when, settings, reporter=user, identity=identity)


async def resolve(report: Report, when: datetime = T0) -> None:
    """Resolved by the team, written straight to the database as the staff console would."""
    for before, after in (("reported", "verified"), ("verified", "resolved")):
        await ReportEvent.create(report=report, from_status=before, to_status=after,
                                 actor_label="admin:test", created_at=when)
    await Report.filter(id=report.id).update(status=Status.RESOLVED, resolved_at=when,
                                             updated_at=when)


# ----------------------------------------------------------------------------- status


async def test_status_of_my_report_shows_its_progress(settings: Settings) -> None:
    chat = await person(settings)
    report = await report_of(settings, "tester", T0 - timedelta(days=1))
    await ReportEvent.create(report=report, from_status="reported", to_status="verified",
                             actor_label="moderator:test", created_at=T0)
    await Report.filter(id=report.id).update(status=Status.VERIFIED, updated_at=T0)
    replies = await chat.say(f"status {report.ref}")
    assert replies[0].text == "\n".join([
        f"{report.ref}: Verified", "Last update: Mar 11, 2026, 12:00 PM",
        "Waste: Plastic", "Size: Large (a pile or cart)", "Urgency: Normal",
        "Confirmations: 0", "Timeline:", "• Mar 10, 2026: Reported", "• Mar 11, 2026: Verified"])
    assert buttons_of(replies) == ["myreports", "menu"]


async def test_status_works_for_someone_elses_report(settings: Settings) -> None:
    await person(settings, sender="alice")
    report = await report_of(settings, "alice", types=("medical",))
    chat = await person(settings)
    replies = await chat.say(f"status {report.ref.lower()}")
    assert replies[0].text.startswith(f"{report.ref}: Reported")
    assert "Urgency: Urgent" in replies[0].text


async def test_status_of_an_unknown_ref_says_so(settings: Settings) -> None:
    chat = await person(settings)
    replies = await chat.say("status WN-ZZZZ")
    assert replies[0].text == ("I can't find a report WN-ZZZZ. Please check the code, or send "
                               "\"my reports\" to see yours.")


async def test_status_takes_the_ref_without_its_prefix(settings: Settings) -> None:
    chat = await person(settings)
    report = await report_of(settings, "tester")
    replies = await chat.say(f"status {report.ref[3:]}")
    assert replies[0].text.startswith(f"{report.ref}: Reported")


async def test_a_ref_typed_alone_shows_its_status(settings: Settings) -> None:
    chat = await person(settings)
    report = await report_of(settings, "tester")
    replies = await chat.say(report.ref)
    assert replies[0].text.startswith(f"{report.ref}: Reported")


async def test_a_bare_status_lists_my_reports(settings: Settings) -> None:
    chat = await person(settings)
    report = await report_of(settings, "tester")
    replies = await chat.say("status")
    assert f"{report.ref} · Reported · Mar 11, 2026" in replies[0].text


async def test_status_after_a_full_report_in_the_chat(settings: Settings) -> None:
    chat = await person(settings)
    await chat.say("report")
    await chat.tap("rep:p:none")
    await chat.say("Behind Wat Saket")
    for data in ("rep:t:plastic", "rep:t:done", "rep:z:small", "rep:n:skip", "rep:send"):
        await chat.tap(data)
    ref = (await Report.get()).ref
    replies = await chat.say(f"status {ref}")
    assert replies[0].text.startswith(f"{ref}: Reported\nLast update: Mar 11, 2026, 12:00 PM")


# ----------------------------------------------------------------------------- my reports


async def test_my_reports_lists_the_newest_ten_with_buttons(settings: Settings) -> None:
    chat = await person(settings)
    made = [await report_of(settings, "tester", T0 - timedelta(hours=12 - n))
            for n in range(12)]
    replies = await chat.say("my reports")
    newest = [r.ref for r in reversed(made)][:10]
    assert buttons_of(replies) == [*(f"rep:s:{ref}" for ref in newest), "menu"]
    assert replies[0].text.startswith("Reports you made or follow:")


async def test_my_reports_leaves_out_other_peoples_reports(settings: Settings) -> None:
    await person(settings, sender="alice")
    theirs = await report_of(settings, "alice")
    chat = await person(settings)
    mine = await report_of(settings, "tester")
    replies = await chat.tap("myreports")
    assert buttons_of(replies) == [f"rep:s:{mine.ref}", "menu"]
    assert theirs.ref not in replies[0].text


async def test_a_report_picked_from_my_reports_shows_its_status(settings: Settings) -> None:
    chat = await person(settings)
    report = await report_of(settings, "tester")
    await chat.say("my reports")
    replies = await chat.say("1")
    assert replies[0].text.startswith(f"{report.ref}: Reported")


async def test_my_reports_with_none_offers_to_report(settings: Settings) -> None:
    chat = await person(settings)
    replies = await chat.say("my reports")
    assert replies[0].text.startswith("You have no reports yet.")
    assert buttons_of(replies) == ["report", "menu"]


# ----------------------------------------------------------------------------- rating


async def test_a_follower_of_a_resolved_report_is_offered_the_stars(settings: Settings) -> None:
    chat = await person(settings)
    report = await report_of(settings, "tester")
    await resolve(report)
    replies = await chat.say(f"status {report.ref}")
    assert buttons_of(replies) == [s.format(ref=report.ref) for s in STARS]
    assert replies[0].text.endswith("How well was it handled? Tap the stars.")


async def test_rating_a_resolved_report_i_follow_is_stored(settings: Settings) -> None:
    chat = await person(settings)
    report = await report_of(settings, "tester")
    await resolve(report)
    replies = await chat.tap(f"rate:{report.ref}:4")
    rating = await Rating.get()
    assert (rating.report_id, rating.stars) == (report.id, 4)  # type: ignore[attr-defined]
    assert replies[0].text.startswith(f"Thank you! You rated {report.ref} ★★★★☆.")


async def test_rating_again_replaces_the_stars(settings: Settings) -> None:
    chat = await person(settings)
    report = await report_of(settings, "tester")
    await resolve(report)
    await chat.tap(f"rate:{report.ref}:2")
    await chat.tap(f"rate:{report.ref}:5")
    assert [r.stars for r in await Rating.all()] == [5]


async def test_rating_an_open_report_is_refused(settings: Settings) -> None:
    chat = await person(settings)
    report = await report_of(settings, "tester")
    replies = await chat.tap(f"rate:{report.ref}:5")
    assert replies[0].text == (f"You can rate {report.ref} once it is resolved. "
                               "It is now: Reported.")
    assert await Rating.all().count() == 0


async def test_rating_a_report_i_do_not_follow_is_refused(settings: Settings) -> None:
    report = await report_of(settings, None)
    await resolve(report)
    chat = await person(settings)
    replies = await chat.tap(f"rate:{report.ref}:5")
    assert replies[0].text == f"Only the people who reported or confirmed {report.ref} can rate it."
    assert await Rating.all().count() == 0


@pytest.mark.parametrize("data", ["rate", "rate:WN-ABCD", "rate:{ref}:6", "rate:{ref}:0",
                                  "rate:{ref}:x"])
async def test_a_malformed_rating_button_is_no_longer_active(settings: Settings,
                                                            data: str) -> None:
    chat = await person(settings)
    report = await report_of(settings, "tester")
    await resolve(report)
    replies = await chat.tap(data.format(ref=report.ref))
    assert replies[0].text == "That button is no longer active. Here is the menu."
    assert await Rating.all().count() == 0


async def test_rating_an_unknown_ref_says_so(settings: Settings) -> None:
    chat = await person(settings)
    replies = await chat.tap("rate:WN-ZZZZ:5")
    assert replies[0].text.startswith("I can't find a report WN-ZZZZ.")


# ----------------------------------------------------------------------------- languages


@pytest.mark.parametrize(("lang", "word"), [("th", "สถานะ"), ("hi", "स्थिति")])
async def test_status_is_translated(settings: Settings, lang: str, word: str) -> None:
    chat = await person(settings, lang=lang)
    report = await report_of(settings, "tester")
    t = chat.pipeline.runtime.catalogs.translator(lang)
    replies = await chat.say(f"{word} {report.ref}")
    assert t("Reported") != "Reported"
    assert replies[0].text.startswith(t("{ref}: {status}", ref=report.ref,
                                        status=t("Reported")))
    assert t("Timeline:") in text_of(replies)


@pytest.mark.parametrize(("lang", "word"), [("th", "เรื่องของฉัน"), ("hi", "मेरी शिकायतें")])
async def test_my_reports_words_in_each_language(settings: Settings, lang: str,
                                                 word: str) -> None:
    chat = await person(settings, lang=lang)
    report = await report_of(settings, "tester")
    replies = await chat.say(word)
    assert f"rep:s:{report.ref}" in buttons_of(replies)
