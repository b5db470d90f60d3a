"""Taking training modules: progress, attempts, answers checked here, rewards granted once.

An attempt reads the module's lessons, then answers its questions one at a time. Its token is
the only thing a quiz button carries besides the choice, and it changes after every answer,
so a button of a question already answered (a double tap, an old message) matches nothing.
Retakes are allowed: after a fail once the cool-down has passed, after a pass at any time for
practice. Credits and the badge come with the first pass of a module only.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from core.ledger import service as ledger
from core.training.models import (
    Attempt,
    AttemptStatus,
    Badge,
    Certificate,
    Lesson,
    Module,
    Question,
)
from core.users.models import User

# 9 random bytes are 12 URL-safe characters: Attempt.token holds 16, and "q:<token>:<n>"
# stays far below the 64 bytes of a Telegram callback.
TOKEN_BYTES = 9


class TrainingError(Exception):
    """Something about a module or an attempt that the person should be told."""


class ModuleNotFound(TrainingError):
    """No published module with this code for this person's region."""


class Locked(TrainingError):
    def __init__(self, missing: tuple[str, ...]) -> None:
        super().__init__(f"prerequisites not passed: {', '.join(missing)}")
        self.missing = missing


class CoolingDown(TrainingError):
    def __init__(self, until: datetime) -> None:
        super().__init__(f"retake allowed from {until.isoformat()}")
        self.until = until


class StaleAnswer(TrainingError):
    """A token that is unknown, someone else's or already moved on, or a choice out of range."""


class AttemptFinished(TrainingError):
    def __init__(self, result: Result) -> None:
        super().__init__("attempt already finished")
        self.result = result


class Stage(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    PASSED = "passed"
    FAILED = "failed"
    LOCKED = "locked"


@dataclass(frozen=True, slots=True)
class Progress:
    stage: Stage
    lessons: int
    questions: int
    attempt: Attempt | None = None  # the one in progress, else the latest finished
    retake_at: datetime | None = None  # FAILED: when a retake is allowed (maybe already)
    missing: tuple[str, ...] = ()  # LOCKED: prerequisite codes not passed yet


@dataclass(frozen=True, slots=True)
class ModuleStatus:
    module: Module
    progress: Progress


@dataclass(frozen=True, slots=True)
class Step:
    """Where an attempt stands: a lesson to read or a question to answer (0-based index)."""

    attempt: Attempt
    module: Module
    index: int
    total: int
    lesson: Lesson | None = None
    question: Question | None = None


@dataclass(frozen=True, slots=True)
class Result:
    module: Module
    correct: int
    total: int
    passed: bool
    first_pass: bool = False
    credits: int = 0  # granted by this finish
    badge: str = ""  # badge code granted by this finish
    certificate_due: bool = False  # passed, the module gives one, and none is issued yet
    retake_at: datetime | None = None

    @property
    def percent(self) -> int:
        return (200 * self.correct + self.total) // (2 * self.total)  # rounded half up


@dataclass(frozen=True, slots=True)
class Answered:
    question: Question
    choice: int
    correct: bool
    attempt: Attempt
    total: int
    next_question: Question | None = None
    result: Result | None = None


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def visible(module: Module, user: User) -> bool:
    return module.published and module.region in ("", user.region)


async def find_module(user: User, code: str) -> Module:
    module = await Module.get_or_none(code=code)
    if module is None or not visible(module, user):
        raise ModuleNotFound(code)
    return module


async def list_modules(user: User, now: datetime, cooldown: timedelta) -> list[ModuleStatus]:
    """The published modules of the user's region (and of everyone), with their progress."""
    modules = await Module.filter(published=True, region__in=["", user.region]) \
        .order_by("position", "id")
    ids = [m.id for m in modules]
    lessons = Counter(await Lesson.filter(module_id__in=ids).values_list("module_id", flat=True))
    questions = Counter(await Question.filter(module_id__in=ids)
                        .values_list("module_id", flat=True))
    attempts: dict[int, list[Attempt]] = {m.id: [] for m in modules}
    for attempt in await Attempt.filter(user_id=user.id, module_id__in=ids).order_by("id"):
        attempts[attempt.module_id].append(attempt)  # type: ignore[attr-defined]
    passed = await _passed_codes(user)
    return [ModuleStatus(m, _progress(m, attempts[m.id], passed, lessons[m.id], questions[m.id],
                                      cooldown))
            for m in modules]


async def progress_of(user: User, module: Module, cooldown: timedelta) -> Progress:
    attempts = await Attempt.filter(user_id=user.id, module_id=module.id).order_by("id")
    return _progress(module, attempts, await _passed_codes(user),
                     await Lesson.filter(module_id=module.id).count(),
                     await Question.filter(module_id=module.id).count(), cooldown)


async def _passed_codes(user: User) -> set[str]:
    codes = await Attempt.filter(user_id=user.id, status=AttemptStatus.PASSED) \
        .values_list("module__code", flat=True)
    return {str(code) for code in codes}


def _progress(module: Module, attempts: list[Attempt], passed_codes: set[str], lessons: int,
              questions: int, cooldown: timedelta) -> Progress:
    current = [a for a in attempts if a.status == AttemptStatus.IN_PROGRESS]
    finished = [a for a in attempts if a.status != AttemptStatus.IN_PROGRESS]
    if current:
        return Progress(Stage.IN_PROGRESS, lessons, questions, current[-1])
    if module.code in passed_codes:
        best = max((a for a in finished if a.status == AttemptStatus.PASSED),
                   key=lambda a: a.correct_count)
        return Progress(Stage.PASSED, lessons, questions, best)
    missing = tuple(code for code in module.prerequisites if code not in passed_codes)
    if missing:
        return Progress(Stage.LOCKED, lessons, questions, missing=missing)
    if finished:
        last = finished[-1]
        retake_at = (last.finished_at or last.updated_at) + cooldown
        return Progress(Stage.FAILED, lessons, questions, last, retake_at=retake_at)
    return Progress(Stage.NOT_STARTED, lessons, questions)


async def latest_in_progress(user: User) -> Attempt | None:
    """The attempt the person last worked on and has not finished, if any."""
    return await Attempt.filter(user_id=user.id, status=AttemptStatus.IN_PROGRESS,
                                module__published=True,
                                module__region__in=["", user.region]) \
        .order_by("-updated_at", "-id").first()


async def attempt_of(token: str, user: User) -> Attempt | None:
    """The person's attempt in progress with this token, read without a lock."""
    return await Attempt.get_or_none(token=token, user_id=user.id,
                                     status=AttemptStatus.IN_PROGRESS)


async def taken_before(user: User, module: Module) -> bool:
    """Whether the person has finished this module at least once (passed or not)."""
    return await Attempt.exists(user_id=user.id, module_id=module.id, finished_at__isnull=False)


async def start_or_resume(user: User, module: Module, now: datetime,
                          cooldown: timedelta) -> Attempt:
    """The person's attempt in progress, or a new one if prerequisites and cool-down allow.

    Call inside a transaction: the user row is locked so that two channels of one person
    cannot open two attempts at once.
    """
    await User.select_for_update(no_key=True).get(id=user.id)
    if not visible(module, user):
        raise ModuleNotFound(module.code)
    progress = await progress_of(user, module, cooldown)
    if progress.stage is Stage.IN_PROGRESS and progress.attempt is not None:
        return progress.attempt
    if progress.stage is Stage.LOCKED:
        raise Locked(progress.missing)
    if progress.stage is Stage.FAILED and progress.retake_at and progress.retake_at > now:
        raise CoolingDown(progress.retake_at)
    return await Attempt.create(token=new_token(), user_id=user.id, module_id=module.id,
                                started_at=now, updated_at=now)


async def current_step(attempt: Attempt) -> Step:
    module = await Module.get(id=attempt.module_id)  # type: ignore[attr-defined]
    lessons = await Lesson.filter(module_id=module.id).order_by("position", "id")
    if attempt.lesson_index < len(lessons):
        return Step(attempt, module, attempt.lesson_index, len(lessons),
                    lesson=lessons[attempt.lesson_index])
    questions = await Question.filter(module_id=module.id).order_by("position", "id")
    index = min(attempt.question_index, len(questions) - 1)
    return Step(attempt, module, index, len(questions), question=questions[index])


async def _locked(token: str, user: User) -> Attempt:
    """The person's attempt with this token, its row locked until the transaction ends."""
    attempt = await Attempt.select_for_update().get_or_none(token=token, user_id=user.id)
    if attempt is None:
        raise StaleAnswer(token)
    return attempt


async def read_lesson(token: str, index: int, user: User, now: datetime) -> Attempt:
    """Mark lesson `index` read; a repeated tap on the same lesson changes nothing."""
    attempt = await _locked(token, user)
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise StaleAnswer(token)
    lessons = await Lesson.filter(module_id=attempt.module_id).count()  # type: ignore[attr-defined]
    if index == attempt.lesson_index < lessons:
        attempt.lesson_index, attempt.updated_at = index + 1, now
        await attempt.save(update_fields=["lesson_index", "updated_at"])
    return attempt


async def skip_lessons(token: str, user: User, now: datetime) -> Attempt:
    attempt = await _locked(token, user)
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise StaleAnswer(token)
    attempt.lesson_index = await Lesson.filter(module_id=attempt.module_id).count()  # type: ignore[attr-defined]
    attempt.updated_at = now
    await attempt.save(update_fields=["lesson_index", "updated_at"])
    return attempt


async def answer(token: str, choice: int, user: User, now: datetime,
                 cooldown: timedelta) -> Answered:
    """Check one answer against the stored question; on the last one, finish the attempt.

    Call inside a transaction: the attempt row stays locked, so two deliveries of the same
    answer run one after the other and the second finds the question (or the quiz) done.
    """
    attempt = await _locked(token, user)
    module = await Module.get(id=attempt.module_id)  # type: ignore[attr-defined]
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise AttemptFinished(await _result(attempt, module, user, cooldown))
    step = await current_step(attempt)
    question = step.question
    if question is None or not 0 <= choice < len(question.choices):
        raise StaleAnswer(token)
    correct = choice == question.correct
    attempt.answers = [*attempt.answers, choice]
    attempt.correct_count += int(correct)
    attempt.question_index += 1
    attempt.updated_at = now
    if attempt.question_index < step.total:
        attempt.token = new_token()
        await attempt.save()
        following = await current_step(attempt)
        return Answered(question, choice, correct, attempt, step.total, following.question)
    passed = attempt.correct_count * 100 >= module.pass_mark * step.total
    attempt.status = AttemptStatus.PASSED if passed else AttemptStatus.FAILED
    attempt.finished_at = now
    await attempt.save()
    result = await _result(attempt, module, user, cooldown, grant_at=now if passed else None)
    return Answered(question, choice, correct, attempt, step.total, result=result)


async def _result(attempt: Attempt, module: Module, user: User, cooldown: timedelta,
                  grant_at: datetime | None = None) -> Result:
    """The outcome of a finished attempt; with grant_at, the first pass's rewards too."""
    total = len(attempt.answers)  # the questions it had, even if the module changed since
    passed = attempt.status == AttemptStatus.PASSED
    passes = Attempt.filter(user_id=user.id, module_id=module.id, status=AttemptStatus.PASSED)
    first_pass = passed and not await passes.filter(id__lt=attempt.id).exists()
    credits, badge = await _grant(user, module, grant_at) if first_pass and grant_at else (0, "")
    # After a pass, retakes are practice: no cool-down.
    retake_at = None if passed or await passes.exists() \
        else (attempt.finished_at or attempt.updated_at) + cooldown
    due = passed and module.certificate and not await Certificate.exists(
        user_id=user.id, module_id=module.id)
    return Result(module, attempt.correct_count, total, passed, first_pass, credits, badge,
                  due, retake_at)


async def _grant(user: User, module: Module, now: datetime) -> tuple[int, str]:
    """The first pass's credits and badge; the ledger key and the badge's uniqueness keep a
    replay from granting them twice."""
    credits = 0
    if module.reward_credits:
        await ledger.append(user, module.reward_credits, "training", f"module:{module.code}",
                            f"training:{module.id}:{user.id}:pass", now)
        credits = module.reward_credits
    badge = ""
    if module.badge_code:
        _, created = await Badge.get_or_create(
            user_id=user.id, code=module.badge_code,
            defaults={"source": f"module:{module.code}", "awarded_at": now})
        badge = module.badge_code if created else ""
    return credits, badge
