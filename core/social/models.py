"""Friends and referrals."""

from tortoise import fields
from tortoise.models import Model

from core.users.models import User


class Friendship(Model):
    """One direction of a friendship (both directions are stored)."""

    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "wastenexus.User", related_name="friendships", on_delete=fields.CASCADE)
    friend: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "wastenexus.User", related_name="befriended_by", on_delete=fields.CASCADE)
    created_at = fields.DatetimeField()

    class Meta:
        table = "friendships"
        unique_together = (("user_id", "friend_id"),)


class Referral(Model):
    """Who brought whom. Both are credited once the first real activity of the newcomer counts."""

    id = fields.BigIntField(primary_key=True)
    referrer: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "wastenexus.User", related_name="referrals_made", on_delete=fields.CASCADE)
    referred: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "wastenexus.User", related_name="referred_by", on_delete=fields.CASCADE, unique=True)
    status = fields.CharField(max_length=16, default="pending")  # pending, credited, refused
    reason = fields.CharField(max_length=64, default="")
    created_at = fields.DatetimeField()
    credited_at = fields.DatetimeField(null=True)

    class Meta:
        table = "referrals"
