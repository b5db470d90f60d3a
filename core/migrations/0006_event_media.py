from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('wastenexus', '0005_timelines_append_only')]

    initial = False

    operations = [
        ops.AddField(
            model_name='InboundEvent',
            name='media',
            field=fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
    ]
