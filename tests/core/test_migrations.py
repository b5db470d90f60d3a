"""The committed migrations match the models and apply on SQLite, the embedded default."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.processes import ROOT

# Run in child processes: this test session holds an ORM context of its own.
PENDING = """
import asyncio
from tortoise.cli.cli import tortoise_cli_context
from tortoise.migrations.autodetector import MigrationAutodetector
from core.db import tortoise_config

async def main():
    config = tortoise_config("sqlite://:memory:")
    async with tortoise_cli_context(config) as ctx:
        writers = await MigrationAutodetector(ctx.apps, config["apps"]).changes()
        print(" ".join(w.name for w in writers) or "none")

asyncio.run(main())
"""
APPLY = """
import asyncio, sys
from core.db import migrate_db
asyncio.run(migrate_db(sys.argv[1]))
print("applied")
"""


def python(code: str, *args: str) -> str:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_no_model_change_lacks_a_migration() -> None:
    assert python(PENDING) == "none"


def test_every_migration_applies_on_sqlite(tmp_path: Path) -> None:
    assert python(APPLY, f"sqlite://{tmp_path}/fresh.sqlite3") == "applied"
