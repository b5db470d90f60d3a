"""Reporting a dump through the real pipeline (handlers/report*.py): photos, place, kinds,
size, note, duplicates and +1s, and the way out at every step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from core.conversation.models import Conversation
from core.messages import Photo
from core.reports.models import Report, ReportPhoto, Subscription
from core.reports.service import NewReport, create_report
from core.reports.service import Photo as Stored
from core.settings import Settings
from core.users.models import Identity, User
from tests.harness import Chat, buttons_of, stored_photo, text_of

T0 = datetime(2026, 3, 11, 5, 0, tzinfo=UTC)
LAT, LON = "13.756300", "100.501800"  # Bangkok, Sanam Luang
# 0.00027 degrees of latitude is 30 m (x 111,195 m per degree); 0.00072 is 80 m.
LAT_30_M, LAT_80_M = "13.756570", "13.757020"
STEPS = ("photos", "location", "types", "size", "note", "confirm")
PROVINCE = {"en": "Bangkok", "th": "Bangkok", "hi": "Maharashtra"}
MAIN_MENU_START = ["log", "report", "learn"]


async def reporter(settings: Settings, sender: str = "tester", lang: str = "en") -> Chat:
    chat = Chat.build(settings, sender=sender, lang=lang)
    chat.pipeline.runtime.clock = lambda: T0
    await chat.onboard(PROVINCE[lang])
    return chat


async def conversation(sender: str = "tester") -> Conversation:
    return await Conversation.get(identity__external_id=sender)


async def draft(sender: str = "tester") -> dict:
    return (await conversation(sender)).slots["draft"]


async def at_step(chat: Chat, step: str) -> None:
    """Walk one report to this step: a photo, a pin, plastic, large, no note."""
    moves = [lambda: chat.say("report"), lambda: chat.send_photo(stored_photo(1)),
             lambda: chat.tap("rep:p:done"), lambda: chat.share_location(float(LAT), float(LON)),
             lambda: chat.tap("rep:t:plastic"), lambda: chat.tap("rep:t:done"),
             lambda: chat.tap("rep:z:large"), lambda: chat.tap("rep:n:skip")]
    moves_to = {"photos": 1, "location": 3, "types": 4, "size": 6, "note": 7, "confirm": 8}
    for move in moves[:moves_to[step]]:
        await move()
    assert (await conversation(chat.sender)).step == step


async def finish(chat: Chat) -> list:
    """From the place onwards: plastic, large, no note, send."""
    for data in ("rep:t:plastic", "rep:t:done", "rep:z:large", "rep:n:skip"):
        await chat.tap(data)
    return await chat.tap("rep:send")


async def existing(settings: Settings, lat: str | None = LAT, lon: str | None = LON,
                   photos: tuple[Photo, ...] = ()) -> Report:
    new = NewReport(("mixed",), "medium", Decimal(lat) if lat else None,
                    Decimal(lon) if lon else None, "pin" if lat else "typed",
                    "" if lat else "Wat Pho gate",
                    photos=tuple(Stored(p.key, p.phash) for p in photos))
    return await create_report(new, "chat", T0 - timedelta(days=2), settings)


# ----------------------------------------------------------------------------- the whole flow


async def test_a_full_report_is_saved_with_its_photos_pin_and_details(
        settings: Settings) -> None:
    chat = await reporter(settings)
    await chat.say("report")
    await chat.send_photo(stored_photo(1))
    await chat.send_photo(stored_photo(2))
    await chat.tap("rep:p:done")
    await chat.share_location(float(LAT), float(LON))
    for data in ("rep:t:plastic", "rep:t:mixed", "rep:t:done", "rep:z:large"):
        await chat.tap(data)
    await chat.say("It blocks the footpath")
    replies = await chat.tap("rep:send")
    report = await Report.get()
    assert (report.status, report.location_source, report.latitude, report.longitude) == (
        "reported", "pin", Decimal(LAT), Decimal(LON))
    assert (report.waste_types, report.size, report.note) == (
        ["plastic", "mixed"], "large", "It blocks the footpath")
    assert report.province == "TH-10" and report.source == "chat"
    keys = await ReportPhoto.filter(report=report).order_by("id").values_list("key", flat=True)
    assert keys == [stored_photo(1).key, stored_photo(2).key]
    assert f"Your report is {report.ref}." in text_of(replies)
    assert f"\"status {report.ref}\"" in text_of(replies)


async def test_the_reporter_follows_the_new_report(settings: Settings) -> None:
    chat = await reporter(settings)
    await at_step(chat, "confirm")
    await chat.tap("rep:send")
    subscription = await Subscription.get()
    assert subscription.user_id == (await User.get()).id  # type: ignore[attr-defined]
    assert (await conversation()).flow == ""


async def test_the_confirmation_says_credits_come_only_once_verified(
        settings: Settings) -> None:
    chat = await reporter(settings)
    await at_step(chat, "confirm")
    text = text_of(await chat.tap("rep:send"))
    assert "You earn 50 green credits once the team verifies it." in text


async def test_the_summary_shows_every_answer_before_sending(settings: Settings) -> None:
    chat = await reporter(settings)
    await at_step(chat, "note")
    replies = await chat.say("Smells bad")
    assert replies[0].text == "\n".join([
        "Your report:", "Photos: 1", "Place: 13.75630, 100.50180 (shared pin)",
        "Waste: Plastic", "Size: Large (a pile or cart)", "Note: Smells bad",
        "Send this report?"])
    assert buttons_of(replies) == ["rep:send", "cancel"]
    assert await Report.all().count() == 0


async def test_typed_send_at_the_summary_sends(settings: Settings) -> None:
    chat = await reporter(settings)
    await at_step(chat, "confirm")
    await chat.say("send")
    assert await Report.all().count() == 1


# ----------------------------------------------------------------------------- photos


async def test_a_photo_outside_the_flow_starts_a_report_with_it(settings: Settings) -> None:
    chat = await reporter(settings)
    replies = await chat.send_photo(stored_photo(1))
    conv = await conversation()
    assert (conv.flow, conv.step) == ("report", "photos")
    assert [p["key"] for p in conv.slots["draft"]["photos"]] == [stored_photo(1).key]
    assert "Photo 1 of 5 received." in text_of(replies)
    assert buttons_of(replies) == ["rep:p:done"]


async def test_each_photo_is_acknowledged_with_its_count(settings: Settings) -> None:
    chat = await reporter(settings)
    await chat.say("report")
    await chat.send_photo(stored_photo(1))
    replies = await chat.send_photo(stored_photo(2))
    assert replies[0].text.startswith("Photo 2 of 5 received.")


async def test_the_fifth_photo_ends_the_photo_step(settings: Settings) -> None:
    chat = await reporter(settings)
    for n in range(1, 5):
        await chat.send_photo(stored_photo(n))
    replies = await chat.send_photo(stored_photo(5))
    assert replies[0].text.startswith("Photo 5 of 5 received.\nWhere is it?")
    assert (await conversation()).step == "location"


async def test_a_sixth_photo_is_left_out(settings: Settings) -> None:
    chat = await reporter(settings)
    for n in range(1, 6):
        await chat.send_photo(stored_photo(n))
    replies = await chat.send_photo(stored_photo(6))
    assert "I can take at most 5 photos, so I left out 1." in text_of(replies)
    assert len((await draft())["photos"]) == 5


@pytest.mark.parametrize(("error", "message"), [
    ("too_large", "That photo is too large (over 10 MB), so I couldn't take it."),
    ("not_an_image", "That file isn't a photo I can open."),
    ("unsupported_type", "I can only take JPEG, PNG or WebP photos."),
    ("too_many_pixels", "That picture has too many pixels. Please send an ordinary phone photo."),
    ("unavailable", "I couldn't download that photo. Please send it again."),
])
async def test_a_refused_photo_is_explained_and_not_kept(settings: Settings, error: str,
                                                         message: str) -> None:
    chat = await reporter(settings)
    await chat.say("report")
    replies = await chat.send_photo(Photo(error=error))
    assert replies[0].text.startswith(message)
    assert (await draft())["photos"] == []
    assert buttons_of(replies) == ["rep:p:none"]


async def test_a_photo_that_was_not_stored_is_asked_for_again(settings: Settings) -> None:
    chat = await reporter(settings)
    replies = await chat.send_photo()
    assert "I couldn't keep that photo. Please send it again." in text_of(replies)
    assert (await conversation()).step == "photos"


async def test_no_photo_goes_on_to_the_place(settings: Settings) -> None:
    chat = await reporter(settings)
    await chat.say("report")
    replies = await chat.tap("rep:p:none")
    assert replies[0].text.startswith("Where is it?")
    assert replies[0].ask_location == "Share my location"


async def test_typed_no_photo_goes_on_to_the_place(settings: Settings) -> None:
    chat = await reporter(settings)
    await chat.say("report")
    await chat.say("no photo")
    assert (await conversation()).step == "location"


async def test_a_photo_caption_becomes_the_note(settings: Settings) -> None:
    chat = await reporter(settings)
    await chat.send_photo(stored_photo(1), caption="Bin overflowing again")
    await chat.tap("rep:p:done")
    await chat.share_location(float(LAT), float(LON))
    await finish(chat)
    assert (await Report.get()).note == "Bin overflowing again"


async def test_a_photo_at_a_later_step_joins_the_draft(settings: Settings) -> None:
    chat = await reporter(settings)
    await at_step(chat, "size")
    replies = await chat.send_photo(stored_photo(2))
    assert replies[0].text.startswith("Photo 2 of 5 received.\nHow big is it?")
    assert (await conversation()).step == "size"


# ----------------------------------------------------------------------------- place


async def test_the_photos_location_is_offered_and_used(settings: Settings) -> None:
    chat = await reporter(settings)
    await chat.send_photo(stored_photo(1, LAT, LON))
    replies = await chat.tap("rep:p:done")
    assert "Your photo carries its location" in replies[0].text
    assert buttons_of(replies) == ["rep:l:photo"]
    await chat.tap("rep:l:photo")
    await finish(chat)
    report = await Report.get()
    assert (report.location_source, report.latitude, report.longitude) == (
        "photo", Decimal(LAT), Decimal(LON))


async def test_the_summary_says_the_place_comes_from_the_photo(settings: Settings) -> None:
    chat = await reporter(settings)
    await chat.send_photo(stored_photo(1, LAT, LON))
    await chat.tap("rep:p:done")
    await chat.tap("rep:l:photo")
    for data in ("rep:t:plastic", "rep:t:done", "rep:z:large"):
        await chat.tap(data)
    replies = await chat.tap("rep:n:skip")
    assert "Place: 13.75630, 100.50180 (from your photo)" in replies[0].text


async def test_without_gps_in_any_photo_no_photo_location_is_offered(
        settings: Settings) -> None:
    chat = await reporter(settings)
    await chat.send_photo(stored_photo(1))
    replies = await chat.tap("rep:p:done")
    assert buttons_of(replies) == []
    assert "photo carries" not in replies[0].text


async def test_a_typed_address_is_the_place(settings: Settings) -> None:
    chat = await reporter(settings)
    await chat.say("report")
    await chat.tap("rep:p:none")
    await chat.say("Soi Sukhumvit 11, behind the 7-Eleven")
    await finish(chat)
    report = await Report.get()
    assert (report.location_source, report.address, report.latitude) == (
        "typed", "Soi Sukhumvit 11, behind the 7-Eleven", None)


async def test_a_too_short_place_is_asked_again(settings: Settings) -> None:
    chat = await reporter(settings)
    await at_step(chat, "photos")
    await chat.tap("rep:p:none")
    replies = await chat.say("ok")
    assert replies[0].text.startswith("Sorry, I didn't catch that.\nWhere is it?")
    assert (await conversation()).step == "location"


async def test_a_pin_at_a_later_step_moves_the_place(settings: Settings) -> None:
    chat = await reporter(settings)
    await at_step(chat, "size")
    replies = await chat.share_location(13.7, 100.5)
    assert replies[0].text.startswith("Place saved.\nHow big is it?")
    assert ((await draft())["latitude"], (await draft())["longitude"]) == (
        "13.700000", "100.500000")


async def test_a_pin_outside_any_flow_starts_a_report_there(settings: Settings) -> None:
    chat = await reporter(settings)
    replies = await chat.share_location(float(LAT), float(LON))
    assert replies[0].text.startswith("Let's report a dumping spot or an overflowing bin.\n"
                                      "Place saved.\nSend a photo")
    await chat.tap("rep:p:none")
    await finish(chat)
    report = await Report.get()
    assert (report.location_source, report.latitude) == ("pin", Decimal(LAT))


# ----------------------------------------------------------------------------- kinds and size


async def test_a_tapped_kind_gets_a_checkmark(settings: Settings) -> None:
    chat = await reporter(settings)
    await at_step(chat, "types")
    replies = await chat.tap("rep:t:plastic")
    labels = {b.data: b.label for b in replies[0].buttons}
    assert (labels["rep:t:plastic"], labels["rep:t:mixed"]) == ("✓ Plastic", "Mixed waste")
    assert "Chosen: Plastic" in replies[0].text


async def test_tapping_a_kind_again_unticks_it(settings: Settings) -> None:
    chat = await reporter(settings)
    await at_step(chat, "types")
    await chat.tap("rep:t:plastic")
    replies = await chat.tap("rep:t:plastic")
    assert {b.data: b.label for b in replies[0].buttons}["rep:t:plastic"] == "Plastic"
    assert (await draft())["types"] == []


async def test_several_kinds_are_kept_in_order(settings: Settings) -> None:
    chat = await reporter(settings)
    await at_step(chat, "types")
    for data in ("rep:t:medical", "rep:t:plastic", "rep:t:organic", "rep:t:plastic"):
        await chat.tap(data)
    assert (await draft())["types"] == ["medical", "organic"]


async def test_done_without_a_kind_asks_for_one(settings: Settings) -> None:
    chat = await reporter(settings)
    await at_step(chat, "types")
    replies = await chat.tap("rep:t:done")
    assert replies[0].text.startswith("Please choose at least one kind of waste.")
    assert (await conversation()).step == "types"


async def test_a_number_picks_a_kind_as_sms_users_answer(settings: Settings) -> None:
    chat = await reporter(settings)
    await at_step(chat, "types")
    await chat.say("2")  # the second kind is plastic
    assert (await draft())["types"] == ["plastic"]


async def test_typed_kind_and_size_are_understood(settings: Settings) -> None:
    chat = await reporter(settings)
    await at_step(chat, "types")
    await chat.say("Plastic")
    await chat.say("done")
    await chat.say("truck-load")
    assert ((await draft())["types"], (await draft())["size"]) == (["plastic"], "truckload")


async def test_the_size_step_explains_each_size(settings: Settings) -> None:
    chat = await reporter(settings)
    await at_step(chat, "types")
    await chat.tap("rep:t:plastic")
    replies = await chat.tap("rep:t:done")
    assert "• Small (a bag or two)" in replies[0].text
    assert buttons_of(replies) == ["rep:z:small", "rep:z:medium", "rep:z:large",
                                   "rep:z:truckload"]


# ----------------------------------------------------------------------------- duplicates


async def at_place(settings: Settings, lat: str) -> tuple[Chat, list]:
    chat = await reporter(settings)
    await chat.say("report")
    await chat.tap("rep:p:none")
    return chat, await chat.share_location(float(lat), float(LON))


async def test_an_open_report_30_m_away_is_offered_for_a_plus_one(settings: Settings) -> None:
    first = await existing(settings)
    _, replies = await at_place(settings, LAT_30_M)
    assert replies[0].text.startswith("This spot may already be reported:\n"
                                      f"• {first.ref}: Reported, 2 days ago, "
                                      "about 30 m away")
    assert buttons_of(replies) == [f"rep:plus:{first.ref}", "rep:mine"]
    assert (await conversation()).step == "duplicates"


async def test_a_report_80_m_away_is_not_offered(settings: Settings) -> None:
    await existing(settings)
    _, replies = await at_place(settings, LAT_80_M)
    assert replies[0].text.startswith("What kind of waste is it?")


async def test_a_report_with_the_same_photo_is_offered_without_a_place(
        settings: Settings) -> None:
    first = await existing(settings, lat=None, lon=None, photos=(stored_photo(7),))
    chat = await reporter(settings)
    # The same picture sent again is stored under a new key with the same hash.
    await chat.send_photo(Photo(key="f" * 64 + ".jpg", phash=stored_photo(7).phash))
    await chat.tap("rep:p:done")
    replies = await chat.say("Wat Pho, north gate")
    assert f"• {first.ref}: Reported, 2 days ago, same photo" in replies[0].text
    assert f"rep:plus:{first.ref}" in buttons_of(replies)


async def test_plus_one_counts_subscribes_and_raises_priority(settings: Settings) -> None:
    first = await existing(settings)
    chat, _ = await at_place(settings, LAT_30_M)
    replies = await chat.tap(f"rep:plus:{first.ref}")
    after = await Report.get(id=first.id)
    assert (after.plus_ones, after.priority) == (1, first.priority + 2)
    user = await User.get()
    assert await Subscription.exists(report=after, user=user)
    assert replies[0].text.startswith(f"Thank you! You confirmed {first.ref}")
    assert (await Report.all().count(), (await conversation()).flow) == (1, "")


async def test_a_second_plus_one_by_the_same_person_counts_once(settings: Settings) -> None:
    first = await existing(settings)
    chat, _ = await at_place(settings, LAT_30_M)
    await chat.tap(f"rep:plus:{first.ref}")
    await chat.say("report")
    await chat.tap("rep:p:none")
    await chat.share_location(float(LAT_30_M), float(LON))
    replies = await chat.tap(f"rep:plus:{first.ref}")
    assert (await Report.get(id=first.id)).plus_ones == 1
    assert replies[0].text.startswith(f"You already follow {first.ref}.")


async def test_send_mine_anyway_goes_on_and_creates_a_new_report(settings: Settings) -> None:
    first = await existing(settings)
    chat, _ = await at_place(settings, LAT_30_M)
    replies = await chat.tap("rep:mine")
    assert replies[0].text.startswith("What kind of waste is it?")
    await finish(chat)
    mine = await Report.exclude(id=first.id).get()
    assert (mine.latitude, (await Report.get(id=first.id)).plus_ones) == (
        Decimal(LAT_30_M), 0)


async def test_a_report_set_aside_is_not_offered_again(settings: Settings) -> None:
    await existing(settings)
    chat, _ = await at_place(settings, LAT_30_M)
    await chat.tap("rep:mine")
    replies = await chat.share_location(float(LAT_30_M), 100.501801)
    assert replies[0].text.startswith("Place saved.\nWhat kind of waste is it?")


async def test_a_plus_one_for_a_report_not_offered_is_refused(settings: Settings) -> None:
    far = await existing(settings, lat="13.8", lon="100.6")
    chat = await reporter(settings)
    await at_step(chat, "types")
    replies = await chat.tap(f"rep:plus:{far.ref}")
    assert replies[0].text.startswith("That button is no longer active.")
    assert (await Report.get(id=far.id)).plus_ones == 0


# ----------------------------------------------------------------------------- every step


@pytest.mark.parametrize("step", STEPS)
async def test_help_works_at_each_report_step(settings: Settings, step: str) -> None:
    chat = await reporter(settings)
    await at_step(chat, step)
    replies = await chat.say("help")
    assert replies[0].text.startswith("I keep your waste diary")
    assert buttons_of(replies)[:3] == MAIN_MENU_START


@pytest.mark.parametrize("step", STEPS)
async def test_menu_works_at_each_report_step(settings: Settings, step: str) -> None:
    chat = await reporter(settings)
    await at_step(chat, step)
    replies = await chat.say("menu")
    assert (replies[0].text, buttons_of(replies)[:3]) == ("What would you like to do?",
                                                          MAIN_MENU_START)


@pytest.mark.parametrize("step", STEPS)
async def test_cancel_drops_the_draft_at_each_report_step(settings: Settings,
                                                          step: str) -> None:
    chat = await reporter(settings)
    await at_step(chat, step)
    replies = await chat.say("cancel")
    conv = await conversation()
    assert text_of(replies) == "Cancelled. What would you like to do?"
    assert (conv.flow, conv.slots.get("draft"), await Report.all().count()) == ("", None, 0)


async def test_cancel_at_the_duplicate_offer_drops_the_draft(settings: Settings) -> None:
    await existing(settings)
    chat, _ = await at_place(settings, LAT_30_M)
    await chat.say("ยกเลิก")
    assert (await conversation()).flow == ""


@pytest.mark.parametrize("step", ["photos", "types", "size", "confirm"])
async def test_unknown_text_at_a_step_asks_it_again(settings: Settings, step: str) -> None:
    chat = await reporter(settings)
    await at_step(chat, step)
    replies = await chat.say("xyzzy")
    assert replies[0].text.startswith("Sorry, I didn't catch that.\n")
    assert (await conversation()).step == step


# ----------------------------------------------------------------------------- stale buttons


async def test_a_report_button_after_the_report_was_sent_is_no_longer_active(
        settings: Settings) -> None:
    chat = await reporter(settings)
    await at_step(chat, "confirm")
    await chat.tap("rep:send")
    replies = await chat.tap("rep:send")
    assert replies[0].text == "That button is no longer active. Here is the menu."
    assert await Report.all().count() == 1


async def test_an_earlier_steps_button_asks_the_current_step_again(
        settings: Settings) -> None:
    chat = await reporter(settings)
    await at_step(chat, "size")
    replies = await chat.tap("rep:t:medical")
    assert replies[0].text.startswith("That button is no longer active.\nHow big is it?")
    assert (await draft())["types"] == ["plastic"]


@pytest.mark.parametrize("data", ["rep", "rep:zz", "rep:t:unknown_kind", "rep:t",
                                  "rep:z:huge", "rep:l:photo"])
async def test_a_malformed_report_button_asks_the_step_again(settings: Settings,
                                                             data: str) -> None:
    chat = await reporter(settings)
    await at_step(chat, "types")
    replies = await chat.tap(data)
    assert replies[0].text.startswith("That button is no longer active.\nWhat kind of waste")
    assert (await conversation()).step == "types"


# ----------------------------------------------------------------------------- consent


async def test_a_photo_before_consent_is_asked_for_again_after_consent(
        settings: Settings) -> None:
    chat = Chat.build(settings)
    replies = await chat.send_photo()
    assert buttons_of(replies)[:2] == ["consent:yes", "consent:no"]
    replies = await chat.tap("consent:yes")
    assert replies[0].text.startswith("I couldn't keep the photo you sent before you agreed.")
    assert (await Identity.get()).user_id is not None  # type: ignore[attr-defined]


async def test_consent_without_an_earlier_photo_has_no_photo_reminder(
        settings: Settings) -> None:
    chat = Chat.build(settings)
    await chat.say("start")
    replies = await chat.tap("consent:yes")
    assert "photo" not in text_of(replies)


# ----------------------------------------------------------------------------- languages


@pytest.mark.parametrize(("lang", "word"), [("th", "แจ้งขยะ"), ("hi", "शिकायत")])
async def test_a_report_in_another_language_is_translated_and_labels_fit_line(
        settings: Settings, lang: str, word: str) -> None:
    chat = await reporter(settings, lang=lang)
    t = chat.pipeline.runtime.catalogs.translator(lang)
    replies = [*await chat.say(word), *await chat.send_photo(stored_photo(1, LAT, LON)),
               *await chat.tap("rep:p:done"), *await chat.tap("rep:l:photo"),
               *await chat.tap("rep:t:plastic"), *await chat.tap("rep:t:done"),
               *await chat.tap("rep:z:small"), *await chat.tap("rep:n:skip")]
    assert t("Send this report?") != "Send this report?"
    assert replies[-1].text.endswith(t("Send this report?"))
    assert t("Photo {count} of {max} received.", count=1, max=5) in replies[1].text
    labels = [b.label for r in replies for b in r.buttons]
    assert max(len(label) for label in labels) <= 20  # LINE quick-reply labels
    sent = await chat.tap("rep:send")
    ref = (await Report.get()).ref
    assert sent[0].text.startswith(t("Thank you! Your report is {ref}. The team will check "
                                     "it, and I'll message you here whenever it changes.",
                                     ref=ref))

