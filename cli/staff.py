"""`wastenexus admin`: staff accounts and their API tokens."""

from __future__ import annotations

import argparse

from rich.console import Console

from core.db import close_db, open_db
from core.phone import normalize_e164
from core.settings import Settings
from core.staff.models import Role, Staff
from core.staff.service import create_staff, issue_token


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    admin = sub.add_parser("admin", help="staff accounts and API tokens")
    actions = admin.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="create a staff account")
    create.add_argument("email")
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--name", default="")
    create.add_argument("--ward", default="")
    create.add_argument("--phone", default="")
    token = actions.add_parser("token", help="issue an API token (shown once)")
    token.add_argument("email")
    token.add_argument("--label", default="cli")


async def run(settings: Settings, args: argparse.Namespace) -> int:
    console = Console()
    await open_db(settings.database_url)
    try:
        if args.action == "create":
            phone = normalize_e164(args.phone) if args.phone else None
            staff = await create_staff(args.name or args.email, Role(args.role),
                                       email=args.email, phone=phone, ward=args.ward)
            console.print(f"Created {staff.role} {staff.email} (id {staff.id}).")
            return 0
        staff = await Staff.get_or_none(email=args.email, active=True)
        if staff is None:
            console.print(f"[red]No active staff account {args.email}.[/red]")
            return 1
        console.print(await issue_token(staff, args.label))
        return 0
    finally:
        await close_db()
