"""Training modules (lessons and quizzes), attempts, badges and certificates."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from core.users.models import User


class Module(Model):
    """A training module. Every text is a {locale: text} mapping: en, th and hi."""

    id = fields.BigIntField(primary_key=True)
    code = fields.CharField(max_length=40, unique=True)
    position = fields.IntField(default=0)
    region = fields.CharField(max_length=2, default="")  # TH, IN, or "" for everyone
    difficulty = fields.CharField(max_length=16, default="beginner")
    pass_mark = fields.IntField(default=75)  # percent of questions answered right
    reward_credits = fields.IntField(default=0)
    badge_code = fields.CharField(max_length=40, default="")
    certificate = fields.BooleanField(default=False)
    prerequisites: list = fields.JSONField(default=list)  # module codes
    titles: dict = fields.JSONField()
    summaries: dict = fields.JSONField(default=dict)
    sources: list = fields.JSONField(default=list)  # where the facts come from
    published = fields.BooleanField(default=False)
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    lessons: fields.ReverseRelation["Lesson"]
    questions: fields.ReverseRelation["Question"]

    class Meta:
        table = "training_modules"


class Lesson(Model):
    id = fields.BigIntField(primary_key=True)
    module: fields.ForeignKeyRelation[Module] = fields.ForeignKeyField(
        "wastenexus.Module", related_name="lessons", on_delete=fields.CASCADE)
    position = fields.IntField(default=0)
    texts: dict = fields.JSONField()
    image_url = fields.CharField(max_length=500, default="")

    class Meta:
        table = "training_lessons"


class QuestionKind(StrEnum):
    SINGLE = "single"
    TRUE_FALSE = "truefalse"


class Question(Model):
    id = fields.BigIntField(primary_key=True)
    module: fields.ForeignKeyRelation[Module] = fields.ForeignKeyField(
        "wastenexus.Module", related_name="questions", on_delete=fields.CASCADE)
    position = fields.IntField(default=0)
    kind = fields.CharEnumField(QuestionKind, max_length=16, default=QuestionKind.SINGLE)
    prompts: dict = fields.JSONField()
    choices: list = fields.JSONField()  # [{locale: text}, ...]
    correct = fields.SmallIntField()  # index into choices; never sent to a client
    explanations: dict = fields.JSONField()

    class Meta:
        table = "training_questions"


class AttemptStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    PASSED = "passed"
    FAILED = "failed"


class Attempt(Model):
    id = fields.BigIntField(primary_key=True)
    # Opaque, short and unguessable: the only thing a quiz button carries besides a choice.
    token = fields.CharField(max_length=16, unique=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "wastenexus.User", related_name="attempts", on_delete=fields.CASCADE)
    module: fields.ForeignKeyRelation[Module] = fields.ForeignKeyField(
        "wastenexus.Module", related_name="attempts", on_delete=fields.CASCADE)
    status = fields.CharEnumField(AttemptStatus, max_length=16,
                                  default=AttemptStatus.IN_PROGRESS)
    lesson_index = fields.IntField(default=0)
    question_index = fields.IntField(default=0)
    answers: list = fields.JSONField(default=list)  # chosen indexes, in question order
    correct_count = fields.IntField(default=0)
    started_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "training_attempts"
        indexes = (("user_id", "module_id", "status"),)


class Badge(Model):
    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "wastenexus.User", related_name="badges", on_delete=fields.CASCADE)
    code = fields.CharField(max_length=40)
    source = fields.CharField(max_length=64)  # module:<code> or achievement:<code>
    awarded_at = fields.DatetimeField()

    class Meta:
        table = "badges"
        unique_together = (("user_id", "code"),)


class Certificate(Model):
    id = fields.BigIntField(primary_key=True)
    code = fields.CharField(max_length=16, unique=True)  # printed, and checked at /verify
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "wastenexus.User", related_name="certificates", on_delete=fields.CASCADE)
    module: fields.ForeignKeyRelation[Module] = fields.ForeignKeyField(
        "wastenexus.Module", related_name="certificates", on_delete=fields.RESTRICT)
    # Snapshots, so the certificate reads the same after a rename or an edit.
    holder_name = fields.CharField(max_length=120)
    module_title = fields.CharField(max_length=200)
    locale = fields.CharField(max_length=8)
    issued_at = fields.DatetimeField()
    media_key = fields.CharField(max_length=80, default="")  # the PDF in the media store

    class Meta:
        table = "certificates"
        unique_together = (("user_id", "module_id"),)
