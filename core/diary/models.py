"""Waste diary entries, each a snapshot of the factor it used."""

from tortoise import fields
from tortoise.models import Model

from core.factors.models import EmissionFactor, WasteCategory
from core.users.models import User


class DiaryEntry(Model):
    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=120, unique=True)  # idempotency key
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "wastenexus.User", related_name="diary", on_delete=fields.CASCADE)
    category: fields.ForeignKeyRelation[WasteCategory] = fields.ForeignKeyField(
        "wastenexus.WasteCategory", related_name="entries", on_delete=fields.RESTRICT)
    factor: fields.ForeignKeyRelation[EmissionFactor] = fields.ForeignKeyField(
        "wastenexus.EmissionFactor", related_name="entries", on_delete=fields.RESTRICT)
    method = fields.CharField(max_length=32)
    quantity = fields.DecimalField(max_digits=10, decimal_places=3)
    unit = fields.CharField(max_length=8)  # g, kg or pcs, as the user gave it
    grams = fields.IntField()
    # Snapshot of the factor, so later factor changes never rewrite history.
    ef_method = fields.DecimalField(max_digits=10, decimal_places=4, null=True)
    ef_baseline = fields.DecimalField(max_digits=10, decimal_places=4, null=True)
    credits_per_kg = fields.DecimalField(max_digits=8, decimal_places=2)
    factor_set = fields.CharField(max_length=40)
    factor_version = fields.CharField(max_length=20)
    factor_source = fields.TextField()
    # Grams of CO2e: emitted by this method, and avoided against the baseline.
    co2e_emitted_g = fields.IntField(null=True)
    co2e_avoided_g = fields.IntField(null=True)
    credits = fields.IntField()
    # "" when credited as computed; "capped" (daily cap reached) or "flagged" (implausible,
    # held for review): then `credits` is what was actually credited.
    review = fields.CharField(max_length=8, default="")
    local_date = fields.DateField()
    created_at = fields.DatetimeField()
    undone_at = fields.DatetimeField(null=True)

    class Meta:
        table = "diary_entries"
        indexes = (("user_id", "local_date"),)
