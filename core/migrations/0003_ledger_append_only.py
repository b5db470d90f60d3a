"""The database itself refuses UPDATE and DELETE on the credit ledger."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from core.append_only import protect, unprotect


async def forward(apps, schema_editor):
    await protect(schema_editor, "ledger_entries")


async def backward(apps, schema_editor):
    await unprotect(schema_editor, "ledger_entries")


class Migration(migrations.Migration):
    dependencies = [("wastenexus", "0002_link_codes")]

    operations = [ops.RunPython(forward, backward)]
