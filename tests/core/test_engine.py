"""The conversation engine (core/conversation/engine.py) through the real pipeline: idle
expiry, numbered menus, stale buttons and the consent gate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.conversation.models import Conversation
from core.diary.models import DiaryEntry
from core.events.models import EventStatus, InboundEvent
from core.ledger.models import LedgerEntry
from core.settings import Settings
from core.users.models import Identity, User
from tests.harness import Chat, buttons_of, text_of

T0 = datetime(2026, 3, 11, 5, 0, tzinfo=UTC)
IDLE_NOTICE = "That conversation was idle for a while, so I closed it. Let's start fresh."
MAIN_MENU = ["log", "report", "learn", "progress", "rank", "friends", "myreports", "balance",
             "undo", "language", "help"]


def at(chat: Chat, when: datetime) -> None:
    chat.pipeline.runtime.clock = lambda: when


async def conversation(sender: str = "tester") -> Conversation:
    return await Conversation.get(identity__external_id=sender)


async def onboarded(settings: Settings) -> Chat:
    chat = Chat.build(settings)
    at(chat, T0)
    await chat.onboard()
    return chat


# ----------------------------------------------------------------------------- idle expiry


async def test_a_flow_idle_for_the_limit_expires_with_a_notice(settings: Settings) -> None:
    chat = await onboarded(settings)
    await chat.tap("log")
    assert (await conversation()).flow == "log"
    at(chat, T0 + timedelta(minutes=settings.flow_idle_minutes))
    replies = await chat.say("xyzzy")
    assert replies[0].text == IDLE_NOTICE
    conv = await conversation()
    assert (conv.flow, conv.step, conv.slots.get("draft")) == ("", "", None)


async def test_a_flow_just_under_the_idle_limit_continues(settings: Settings) -> None:
    chat = await onboarded(settings)
    await chat.tap("log")
    await chat.tap("log:c:plastic_bottles")
    await chat.tap("log:m:plastic_bottles:recycled")
    at(chat, T0 + timedelta(minutes=settings.flow_idle_minutes) - timedelta(seconds=1))
    replies = await chat.say("2")
    assert IDLE_NOTICE not in text_of(replies)
    assert (await DiaryEntry.get()).grams == 2000


async def test_an_expired_weight_step_does_not_take_a_number_as_weight(
        settings: Settings) -> None:
    chat = await onboarded(settings)
    await chat.tap("log")
    await chat.tap("log:c:plastic_bottles")
    await chat.tap("log:m:plastic_bottles:recycled")
    at(chat, T0 + timedelta(minutes=settings.flow_idle_minutes + 1))
    replies = await chat.say("2")
    assert replies[0].text == IDLE_NOTICE
    assert await DiaryEntry.all().count() == 0


async def test_idle_time_without_a_flow_gives_no_notice(settings: Settings) -> None:
    chat = await onboarded(settings)
    at(chat, T0 + timedelta(days=3))
    replies = await chat.say("menu")
    assert IDLE_NOTICE not in text_of(replies)
    assert buttons_of(replies) == MAIN_MENU


# ----------------------------------------------------------------------------- numbers


async def test_a_number_selects_that_button_of_the_last_numbered_menu(
        settings: Settings) -> None:
    chat = await onboarded(settings)
    assert buttons_of(await chat.say("menu")) == MAIN_MENU
    replies = await chat.say("8")  # the eighth button is "balance"
    assert "Your green credits: 0" in text_of(replies)


async def test_a_number_picks_the_second_method_of_a_category(settings: Settings) -> None:
    chat = await onboarded(settings)
    await chat.tap("log")
    methods = buttons_of(await chat.tap("log:c:plastic_bottles"))
    await chat.say("2")
    conv = await conversation()
    assert methods[1] == "log:m:plastic_bottles:recycled"
    assert (conv.step, conv.slots["draft"]["method"]) == ("weight", "recycled")


async def test_a_number_outside_the_menu_is_not_a_choice(settings: Settings) -> None:
    chat = await onboarded(settings)
    await chat.say("menu")  # eleven buttons
    replies = await chat.say("12")
    assert "Sorry, I didn't understand that." in text_of(replies)
    assert "Your green credits" not in text_of(replies)


async def test_a_number_on_the_weight_step_is_a_weight_in_kg(settings: Settings) -> None:
    chat = await onboarded(settings)
    await chat.tap("log")
    await chat.tap("log:c:plastic_bottles")
    weights = await chat.tap("log:m:plastic_bottles:recycled")
    assert buttons_of(weights)[1] == "log:w:plastic_bottles:recycled:5pcs"
    await chat.say("2")
    entry = await DiaryEntry.get()
    assert (entry.quantity, entry.unit, entry.grams) == (2, "kg", 2000)


async def test_the_weight_step_leaves_no_numbered_menu(settings: Settings) -> None:
    chat = await onboarded(settings)
    await chat.tap("log")
    await chat.tap("log:c:food_waste")
    replies = await chat.tap("log:m:food_waste:composted")
    assert [r.numbered for r in replies] == [False]
    assert (await conversation()).menu == []


async def test_a_superscript_digit_gets_the_hint_not_an_error(settings: Settings) -> None:
    chat = await onboarded(settings)
    replies = await chat.say("²")
    assert "Sorry, I didn't understand that." in text_of(replies)
    assert (await InboundEvent.all().order_by("-id").first()).status == EventStatus.DONE


# ----------------------------------------------------------------------------- stale buttons


async def test_a_postback_for_an_unregistered_intent_is_no_longer_active(
        settings: Settings) -> None:
    chat = await onboarded(settings)
    replies = await chat.tap("report:photo:42")
    assert replies[0].text == "That button is no longer active. Here is the menu."
    assert buttons_of(replies) == MAIN_MENU


# ----------------------------------------------------------------------------- consent gate


def is_consent_prompt(replies: list) -> bool:
    return buttons_of(replies)[:2] == ["consent:yes", "consent:no"]


@pytest.mark.parametrize(("kind", "value"), [
    ("text", "balance"),
    ("text", "log"),
    ("text", "undo"),
    ("text", "menu"),
    ("text", "2 kg plastic bottles recycled"),
    ("postback", "log:m:plastic_bottles:recycled"),
    ("postback", "balance"),
    ("postback", "onboard:prov:TH-10"),
])
async def test_before_consent_other_intents_get_the_consent_prompt(settings: Settings,
                                                                   kind: str,
                                                                   value: str) -> None:
    chat = Chat.build(settings)
    field = "text" if kind == "text" else "data"
    replies = await chat.send(kind=kind, **{field: value})
    assert is_consent_prompt(replies)


async def test_before_consent_only_identity_and_conversation_are_stored(
        settings: Settings) -> None:
    chat = Chat.build(settings)
    await chat.say("2 kg plastic bottles recycled")
    await chat.tap("log:m:plastic_bottles:recycled")
    await chat.say("balance")
    assert (await Identity.all().count(), await Conversation.all().count()) == (1, 1)
    assert (await User.all().count(), await DiaryEntry.all().count(),
            await LedgerEntry.all().count()) == (0, 0, 0)
    assert (await Identity.get()).user_id is None  # type: ignore[attr-defined]


async def test_before_consent_inbound_payloads_are_redacted(settings: Settings) -> None:
    chat = Chat.build(settings)
    await chat.say("my number is 0812345678")
    event = await InboundEvent.get()
    assert event.status == EventStatus.DONE
    assert event.payload == {"redacted": "no consent"}


async def test_after_consent_inbound_payloads_are_kept(settings: Settings) -> None:
    chat = await onboarded(settings)
    await chat.say("2 kg plastic bottles recycled")
    event = await InboundEvent.all().order_by("-id").first()
    assert event is not None and event.payload["text"] == "2 kg plastic bottles recycled"


async def test_help_is_open_before_consent(settings: Settings) -> None:
    chat = Chat.build(settings)
    replies = await chat.say("help")
    assert replies[0].text.startswith("I keep your waste diary")
    assert "privacy terms" in replies[1].text
    assert await User.all().count() == 0


async def test_cancel_is_open_before_consent(settings: Settings) -> None:
    chat = Chat.build(settings)
    await chat.say("start")
    replies = await chat.say("cancel")
    assert text_of(replies) == "Okay. Send \"start\" whenever you want to begin."
    assert (await conversation()).flow == ""
