"""People and the platform identities they talk to us through."""

from tortoise import fields
from tortoise.models import Model


class User(Model):
    """A person who has consented (before consent, only an Identity exists)."""

    id = fields.BigIntField(primary_key=True)
    display_name = fields.CharField(max_length=120, default="")
    locale = fields.CharField(max_length=8)
    timezone = fields.CharField(max_length=40)
    region = fields.CharField(max_length=2, default="")  # ISO 3166 alpha-2: TH or IN
    province = fields.CharField(max_length=80, default="")
    district = fields.CharField(max_length=80, default="")
    latitude = fields.DecimalField(max_digits=9, decimal_places=6, null=True)
    longitude = fields.DecimalField(max_digits=9, decimal_places=6, null=True)
    consent_version = fields.CharField(max_length=16)
    consented_at = fields.DatetimeField()
    # Who sees this person by name on leaderboards: public, friends or private.
    visibility = fields.CharField(max_length=8, default="friends")
    # Reminders: each kind can be turned off; none is sent in the quiet hours (local time).
    remind_diary = fields.BooleanField(default=True)
    remind_streak = fields.BooleanField(default=True)
    remind_training = fields.BooleanField(default=True)
    quiet_start = fields.TimeField(null=True)  # null: the defaults in settings
    quiet_end = fields.TimeField(null=True)
    invite_code = fields.CharField(max_length=12, null=True, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    identities: fields.ReverseRelation["Identity"]

    class Meta:
        table = "users"


class Identity(Model):
    """One account on one channel: a LINE userId, a Telegram user id, a phone number."""

    id = fields.BigIntField(primary_key=True)
    channel = fields.CharField(max_length=16)
    external_id = fields.CharField(max_length=64)
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "wastenexus.User", related_name="identities", null=True, on_delete=fields.SET_NULL
    )
    blocked = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "identities"
        unique_together = (("channel", "external_id"),)


class LinkCode(Model):
    """A short-lived code that joins another channel's identity to this user."""

    id = fields.BigIntField(primary_key=True)
    code = fields.CharField(max_length=12, db_index=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "wastenexus.User", related_name="link_codes", on_delete=fields.CASCADE)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "link_codes"
