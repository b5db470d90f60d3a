"""Civic reports of dumped waste or overflowing bins, and their append-only timelines."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from core.staff.models import Staff
from core.users.models import Identity, User


class Status(StrEnum):
    REPORTED = "reported"
    VERIFIED = "verified"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    COLLECTED = "collected"
    RESOLVED = "resolved"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"


# Still waiting for the municipality: these count for duplicates and for SLAs.
OPEN_STATUSES = frozenset({Status.REPORTED, Status.VERIFIED, Status.ASSIGNED,
                           Status.IN_PROGRESS, Status.COLLECTED})


class Report(Model):
    id = fields.BigIntField(primary_key=True)
    ref = fields.CharField(max_length=12, unique=True)
    source = fields.CharField(max_length=16)  # chat or open311
    reporter: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "wastenexus.User", related_name="reports", null=True, on_delete=fields.SET_NULL)
    status = fields.CharEnumField(Status, max_length=16, default=Status.REPORTED)
    latitude = fields.DecimalField(max_digits=9, decimal_places=6, null=True)
    longitude = fields.DecimalField(max_digits=9, decimal_places=6, null=True)
    h3_cell = fields.CharField(max_length=16, null=True)
    location_source = fields.CharField(max_length=16, default="")  # pin, photo, typed
    address = fields.CharField(max_length=255, default="")
    waste_types: list = fields.JSONField(default=list)
    size = fields.CharField(max_length=16, default="")
    note = fields.TextField(default="")
    urgency = fields.CharField(max_length=8, default="normal")
    plus_ones = fields.IntField(default=0)
    priority = fields.IntField(default=0)
    province = fields.CharField(max_length=80, default="")
    district = fields.CharField(max_length=80, default="")
    ward = fields.CharField(max_length=80, default="")
    assignee: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "wastenexus.Staff", related_name="assigned_reports", null=True,
        on_delete=fields.SET_NULL)
    duplicate_of: fields.ForeignKeyNullableRelation["Report"] = fields.ForeignKeyField(
        "wastenexus.Report", related_name="duplicates", null=True, on_delete=fields.SET_NULL)
    # Open311 submitters: contact fields as sent (personal data; erased with the report).
    contact: dict = fields.JSONField(default=dict)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    first_response_at = fields.DatetimeField(null=True)
    resolved_at = fields.DatetimeField(null=True)
    sla_due_at = fields.DatetimeField()

    photos: fields.ReverseRelation["ReportPhoto"]
    events: fields.ReverseRelation["ReportEvent"]

    class Meta:
        table = "reports"
        indexes = (("status", "h3_cell"), ("status", "created_at"))


class ReportPhoto(Model):
    id = fields.BigIntField(primary_key=True)
    report: fields.ForeignKeyRelation[Report] = fields.ForeignKeyField(
        "wastenexus.Report", related_name="photos", on_delete=fields.CASCADE)
    key = fields.CharField(max_length=80)  # in the media store, EXIF already stripped
    phash = fields.CharField(max_length=16, default="")
    kind = fields.CharField(max_length=8, default="report")  # report or proof
    created_at = fields.DatetimeField()

    class Meta:
        table = "report_photos"


class ReportEvent(Model):
    """One step in the timeline of a report. Rows are only ever inserted."""

    id = fields.BigIntField(primary_key=True)
    report: fields.ForeignKeyRelation[Report] = fields.ForeignKeyField(
        "wastenexus.Report", related_name="events", on_delete=fields.CASCADE)
    from_status = fields.CharField(max_length=16, default="")
    to_status = fields.CharField(max_length=16)
    actor: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "wastenexus.Staff", related_name="report_events", null=True, on_delete=fields.SET_NULL)
    actor_label = fields.CharField(max_length=120)
    note = fields.TextField(default="")
    photo_key = fields.CharField(max_length=80, default="")
    created_at = fields.DatetimeField()

    class Meta:
        table = "report_events"


class Subscription(Model):
    """Someone to tell about every change, on the chat they used."""

    id = fields.BigIntField(primary_key=True)
    report: fields.ForeignKeyRelation[Report] = fields.ForeignKeyField(
        "wastenexus.Report", related_name="subscriptions", on_delete=fields.CASCADE)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "wastenexus.User", related_name="subscriptions", on_delete=fields.CASCADE)
    identity: fields.ForeignKeyRelation[Identity] = fields.ForeignKeyField(
        "wastenexus.Identity", related_name="subscriptions", on_delete=fields.CASCADE)
    created_at = fields.DatetimeField()

    class Meta:
        table = "report_subscriptions"
        unique_together = (("report_id", "user_id"),)


class Rating(Model):
    id = fields.BigIntField(primary_key=True)
    report: fields.ForeignKeyRelation[Report] = fields.ForeignKeyField(
        "wastenexus.Report", related_name="ratings", on_delete=fields.CASCADE)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "wastenexus.User", related_name="ratings", on_delete=fields.CASCADE)
    stars = fields.SmallIntField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "report_ratings"
        unique_together = (("report_id", "user_id"),)
