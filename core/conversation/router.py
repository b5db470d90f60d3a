"""Routing a turn to its handler: by intent (button or keyword) or by flow step."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from core.i18n import Translator
from core.messages import Incoming, Reply

if TYPE_CHECKING:
    from core.runtime import Runtime
    from core.users.models import Identity, User


@dataclass(slots=True)
class State:
    """The mutable conversation state of one identity for this turn."""

    flow: str = ""
    step: str = ""
    slots: dict[str, Any] = field(default_factory=dict)
    menu: list[str] = field(default_factory=list)

    def go(self, flow: str, step: str, **slots: Any) -> None:
        if flow != self.flow:
            self.slots = {k: v for k, v in self.slots.items() if k.startswith("_")}
        self.flow, self.step = flow, step
        self.slots.update(slots)

    def end(self) -> None:
        self.go("", "")


@dataclass(slots=True)
class Turn:
    """Everything a handler may use to answer one incoming event."""

    msg: Incoming
    identity: Identity
    user: User | None
    state: State
    t: Translator
    now: datetime
    key: str  # idempotency prefix for effects of this event
    runtime: Runtime
    args: tuple[str, ...] = ()
    notices: list[Reply] = field(default_factory=list)

    @property
    def locale(self) -> str:
        return self.t.locale


Handler = Callable[[Turn], Awaitable[list[Reply]]]
Fallback = Callable[[Turn], Awaitable[list[Reply] | None]]


def normalize(text: str) -> str:
    """Casefold and trim, so keywords match however they are typed."""
    text = unicodedata.normalize("NFC", text).casefold().strip()
    text = re.sub(r"^/(\w+)(@\w+)?", r"\1", text)  # Telegram: /start@bot -> start
    return re.sub(r"\s+", " ", text).strip(" .!?।")


@dataclass(frozen=True, slots=True)
class Route:
    name: str
    handler: Handler
    takes_args: bool


class Router:
    """Handlers registered by intent name, flow step, or as free-text fallbacks."""

    def __init__(self) -> None:
        self.intents: dict[str, Route] = {}
        self.words: dict[str, str] = {}
        self.steps: dict[tuple[str, str], Handler] = {}
        self.fallbacks: list[Fallback] = []

    def intent(self, name: str, words: Mapping[str, Iterable[str]] | None = None,
               takes_args: bool = False) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.intents[name] = Route(name, handler, takes_args)
            for locale_words in (words or {}).values():
                for word in locale_words:
                    self.words[normalize(word)] = name
            return handler
        return register

    def step(self, flow: str, step: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.steps[(flow, step)] = handler
            return handler
        return register

    def fallback(self, handler: Fallback) -> Fallback:
        self.fallbacks.append(handler)
        return handler

    def include(self, other: Router) -> None:
        self.intents.update(other.intents)
        self.words.update(other.words)
        self.steps.update(other.steps)
        self.fallbacks.extend(other.fallbacks)

    def match_words(self, text: str) -> tuple[str, tuple[str, ...]] | None:
        """The intent a typed text names, with its arguments ("status WN-7K3Q")."""
        norm = normalize(text)
        if norm in self.words:
            return self.words[norm], ()
        head, _, rest = norm.partition(" ")
        name = self.words.get(head)
        if name and self.intents[name].takes_args:
            return name, tuple(rest.split())
        return None
