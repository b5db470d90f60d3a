from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from core.reports.models import Status
from core.staff.models import Role
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('wastenexus', '0003_ledger_append_only')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Staff',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=120)),
                ('email', fields.CharField(null=True, unique=True, max_length=254)),
                ('phone', fields.CharField(null=True, unique=True, max_length=20)),
                ('role', fields.CharEnumField(description='ADMIN: admin\nDISPATCHER: dispatcher\nMODERATOR: moderator\nGOVERNMENT: government\nGREEN_CHAMPION: green_champion\nWORKER: worker', enum_type=Role, max_length=20)),
                ('ward', fields.CharField(default='', max_length=80)),
                ('active', fields.BooleanField(default=True)),
                ('password_hash', fields.CharField(default='', max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'staff', 'app': 'wastenexus', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ApiToken',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('staff', fields.ForeignKeyField('wastenexus.Staff', source_field='staff_id', db_constraint=True, to_field='id', related_name='tokens', on_delete=OnDelete.CASCADE)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('label', fields.CharField(default='', max_length=80)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'api_tokens', 'app': 'wastenexus', 'pk_attr': 'id', 'table_description': 'A bearer token, of which only the SHA-256 is stored.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('actor', fields.ForeignKeyField('wastenexus.Staff', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='audit', on_delete=OnDelete.SET_NULL)),
                ('actor_label', fields.CharField(max_length=120)),
                ('action', fields.CharField(max_length=64)),
                ('target', fields.CharField(max_length=64)),
                ('detail', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('ip', fields.CharField(default='', max_length=45)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'audit_entries', 'app': 'wastenexus', 'indexes': [Index(fields=['target', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Report',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ref', fields.CharField(unique=True, max_length=12)),
                ('source', fields.CharField(max_length=16)),
                ('reporter', fields.ForeignKeyField('wastenexus.User', source_field='reporter_id', null=True, db_constraint=True, to_field='id', related_name='reports', on_delete=OnDelete.SET_NULL)),
                ('status', fields.CharEnumField(default=Status.REPORTED, description='REPORTED: reported\nVERIFIED: verified\nASSIGNED: assigned\nIN_PROGRESS: in_progress\nCOLLECTED: collected\nRESOLVED: resolved\nREJECTED: rejected\nDUPLICATE: duplicate', enum_type=Status, max_length=16)),
                ('latitude', fields.DecimalField(null=True, max_digits=9, decimal_places=6)),
                ('longitude', fields.DecimalField(null=True, max_digits=9, decimal_places=6)),
                ('h3_cell', fields.CharField(null=True, max_length=16)),
                ('location_source', fields.CharField(default='', max_length=16)),
                ('address', fields.CharField(default='', max_length=255)),
                ('waste_types', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('size', fields.CharField(default='', max_length=16)),
                ('note', fields.TextField(default='', unique=False)),
                ('urgency', fields.CharField(default='normal', max_length=8)),
                ('plus_ones', fields.IntField(default=0)),
                ('priority', fields.IntField(default=0)),
                ('province', fields.CharField(default='', max_length=80)),
                ('district', fields.CharField(default='', max_length=80)),
                ('ward', fields.CharField(default='', max_length=80)),
                ('assignee', fields.ForeignKeyField('wastenexus.Staff', source_field='assignee_id', null=True, db_constraint=True, to_field='id', related_name='assigned_reports', on_delete=OnDelete.SET_NULL)),
                ('duplicate_of', fields.ForeignKeyField('wastenexus.Report', source_field='duplicate_of_id', null=True, db_constraint=True, to_field='id', related_name='duplicates', on_delete=OnDelete.SET_NULL)),
                ('contact', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('first_response_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('resolved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('sla_due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'reports', 'app': 'wastenexus', 'indexes': [Index(fields=['status', 'h3_cell']), Index(fields=['status', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Rating',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('report', fields.ForeignKeyField('wastenexus.Report', source_field='report_id', db_constraint=True, to_field='id', related_name='ratings', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('wastenexus.User', source_field='user_id', db_constraint=True, to_field='id', related_name='ratings', on_delete=OnDelete.CASCADE)),
                ('stars', fields.SmallIntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'report_ratings', 'app': 'wastenexus', 'unique_together': (('report_id', 'user_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReportEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('report', fields.ForeignKeyField('wastenexus.Report', source_field='report_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('from_status', fields.CharField(default='', max_length=16)),
                ('to_status', fields.CharField(max_length=16)),
                ('actor', fields.ForeignKeyField('wastenexus.Staff', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='report_events', on_delete=OnDelete.SET_NULL)),
                ('actor_label', fields.CharField(max_length=120)),
                ('note', fields.TextField(default='', unique=False)),
                ('photo_key', fields.CharField(default='', max_length=80)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'report_events', 'app': 'wastenexus', 'pk_attr': 'id', 'table_description': 'One step in the timeline of a report. Rows are only ever inserted.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReportPhoto',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('report', fields.ForeignKeyField('wastenexus.Report', source_field='report_id', db_constraint=True, to_field='id', related_name='photos', on_delete=OnDelete.CASCADE)),
                ('key', fields.CharField(max_length=80)),
                ('phash', fields.CharField(default='', max_length=16)),
                ('kind', fields.CharField(default='report', max_length=8)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'report_photos', 'app': 'wastenexus', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Subscription',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('report', fields.ForeignKeyField('wastenexus.Report', source_field='report_id', db_constraint=True, to_field='id', related_name='subscriptions', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('wastenexus.User', source_field='user_id', db_constraint=True, to_field='id', related_name='subscriptions', on_delete=OnDelete.CASCADE)),
                ('identity', fields.ForeignKeyField('wastenexus.Identity', source_field='identity_id', db_constraint=True, to_field='id', related_name='subscriptions', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'report_subscriptions', 'app': 'wastenexus', 'unique_together': (('report_id', 'user_id'),), 'pk_attr': 'id', 'table_description': 'Someone to tell about every change, on the chat they used.'},
            bases=['Model'],
        ),
    ]
