"""Where each identity is in a conversation."""

from tortoise import fields
from tortoise.models import Model

from core.users.models import Identity


class Conversation(Model):
    """The flow, step and collected slots of one identity."""

    id = fields.BigIntField(primary_key=True)
    identity: fields.OneToOneRelation[Identity] = fields.OneToOneField(
        "wastenexus.Identity", related_name="conversation", on_delete=fields.CASCADE)
    flow = fields.CharField(max_length=32, default="")
    step = fields.CharField(max_length=32, default="")
    slots: dict = fields.JSONField(default=dict)
    # The button data of the last reply, so "2" can answer a numbered menu.
    menu: list = fields.JSONField(default=list)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "conversations"
