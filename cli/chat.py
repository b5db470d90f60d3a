"""`wastenexus chat`: the console channel, through the same pipeline as the webhooks."""

from __future__ import annotations

import uuid
from typing import TextIO

from rich.console import Console

from bots.channels import Channels
from bots.console import CHANNEL, ConsoleSender
from cli.service import seed_all
from core.db import close_db, migrate_db, open_db
from core.events import service as events
from core.events.processing import process
from core.metrics import Metrics
from core.outbox.delivery import deliver
from core.settings import Settings
from workers.context import build_pipeline

QUIT = {"quit", "exit", ":q"}


async def run_chat(settings: Settings, lang: str, user: str, stdin: TextIO,
                   stdout: TextIO) -> int:
    await migrate_db(settings.database_url)
    await open_db(settings.database_url)
    try:
        await seed_all()
        await _converse(settings, lang, user, stdin, stdout)
    finally:
        await close_db()
    return 0


async def _converse(settings: Settings, lang: str, user: str, stdin: TextIO,
                    stdout: TextIO) -> None:
    interactive = stdin.isatty()
    console = Console(file=stdout, highlight=False, force_terminal=interactive or None)
    sender = ConsoleSender(lambda text: console.print(text, markup=False))
    metrics = Metrics(None)
    pipeline = build_pipeline(settings, Channels(senders={CHANNEL: sender}), metrics)
    say = _sayer(pipeline, sender, metrics, user, lang, settings.outbound_max_attempts)
    if interactive:
        console.print("[bold green]WasteNexus[/] chat. Type [cyan]help[/], or [cyan]quit[/].")
        await say("follow", "")
    while True:
        line = _read(stdin, interactive)
        if line is None or line.strip().casefold() in QUIT:
            return
        if line.strip():
            await say("text", line.rstrip("\n"))


def _read(stdin: TextIO, interactive: bool) -> str | None:
    if interactive:
        try:
            return input("you> ")
        except EOFError:
            return None
    line = stdin.readline()
    return line if line else None


def _sayer(pipeline, sender, metrics, user, lang, max_attempts):  # type: ignore[no-untyped-def]
    async def say(kind: str, text: str) -> None:
        now = pipeline.runtime.clock()
        event = await events.store(CHANNEL, uuid.uuid4().hex, user,
                                   {"kind": kind, "text": text, "lang": lang}, now)
        assert event is not None
        for message_id in await process(pipeline, event.id):
            await deliver(message_id, {CHANNEL: sender}, metrics, now, max_attempts)
    return say
