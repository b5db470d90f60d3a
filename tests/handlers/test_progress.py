"""Progress through the real engine (handlers/progress.py, handlers/diary.py): what an entry
unlocks, and the progress, achievements and goals screens in English, Thai and Hindi.
Rewards from shared/data/th_diary_gamification.csv; credits per kg from
core/factors/data/th_diary_2024.csv and in_swm_2016.csv."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.gamification.models import ReviewFlag
from core.i18n import Catalogs
from core.settings import Settings
from tests.harness import Chat, buttons_of, text_of

ROOT = Path(__file__).resolve().parents[2]
WEDNESDAY = datetime(2026, 3, 11, 5, 0, tzinfo=UTC)  # 12:00 in Bangkok, 10:30 in Kolkata


async def chat_for(settings: Settings, lang: str = "en", province: str = "Bangkok") -> Chat:
    chat = Chat.build(settings, lang=lang)
    chat.pipeline.runtime.clock = lambda: WEDNESDAY
    await chat.onboard(province)
    return chat


async def test_the_first_entry_reply_names_the_achievement_and_the_goal(
        settings: Settings) -> None:
    chat = await chat_for(settings)
    text = text_of(await chat.say("2 kg plastic bottles recycled"))
    assert "Achievement unlocked: First Step! +10 credits." in text
    assert "Daily goal met: Daily Recycler! +15 credits." in text
    assert "Balance: 55." in text  # 2 kg x 15 = 30; 30 + 10 + 15 = 55


async def test_progress_shows_level_streak_achievements_and_goals(settings: Settings) -> None:
    chat = await chat_for(settings)
    await chat.say("2 kg plastic bottles recycled")
    replies = await chat.say("progress")
    # 55 earned: level 1 below 100, 100 - 55 = 45 to go; 55 / 500 = 0.11 -> 0.1 tree
    assert replies[0].text.splitlines() == [
        "Level 1: Eco Beginner",
        "55 credits earned, 45 more to Green Warrior.",
        "Day streak: 1 (longest: 1)",
        "Trees equivalent: 0.1 (500 credits = 1 tree)",
        "",
        "Achievements: 1 of 7",
        "✓ First Step",
        "○ Daily Tracker: a 7-day streak (1/7)",
        "○ Recycling Hero: 10 items recycled in one day (1/10)",
        "○ Compost Master: 1 kg composted in all (0/1)",
        "○ Plastic-Free Day: a whole day with entries and no plastic binned or burned",
        "○ Waste Warrior: 1,000 credits earned (55/1,000)",
        "○ Tree Saver: 500 credits earned, one tree (55/500)",
        "",
        "Today's goals:",
        "○ Daily Scanner: 5 entries today (1/5)",
        "✓ Daily Recycler: recycle something today",
        "○ Daily Composter: compost organic waste today (0/1)",
        "○ Plastic Avoider: avoid or reuse single-use plastic today (0/1)",
    ]
    assert buttons_of(replies) == ["achievements", "goals", "log", "menu"]


async def test_achievements_show_how_far_a_locked_one_is(settings: Settings) -> None:
    chat = await chat_for(settings)
    await chat.say("500g food waste composted")
    text = text_of(await chat.say("achievements"))
    assert "○ Compost Master: 1 kg composted in all (0.5/1)" in text  # 500 g of 1 kg


async def test_goals_tick_what_was_met_today(settings: Settings) -> None:
    chat = await chat_for(settings)
    await chat.say("500g food waste composted")
    text = text_of(await chat.say("goals"))
    assert "✓ Daily Composter: compost organic waste today" in text
    assert "○ Daily Recycler: recycle something today (0/1)" in text


async def test_an_entry_that_crosses_a_threshold_announces_the_level(
        settings: Settings) -> None:
    chat = await chat_for(settings)
    text = text_of(await chat.say("5 kg glass bottles returned"))
    # 5 kg x 35 = 175, + 10 for the first entry = 185 >= 100
    assert "Level up! You are now level 2: Green Warrior." in text
    assert "Level up" not in text_of(await chat.say("1 kg glass bottles returned"))


async def test_a_capped_entry_says_what_it_earned(db: str, settings: Settings) -> None:
    chat = await chat_for(settings.model_copy(update={"diary_daily_credit_cap": 50}))
    text = text_of(await chat.say("2 kg glass bottles returned"))
    # 2 kg x 35 = 70, cut to the cap of 50
    assert "Today's diary credits are capped at 50, so this entry earned 50 of 70." in text


async def test_an_implausible_entry_is_held_for_review(settings: Settings) -> None:
    chat = await chat_for(settings)
    text = text_of(await chat.say("90 kg e-waste recycled"))
    assert "a person will check this entry. It earns no credits until then." in text
    assert "0 credits. Balance: 0." in text  # 90 kg > 25 kg: nothing credited, no rewards
    assert await ReviewFlag.filter(kind="implausible_entry").count() == 1


async def test_a_thai_user_sees_thai_progress(settings: Settings) -> None:
    chat = await chat_for(settings, "th", "กรุงเทพ")
    await chat.say("ขวดพลาสติก 2 กิโล รีไซเคิล")
    lines = text_of(await chat.say("ความคืบหน้า")).splitlines()
    assert lines[0] == "ระดับ 1: มือใหม่รักษ์โลก"
    assert "✓ ก้าวแรก" in lines and "✓ รีไซเคิลประจำวัน: รีไซเคิลอะไรสักอย่างวันนี้" in lines


async def test_a_hindi_user_sees_hindi_progress(settings: Settings) -> None:
    chat = await chat_for(settings, "hi", "Maharashtra")
    await chat.say("2 किलो प्लास्टिक रीसायकल")
    lines = text_of(await chat.say("प्रगति")).splitlines()
    assert lines[0] == "लेवल 1: इको शुरुआती"
    assert "✓ पहला कदम" in lines and "आज के लक्ष्य:" in lines


@pytest.mark.parametrize(("lang", "province", "word", "heading"), [
    ("th", "กรุงเทพ", "เหรียญ", "ความสำเร็จ: 0 จาก 7"),
    ("th", "กรุงเทพ", "เป้าหมาย", "เป้าหมายวันนี้:"),
    ("hi", "Maharashtra", "उपलब्धियाँ", "उपलब्धियाँ: 7 में से 0"),
    ("hi", "Maharashtra", "लक्ष्य", "आज के लक्ष्य:"),
])
async def test_thai_and_hindi_words_open_achievements_and_goals(
        settings: Settings, lang: str, province: str, word: str, heading: str) -> None:
    chat = await chat_for(settings, lang, province)
    replies = await chat.say(word)
    assert replies[0].text.splitlines()[0] == heading
    labels = Catalogs.load(settings.locales_dir).translator(lang)
    assert [b.label for b in replies[0].buttons][:2] == [labels("Achievements"),
                                                         labels("Daily goals")]
