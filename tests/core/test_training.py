"""Training content and the attempt lifecycle (core/training/seed.py, service.py) on real
PostgreSQL: seeding, progress, prerequisites, cool-down, answers checked on the server,
rewards exactly once, and the same final answer from two concurrent transactions."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tortoise.transactions import in_transaction

from core.i18n import LOCALES
from core.ledger import service as ledger
from core.ledger.models import LedgerEntry
from core.training import service as training
from core.training.models import (
    Attempt,
    AttemptStatus,
    Badge,
    Lesson,
    Module,
    Question,
    QuestionKind,
)
from core.training.seed import DATA_DIR, InvalidContent, load_modules, parse_module, seed_training
from core.users.models import User
from core.users.service import CONSENT_VERSION

NOW = datetime(2026, 3, 11, 5, 0, tzinfo=UTC)
COOLDOWN = timedelta(hours=6)  # Settings.quiz_retake_cooldown_hours
TH, IN = "th-sorting-basics", "in-segregation-basics"
ADVANCED = "th-sorting-advanced"


@pytest.fixture
async def seeded(db: str) -> None:
    await seed_training()


async def person(region: str = "TH") -> User:
    return await User.create(locale="en", timezone="Asia/Bangkok", region=region,
                             consent_version=CONSENT_VERSION, consented_at=NOW)


def module_file(code: str = TH) -> dict[str, Any]:
    return json.loads((DATA_DIR / f"{code}.json").read_text(encoding="utf-8"))


def advanced_module() -> dict[str, Any]:
    """A module that needs th-sorting-basics first, for prerequisite tests."""
    raw = module_file(TH)
    raw.update(code=ADVANCED, position=11, difficulty="advanced", badge_code="",
               certificate=False, reward_credits=30, prerequisites=[TH])
    return raw


def write_dir(tmp_path: Path, *modules: dict[str, Any]) -> Path:
    for raw in modules:
        (tmp_path / f"{raw['code']}.json").write_text(json.dumps(raw, ensure_ascii=False),
                                                     encoding="utf-8")
    return tmp_path


async def quiz_attempt(user: User, code: str = TH, now: datetime = NOW) -> Attempt:
    """A new attempt with its lessons read, at the first question."""
    module = await Module.get(code=code)
    attempt = await training.start_or_resume(user, module, now, COOLDOWN)
    return await training.skip_lessons(attempt.token, user, now)


async def questions(code: str = TH) -> list[Question]:
    return await Question.filter(module__code=code).order_by("position")


async def answer_all(user: User, attempt: Attempt, right: list[bool],
                     now: datetime = NOW) -> training.Answered:
    """Answer the questions in order, right or wrong as told; the last answer's outcome."""
    token, answered = attempt.token, None
    for question, ok in zip(await questions(await _code(attempt)), right, strict=True):
        choice = question.correct if ok else (question.correct + 1) % len(question.choices)
        answered = await training.answer(token, choice, user, now, COOLDOWN)
        token = answered.attempt.token
    assert answered is not None
    return answered


async def _code(attempt: Attempt) -> str:
    return (await Module.get(id=attempt.module_id)).code  # type: ignore[attr-defined]


def all_right(n: int = 10) -> list[bool]:
    return [True] * n


def failing() -> list[bool]:
    # 7 of 10 is 70%, under the pass mark of 75%.
    return [True] * 7 + [False] * 3


# ----------------------------------------------------------------------------- content


@pytest.mark.parametrize("content", load_modules(), ids=lambda c: c.code)
def test_each_module_has_lessons_questions_and_sources(content: Any) -> None:
    assert 2 <= len(content.lessons) <= 4
    assert len(content.questions) >= 8
    assert {q.kind for q in content.questions} == {QuestionKind.SINGLE, QuestionKind.TRUE_FALSE}
    assert content.fields["sources"]
    assert all(s["name"] and s["url"].startswith("http") for s in content.fields["sources"])


@pytest.mark.parametrize("content", load_modules(), ids=lambda c: c.code)
def test_every_text_is_written_in_english_thai_and_hindi(content: Any) -> None:
    texts = [content.fields["titles"], content.fields["summaries"], *content.lessons]
    for q in content.questions:
        texts += [q.prompts, q.explanations, *q.choices]
    for text in texts:
        assert set(text) == set(LOCALES) and all(v.strip() for v in text.values())
    assert all(len(t) <= 20 for q in content.questions for c in q.choices for t in c.values())


@pytest.mark.parametrize("content", load_modules(), ids=lambda c: c.code)
def test_every_answer_is_one_of_its_choices(content: Any) -> None:
    for q in content.questions:
        expected = range(2, 3) if q.kind is QuestionKind.TRUE_FALSE else range(3, 5)
        assert len(q.choices) in expected
        assert 0 <= q.correct < len(q.choices)


def test_the_two_regions_have_their_modules() -> None:
    shapes = {c.code: (c.fields["region"], c.fields["pass_mark"], c.fields["reward_credits"],
                       c.fields["certificate"]) for c in load_modules()}
    assert shapes == {TH: ("TH", 75, 50, True), IN: ("IN", 75, 50, True)}


def test_a_module_missing_a_hindi_explanation_is_refused() -> None:
    raw = module_file()
    del raw["questions"][2]["explanation"]["hi"]
    with pytest.raises(InvalidContent, match="question 3 explanation: no text in hi"):
        parse_module(raw)


def test_a_correct_index_out_of_range_is_refused() -> None:
    raw = module_file()
    raw["questions"][0]["correct"] = 4
    with pytest.raises(InvalidContent, match="correct must index"):
        parse_module(raw)


# ----------------------------------------------------------------------------- seeding


async def test_seeding_publishes_each_module_with_its_lessons_and_questions(db: str) -> None:
    assert sorted(await seed_training()) == [f"{IN}@1", f"{TH}@1"]
    module = await Module.get(code=TH)
    assert module.published and module.version == 1
    assert await Lesson.filter(module=module).count() == 3
    assert [q.position for q in await questions()] == list(range(10))


async def test_seeding_again_changes_nothing(seeded: None) -> None:
    ids = sorted(await Question.all().values_list("id", flat=True))
    assert await seed_training() == []
    assert sorted(await Question.all().values_list("id", flat=True)) == ids


async def test_a_new_version_replaces_the_questions_and_restarts_open_attempts(
        seeded: None, tmp_path: Path) -> None:
    user = await person()
    await quiz_attempt(user)
    raw = module_file()
    raw["version"], raw["questions"] = 2, raw["questions"][:8]
    assert await seed_training(write_dir(tmp_path, raw)) == [f"{TH}@2"]
    module = await Module.get(code=TH)
    assert (module.version, len(await questions())) == (2, 8)
    assert not await Attempt.filter(module=module).exists()


# ----------------------------------------------------------------------------- progress


async def test_people_see_the_modules_of_their_region_only(seeded: None) -> None:
    thai, indian = await person("TH"), await person("IN")
    assert [s.module.code for s in await training.list_modules(thai, NOW, COOLDOWN)] == [TH]
    assert [s.module.code for s in await training.list_modules(indian, NOW, COOLDOWN)] == [IN]


async def test_progress_moves_from_not_started_to_question_i_of_n(seeded: None) -> None:
    user = await person()
    [status] = await training.list_modules(user, NOW, COOLDOWN)
    assert (status.progress.stage, status.progress.lessons, status.progress.questions) == (
        training.Stage.NOT_STARTED, 3, 10)
    attempt = await quiz_attempt(user)
    await training.answer(attempt.token, 0, user, NOW, COOLDOWN)
    [status] = await training.list_modules(user, NOW, COOLDOWN)
    assert status.progress.stage is training.Stage.IN_PROGRESS
    assert status.progress.attempt is not None and status.progress.attempt.question_index == 1


async def test_starting_again_resumes_the_attempt_in_progress(seeded: None) -> None:
    user = await person()
    module = await Module.get(code=TH)
    first = await training.start_or_resume(user, module, NOW, COOLDOWN)
    again = await training.start_or_resume(user, module, NOW + timedelta(days=2), COOLDOWN)
    assert again.id == first.id
    assert 1 <= len(first.token) <= 16


async def test_a_module_of_another_region_cannot_be_started(seeded: None) -> None:
    with pytest.raises(training.ModuleNotFound):
        await training.start_or_resume(await person("TH"), await Module.get(code=IN), NOW,
                                       COOLDOWN)


async def test_reading_the_same_lesson_twice_moves_on_once(seeded: None) -> None:
    user = await person()
    attempt = await training.start_or_resume(user, await Module.get(code=TH), NOW, COOLDOWN)
    await training.read_lesson(attempt.token, 0, user, NOW)
    attempt = await training.read_lesson(attempt.token, 0, user, NOW)
    assert attempt.lesson_index == 1


async def test_an_answer_before_the_lessons_are_read_is_stale(seeded: None) -> None:
    user = await person()
    attempt = await training.start_or_resume(user, await Module.get(code=TH), NOW, COOLDOWN)
    with pytest.raises(training.StaleAnswer):
        await training.answer(attempt.token, 0, user, NOW, COOLDOWN)


# ----------------------------------------------------------------------------- answers


async def test_an_answer_is_checked_against_the_stored_question(seeded: None) -> None:
    user = await person()
    attempt = await quiz_attempt(user)
    first = (await questions())[0]
    answered = await training.answer(attempt.token, first.correct, user, NOW, COOLDOWN)
    assert answered.correct and answered.question.id == first.id
    wrong = (answered.next_question.correct + 1) % 4  # type: ignore[union-attr]
    answered = await training.answer(answered.attempt.token, wrong, user, NOW, COOLDOWN)
    assert not answered.correct
    stored = await Attempt.get(id=attempt.id)
    assert (stored.answers, stored.correct_count, stored.question_index) == (
        [first.correct, wrong], 1, 2)


async def test_the_token_of_an_answered_question_is_stale(seeded: None) -> None:
    user = await person()
    attempt = await quiz_attempt(user)
    answered = await training.answer(attempt.token, 0, user, NOW, COOLDOWN)
    assert answered.attempt.token != attempt.token
    with pytest.raises(training.StaleAnswer):
        await training.answer(attempt.token, 0, user, NOW, COOLDOWN)
    assert (await Attempt.get(id=attempt.id)).question_index == 1


async def test_a_choice_out_of_range_changes_nothing(seeded: None) -> None:
    user = await person()
    attempt = await quiz_attempt(user)
    with pytest.raises(training.StaleAnswer):
        await training.answer(attempt.token, 4, user, NOW, COOLDOWN)
    stored = await Attempt.get(id=attempt.id)
    assert (stored.answers, stored.question_index, stored.token) == ([], 0, attempt.token)


async def test_someone_elses_token_is_stale(seeded: None) -> None:
    attempt = await quiz_attempt(await person())
    with pytest.raises(training.StaleAnswer):
        await training.answer(attempt.token, 0, await person(), NOW, COOLDOWN)


# ----------------------------------------------------------------------------- finishing


async def test_a_first_pass_credits_the_ledger_and_awards_the_badge(seeded: None) -> None:
    user = await person()
    answered = await answer_all(user, await quiz_attempt(user), all_right())
    result = answered.result
    assert result is not None
    assert (result.passed, result.percent, result.credits, result.badge) == (
        True, 100, 50, "sorting-th")
    assert result.first_pass and result.certificate_due
    module = await Module.get(code=TH)
    row = await LedgerEntry.get(user_id=user.id)
    assert (row.amount, row.reason, row.reference, row.key) == (
        50, "training", f"module:{TH}", f"training:{module.id}:{user.id}:pass")
    badge = await Badge.get(user_id=user.id)
    assert (badge.code, badge.source) == ("sorting-th", f"module:{TH}")


async def test_three_quarters_right_is_a_pass(seeded: None) -> None:
    user = await person()
    # 8 of 10 is 80%; the pass mark is 75%.
    answered = await answer_all(user, await quiz_attempt(user), [True] * 8 + [False] * 2)
    assert answered.result is not None and answered.result.passed
    assert (await Attempt.get(id=answered.attempt.id)).status == AttemptStatus.PASSED


async def test_the_final_answer_again_changes_nothing_and_says_finished(seeded: None) -> None:
    user = await person()
    attempt = await quiz_attempt(user)
    answered = await answer_all(user, attempt, all_right())
    last = (await questions())[-1]
    with pytest.raises(training.AttemptFinished) as finished:
        await training.answer(answered.attempt.token, last.correct, user, NOW, COOLDOWN)
    assert finished.value.result.correct == 10 and finished.value.result.credits == 0
    assert await LedgerEntry.filter(user_id=user.id).count() == 1
    assert await Badge.filter(user_id=user.id).count() == 1


async def test_a_practice_pass_earns_no_second_reward(seeded: None) -> None:
    user = await person()
    await answer_all(user, await quiz_attempt(user), all_right())
    again = await answer_all(user, await quiz_attempt(user, now=NOW + timedelta(minutes=5)),
                             all_right())
    assert again.result is not None and not again.result.first_pass
    assert (again.result.credits, again.result.badge) == (0, "")
    assert await ledger.balance(user.id) == 50


async def test_a_fail_refuses_a_retake_until_the_cooldown_has_passed(seeded: None) -> None:
    user = await person()
    answered = await answer_all(user, await quiz_attempt(user), failing())
    result = answered.result
    assert result is not None and not result.passed and result.percent == 70
    assert result.retake_at == NOW + COOLDOWN
    assert not await LedgerEntry.filter(user_id=user.id).exists()
    module = await Module.get(code=TH)
    with pytest.raises(training.CoolingDown) as cooling:
        await training.start_or_resume(user, module, NOW + timedelta(hours=5), COOLDOWN)
    assert cooling.value.until == NOW + COOLDOWN
    retake = await training.start_or_resume(user, module, NOW + COOLDOWN, COOLDOWN)
    assert retake.id != answered.attempt.id and retake.status == AttemptStatus.IN_PROGRESS


async def test_the_list_says_when_a_retake_is_allowed(seeded: None) -> None:
    user = await person()
    await answer_all(user, await quiz_attempt(user), failing())
    [status] = await training.list_modules(user, NOW, COOLDOWN)
    assert (status.progress.stage, status.progress.retake_at) == (
        training.Stage.FAILED, NOW + COOLDOWN)


# ----------------------------------------------------------------------------- prerequisites


async def test_a_module_stays_locked_until_its_prerequisite_is_passed(
        seeded: None, tmp_path: Path) -> None:
    await seed_training(write_dir(tmp_path, advanced_module()))
    user = await person()
    statuses = {s.module.code: s.progress for s in await training.list_modules(
        user, NOW, COOLDOWN)}
    assert (statuses[ADVANCED].stage, statuses[ADVANCED].missing) == (
        training.Stage.LOCKED, (TH,))
    advanced = await Module.get(code=ADVANCED)
    with pytest.raises(training.Locked) as locked:
        await training.start_or_resume(user, advanced, NOW, COOLDOWN)
    assert locked.value.missing == (TH,)
    await answer_all(user, await quiz_attempt(user), all_right())
    attempt = await training.start_or_resume(user, advanced, NOW, COOLDOWN)
    assert attempt.status == AttemptStatus.IN_PROGRESS


# ----------------------------------------------------------------------------- concurrency


async def test_the_same_final_answer_in_two_transactions_credits_once(seeded: None) -> None:
    user = await person()
    attempt = await quiz_attempt(user)
    qs = await questions()
    token = attempt.token
    for question in qs[:-1]:
        token = (await training.answer(token, question.correct, user, NOW, COOLDOWN)).attempt.token

    async def deliver() -> str:
        async with in_transaction():
            try:
                done = await training.answer(token, qs[-1].correct, user, NOW, COOLDOWN)
            except training.AttemptFinished:
                return "finished"
            return "passed" if done.result and done.result.passed else "other"

    outcomes = await asyncio.gather(deliver(), deliver())
    assert sorted(outcomes) == ["finished", "passed"]
    assert await LedgerEntry.filter(user_id=user.id).count() == 1
    assert await ledger.balance(user.id) == 50
    assert await Badge.filter(user_id=user.id).count() == 1
    stored = await Attempt.get(id=attempt.id)
    assert (stored.status, stored.correct_count, len(stored.answers)) == (
        AttemptStatus.PASSED, 10, 10)

