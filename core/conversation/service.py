"""Running one turn: load identity, user and state, respond, save the state."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from core.conversation.engine import Engine
from core.conversation.models import Conversation
from core.conversation.router import State, Turn
from core.i18n import negotiate
from core.messages import Incoming, Reply
from core.runtime import Runtime
from core.users.models import Identity, User

LanguageLookup = Callable[[str], Awaitable[str]]


@dataclass(frozen=True, slots=True)
class TurnResult:
    identity: Identity
    user: User | None
    replies: list[Reply]


async def pick_locale(user: User | None, state: State, msg: Incoming, default: str,
                      lookup: LanguageLookup | None) -> str:
    """The user's choice; before consent, the platform's hint, asked once if need be."""
    if user is not None:
        return user.locale
    if "_locale" not in state.slots:
        hint = msg.language_hint or (await lookup(msg.sender) if lookup else "")
        state.slots["_locale"] = negotiate(hint) or default
    return str(state.slots["_locale"])


async def run_turn(engine: Engine, runtime: Runtime, msg: Incoming, key: str,
                   now: datetime, lookup: LanguageLookup | None = None) -> TurnResult:
    """Answer one message. Call inside a transaction: the state row is locked."""
    identity, _ = await Identity.get_or_create(channel=msg.channel, external_id=msg.sender)
    conv, _ = await Conversation.get_or_create(identity=identity, defaults={"updated_at": now})
    conv = await Conversation.select_for_update().get(id=conv.id)
    user = await User.get_or_none(id=identity.user_id) if identity.user_id else None  # type: ignore[attr-defined]
    state = State(conv.flow, conv.step, dict(conv.slots), list(conv.menu))
    locale = await pick_locale(user, state, msg, runtime.settings.default_locale, lookup)
    turn = Turn(msg, identity, user, state, runtime.catalogs.translator(locale), now, key,
                runtime)
    last_active = conv.updated_at if conv.flow else None
    replies = await engine.respond(turn, last_active)
    conv.flow, conv.step, conv.slots, conv.menu = state.flow, state.step, state.slots, state.menu
    conv.updated_at = now
    await conv.save()
    return TurnResult(turn.identity, turn.user, replies)
