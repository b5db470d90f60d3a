"""The diary through the real engine and database: guided, typed, undo."""

from __future__ import annotations

from core.diary.models import DiaryEntry
from core.ledger.models import LedgerEntry
from core.ledger.service import replay
from core.settings import Settings
from tests.harness import Chat, buttons_of, text_of


async def test_typed_entry_reports_co2e_credits_and_balance(settings: Settings) -> None:
    chat = Chat.build(settings)
    await chat.onboard()
    replies = await chat.say("2 kg plastic bottles recycled")
    text = text_of(replies)
    # th-diary: plastic_bottles landfill 1.0388, recycled 0.4044; 15 credits per kg.
    assert "1.27 kg CO2e" in text
    # 30 + the first-entry achievement (10) + the daily recycling goal (15) = 55
    # (th_diary_gamification.csv: first_scan 10, recycle_something 15)
    assert "+30 credits." in text and "Balance: 55." in text
    entry = await DiaryEntry.get()
    assert (entry.grams, entry.co2e_avoided_g, entry.credits) == (2000, 1269, 30)
    assert entry.factor_set == "th-diary" and entry.factor_version == "2024.1"


async def test_guided_entry_by_buttons(settings: Settings) -> None:
    chat = Chat.build(settings)
    await chat.onboard()
    assert "log:c:food_waste" in buttons_of(await chat.tap("log"))
    assert "log:m:food_waste:composted" in buttons_of(await chat.tap("log:c:food_waste"))
    await chat.tap("log:m:food_waste:composted")
    text = text_of(await chat.say("500 g"))
    assert "+11 credits" in text  # 0.5 kg x 22 credits = 11


async def test_undo_appends_a_compensating_ledger_row(settings: Settings) -> None:
    chat = Chat.build(settings)
    await chat.onboard()
    await chat.say("2 kg plastic bottles recycled")
    text = text_of(await chat.say("undo"))
    # The entry's 30 are reversed; its goal (15) and achievement (10) rewards, each given
    # once, stay: 30 + 15 + 10 - 30 = 25.
    assert "-30 credits" in text and "Balance: 25" in text
    amounts = [row.amount async for row in LedgerEntry.all().order_by("seq")]
    assert amounts == [30, 15, 10, -30]
    user_id = (await DiaryEntry.get()).user_id  # type: ignore[attr-defined]
    assert (await replay(user_id)).balance == 25
