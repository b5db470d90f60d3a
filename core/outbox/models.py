"""Every message we send, recorded before it is sent."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from core.events.models import InboundEvent
from core.users.models import Identity


class OutboundStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OutboundMessage(Model):
    """One delivery of one or more replies to one identity."""

    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=120, unique=True)  # idempotency key
    channel = fields.CharField(max_length=16)
    identity: fields.ForeignKeyRelation[Identity] = fields.ForeignKeyField(
        "wastenexus.Identity", related_name="outbox", on_delete=fields.CASCADE)
    replies: list = fields.JSONField()
    reply_context: dict = fields.JSONField(default=dict)
    in_reply_to: fields.ForeignKeyNullableRelation[InboundEvent] = fields.ForeignKeyField(
        "wastenexus.InboundEvent", related_name="replies", null=True,
        on_delete=fields.SET_NULL)
    status = fields.CharEnumField(OutboundStatus, max_length=16, default=OutboundStatus.PENDING)
    parts_sent = fields.IntField(default=0)
    platform_ids: list = fields.JSONField(default=list)
    via = fields.CharField(max_length=16, default="")  # reply, push, api, twiml, console
    attempts = fields.IntField(default=0)
    last_error = fields.TextField(default="")
    created_at = fields.DatetimeField()
    not_before = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "outbound_messages"
        indexes = (("status", "not_before"),)


class PlatformMessage(Model):
    """One message as the platform knows it (a Twilio SID), with its delivery status."""

    id = fields.BigIntField(primary_key=True)
    outbound: fields.ForeignKeyRelation[OutboundMessage] = fields.ForeignKeyField(
        "wastenexus.OutboundMessage", related_name="platform_messages",
        on_delete=fields.CASCADE)
    platform_id = fields.CharField(max_length=64, unique=True)
    status = fields.CharField(max_length=24, default="sent")
    error_code = fields.CharField(max_length=16, default="")
    updated_at = fields.DatetimeField()

    class Meta:
        table = "platform_messages"
