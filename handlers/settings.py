"""Changing the conversation language."""

from __future__ import annotations

from core.conversation.router import Router, Turn
from core.i18n import LOCALES
from core.messages import Reply
from core.users import service as users
from handlers.menu import language_buttons, main_menu
from handlers.onboarding import consent_prompt

router = Router()


@router.intent("language", words={"en": ["language", "lang"], "th": ["ภาษา", "เปลี่ยนภาษา"],
                                  "hi": ["भाषा", "भाषा बदलें"]})
async def choose_language(turn: Turn) -> list[Reply]:
    return [Reply(turn.t("Choose your language:"), buttons=language_buttons(turn))]


@router.intent("lang")
async def set_language(turn: Turn) -> list[Reply]:
    code = turn.args[0] if turn.args else ""
    if code not in LOCALES:
        return await choose_language(turn)
    turn.t = turn.runtime.catalogs.translator(code)
    if turn.user is None:
        turn.state.slots["_locale"] = code
        return [consent_prompt(turn)]
    await users.set_locale(turn.user, code)
    return [main_menu(turn, turn.t("I'll speak English from now on."))]
