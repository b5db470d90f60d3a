"""Onboarding (handlers/onboarding.py, handlers/settings.py) through the real pipeline:
language, consent, province or location, district."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from core.conversation.models import Conversation
from core.events.models import InboundEvent
from core.settings import Settings
from core.users.models import Identity, User
from core.users.service import CONSENT_VERSION
from tests.harness import Chat, buttons_of, text_of

POT = Path(__file__).resolve().parents[2] / "locales" / "messages.pot"
SCRIPT = {"en": re.compile(r"[A-Za-z]"), "th": re.compile(r"[\u0e00-\u0e7f]"),
          "hi": re.compile(r"[\u0900-\u097f]")}
MAIN_MENU = ["log", "report", "learn", "progress", "rank", "friends", "myreports", "balance",
             "undo", "language", "help"]


def msgid(prefix: str) -> str:
    with POT.open("rb") as handle:
        found = [str(m.id) for m in read_po(handle) if str(m.id).startswith(prefix)]
    assert len(found) == 1, found
    return found[0]


CONSENT = msgid("Welcome to WasteNexus!")


def translated(chat: Chat, locale: str, text: str, **params: object) -> str:
    return chat.pipeline.runtime.catalogs.translator(locale)(text, **params)


async def conversation() -> Conversation:
    return await Conversation.get(identity__external_id="tester")


async def consented(settings: Settings, lang: str = "en") -> Chat:
    chat = Chat.build(settings, lang=lang)
    await chat.say("start")
    await chat.tap("consent:yes")
    return chat


# ----------------------------------------------------------------------------- language


@pytest.mark.parametrize(("lang", "others"), [
    ("en", ["lang:th", "lang:hi"]),
    ("th", ["lang:en", "lang:hi"]),
    ("hi", ["lang:en", "lang:th"]),
])
async def test_the_language_hint_picks_the_consent_prompts_language(
        settings: Settings, lang: str, others: list[str]) -> None:
    chat = Chat.build(settings, lang=lang)
    [prompt] = await chat.say("start")
    assert prompt.text == translated(chat, lang, CONSENT)
    assert SCRIPT[lang].search(prompt.text.split("\n")[0])
    # The other two languages are offered; the current one is not.
    assert [b.data for b in prompt.buttons] == ["consent:yes", "consent:no", *others]


async def test_tapping_a_language_before_consent_switches_it(settings: Settings) -> None:
    chat = Chat.build(settings, lang="en")
    await chat.say("start")
    [prompt] = await chat.tap("lang:hi")
    assert prompt.text == translated(chat, "hi", CONSENT)
    assert SCRIPT["hi"].search(prompt.text)
    assert buttons_of([prompt])[2:] == ["lang:en", "lang:th"]
    await chat.tap("consent:yes")
    assert (await User.get()).locale == "hi"


async def test_a_language_chosen_before_consent_outlasts_the_hint(settings: Settings) -> None:
    chat = Chat.build(settings, lang="en")
    await chat.say("start")
    await chat.tap("lang:th")
    replies = await chat.say("start")  # the platform still says English
    assert buttons_of(replies)[2:] == ["lang:en", "lang:hi"]


async def test_changing_language_after_consent_saves_it(settings: Settings) -> None:
    chat = await consented(settings)
    await chat.tap("onboard:skip")
    assert buttons_of(await chat.say("language")) == ["lang:th", "lang:hi"]
    replies = await chat.tap("lang:th")
    assert replies[0].text == translated(chat, "th", "I'll speak English from now on.")
    assert SCRIPT["th"].search(replies[0].text)
    assert (await User.get()).locale == "th"


# ----------------------------------------------------------------------------- consent


@pytest.mark.parametrize(("lang", "region", "timezone"), [
    ("en", "", "Asia/Bangkok"),  # no guess: settings.default_timezone
    ("th", "TH", "Asia/Bangkok"),
    ("hi", "IN", "Asia/Kolkata"),
])
async def test_consent_creates_the_user_with_a_first_guess_at_region(
        settings: Settings, lang: str, region: str, timezone: str) -> None:
    await consented(settings, lang)
    user = await User.get()
    assert (user.locale, user.region, user.timezone) == (lang, region, timezone)
    identity = await Identity.get()
    assert identity.user_id == user.id  # type: ignore[attr-defined]
    assert (await conversation()).step == "province"


@pytest.mark.parametrize(("lang", "word"), [("en", "yes"), ("th", "ตกลง"), ("hi", "हाँ")])
async def test_typing_yes_gives_consent(settings: Settings, lang: str, word: str) -> None:
    chat = Chat.build(settings, lang=lang)
    await chat.say("start")
    await chat.say(word)
    user = await User.get()
    assert (user.locale, user.consent_version) == (lang, CONSENT_VERSION)


async def test_other_text_at_the_consent_step_asks_again(settings: Settings) -> None:
    chat = Chat.build(settings)
    await chat.say("start")
    replies = await chat.say("what is this?")
    assert buttons_of(replies)[:2] == ["consent:yes", "consent:no"]
    assert await User.all().count() == 0


@pytest.mark.parametrize(("kind", "value"), [("postback", "consent:no"), ("text", "no")])
async def test_declining_consent_stores_nothing(settings: Settings, kind: str,
                                                value: str) -> None:
    chat = Chat.build(settings)
    await chat.say("start")
    field = "data" if kind == "postback" else "text"
    replies = await chat.send(kind=kind, **{field: value})
    assert text_of(replies).startswith("No problem. I have not stored anything about you.")
    assert await User.all().count() == 0
    assert (await Identity.get()).user_id is None  # type: ignore[attr-defined]
    payloads = await InboundEvent.all().values_list("payload", flat=True)
    assert payloads == [{"redacted": "no consent"}] * 2
    assert (await conversation()).flow == ""


async def test_start_after_onboarding_welcomes_back(settings: Settings) -> None:
    chat = Chat.build(settings)
    await chat.onboard()
    replies = await chat.say("start")
    assert replies[0].text == "Welcome back! What would you like to do?"
    assert await User.all().count() == 1


# ----------------------------------------------------------------------------- province


async def test_a_province_typed_in_thai_is_stored(settings: Settings) -> None:
    chat = await consented(settings, "th")
    replies = await chat.say("กรุงเทพ")
    user = await User.get()
    assert (user.province, user.region, user.timezone) == ("TH-10", "TH", "Asia/Bangkok")
    assert replies[0].text == translated(chat, "th", "{province} it is. Which district do "
                                         "you live in?", province="กรุงเทพมหานคร")
    assert (await conversation()).step == "district"


async def test_an_indian_state_sets_region_and_timezone(settings: Settings) -> None:
    chat = await consented(settings)
    await chat.say("Maharashtra")
    user = await User.get()
    assert (user.province, user.region, user.timezone) == ("IN-MH", "IN", "Asia/Kolkata")


async def test_a_misspelt_province_offers_did_you_mean(settings: Settings) -> None:
    chat = await consented(settings)
    replies = await chat.say("Chang Mai")
    assert replies[0].text == "Did you mean one of these?"
    assert "onboard:prov:TH-50" in buttons_of(replies)  # Chiang Mai
    assert (await User.get()).province == ""
    assert (await conversation()).step == "province"


async def test_tapping_a_did_you_mean_button_stores_that_province(settings: Settings) -> None:
    chat = await consented(settings)
    await chat.say("Chang Mai")
    replies = await chat.tap("onboard:prov:TH-50")
    assert replies[0].text == "Chiang Mai it is. Which district do you live in?"
    assert (await User.get()).province == "TH-50"


async def test_an_unknown_province_asks_again_with_skip(settings: Settings) -> None:
    chat = await consented(settings)
    replies = await chat.say("Atlantis")
    assert replies[0].text.startswith("I couldn't find that province or state.")
    assert buttons_of(replies) == ["onboard:skip"]
    assert (await conversation()).step == "province"


async def test_a_location_at_the_province_step_stores_the_point_and_region(
        settings: Settings) -> None:
    chat = await consented(settings)  # English: no region guessed yet
    replies = await chat.share_location(19.076, 72.8777)  # Mumbai
    user = await User.get()
    assert (user.latitude, user.longitude) == (Decimal("19.076"), Decimal("72.8777"))
    assert (user.region, user.timezone) == ("IN", "Asia/Kolkata")
    assert replies[0].text == "Location saved. Now type the name of your province or state."
    assert (await conversation()).step == "province"


async def test_a_location_outside_both_countries_keeps_no_region(settings: Settings) -> None:
    chat = await consented(settings)
    await chat.share_location(48.8566, 2.3522)  # Paris
    user = await User.get()
    assert (user.latitude, user.region) == (Decimal("48.8566"), "")


async def test_a_hindi_speaker_in_thailand_can_name_a_thai_province(settings: Settings) -> None:
    chat = await consented(settings, "hi")
    await chat.say("Bangkok")
    assert (await User.get()).province == "TH-10"


async def test_a_location_in_thailand_overrides_a_region_guessed_from_hindi(
        settings: Settings) -> None:
    chat = await consented(settings, "hi")
    await chat.share_location(13.7563, 100.5018)  # Bangkok
    user = await User.get()
    assert (user.region, user.timezone) == ("TH", "Asia/Bangkok")


async def test_skip_at_the_province_step_finishes_onboarding(settings: Settings) -> None:
    chat = await consented(settings)
    replies = await chat.tap("onboard:skip")
    assert replies[0].text.startswith("You're all set!")
    assert buttons_of(replies) == MAIN_MENU
    assert (await conversation()).flow == ""
    assert (await User.get()).province == ""


# ----------------------------------------------------------------------------- district


async def test_a_typed_district_is_stored_and_finishes(settings: Settings) -> None:
    chat = await consented(settings)
    await chat.say("Bangkok")
    replies = await chat.say("  Bang Rak ")
    assert (await User.get()).district == "Bang Rak"
    assert replies[0].text.startswith("You're all set!")
    assert (await conversation()).flow == ""


async def test_skip_at_the_district_step_finishes(settings: Settings) -> None:
    chat = await consented(settings)
    await chat.say("Bangkok")
    replies = await chat.tap("onboard:skip")
    assert buttons_of(replies) == MAIN_MENU
    user = await User.get()
    assert (user.province, user.district) == ("TH-10", "")


async def test_an_overlong_district_is_asked_again(settings: Settings) -> None:
    chat = await consented(settings)
    await chat.say("Bangkok")
    replies = await chat.say("x" * 81)
    assert replies[0].text == "Please type the name of your district, or tap Skip."
    assert (await User.get()).district == ""
    assert (await conversation()).step == "district"
