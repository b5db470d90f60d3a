"""Typed one-line diary entries in English, Thai and Hindi (handlers/diary.py), partial
entries that ask for the rest, and the balance (handlers/credits.py).
avoided = grams x (EF(baseline) - EF(method)), figures from core/factors/data/*.csv."""

from __future__ import annotations

from datetime import UTC, datetime

from core.conversation.models import Conversation
from core.diary.models import DiaryEntry
from core.settings import Settings
from tests.harness import Chat, buttons_of, text_of

WEDNESDAY = datetime(2026, 3, 11, 5, 0, tzinfo=UTC)  # 12:00 in Bangkok
LAST_SUNDAY = datetime(2026, 3, 8, 5, 0, tzinfo=UTC)  # the week before (weeks start Monday)


async def onboarded(settings: Settings, lang: str = "en", province: str = "Bangkok") -> Chat:
    chat = Chat.build(settings, lang=lang)
    await chat.onboard(province)
    return chat


def at(chat: Chat, when: datetime) -> None:
    chat.pipeline.runtime.clock = lambda: when


async def logged() -> tuple[str, str, str, int, int | None, int]:
    entry = await DiaryEntry.get()
    category = await entry.category
    return (entry.factor_set, category.code, entry.method, entry.grams, entry.co2e_avoided_g,
            entry.credits)


# ----------------------------------------------------------------------------- one line


async def test_english_line_logs_plastic_bottles_recycled(settings: Settings) -> None:
    chat = await onboarded(settings)
    replies = await chat.say("2 kg plastic bottles recycled")
    # 2000 g x (1.0388 - 0.4044) = 1268.8 -> 1269 g avoided; 2 kg x 15 = 30 credits
    assert await logged() == ("th-diary", "plastic_bottles", "recycled", 2000, 1269, 30)
    # The first entry also unlocks First Step (+10) and meets Daily Recycler (+15):
    # 30 + 10 + 15 = 55 (th_diary_gamification.csv)
    assert text_of(replies).splitlines() == [
        "Logged: 2 kg Plastic bottles, Recycled.",
        "You avoided 1.27 kg CO2e compared with throwing it away.",
        "+30 credits.",
        "Achievement unlocked: First Step! +10 credits.",
        "Daily goal met: Daily Recycler! +15 credits.",
        "Balance: 55.",
        "Day streak: 1.",
    ]


async def test_thai_line_logs_plastic_bottles_recycled(settings: Settings) -> None:
    chat = await onboarded(settings, "th", "กรุงเทพ")
    replies = await chat.say("ขวดพลาสติก 2 กิโล รีไซเคิล")
    # the same entry as the English line: 1269 g avoided, 30 credits
    assert await logged() == ("th-diary", "plastic_bottles", "recycled", 2000, 1269, 30)
    t = chat.pipeline.runtime.catalogs.translator("th")
    # and the same rewards: 30 + 10 (first entry) + 15 (daily recycling goal) = 55
    assert replies[0].text.splitlines()[2] == t("{credits} credits.", credits="+30")
    assert t("Balance: {balance}.", balance=55) in replies[0].text.splitlines()


async def test_grams_and_food_waste_composted(settings: Settings) -> None:
    chat = await onboarded(settings)
    replies = await chat.say("500g food waste composted")
    # 500 g x (2.53 - 0.3326) = 500 x 2.1974 = 1098.7 -> 1099; 0.5 kg x 22 = 11 credits
    assert await logged() == ("th-diary", "food_waste", "composted", 500, 1099, 11)
    assert (await DiaryEntry.get()).unit == "g"
    assert "Logged: 500 g Food waste, Composted." in text_of(replies)


async def test_hindi_line_for_an_indian_user_logs_in_the_india_set(settings: Settings) -> None:
    chat = await onboarded(settings, "hi", "Maharashtra")
    replies = await chat.say("2 किलो प्लास्टिक रीसायकल")
    # in-swm plastic: open_dump 0.0, recycled -1.025: 2000 x (0 - (-1.025)) = 2050;
    # 2 kg x 15 = 30 credits
    assert await logged() == ("in-swm", "plastic", "recycled", 2000, 2050, 30)
    assert (await DiaryEntry.get()).factor_version == "2016.1"
    assert "+30" in replies[0].text


async def test_an_english_line_from_an_indian_user_uses_the_india_set(
        settings: Settings) -> None:
    chat = await onboarded(settings, "en", "Maharashtra")
    await chat.say("500g food waste composted")
    # in-swm wet_waste: open_dump 0.56, composted 0.176: 500 x (0.56 - 0.176) = 192;
    # 0.5 kg x 22 = 11 credits
    assert await logged() == ("in-swm", "wet_waste", "composted", 500, 192, 11)


async def test_counted_bottles_are_weighed_by_the_piece(settings: Settings) -> None:
    chat = await onboarded(settings)
    await chat.say("3 bottles recycled")
    # 3 x 13 g = 39 g; 39 x 0.6344 = 24.74 -> 25 g avoided; 0.039 x 15 = 0.585 -> 1 credit
    assert await logged() == ("th-diary", "plastic_bottles", "recycled", 39, 25, 1)
    assert (await DiaryEntry.get()).unit == "pcs"


async def test_a_behaviour_only_method_reports_no_co2e(settings: Settings) -> None:
    chat = await onboarded(settings)
    replies = await chat.say("1 kg food waste reduced")
    assert await logged() == ("th-diary", "food_waste", "reduced", 1000, None, 30)
    assert "No CO2e figure: there is no published factor for this method." in text_of(replies)


# ----------------------------------------------------------------------------- partial lines


async def test_a_line_without_weight_asks_for_it_and_a_number_is_kg(settings: Settings) -> None:
    chat = await onboarded(settings)
    replies = await chat.say("plastic bottles recycled")
    assert replies[0].text.startswith("How much?")
    assert "log:w:plastic_bottles:recycled:1kg" in buttons_of(replies)
    assert await DiaryEntry.all().count() == 0
    await chat.say("3")
    # 3 kg: 3000 x 0.6344 = 1903.2 -> 1903 g avoided; 3 x 15 = 45 credits
    assert await logged() == ("th-diary", "plastic_bottles", "recycled", 3000, 1903, 45)


async def test_a_line_without_method_asks_for_it(settings: Settings) -> None:
    chat = await onboarded(settings)
    replies = await chat.say("500 g food waste")
    assert replies[0].text == "What did you do with the Food waste?"
    assert "log:m:food_waste:composted" in buttons_of(replies)
    await chat.tap("log:m:food_waste:composted")
    assert await logged() == ("th-diary", "food_waste", "composted", 500, 1099, 11)


async def test_a_line_with_only_a_method_asks_for_the_category(settings: Settings) -> None:
    chat = await onboarded(settings)
    replies = await chat.say("recycled 2 kg")
    assert replies[0].text == "What kind of waste?"
    conv = await Conversation.get(identity__external_id="tester")
    assert (conv.step, conv.slots["draft"]["quantity"]) == ("category", "2")


async def test_a_category_typed_at_the_category_step_moves_on(settings: Settings) -> None:
    chat = await onboarded(settings)
    await chat.say("log")
    replies = await chat.say("glass bottles")
    assert replies[0].text == "What did you do with the Glass bottles?"


# ----------------------------------------------------------------------------- balance


async def test_balance_shows_credits_co2e_today_and_week(settings: Settings) -> None:
    chat = await onboarded(settings)
    at(chat, LAST_SUNDAY)
    await chat.say("2 kg plastic bottles recycled")
    at(chat, WEDNESDAY)
    await chat.say("500g food waste composted")
    await chat.say("1 kg glass bottles recycled")
    replies = await chat.say("balance")
    # entries: 2 x 15 + 0.5 x 22 + 1 x 25 = 30 + 11 + 25 = 66
    # rewards (th_diary_gamification.csv): Sunday first_scan 10 + recycle_something 15;
    # Wednesday compost_organic 25 + recycle_something 15, and plastic_free 150 for Sunday
    # (entries, no plastic binned or burned): 10 + 15 + 25 + 15 + 150 = 215; 66 + 215 = 281
    # avoided: 1269 + 1099 + 1000 x (0.5 - 0.2) = 1269 + 1099 + 300 = 2668 g -> 2.67 kg
    # today and this week (Wednesday): 500 g + 1000 g = 1.5 kg in 2 entries
    # level 2 from 100 earned; 500 - 281 = 219 to level 3. Monday and Tuesday are missed in
    # one ISO week: the second miss ends the streak, so it is 1. 281 / 500 = 0.56 -> 0.5 tree
    assert replies[0].text.splitlines() == [
        "Your green credits: 281",
        "CO2e avoided so far: 2.67 kg",
        "Today: 1.5 kg, entries: 2",
        "This week: 1.5 kg",
        "Level 2: Green Warrior",
        "281 credits earned, 219 more to Eco Champion.",
        "Day streak: 1 (longest: 1)",
        "Trees equivalent: 0.5 (500 credits = 1 tree)",
    ]
    assert buttons_of(replies) == ["log", "progress", "menu"]


async def test_balance_after_undo_leaves_the_entry_out(settings: Settings) -> None:
    chat = await onboarded(settings)
    await chat.say("2 kg plastic bottles recycled")
    await chat.say("500g food waste composted")
    await chat.say("undo")
    replies = await chat.say("balance")
    assert replies[0].text.splitlines()[:4] == [
        # 30 + 11 - 11, and the rewards that stay: first_scan 10, recycle_something 15,
        # compost_organic 25 (th_diary_gamification.csv): 30 + 10 + 15 + 25 = 80
        "Your green credits: 80",
        "CO2e avoided so far: 1.27 kg",  # 1269 g
        "Today: 2 kg, entries: 1",
        "This week: 2 kg",
    ]

