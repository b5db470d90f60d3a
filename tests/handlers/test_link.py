"""Linking a second chat to the same person."""

from __future__ import annotations

import re
from datetime import timedelta

from core.settings import Settings
from core.users.models import Identity, User
from tests.harness import Chat, text_of


async def code_from(chat: Chat) -> str:
    match = re.search(r"\b(\d{6})\b", text_of(await chat.say("link")))
    assert match is not None
    return match.group(1)


async def test_a_second_chat_shares_the_diary_and_balance(settings: Settings) -> None:
    first, second = Chat.build(settings, "phone-a"), Chat.build(settings, "phone-b")
    await first.onboard()
    await first.say("2 kg plastic bottles recycled")
    code = await code_from(first)
    assert "Linked" in text_of(await second.say(f"link {code}"))
    # 30 for the entry, + 10 First Step, + 15 Daily Recycler.
    assert "Your green credits: 55" in text_of(await second.say("balance"))
    assert await User.all().count() == 1
    assert {i.user_id async for i in Identity.all()} == {(await User.get()).id}


async def test_a_code_works_once(settings: Settings) -> None:
    first = Chat.build(settings, "a")
    await first.onboard()
    code = await code_from(first)
    await Chat.build(settings, "b").say(f"link {code}")
    assert "not valid" in text_of(await Chat.build(settings, "c").say(f"link {code}"))


async def test_an_expired_code_is_refused(settings: Settings) -> None:
    first, second = Chat.build(settings, "a"), Chat.build(settings, "b")
    await first.onboard()
    code = await code_from(first)
    later = first.pipeline.runtime.clock() + timedelta(minutes=11)
    second.pipeline.runtime.clock = lambda: later
    assert "not valid" in text_of(await second.say(f"link {code}"))


async def test_a_chat_with_its_own_diary_is_not_merged(settings: Settings) -> None:
    first, second = Chat.build(settings, "a"), Chat.build(settings, "b")
    await first.onboard()
    await second.onboard()
    await second.say("1 kg food waste composted")
    code = await code_from(first)
    assert "own diary" in text_of(await second.say(f"link {code}"))
    assert await User.all().count() == 2


async def test_guessing_stops_after_five_wrong_codes(settings: Settings) -> None:
    first, guesser = Chat.build(settings, "a"), Chat.build(settings, "b")
    await first.onboard()
    code = await code_from(first)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        assert "not valid" in text_of(await guesser.say(f"link {wrong}"))
    assert "Too many" in text_of(await guesser.say(f"link {code}"))
