"""Linking another chat app to the same person: "link" gives a code, "link 123456" uses it."""

from __future__ import annotations

from datetime import timedelta

from core.conversation.router import Router, Turn
from core.i18n import N_
from core.messages import Reply
from core.users.linking import CODE_VALID_FOR, LinkRefused, issue_code, redeem
from handlers.menu import main_menu

router = Router()

# Wrong codes allowed per identity per hour, so a 6-digit code cannot be guessed.
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(hours=1)


@router.intent("link", takes_args=True, words={
    "en": ["link", "link account", "connect"], "th": ["เชื่อมบัญชี", "ลิงก์"],
    "hi": ["लिंक", "खाता जोड़ें"]})
async def link(turn: Turn) -> list[Reply]:
    if turn.args:
        return await _redeem(turn, turn.args[0])
    if turn.user is None:
        return [Reply(turn.t("To link apps, send \"link\" in the app where you already use "
                             "WasteNexus, then send the code here."))]
    code = await issue_code(turn.user, turn.now)
    minutes = int(CODE_VALID_FOR.total_seconds() // 60)
    return [Reply(turn.t("Your link code is {code}. Within {minutes} minutes, send \"link "
                         "{code}\" from your other chat app (LINE, Telegram or SMS) to share "
                         "this diary and balance there.", code=code, minutes=minutes))]


async def _redeem(turn: Turn, code: str) -> list[Reply]:
    recent = [at for at in turn.state.slots.get("_link_failures", [])
              if turn.now.timestamp() - at < FAILURE_WINDOW.total_seconds()]
    if len(recent) >= MAX_FAILURES:
        return [Reply(turn.t("Too many wrong codes. Please try again in an hour."))]
    try:
        turn.user = await redeem(turn.identity, code.strip(), turn.now)
    except LinkRefused as refused:
        if refused.reason == "invalid":
            turn.state.slots["_link_failures"] = [*recent, turn.now.timestamp()]
        return [Reply(turn.t(REFUSALS[refused.reason]))]
    turn.state.slots.pop("_link_failures", None)
    turn.t = turn.runtime.catalogs.translator(turn.user.locale)
    turn.state.end()
    return [main_menu(turn, turn.t("Linked! This chat now shares your diary and credits."))]


REFUSALS = {
    "invalid": N_("That code is not valid or has expired. Send \"link\" in your other app "
                  "for a new one."),
    "already": N_("This chat is already linked to that account."),
    "has_data": N_("This chat already has its own diary, so it can't be merged. Link from "
                   "this chat to the other one instead."),
}
