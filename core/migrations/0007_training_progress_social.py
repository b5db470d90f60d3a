from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from core.training.models import AttemptStatus, QuestionKind
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('wastenexus', '0006_event_media')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AchievementAward',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('wastenexus.User', source_field='user_id', db_constraint=True, to_field='id', related_name='achievements', on_delete=OnDelete.CASCADE)),
                ('code', fields.CharField(max_length=40)),
                ('awarded_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'achievement_awards', 'app': 'wastenexus', 'unique_together': (('user_id', 'code'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Badge',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('wastenexus.User', source_field='user_id', db_constraint=True, to_field='id', related_name='badges', on_delete=OnDelete.CASCADE)),
                ('code', fields.CharField(max_length=40)),
                ('source', fields.CharField(max_length=64)),
                ('awarded_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'badges', 'app': 'wastenexus', 'unique_together': (('user_id', 'code'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Friendship',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('wastenexus.User', source_field='user_id', db_constraint=True, to_field='id', related_name='friendships', on_delete=OnDelete.CASCADE)),
                ('friend', fields.ForeignKeyField('wastenexus.User', source_field='friend_id', db_constraint=True, to_field='id', related_name='befriended_by', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'friendships', 'app': 'wastenexus', 'unique_together': (('user_id', 'friend_id'),), 'pk_attr': 'id', 'table_description': 'One direction of a friendship (both directions are stored).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='GoalCompletion',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('wastenexus.User', source_field='user_id', db_constraint=True, to_field='id', related_name='goal_completions', on_delete=OnDelete.CASCADE)),
                ('code', fields.CharField(max_length=40)),
                ('local_date', fields.DateField()),
                ('completed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'goal_completions', 'app': 'wastenexus', 'unique_together': (('user_id', 'code', 'local_date'),), 'pk_attr': 'id', 'table_description': 'A daily goal met on one local day. Goals reset at the local midnight of the user.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LevelUp',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('wastenexus.User', source_field='user_id', db_constraint=True, to_field='id', related_name='level_ups', on_delete=OnDelete.CASCADE)),
                ('level', fields.SmallIntField()),
                ('reached_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'level_ups', 'app': 'wastenexus', 'unique_together': (('user_id', 'level'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Module',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=40)),
                ('position', fields.IntField(default=0)),
                ('region', fields.CharField(default='', max_length=2)),
                ('difficulty', fields.CharField(default='beginner', max_length=16)),
                ('pass_mark', fields.IntField(default=75)),
                ('reward_credits', fields.IntField(default=0)),
                ('badge_code', fields.CharField(default='', max_length=40)),
                ('certificate', fields.BooleanField(default=False)),
                ('prerequisites', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('titles', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('summaries', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('sources', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('published', fields.BooleanField(default=False)),
                ('version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'training_modules', 'app': 'wastenexus', 'pk_attr': 'id', 'table_description': 'A training module. Every text is a {locale: text} mapping: en, th and hi.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Attempt',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token', fields.CharField(unique=True, max_length=16)),
                ('user', fields.ForeignKeyField('wastenexus.User', source_field='user_id', db_constraint=True, to_field='id', related_name='attempts', on_delete=OnDelete.CASCADE)),
                ('module', fields.ForeignKeyField('wastenexus.Module', source_field='module_id', db_constraint=True, to_field='id', related_name='attempts', on_delete=OnDelete.CASCADE)),
                ('status', fields.CharEnumField(default=AttemptStatus.IN_PROGRESS, description='IN_PROGRESS: in_progress\nPASSED: passed\nFAILED: failed', enum_type=AttemptStatus, max_length=16)),
                ('lesson_index', fields.IntField(default=0)),
                ('question_index', fields.IntField(default=0)),
                ('answers', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('correct_count', fields.IntField(default=0)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'training_attempts', 'app': 'wastenexus', 'indexes': [Index(fields=['user_id', 'module_id', 'status'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Certificate',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=16)),
                ('user', fields.ForeignKeyField('wastenexus.User', source_field='user_id', db_constraint=True, to_field='id', related_name='certificates', on_delete=OnDelete.CASCADE)),
                ('module', fields.ForeignKeyField('wastenexus.Module', source_field='module_id', db_constraint=True, to_field='id', related_name='certificates', on_delete=OnDelete.RESTRICT)),
                ('holder_name', fields.CharField(max_length=120)),
                ('module_title', fields.CharField(max_length=200)),
                ('locale', fields.CharField(max_length=8)),
                ('issued_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('media_key', fields.CharField(default='', max_length=80)),
            ],
            options={'table': 'certificates', 'app': 'wastenexus', 'unique_together': (('user_id', 'module_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Lesson',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('module', fields.ForeignKeyField('wastenexus.Module', source_field='module_id', db_constraint=True, to_field='id', related_name='lessons', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField(default=0)),
                ('texts', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('image_url', fields.CharField(default='', max_length=500)),
            ],
            options={'table': 'training_lessons', 'app': 'wastenexus', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Question',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('module', fields.ForeignKeyField('wastenexus.Module', source_field='module_id', db_constraint=True, to_field='id', related_name='questions', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField(default=0)),
                ('kind', fields.CharEnumField(default=QuestionKind.SINGLE, description='SINGLE: single\nTRUE_FALSE: truefalse', enum_type=QuestionKind, max_length=16)),
                ('prompts', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('choices', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('correct', fields.SmallIntField()),
                ('explanations', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'training_questions', 'app': 'wastenexus', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Referral',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('referrer', fields.ForeignKeyField('wastenexus.User', source_field='referrer_id', db_constraint=True, to_field='id', related_name='referrals_made', on_delete=OnDelete.CASCADE)),
                ('referred', fields.ForeignKeyField('wastenexus.User', source_field='referred_id', unique=True, db_constraint=True, to_field='id', related_name='referred_by', on_delete=OnDelete.CASCADE)),
                ('status', fields.CharField(default='pending', max_length=16)),
                ('reason', fields.CharField(default='', max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('credited_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'referrals', 'app': 'wastenexus', 'pk_attr': 'id', 'table_description': 'Who brought whom. Both are credited once the first real activity of the newcomer counts.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReviewFlag',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('wastenexus.User', source_field='user_id', db_constraint=True, to_field='id', related_name='review_flags', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=32)),
                ('reference', fields.CharField(max_length=64)),
                ('detail', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('resolved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('resolution', fields.CharField(default='', max_length=16)),
            ],
            options={'table': 'review_flags', 'app': 'wastenexus', 'indexes': [Index(fields=['kind', 'resolved_at'])], 'pk_attr': 'id', 'table_description': 'Something held back for a person to check: an implausible entry, a referral.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='DiaryEntry',
            name='review',
            field=fields.CharField(default='', max_length=8),
        ),
        ops.AddField(
            model_name='User',
            name='invite_code',
            field=fields.CharField(null=True, unique=True, max_length=12),
        ),
        ops.AddField(
            model_name='User',
            name='visibility',
            field=fields.CharField(default='friends', max_length=8),
        ),
    ]
