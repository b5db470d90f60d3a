"""The database itself refuses UPDATE and DELETE on the credit ledger."""

from tortoise import migrations
from tortoise.migrations import operations as ops

POSTGRES = [
    """CREATE OR REPLACE FUNCTION ledger_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'ledger_entries is append-only';
    END;
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only()""",
]
SQLITE = [
    f"""CREATE TRIGGER ledger_no_{verb.lower()} BEFORE {verb} ON ledger_entries
    BEGIN SELECT RAISE(ABORT, 'ledger_entries is append-only'); END"""
    for verb in ("UPDATE", "DELETE")
]
POSTGRES_DOWN = ["DROP TRIGGER IF EXISTS ledger_append_only ON ledger_entries",
                 "DROP FUNCTION IF EXISTS ledger_append_only()"]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS ledger_no_update", "DROP TRIGGER IF EXISTS ledger_no_delete"]


def _statements(schema_editor, postgres, sqlite):
    dialect = schema_editor.client.capabilities.dialect
    return postgres if dialect == "postgres" else sqlite


async def forward(apps, schema_editor):
    for sql in _statements(schema_editor, POSTGRES, SQLITE):
        await schema_editor.client.execute_query(sql)


async def backward(apps, schema_editor):
    for sql in _statements(schema_editor, POSTGRES_DOWN, SQLITE_DOWN):
        await schema_editor.client.execute_query(sql)


class Migration(migrations.Migration):
    dependencies = [("wastenexus", "0002_link_codes")]

    operations = [ops.RunPython(forward, backward)]
