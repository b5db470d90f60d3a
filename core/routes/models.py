"""Collection rounds: depots, vehicles, workers, scheduled pickups, and planned routes."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from core.reports.models import Report
from core.staff.models import Staff


class Depot(Model):
    id = fields.BigIntField(primary_key=True)
    name = fields.CharField(max_length=120)
    ward = fields.CharField(max_length=80)
    latitude = fields.DecimalField(max_digits=9, decimal_places=6)
    longitude = fields.DecimalField(max_digits=9, decimal_places=6)

    class Meta:
        table = "depots"


class Vehicle(Model):
    id = fields.BigIntField(primary_key=True)
    name = fields.CharField(max_length=80)  # plate or fleet number
    capacity_kg = fields.IntField()
    depot: fields.ForeignKeyRelation[Depot] = fields.ForeignKeyField(
        "wastenexus.Depot", related_name="vehicles", on_delete=fields.RESTRICT)
    active = fields.BooleanField(default=True)

    class Meta:
        table = "vehicles"


class WorkerProfile(Model):
    """What planning needs to know about a worker (a Staff member with the worker role)."""

    id = fields.BigIntField(primary_key=True)
    staff: fields.OneToOneRelation[Staff] = fields.OneToOneField(
        "wastenexus.Staff", related_name="worker_profile", on_delete=fields.CASCADE)
    vehicle: fields.ForeignKeyNullableRelation[Vehicle] = fields.ForeignKeyField(
        "wastenexus.Vehicle", related_name="crews", null=True, on_delete=fields.SET_NULL)
    shift_start = fields.TimeField()  # local time in the ward
    shift_end = fields.TimeField()
    locale = fields.CharField(max_length=8, default="th")  # language of the route SMS
    timezone = fields.CharField(max_length=40, default="Asia/Bangkok")

    class Meta:
        table = "worker_profiles"


class ScheduledPickup(Model):
    """A regular collection point (a market, a school) served on given weekdays."""

    id = fields.BigIntField(primary_key=True)
    ward = fields.CharField(max_length=80)
    label = fields.CharField(max_length=120)
    latitude = fields.DecimalField(max_digits=9, decimal_places=6)
    longitude = fields.DecimalField(max_digits=9, decimal_places=6)
    demand_kg = fields.IntField()
    window_start = fields.TimeField(null=True)
    window_end = fields.TimeField(null=True)
    weekdays: list = fields.JSONField(default=list)  # ISO weekdays, 1 = Monday
    waste_types: list = fields.JSONField(default=list)
    active = fields.BooleanField(default=True)

    class Meta:
        table = "scheduled_pickups"


class PlanRun(Model):
    """One planning of one ward for one day: the solver, its settings and what did not fit."""

    id = fields.BigIntField(primary_key=True)
    ward = fields.CharField(max_length=80)
    day = fields.DateField()
    solver = fields.CharField(max_length=32)
    settings: dict = fields.JSONField(default=dict)
    cost = fields.BigIntField(default=0)
    runtime_ms = fields.IntField(default=0)
    unassigned: list = fields.JSONField(default=list)  # [{"stop": ..., "reason": ...}]
    created_at = fields.DatetimeField()

    class Meta:
        table = "plan_runs"
        indexes = (("ward", "day"),)


class RouteStatus(StrEnum):
    PLANNED = "planned"
    SENT = "sent"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class Route(Model):
    id = fields.BigIntField(primary_key=True)
    plan: fields.ForeignKeyRelation[PlanRun] = fields.ForeignKeyField(
        "wastenexus.PlanRun", related_name="routes", on_delete=fields.CASCADE)
    ward = fields.CharField(max_length=80)
    day = fields.DateField()
    worker: fields.ForeignKeyRelation[Staff] = fields.ForeignKeyField(
        "wastenexus.Staff", related_name="routes", on_delete=fields.RESTRICT)
    vehicle: fields.ForeignKeyRelation[Vehicle] = fields.ForeignKeyField(
        "wastenexus.Vehicle", related_name="routes", on_delete=fields.RESTRICT)
    status = fields.CharEnumField(RouteStatus, max_length=16, default=RouteStatus.PLANNED)
    version = fields.IntField(default=1)  # bumped by each re-plan of a sent route
    distance_m = fields.IntField(default=0)
    duration_s = fields.IntField(default=0)
    load_kg = fields.IntField(default=0)
    created_at = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)
    finished_at = fields.DatetimeField(null=True)

    stops: fields.ReverseRelation["Stop"]

    class Meta:
        table = "routes"
        indexes = (("day", "ward"), ("worker_id", "day"))


class StopStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    SKIPPED = "skipped"


class Stop(Model):
    id = fields.BigIntField(primary_key=True)
    route: fields.ForeignKeyRelation[Route] = fields.ForeignKeyField(
        "wastenexus.Route", related_name="stops", on_delete=fields.CASCADE)
    position = fields.IntField()  # order in the plan
    number = fields.IntField()  # the number the worker sees and replies with
    report: fields.ForeignKeyNullableRelation[Report] = fields.ForeignKeyField(
        "wastenexus.Report", related_name="stops", null=True, on_delete=fields.SET_NULL)
    pickup: fields.ForeignKeyNullableRelation[ScheduledPickup] = fields.ForeignKeyField(
        "wastenexus.ScheduledPickup", related_name="stops", null=True,
        on_delete=fields.SET_NULL)
    latitude = fields.DecimalField(max_digits=9, decimal_places=6)
    longitude = fields.DecimalField(max_digits=9, decimal_places=6)
    label = fields.CharField(max_length=160)  # short address or landmark
    waste_types: list = fields.JSONField(default=list)
    demand_kg = fields.IntField()
    window_start = fields.DatetimeField(null=True)
    window_end = fields.DatetimeField(null=True)
    eta = fields.DatetimeField(null=True)
    status = fields.CharEnumField(StopStatus, max_length=16, default=StopStatus.PENDING)
    skip_reason = fields.CharField(max_length=160, default="")
    proof_key = fields.CharField(max_length=80, default="")
    done_at = fields.DatetimeField(null=True)

    class Meta:
        table = "stops"
        indexes = (("route_id", "number"),)
