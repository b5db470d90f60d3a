"""Municipal staff and the tokens they use with the admin API."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Role(StrEnum):
    ADMIN = "admin"
    DISPATCHER = "dispatcher"
    MODERATOR = "moderator"
    GOVERNMENT = "government"  # read-only analytics
    GREEN_CHAMPION = "green_champion"  # moderates reports in their own ward
    WORKER = "worker"


class Staff(Model):
    id = fields.BigIntField(primary_key=True)
    name = fields.CharField(max_length=120)
    email = fields.CharField(max_length=254, null=True, unique=True)
    phone = fields.CharField(max_length=20, null=True, unique=True)  # E.164
    role = fields.CharEnumField(Role, max_length=20)
    ward = fields.CharField(max_length=80, default="")
    active = fields.BooleanField(default=True)
    password_hash = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "staff"


class ApiToken(Model):
    """A bearer token, of which only the SHA-256 is stored."""

    id = fields.BigIntField(primary_key=True)
    staff: fields.ForeignKeyRelation[Staff] = fields.ForeignKeyField(
        "wastenexus.Staff", related_name="tokens", on_delete=fields.CASCADE)
    token_hash = fields.CharField(max_length=64, unique=True)
    label = fields.CharField(max_length=80, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_tokens"
