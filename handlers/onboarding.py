"""Onboarding: greeting, consent, then province and district (or a shared location)."""

from __future__ import annotations

from core.conversation.router import Router, Turn, normalize
from core.messages import Button, Kind, Reply
from core.social.invites import looks_like_code, normalize_code
from core.users import service as users
from core.users.regions import (
    REGION_TIMEZONES,
    Province,
    default_provinces,
    match_province,
    region_of_point,
)
from handlers.friends import JOIN_WORDS, join_reply
from handlers.menu import language_buttons, main_menu

router = Router()

SKIP = {"skip", "ข้าม", "छोड़ें", "छोड़ो", "skip it"}
# Survives State.go (a leading "_"), until consent is given.
UNKEPT_PHOTO = "_photo_before_consent"
# A friend's invite code given before consent ("/start CODE" from a Telegram link, or
# "join CODE"), kept until consent to record the referral; it also survives State.go.
INVITE_CODE = "_invite_code"
CODE_WORDS = {"start", *(word for words in JOIN_WORDS.values() for word in words)}
YES = {"yes", "y", "ok", "agree", "i agree", "ใช่", "ตกลง", "ยอมรับ", "हाँ", "हां", "सहमत"}
NO = {"no", "n", "no thanks", "ไม่", "ไม่ยอมรับ", "नहीं"}


def consent_prompt(turn: Turn) -> Reply:
    t = turn.t
    text = t(
        "Welcome to WasteNexus! I help you keep a waste diary, earn green credits and learn "
        "to sort waste.\n\n"
        "Privacy (PDPA/GDPR): to do this I store your language, your area and your diary "
        "entries, linked to this chat account. They are used only to run this service and, "
        "without your name, for local statistics. You can ask for a copy or for deletion at "
        "any time.\n\nDo you agree?")
    buttons = (Button(t("I agree"), "consent:yes"), Button(t("No, thanks"), "consent:no"),
               *language_buttons(turn))
    return Reply(text, buttons=buttons)


@router.intent("start", takes_args=True, words={"en": ["start", "hi", "hello", "begin"],
                               "th": ["เริ่ม", "สวัสดี"], "hi": ["शुरू", "नमस्ते"]})
async def start(turn: Turn) -> list[Reply]:
    _note_unkept_photo(turn)
    if turn.identity.blocked:
        turn.identity.blocked = False
        await turn.identity.save(update_fields=["blocked"])
    code = _invite_code_in(turn)
    if turn.user is not None:
        if code:
            joined = await join_reply(turn, code)
            return [main_menu(turn, joined.text)]
        return [main_menu(turn, turn.t("Welcome back! What would you like to do?"))]
    turn.state.go("onboarding", "consent")
    return [*_keep_invite_code(turn, code), consent_prompt(turn)]


@router.intent("consent")
async def consent(turn: Turn) -> list[Reply]:
    return await _decide(turn, turn.args[:1] == ("yes",))


@router.step("onboarding", "consent")
async def consent_typed(turn: Turn) -> list[Reply]:
    _note_unkept_photo(turn)
    word = turn.msg.text.strip().casefold()
    if word in YES or word in NO:
        return await _decide(turn, word in YES)
    return [*_keep_invite_code(turn, _invite_code_in(turn)), consent_prompt(turn)]


async def _decide(turn: Turn, agreed: bool) -> list[Reply]:
    if turn.user is not None:
        return [main_menu(turn, turn.t("You have already agreed. What would you like to do?"))]
    if not agreed:
        turn.state.slots.pop(INVITE_CODE, None)
        turn.state.end()
        return [Reply(turn.t("No problem. I have not stored anything about you. Send \"start\" "
                             "if you change your mind."))]
    region = users.guess_region(turn.locale, turn.msg.channel, turn.msg.sender)
    timezone = REGION_TIMEZONES.get(region, turn.runtime.settings.default_timezone)
    turn.user = await users.give_consent(turn.identity, turn.locale, timezone, region, turn.now)
    turn.state.go("onboarding", "province")
    replies = [Reply(turn.t("Thank you! Which province (Thailand) or state (India) do you live "
                            "in? Type its name, or share your location."),
                     ask_location=turn.t("Share my location"),
                     buttons=(Button(turn.t("Skip"), "onboard:skip"),))]
    if turn.state.slots.pop(UNKEPT_PHOTO, False):
        replies.insert(0, Reply(turn.t(
            "I couldn't keep the photo you sent before you agreed. When we've finished here, "
            "please send it again to report the spot.")))
    if code := turn.state.slots.pop(INVITE_CODE, None):
        replies.insert(0, await join_reply(turn, str(code)))
    return replies


def _invite_code_in(turn: Turn) -> str | None:
    """The code in "/start CODE" (Telegram deep links) or "join CODE" (LINE links, SMS).

    Read from the text itself: before consent the engine sends "join CODE" here without
    its arguments, as "join" is not an intent open before consent.
    """
    if turn.msg.kind is not Kind.TEXT:
        return None
    word, _, rest = normalize(turn.msg.text).partition(" ")
    if word not in CODE_WORDS or not looks_like_code(rest):
        return None
    return normalize_code(rest)


def _keep_invite_code(turn: Turn, code: str | None) -> list[Reply]:
    if code is None:
        return []
    turn.state.slots[INVITE_CODE] = code
    return [Reply(turn.t("Your friend's invite code {code} is saved. Once you agree, you'll "
                         "be friends.", code=code))]


def _note_unkept_photo(turn: Turn) -> None:
    """Photos are not stored before consent (core/events/processing.py); ask again after."""
    if turn.user is None and turn.msg.kind is Kind.IMAGE:
        turn.state.slots[UNKEPT_PHOTO] = True


@router.step("onboarding", "province")
async def province_typed(turn: Turn) -> list[Reply]:
    user = turn.user
    assert user is not None
    if turn.msg.location is not None:
        loc = turn.msg.location
        await users.set_location(user, loc.latitude, loc.longitude,
                                 region_of_point(loc.latitude, loc.longitude))
        return [Reply(turn.t("Location saved. Now type the name of your province or state."),
                      buttons=(Button(turn.t("Skip"), "onboard:skip"),))]
    # Every province is searched: the region guessed from a language can be wrong.
    if turn.msg.text.strip().casefold() in SKIP:
        return _finish(turn)
    found = match_province(turn.msg.text, default_provinces())
    if len(found) == 1 and _exact(found[0], turn.msg.text):
        return await _province_chosen(turn, found[0])
    if found:
        buttons = tuple(Button(p.name(turn.locale), f"onboard:prov:{p.code}") for p in found)
        return [Reply(turn.t("Did you mean one of these?"), buttons=buttons)]
    return [Reply(turn.t("I couldn't find that province or state. Please check the spelling, "
                         "e.g. Bangkok, Chiang Mai, Maharashtra."),
                  buttons=(Button(turn.t("Skip"), "onboard:skip"),))]


def _exact(province: Province, text: str) -> bool:
    typed = text.strip().casefold()
    return any(typed in name.casefold() or name.casefold() in typed
               for name in [*province.names.values(), *province.aliases])


@router.intent("onboard")
async def onboarding_button(turn: Turn) -> list[Reply]:
    if turn.user is None:
        return [consent_prompt(turn)]
    if turn.args[:1] == ("prov",) and len(turn.args) == 2:
        chosen = [p for p in default_provinces() if p.code == turn.args[1]]
        if chosen:
            return await _province_chosen(turn, chosen[0])
    return _finish(turn)


async def _province_chosen(turn: Turn, province: Province) -> list[Reply]:
    assert turn.user is not None
    await users.set_province(turn.user, province)
    turn.state.go("onboarding", "district")
    return [Reply(turn.t("{province} it is. Which district do you live in?",
                         province=province.name(turn.locale)),
                  buttons=(Button(turn.t("Skip"), "onboard:skip"),))]


@router.step("onboarding", "district")
async def district_typed(turn: Turn) -> list[Reply]:
    assert turn.user is not None
    text = turn.msg.text.strip()
    if text.casefold() in SKIP:
        return _finish(turn)
    if not text or len(text) > 80:
        return [Reply(turn.t("Please type the name of your district, or tap Skip."),
                      buttons=(Button(turn.t("Skip"), "onboard:skip"),))]
    await users.set_district(turn.user, text)
    return _finish(turn)


def _finish(turn: Turn) -> list[Reply]:
    turn.state.end()
    return [main_menu(turn, turn.t(
        "You're all set! Log your waste to earn green credits, e.g. \"2 kg plastic bottles "
        "recycled\". What would you like to do?"))]
