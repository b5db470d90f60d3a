"""Personal invite codes and the deep links that carry them into a chat."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from urllib.parse import quote

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.users.models import User

# No 0/O, 1/I/L: a code read aloud or copied from a screen is typed right the first time.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
# 31^8 ≈ 8.5e11 codes: with a few wrong guesses allowed per hour, finding anyone's code by
# chance is hopeless, and a code still fits on one line of an SMS.
CODE_LENGTH = 8
CODE_RE = re.compile(rf"^[{ALPHABET}]{{{CODE_LENGTH}}}$")


def normalize_code(text: str) -> str:
    """A typed code as stored: upper case, without spaces or dashes."""
    return re.sub(r"[\s-]", "", text).upper()


def looks_like_code(text: str) -> bool:
    return bool(CODE_RE.match(normalize_code(text)))


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


async def invite_code(user: User) -> str:
    """This person's code, made on first request; unique, and never changed after."""
    if user.invite_code:
        return user.invite_code
    for _ in range(5):
        code = new_code()
        try:
            # A savepoint, so a clash does not abort the turn's transaction (PostgreSQL).
            async with in_transaction():
                await User.filter(id=user.id, invite_code=None).update(invite_code=code)
        except IntegrityError:
            continue
        user.invite_code = (await User.get(id=user.id)).invite_code
        if user.invite_code:
            return user.invite_code
    raise RuntimeError("could not find a free invite code")


async def inviter_of(code: str) -> User | None:
    code = normalize_code(code)
    if not CODE_RE.match(code):
        return None
    return await User.get_or_none(invite_code=code)


def invite_link(channel: str, code: str, bot_names: Mapping[str, str]) -> str | None:
    """A link that opens our chat with the code filled in; None where there is no such link.

    bot_names: "telegram" → the bot's username, "line" → the official account's basic ID.
    Telegram sends "/start CODE" (deep linking: the payload is up to 64 of A-Z a-z 0-9 _ -).
    LINE's oaMessage scheme opens the account's chat with "join CODE" typed in the input box
    (https://developers.line.biz/en/docs/messaging-api/using-line-url-scheme/).
    """
    name = bot_names.get(channel, "").strip()
    if not name:
        return None
    if channel == "telegram":
        return f"https://t.me/{name.removeprefix('@')}?start={code}"
    if channel == "line":
        return f"https://line.me/R/oaMessage/{quote(name, safe='')}/?{quote('join ' + code)}"
    return None
