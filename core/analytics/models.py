"""Daily roll-ups, one figure per row, for the console and government reports."""

from tortoise import fields
from tortoise.models import Model


class DailyFigure(Model):
    """A metric for one local day and one area (ward, district, province or the nation)."""

    id = fields.BigIntField(primary_key=True)
    day = fields.DateField()
    level = fields.CharField(max_length=12)  # ward, district, province, nation
    area = fields.CharField(max_length=120)  # "" for the nation
    metric = fields.CharField(max_length=120)  # e.g. diary.kg.plastic_bottles.recycled
    value = fields.DecimalField(max_digits=18, decimal_places=4)
    computed_at = fields.DatetimeField()

    class Meta:
        table = "daily_figures"
        unique_together = (("day", "level", "area", "metric"),)
        indexes = (("metric", "day"),)
