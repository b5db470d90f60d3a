"""The append-only credit ledger."""

from tortoise import fields
from tortoise.models import Model

from core.users.models import User


class LedgerEntry(Model):
    """One credit movement. Rows are only ever inserted."""

    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "wastenexus.User", related_name="ledger", on_delete=fields.CASCADE)
    # Gapless per user: two concurrent appends collide on (user, seq) instead of drifting.
    seq = fields.IntField()
    amount = fields.IntField()
    balance_after = fields.IntField()
    reason = fields.CharField(max_length=32)
    reference = fields.CharField(max_length=64)
    key = fields.CharField(max_length=120, unique=True)  # idempotency key
    created_at = fields.DatetimeField()

    class Meta:
        table = "ledger_entries"
        unique_together = (("user_id", "seq"),)
