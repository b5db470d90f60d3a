from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from core.routes.models import RouteStatus, StopStatus
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('wastenexus', '0007_training_progress_social')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DailyFigure',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('day', fields.DateField()),
                ('level', fields.CharField(max_length=12)),
                ('area', fields.CharField(max_length=120)),
                ('metric', fields.CharField(max_length=120)),
                ('value', fields.DecimalField(max_digits=18, decimal_places=4)),
                ('computed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'daily_figures', 'app': 'wastenexus', 'unique_together': (('day', 'level', 'area', 'metric'),), 'indexes': [Index(fields=['metric', 'day'])], 'pk_attr': 'id', 'table_description': 'A metric for one local day and one area (ward, district, province or the nation).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Depot',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=120)),
                ('ward', fields.CharField(max_length=80)),
                ('latitude', fields.DecimalField(max_digits=9, decimal_places=6)),
                ('longitude', fields.DecimalField(max_digits=9, decimal_places=6)),
            ],
            options={'table': 'depots', 'app': 'wastenexus', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PlanRun',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ward', fields.CharField(max_length=80)),
                ('day', fields.DateField()),
                ('solver', fields.CharField(max_length=32)),
                ('settings', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('cost', fields.BigIntField(default=0)),
                ('runtime_ms', fields.IntField(default=0)),
                ('unassigned', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'plan_runs', 'app': 'wastenexus', 'indexes': [Index(fields=['ward', 'day'])], 'pk_attr': 'id', 'table_description': 'One planning of one ward for one day: the solver, its settings and what did not fit.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PlatformMessage',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('outbound', fields.ForeignKeyField('wastenexus.OutboundMessage', source_field='outbound_id', db_constraint=True, to_field='id', related_name='platform_messages', on_delete=OnDelete.CASCADE)),
                ('platform_id', fields.CharField(unique=True, max_length=64)),
                ('status', fields.CharField(default='sent', max_length=24)),
                ('error_code', fields.CharField(default='', max_length=16)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'platform_messages', 'app': 'wastenexus', 'pk_attr': 'id', 'table_description': 'One message as the platform knows it (a Twilio SID), with its delivery status.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ScheduledPickup',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ward', fields.CharField(max_length=80)),
                ('label', fields.CharField(max_length=120)),
                ('latitude', fields.DecimalField(max_digits=9, decimal_places=6)),
                ('longitude', fields.DecimalField(max_digits=9, decimal_places=6)),
                ('demand_kg', fields.IntField()),
                ('window_start', fields.TimeField(null=True, auto_now=False, auto_now_add=False)),
                ('window_end', fields.TimeField(null=True, auto_now=False, auto_now_add=False)),
                ('weekdays', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('waste_types', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('active', fields.BooleanField(default=True)),
            ],
            options={'table': 'scheduled_pickups', 'app': 'wastenexus', 'pk_attr': 'id', 'table_description': 'A regular collection point (a market, a school) served on given weekdays.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Vehicle',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=80)),
                ('capacity_kg', fields.IntField()),
                ('depot', fields.ForeignKeyField('wastenexus.Depot', source_field='depot_id', db_constraint=True, to_field='id', related_name='vehicles', on_delete=OnDelete.RESTRICT)),
                ('active', fields.BooleanField(default=True)),
            ],
            options={'table': 'vehicles', 'app': 'wastenexus', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Route',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('plan', fields.ForeignKeyField('wastenexus.PlanRun', source_field='plan_id', db_constraint=True, to_field='id', related_name='routes', on_delete=OnDelete.CASCADE)),
                ('ward', fields.CharField(max_length=80)),
                ('day', fields.DateField()),
                ('worker', fields.ForeignKeyField('wastenexus.Staff', source_field='worker_id', db_constraint=True, to_field='id', related_name='routes', on_delete=OnDelete.RESTRICT)),
                ('vehicle', fields.ForeignKeyField('wastenexus.Vehicle', source_field='vehicle_id', db_constraint=True, to_field='id', related_name='routes', on_delete=OnDelete.RESTRICT)),
                ('status', fields.CharEnumField(default=RouteStatus.PLANNED, description='PLANNED: planned\nSENT: sent\nIN_PROGRESS: in_progress\nDONE: done', enum_type=RouteStatus, max_length=16)),
                ('version', fields.IntField(default=1)),
                ('distance_m', fields.IntField(default=0)),
                ('duration_s', fields.IntField(default=0)),
                ('load_kg', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'routes', 'app': 'wastenexus', 'indexes': [Index(fields=['day', 'ward']), Index(fields=['worker_id', 'day'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Stop',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('route', fields.ForeignKeyField('wastenexus.Route', source_field='route_id', db_constraint=True, to_field='id', related_name='stops', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
                ('number', fields.IntField()),
                ('report', fields.ForeignKeyField('wastenexus.Report', source_field='report_id', null=True, db_constraint=True, to_field='id', related_name='stops', on_delete=OnDelete.SET_NULL)),
                ('pickup', fields.ForeignKeyField('wastenexus.ScheduledPickup', source_field='pickup_id', null=True, db_constraint=True, to_field='id', related_name='stops', on_delete=OnDelete.SET_NULL)),
                ('latitude', fields.DecimalField(max_digits=9, decimal_places=6)),
                ('longitude', fields.DecimalField(max_digits=9, decimal_places=6)),
                ('label', fields.CharField(max_length=160)),
                ('waste_types', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('demand_kg', fields.IntField()),
                ('window_start', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('window_end', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('eta', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('status', fields.CharEnumField(default=StopStatus.PENDING, description='PENDING: pending\nDONE: done\nSKIPPED: skipped', enum_type=StopStatus, max_length=16)),
                ('skip_reason', fields.CharField(default='', max_length=160)),
                ('proof_key', fields.CharField(default='', max_length=80)),
                ('done_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'stops', 'app': 'wastenexus', 'indexes': [Index(fields=['route_id', 'number'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WorkerProfile',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('staff', fields.OneToOneField('wastenexus.Staff', source_field='staff_id', db_constraint=True, to_field='id', related_name='worker_profile', on_delete=OnDelete.CASCADE)),
                ('vehicle', fields.ForeignKeyField('wastenexus.Vehicle', source_field='vehicle_id', null=True, db_constraint=True, to_field='id', related_name='crews', on_delete=OnDelete.SET_NULL)),
                ('shift_start', fields.TimeField(auto_now=False, auto_now_add=False)),
                ('shift_end', fields.TimeField(auto_now=False, auto_now_add=False)),
                ('locale', fields.CharField(default='th', max_length=8)),
                ('timezone', fields.CharField(default='Asia/Bangkok', max_length=40)),
            ],
            options={'table': 'worker_profiles', 'app': 'wastenexus', 'pk_attr': 'id', 'table_description': 'What planning needs to know about a worker (a Staff member with the worker role).'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='User',
            name='quiet_end',
            field=fields.TimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='User',
            name='quiet_start',
            field=fields.TimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='User',
            name='remind_diary',
            field=fields.BooleanField(default=True),
        ),
        ops.AddField(
            model_name='User',
            name='remind_streak',
            field=fields.BooleanField(default=True),
        ),
        ops.AddField(
            model_name='User',
            name='remind_training',
            field=fields.BooleanField(default=True),
        ),
    ]
