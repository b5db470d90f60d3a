"""The main menu, help, cancel, and answers for what the bot cannot use."""

from __future__ import annotations

from core.conversation.router import Router, Turn
from core.i18n import LOCALES
from core.messages import Button, Reply

router = Router()

# Each language is offered in its own script, so anyone can find theirs.
LANGUAGE_NAMES = {"en": "English", "th": "ภาษาไทย", "hi": "हिन्दी"}


def language_buttons(turn: Turn) -> tuple[Button, ...]:
    return tuple(Button(LANGUAGE_NAMES[code], f"lang:{code}")
                 for code in LOCALES if code != turn.locale)


def main_menu(turn: Turn, text: str | None = None) -> Reply:
    t = turn.t
    return Reply(text or t("What would you like to do?"), buttons=(
        Button(t("Log waste"), "log"),
        Button(t("Report a dump"), "report"),
        Button(t("Learn"), "learn"),
        Button(t("My progress"), "progress"),
        Button(t("Rank"), "rank"),
        Button(t("Friends"), "friends"),
        Button(t("My reports"), "myreports"),
        Button(t("My credits"), "balance"),
        Button(t("Undo last entry"), "undo"),
        Button(t("Language"), "language"),
        Button(t("Help"), "help"),
    ))


@router.intent("menu", words={"en": ["menu", "home", "main menu"], "th": ["เมนู", "เมนูหลัก"],
                              "hi": ["मेनू", "मेन्यू"]})
async def show_menu(turn: Turn) -> list[Reply]:
    return [main_menu(turn)]


@router.intent("help", words={"en": ["help", "commands"], "th": ["ช่วยเหลือ", "วิธีใช้"],
                              "hi": ["मदद", "सहायता"]})
async def show_help(turn: Turn) -> list[Reply]:
    t = turn.t
    text = t(
        "I keep your waste diary and count your green credits.\n"
        "• Log waste: tap Log waste, or type it, e.g. \"2 kg plastic bottles recycled\" "
        "or \"500g food waste composted\".\n"
        "• Report a dump or an overflowing bin: tap Report a dump, or just send a photo. "
        "\"my reports\" lists your reports; \"status WN-7K3Q\" shows one.\n"
        "• \"balance\" shows your credits and CO2e saved.\n"
        "• \"undo\" removes your last entry.\n"
        "• \"learn\" opens short quizzes on sorting waste; passing earns credits and a "
        "certificate.\n"
        "• \"progress\" shows your level, streak, achievements and today's goals; \"rank\" "
        "the leaderboards.\n"
        "• \"friends\" lists your friends, \"invite\" gives your invite code, \"privacy\" "
        "sets who sees your name.\n"
        "• \"link\" shares your diary with your other chat apps.\n"
        "• \"menu\" shows the menu, \"cancel\" stops what we are doing, "
        "\"language\" changes the language.")
    if turn.user is None:
        return [Reply(text), Reply(t("First, please say whether you agree to the privacy "
                                     "terms above. Send \"start\" to see them again."))]
    return [main_menu(turn, text)]


@router.intent("cancel", words={"en": ["cancel", "stop", "quit", "exit"],
                                "th": ["ยกเลิก", "หยุด"], "hi": ["रद्द", "रद्द करें", "रुको"]})
async def cancel(turn: Turn) -> list[Reply]:
    was_busy = bool(turn.state.flow)
    turn.state.end()
    if turn.user is None:
        return [Reply(turn.t("Okay. Send \"start\" whenever you want to begin."))]
    text = turn.t("Cancelled.") if was_busy else turn.t("Nothing to cancel.")
    return [main_menu(turn, text + " " + turn.t("What would you like to do?"))]


@router.intent("unknown")
async def unknown(turn: Turn) -> list[Reply]:
    return [Reply(turn.t(
        "Sorry, I didn't understand that. Try \"2 kg plastic bottles recycled\", "
        "\"balance\" or \"menu\"."), buttons=main_menu(turn).buttons)]


@router.intent("stale")
async def stale_button(turn: Turn) -> list[Reply]:
    return [main_menu(turn, turn.t("That button is no longer active. Here is the menu."))]


@router.intent("unsupported")
async def unsupported(turn: Turn) -> list[Reply]:
    return [Reply(turn.t("I can read text, photos, buttons and locations, but not this kind "
                         "of message. Send \"help\" to see what I can do."))]


@router.intent("unfollow")
async def unfollow(turn: Turn) -> list[Reply]:
    turn.identity.blocked = True
    await turn.identity.save(update_fields=["blocked"])
    turn.state.end()
    return []
