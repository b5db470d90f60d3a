"""What progress has been announced or rewarded already, so it happens exactly once."""

from tortoise import fields
from tortoise.models import Model

from core.users.models import User


class LevelUp(Model):
    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "wastenexus.User", related_name="level_ups", on_delete=fields.CASCADE)
    level = fields.SmallIntField()
    reached_at = fields.DatetimeField()

    class Meta:
        table = "level_ups"
        unique_together = (("user_id", "level"),)


class AchievementAward(Model):
    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "wastenexus.User", related_name="achievements", on_delete=fields.CASCADE)
    code = fields.CharField(max_length=40)
    awarded_at = fields.DatetimeField()

    class Meta:
        table = "achievement_awards"
        unique_together = (("user_id", "code"),)


class GoalCompletion(Model):
    """A daily goal met on one local day. Goals reset at the local midnight of the user."""

    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "wastenexus.User", related_name="goal_completions", on_delete=fields.CASCADE)
    code = fields.CharField(max_length=40)
    local_date = fields.DateField()
    completed_at = fields.DatetimeField()

    class Meta:
        table = "goal_completions"
        unique_together = (("user_id", "code", "local_date"),)


class ReviewFlag(Model):
    """Something held back for a person to check: an implausible entry, a referral."""

    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "wastenexus.User", related_name="review_flags", on_delete=fields.CASCADE)
    kind = fields.CharField(max_length=32)  # implausible_entry, credit_cap, referral
    reference = fields.CharField(max_length=64)
    detail: dict = fields.JSONField(default=dict)
    created_at = fields.DatetimeField()
    resolved_at = fields.DatetimeField(null=True)
    resolution = fields.CharField(max_length=16, default="")  # credited, refused

    class Meta:
        table = "review_flags"
        indexes = (("kind", "resolved_at"),)
