"""The audit log: who did what, when and from where. Rows are only ever inserted."""

from tortoise import fields
from tortoise.models import Model

from core.staff.models import Staff


class AuditEntry(Model):
    id = fields.BigIntField(primary_key=True)
    actor: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "wastenexus.Staff", related_name="audit", null=True, on_delete=fields.SET_NULL)
    actor_label = fields.CharField(max_length=120)
    action = fields.CharField(max_length=64)
    target = fields.CharField(max_length=64)
    detail: dict = fields.JSONField(default=dict)
    ip = fields.CharField(max_length=45, default="")
    created_at = fields.DatetimeField()

    class Meta:
        table = "audit_entries"
        indexes = (("target", "created_at"),)
