"""Menu, help and cancel at every step of the guided diary (handlers/menu.py,
handlers/diary.py), unknown text, and the weight step's refusals."""

from __future__ import annotations

import pytest

from core.conversation.models import Conversation
from core.diary.models import DiaryEntry
from core.events.models import EventStatus, InboundEvent
from core.settings import Settings
from tests.harness import Chat, buttons_of, text_of

MAIN_MENU = ["log", "report", "learn", "progress", "rank", "friends", "myreports", "balance",
             "undo", "language", "help"]
HELP_START = "I keep your waste diary and count your green credits."
UNKNOWN = ("Sorry, I didn't understand that. Try \"2 kg plastic bottles recycled\", "
           "\"balance\" or \"menu\".")
RANGE = "Please give a weight between 10 g and 100 kg."
NO_PIECE_WEIGHT = ("I don't know what one piece weighs for this kind of waste. Please give the "
                   "weight in g or kg.")
STEPS = ("category", "method", "weight")
# Thai and English speakers live in Bangkok (th-diary), Hindi speakers in Maharashtra (in-swm).
PROVINCE = {"en": "Bangkok", "th": "Bangkok", "hi": "Maharashtra"}
BOTTLES = {"en": "plastic_bottles", "th": "plastic_bottles", "hi": "plastic"}


async def onboarded(settings: Settings, lang: str = "en") -> Chat:
    chat = Chat.build(settings, lang=lang)
    await chat.onboard(PROVINCE[lang])
    return chat


async def at_step(settings: Settings, step: str, lang: str = "en") -> Chat:
    chat = await onboarded(settings, lang)
    taps = ["log", f"log:c:{BOTTLES[lang]}", f"log:m:{BOTTLES[lang]}:recycled"]
    for data in taps[:STEPS.index(step) + 1]:
        await chat.tap(data)
    conv = await conversation()
    assert (conv.flow, conv.step) == ("log", step)
    return chat


async def conversation() -> Conversation:
    return await Conversation.get(identity__external_id="tester")


# ----------------------------------------------------------------------------- every step


@pytest.mark.parametrize("step", STEPS)
async def test_help_works_at_each_diary_step(settings: Settings, step: str) -> None:
    chat = await at_step(settings, step)
    replies = await chat.say("help")
    assert replies[0].text.startswith(HELP_START)
    assert buttons_of(replies) == MAIN_MENU


@pytest.mark.parametrize("step", STEPS)
async def test_menu_works_at_each_diary_step(settings: Settings, step: str) -> None:
    chat = await at_step(settings, step)
    replies = await chat.say("menu")
    assert text_of(replies) == "What would you like to do?"
    assert buttons_of(replies) == MAIN_MENU


@pytest.mark.parametrize("step", STEPS)
async def test_cancel_clears_the_flow_at_each_diary_step(settings: Settings, step: str) -> None:
    chat = await at_step(settings, step)
    replies = await chat.say("cancel")
    assert text_of(replies) == "Cancelled. What would you like to do?"
    conv = await conversation()
    assert (conv.flow, conv.step, conv.slots.get("draft")) == ("", "", None)


@pytest.mark.parametrize(("lang", "word"), [("th", "ยกเลิก"), ("hi", "रद्द करें"),
                                            ("en", "/cancel")])
async def test_cancel_words_in_each_language_clear_the_flow(settings: Settings, lang: str,
                                                            word: str) -> None:
    chat = await at_step(settings, "weight", lang)
    await chat.say(word)
    assert (await conversation()).flow == ""


async def test_after_cancel_a_number_is_no_longer_a_weight(settings: Settings) -> None:
    chat = await at_step(settings, "weight")
    await chat.say("cancel")
    await chat.say("3")
    assert await DiaryEntry.all().count() == 0


async def test_cancel_with_nothing_going_on(settings: Settings) -> None:
    chat = await onboarded(settings)
    replies = await chat.say("cancel")
    assert text_of(replies) == "Nothing to cancel. What would you like to do?"


@pytest.mark.parametrize("step", STEPS)
async def test_unrecognised_text_inside_a_step_asks_the_step_again(settings: Settings,
                                                                   step: str) -> None:
    chat = await at_step(settings, step)
    replies = await chat.say("xyzzy")
    assert replies[0].text == "Sorry, I didn't catch that."
    assert (await conversation()).step == step


# ----------------------------------------------------------------------------- unknown text


@pytest.mark.parametrize("text", ["xyzzy", "🙂", "12345", "qwerty " * 500, "2 kg", "kg",
                                  "ไม่รู้", "पता नहीं", "<script>alert(1)</script>"])
async def test_unknown_text_gets_the_hint(settings: Settings, text: str) -> None:
    chat = await onboarded(settings)
    replies = await chat.say(text)
    assert replies[0].text == UNKNOWN
    assert buttons_of(replies) == MAIN_MENU
    statuses = await InboundEvent.all().values_list("status", flat=True)
    assert set(statuses) == {EventStatus.DONE}
    assert await DiaryEntry.all().count() == 0


# ----------------------------------------------------------------------------- weight step


@pytest.mark.parametrize("weight", [pytest.param("200 kg", id="over-100-kg"),
                                    pytest.param("5 g", id="under-10-g")])
async def test_a_weight_out_of_range_gets_the_range_message(settings: Settings,
                                                            weight: str) -> None:
    chat = await at_step(settings, "weight")
    replies = await chat.say(weight)
    assert replies[0].text == RANGE
    assert (await conversation()).step == "weight"
    assert await DiaryEntry.all().count() == 0


@pytest.mark.parametrize("lang", ["th", "hi"])
async def test_the_range_message_is_localised(settings: Settings, lang: str) -> None:
    chat = await at_step(settings, "weight", lang)
    replies = await chat.say("200 kg")
    expected = chat.pipeline.runtime.catalogs.translator(lang)(RANGE)
    assert replies[0].text == expected != RANGE
    assert (await conversation()).step == "weight"


async def test_after_a_refused_weight_a_good_one_is_logged(settings: Settings) -> None:
    chat = await at_step(settings, "weight")
    await chat.say("200 kg")
    await chat.say("1.5 kg")
    entry = await DiaryEntry.get()
    assert (entry.grams, entry.credits) == (1500, 23)  # 1.5 kg x 15 = 22.5 -> 23


async def test_pieces_without_a_piece_weight_get_the_message(settings: Settings) -> None:
    chat = await onboarded(settings)
    for data in ("log", "log:c:food_waste", "log:m:food_waste:composted"):
        await chat.tap(data)
    replies = await chat.say("3 pcs")
    assert replies[0].text == NO_PIECE_WEIGHT
    assert (await conversation()).step == "weight"
    assert await DiaryEntry.all().count() == 0


async def test_pieces_with_a_piece_weight_are_weighed(settings: Settings) -> None:
    chat = await at_step(settings, "weight")
    await chat.say("3 pcs")
    entry = await DiaryEntry.get()
    # piece_weights.csv: a PET bottle is 13 g, so 3 pcs = 39 g
    assert (entry.quantity, entry.unit, entry.grams) == (3, "pcs", 39)


async def test_a_quick_weight_button_logs_that_weight(settings: Settings) -> None:
    chat = await at_step(settings, "weight")
    replies = await chat.tap("log:w:plastic_bottles:recycled:500g")
    entry = await DiaryEntry.get()
    assert (entry.quantity, entry.unit, entry.grams, entry.credits) == (500, "g", 500, 8)
    assert "+8 credits" in text_of(replies)  # 0.5 kg x 15 = 7.5 -> 8


async def test_the_weight_step_offers_pieces_only_where_a_piece_weighs_something(
        settings: Settings) -> None:
    chat = await onboarded(settings)
    await chat.tap("log")
    await chat.tap("log:c:food_waste")
    food = buttons_of(await chat.tap("log:m:food_waste:composted"))
    assert not any(b.endswith("pcs") for b in food)
    await chat.say("cancel")
    await chat.tap("log:c:plastic_bottles")
    bottles = buttons_of(await chat.tap("log:m:plastic_bottles:recycled"))
    assert bottles[:2] == ["log:w:plastic_bottles:recycled:1pcs",
                           "log:w:plastic_bottles:recycled:5pcs"]


# ----------------------------------------------------------------------------- undo


async def test_undo_with_nothing_logged(settings: Settings) -> None:
    chat = await onboarded(settings)
    replies = await chat.tap("undo")
    assert replies[0].text == "There is nothing to undo."
    assert buttons_of(replies) == MAIN_MENU


async def test_undo_reports_what_was_removed(settings: Settings) -> None:
    chat = await onboarded(settings)
    await chat.say("2 kg plastic bottles recycled")
    replies = await chat.tap("undo")
    # The entry's 30 go; First Step (10) and Daily Recycler (15) stay.
    assert replies[0].text == ("Removed: 2 kg Plastic bottles, Recycled. -30 credits. "
                               "Balance: 25.")
    assert (await DiaryEntry.get()).undone_at is not None
