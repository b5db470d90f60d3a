"""Database triggers that refuse UPDATE and DELETE on append-only tables."""

from __future__ import annotations

from typing import Any

MESSAGE = "{table} is append-only"


def _postgres(table: str) -> list[str]:
    return [
        f"""CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION '{MESSAGE.format(table=table)}';
        END;
        $$ LANGUAGE plpgsql""",
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION {table}_append_only()""",
    ]


def _sqlite(table: str) -> list[str]:
    return [f"""CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE.format(table=table)}'); END"""
            for verb in ("UPDATE", "DELETE")]


def _drop(table: str, dialect: str) -> list[str]:
    if dialect == "postgres":
        return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
                f"DROP FUNCTION IF EXISTS {table}_append_only()"]
    return [f"DROP TRIGGER IF EXISTS {table}_no_{verb}" for verb in ("update", "delete")]


async def protect(schema_editor: Any, *tables: str) -> None:
    """Migration step: make these tables append-only."""
    dialect = schema_editor.client.capabilities.dialect
    for table in tables:
        for sql in _postgres(table) if dialect == "postgres" else _sqlite(table):
            await schema_editor.client.execute_query(sql)


async def unprotect(schema_editor: Any, *tables: str) -> None:
    dialect = schema_editor.client.capabilities.dialect
    for table in tables:
        for sql in _drop(table, dialect):
            await schema_editor.client.execute_query(sql)
