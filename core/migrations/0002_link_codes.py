from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('wastenexus', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='LinkCode',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(db_index=True, max_length=12)),
                ('user', fields.ForeignKeyField('wastenexus.User', source_field='user_id', db_constraint=True, to_field='id', related_name='link_codes', on_delete=OnDelete.CASCADE)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'link_codes', 'app': 'wastenexus', 'pk_attr': 'id', 'table_description': "A short-lived code that joins another channel's identity to this user."},
            bases=['Model'],
        ),
    ]
