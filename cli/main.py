"""`wastenexus` sub-commands."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from cli import staff
from core.settings import Settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wastenexus", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="everything for local use, on the embedded default")
    serve = sub.add_parser("serve", help="the HTTP app (webhooks, health, metrics)")
    for command in (run, serve):
        command.add_argument("--host", default="127.0.0.1")
        command.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    sub.add_parser("worker", help="the arq worker")
    sub.add_parser("migrate", help="apply database migrations")
    sub.add_parser("seed", help="load factor sets and other reference data")
    staff.add_parser(sub)
    chat = sub.add_parser("chat", help="talk to the bot in this terminal")
    chat.add_argument("--lang", default="", help="en, th or hi (default: ask)")
    chat.add_argument("--user", default="local", help="who you are in the console channel")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # The terminal chat keeps its screen for the conversation.
    level = logging.WARNING if args.command == "chat" else logging.INFO
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("tortoise").setLevel(logging.WARNING)  # one line per connection close
    settings = Settings()
    if args.command == "admin":
        return asyncio.run(staff.run(settings, args))
    if args.command == "chat":
        from cli.chat import run_chat

        return asyncio.run(run_chat(settings, args.lang, args.user, sys.stdin, sys.stdout))
    from cli import service

    commands = {"run": service.run, "serve": service.serve, "worker": service.worker,
                "migrate": service.migrate, "seed": service.seed}
    return commands[args.command](settings, args)
