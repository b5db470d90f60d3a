"""`wastenexus admin`: creating staff and issuing tokens that the API accepts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.processes import ROOT


def wastenexus(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
           "DATABASE_URL": f"sqlite://{tmp_path}/admin.sqlite3"}
    return subprocess.run([sys.executable, "-m", "cli", *args], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=120)


def test_a_created_dispatcher_gets_a_token_that_authenticates(tmp_path: Path) -> None:
    assert wastenexus(tmp_path, "migrate").returncode == 0
    created = wastenexus(tmp_path, "admin", "create", "ops@city.test", "--role", "dispatcher")
    assert created.returncode == 0 and "dispatcher ops@city.test" in created.stdout
    token = wastenexus(tmp_path, "admin", "token", "ops@city.test").stdout.strip()
    assert token.startswith("wn_")
    assert wastenexus(tmp_path, "admin", "token", "nobody@city.test").returncode == 1
    staff = _authenticate(tmp_path, token)
    assert staff == ("ops@city.test", "dispatcher")


CHECK = """
import asyncio, sys
from datetime import UTC, datetime
from core.db import close_db, open_db
from core.staff.service import staff_for_token

async def main():
    await open_db(sys.argv[1])
    staff = await staff_for_token(sys.argv[2], datetime.now(UTC))
    print(f"{staff.email} {staff.role}" if staff else "none")
    await close_db()

asyncio.run(main())
"""


def _authenticate(tmp_path: Path, token: str) -> tuple[str, str] | None:
    # In a child process: this test session already has an ORM context of its own.
    done = subprocess.run([sys.executable, "-c", CHECK, f"sqlite://{tmp_path}/admin.sqlite3",
                           token], capture_output=True, text=True, cwd=ROOT, timeout=60)
    email, _, role = done.stdout.strip().partition(" ")
    return (email, role) if role else None
