"""Inbound platform events, stored before any processing."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class EventStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    IGNORED = "ignored"
    THROTTLED = "throttled"
    FAILED = "failed"


class InboundEvent(Model):
    id = fields.BigIntField(primary_key=True)
    channel = fields.CharField(max_length=16)
    event_id = fields.CharField(max_length=64)
    sender = fields.CharField(max_length=64)
    payload: dict = fields.JSONField()
    # Photos fetched from the platform before processing: [Photo.to_dict(), ...].
    media: list = fields.JSONField(default=list)
    status = fields.CharEnumField(EventStatus, max_length=16, default=EventStatus.PENDING)
    attempts = fields.IntField(default=0)
    last_error = fields.TextField(default="")
    received_at = fields.DatetimeField()
    next_attempt_at = fields.DatetimeField()
    processed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "inbound_events"
        unique_together = (("channel", "event_id"),)
        indexes = (("status", "next_attempt_at"), ("channel", "sender", "status"))
