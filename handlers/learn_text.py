"""How training modules, lessons, questions and results read in a reply."""

from __future__ import annotations

from collections.abc import Mapping

from core.conversation.router import Turn
from core.i18n import N_
from core.messages import Button, Reply
from core.training.models import Module
from core.training.service import Answered, Progress, Result, Stage, Step
from handlers.report_text import when_text

# LINE quick-reply labels hold at most 20 characters (bots/line.py).
LABEL_MAX = 20
DIFFICULTY_LABELS = {"beginner": N_("Beginner"), "intermediate": N_("Intermediate"),
                     "advanced": N_("Advanced")}


def local(turn: Turn, texts: Mapping[str, str]) -> str:
    """Content in the person's language; English when a text lacks it."""
    return texts.get(turn.locale) or texts.get("en", "")


def label(text: str) -> str:
    return text if len(text) <= LABEL_MAX else text[:LABEL_MAX - 1] + "…"


def nav_buttons(turn: Turn) -> tuple[Button, ...]:
    return (Button(turn.t("All modules"), "learn:list"), Button(turn.t("Menu"), "menu"))


def where_text(turn: Turn, step: Step) -> str:
    if step.lesson is not None:
        return turn.t("lesson {n} of {total}", n=step.index + 1, total=step.total)
    return turn.t("question {n} of {total}", n=step.index + 1, total=step.total)


def progress_text(turn: Turn, progress: Progress, missing: str = "") -> str:
    t = turn.t
    attempt = progress.attempt
    if progress.stage is Stage.IN_PROGRESS and attempt is not None:
        if attempt.lesson_index < progress.lessons:
            return t("lesson {n} of {total}", n=attempt.lesson_index + 1, total=progress.lessons)
        return t("question {n} of {total}", n=attempt.question_index + 1,
                 total=progress.questions)
    if progress.stage is Stage.PASSED:
        return t("passed ✓")
    if progress.stage is Stage.FAILED:
        if progress.retake_at is not None and progress.retake_at > turn.now:
            return t("not passed yet; retake from {time}", time=when_text(turn, progress.retake_at))
        return t("not passed yet; you can retake it now")
    if progress.stage is Stage.LOCKED:
        return t("locked: pass {modules} first", modules=missing)
    return t("not started")


def rewards_text(turn: Turn, module: Module) -> str:
    t = turn.t
    parts = []
    if module.reward_credits:
        parts.append(t("{credits} green credits", credits=module.reward_credits))
    if module.badge_code:
        parts.append(t("a badge"))
    if module.certificate:
        parts.append(t("a certificate"))
    if not parts:
        return ""
    rewards = parts[0] if len(parts) == 1 else t(
        "{items} and {last}", items=", ".join(parts[:-1]), last=parts[-1])
    return t("Your first pass earns {rewards}.", rewards=rewards)


def module_text(turn: Turn, module: Module, progress: Progress, missing: str) -> str:
    t = turn.t
    level = t(DIFFICULTY_LABELS.get(module.difficulty, module.difficulty))
    lines = [local(turn, module.titles), local(turn, module.summaries),
             t("Level: {level}. {lessons} lessons, {questions} questions; pass mark {mark}%.",
               level=level, lessons=progress.lessons, questions=progress.questions,
               mark=module.pass_mark),
             rewards_text(turn, module),
             t("Your progress: {progress}.", progress=progress_text(turn, progress, missing))]
    return "\n".join(line for line in lines if line)


def lesson_reply(turn: Turn, step: Step, can_skip: bool) -> Reply:
    assert step.lesson is not None
    t = turn.t
    token = step.attempt.token
    head = t("{title}: lesson {n} of {total}", title=local(turn, step.module.titles),
             n=step.index + 1, total=step.total)
    last = step.index + 1 == step.total
    buttons = [Button(t("Start the quiz") if last else t("Next"),
                      f"learn:l:{token}:{step.index}")]
    if can_skip and not last:
        buttons.append(Button(t("Skip to the quiz"), f"learn:s:{token}"))
    return Reply(f"{head}\n\n{local(turn, step.lesson.texts)}", buttons=tuple(buttons))


def question_reply(turn: Turn, step: Step) -> Reply:
    """The question with its answers as buttons carrying only the token and the choice."""
    assert step.question is not None
    token = step.attempt.token
    labels = [local(turn, choice) for choice in step.question.choices]
    text = (turn.t("Question {n} of {total}", n=step.index + 1, total=step.total) + "\n"
            + local(turn, step.question.prompts))
    if all(len(choice) <= LABEL_MAX for choice in labels):
        buttons = tuple(Button(choice, f"q:{token}:{i}") for i, choice in enumerate(labels))
    else:  # long answers are listed, and the buttons carry their numbers
        text += "\n" + "\n".join(f"{i}. {choice}" for i, choice in enumerate(labels, 1))
        buttons = tuple(Button(str(i + 1), f"q:{token}:{i}") for i in range(len(labels)))
    return Reply(text, buttons=buttons)


def feedback_text(turn: Turn, answered: Answered) -> str:
    question = answered.question
    if answered.correct:
        head = "✓ " + turn.t("Correct!")
    else:
        right = local(turn, question.choices[question.correct])
        head = "✗ " + turn.t("Not quite. The answer is: {answer}.", answer=right)
    return head + "\n" + local(turn, question.explanations)


def score_text(turn: Turn, result: Result) -> str:
    return turn.t("You scored {correct} of {total} ({percent}%).", correct=result.correct,
                  total=result.total, percent=result.percent)


def result_text(turn: Turn, result: Result) -> str:
    t = turn.t
    title = local(turn, result.module.titles)
    lines = [score_text(turn, result)]
    if result.passed:
        lines.append(t("You passed {title}!", title=title))
        if result.credits:
            lines.append(t("+{credits} green credits.", credits=result.credits))
        if result.badge:
            lines.append(t("New badge: {badge}.", badge=title))
        if not result.first_pass:
            lines.append(t("You passed this module before, so this round earns no new "
                           "rewards."))
    else:
        lines.append(t("You need {mark}% to pass.", mark=result.module.pass_mark))
        if result.retake_at is not None and result.retake_at > turn.now:
            lines.append(t("You can retake it from {time}.",
                           time=when_text(turn, result.retake_at)))
        else:
            lines.append(t("You can retake it whenever you like."))
    return "\n".join(lines)
