"""Report timelines and the audit log are append-only, like the ledger."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from core.append_only import protect, unprotect

TABLES = ("report_events", "audit_entries")


async def forward(apps, schema_editor):
    await protect(schema_editor, *TABLES)


async def backward(apps, schema_editor):
    await unprotect(schema_editor, *TABLES)


class Migration(migrations.Migration):
    dependencies = [("wastenexus", "0004_reports_staff_audit")]

    operations = [ops.RunPython(forward, backward)]
