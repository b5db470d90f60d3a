"""Versioned sets of waste categories and emission factors, with their sources."""

from tortoise import fields
from tortoise.models import Model


class FactorSet(Model):
    id = fields.BigIntField(primary_key=True)
    code = fields.CharField(max_length=40)
    version = fields.CharField(max_length=20)
    region = fields.CharField(max_length=2)  # the users' region this set serves
    name = fields.CharField(max_length=120)
    baseline_method = fields.CharField(max_length=32)
    source = fields.TextField()
    caveat = fields.TextField(default="")
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    categories: fields.ReverseRelation["WasteCategory"]

    class Meta:
        table = "factor_sets"
        unique_together = (("code", "version"),)


class WasteCategory(Model):
    id = fields.BigIntField(primary_key=True)
    factor_set: fields.ForeignKeyRelation[FactorSet] = fields.ForeignKeyField(
        "wastenexus.FactorSet", related_name="categories", on_delete=fields.CASCADE)
    code = fields.CharField(max_length=40)
    position = fields.IntField(default=0)
    names: dict = fields.JSONField()  # locale -> name
    aliases: dict = fields.JSONField(default=dict)  # locale -> [words people type]
    # Typical weight of one piece, so "3 bottles" can be weighed; null if unknown.
    piece_grams = fields.IntField(null=True)
    piece_source = fields.TextField(default="")

    factors: fields.ReverseRelation["EmissionFactor"]

    class Meta:
        table = "waste_categories"
        unique_together = (("factor_set", "code"),)


class EmissionFactor(Model):
    id = fields.BigIntField(primary_key=True)
    category: fields.ForeignKeyRelation[WasteCategory] = fields.ForeignKeyField(
        "wastenexus.WasteCategory", related_name="factors", on_delete=fields.CASCADE)
    method = fields.CharField(max_length=32)
    position = fields.IntField(default=0)
    # kg CO2e emitted per kg of waste by this method; null where no factor is known.
    kg_co2e_per_kg = fields.DecimalField(max_digits=10, decimal_places=4, null=True)
    credits_per_kg = fields.DecimalField(max_digits=8, decimal_places=2)
    factor_source = fields.TextField(default="")
    credits_source = fields.TextField(default="")

    class Meta:
        table = "emission_factors"
        unique_together = (("category", "method"),)
