"""The conversation engine: idle expiry, numbered menus, the consent gate, dispatch."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.conversation.router import Router, Turn
from core.messages import Kind, Reply

# Before consent, only these intents run; anything else starts onboarding.
OPEN_INTENTS = frozenset({"start", "consent", "lang", "language", "help", "unfollow",
                          "unsupported", "cancel", "link"})
KIND_INTENTS = {Kind.FOLLOW: "start", Kind.UNFOLLOW: "unfollow", Kind.IMAGE: "photo",
                Kind.UNSUPPORTED: "unsupported", Kind.LOCATION: "location"}


class Engine:
    def __init__(self, router: Router) -> None:
        self.router = router

    async def respond(self, turn: Turn, last_active: datetime | None) -> list[Reply]:
        if self._expire(turn, last_active):
            turn.notices.append(Reply(turn.t(
                "That conversation was idle for a while, so I closed it. Let's start fresh.")))
        self._answer_number(turn)
        replies = turn.notices + await self._dispatch(turn)
        numbered = [r for r in replies if r.buttons and r.numbered]
        turn.state.menu = [b.data for b in numbered[-1].buttons] if numbered else []
        return replies

    def _expire(self, turn: Turn, last_active: datetime | None) -> bool:
        idle = timedelta(minutes=turn.runtime.settings.flow_idle_minutes)
        if not turn.state.flow or last_active is None or turn.now - last_active < idle:
            return False
        turn.state.end()
        turn.state.menu = []
        return True

    def _answer_number(self, turn: Turn) -> None:
        """Turn "2" into the second button of the last numbered menu."""
        text = turn.msg.text.strip()
        menu = turn.state.menu
        if turn.msg.kind is Kind.TEXT and text.isdecimal() and 1 <= int(text) <= len(menu):
            turn.msg = turn.msg.as_postback(menu[int(text) - 1])

    def _intent(self, turn: Turn) -> tuple[str, tuple[str, ...]] | None:
        msg = turn.msg
        if msg.kind is Kind.POSTBACK:
            name, *args = msg.data.split(":")
            return (name, tuple(args)) if name in self.router.intents else ("stale", ())
        if msg.kind is Kind.TEXT:
            return self.router.match_words(msg.text)
        name = KIND_INTENTS.get(msg.kind, "unsupported")
        if msg.kind is Kind.LOCATION and (turn.state.flow, turn.state.step) in self.router.steps:
            return None
        return (name, ()) if name in self.router.intents else ("unsupported", ())

    async def _dispatch(self, turn: Turn) -> list[Reply]:
        found = self._intent(turn)
        if turn.user is None and (found is None or found[0] not in OPEN_INTENTS):
            # Before consent: onboarding's own steps, or onboarding from the start.
            found = None if turn.state.flow == "onboarding" else ("start", ())
        if found is not None:
            turn.args = found[1]
            return await self.router.intents[found[0]].handler(turn)
        step = self.router.steps.get((turn.state.flow, turn.state.step))
        if step is not None:
            return await step(turn)
        for fallback in self.router.fallbacks:
            replies = await fallback(turn)
            if replies is not None:
                return replies
        return await self.router.intents["unknown"].handler(turn)
