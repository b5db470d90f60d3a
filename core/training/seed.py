"""Training content from core/training/data/: one JSON file per module, checked, then
stored by code and version. A newer version replaces the module's lessons and questions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tortoise.transactions import in_transaction

from core.i18n import LOCALES
from core.training.models import Attempt, AttemptStatus, Lesson, Module, Question, QuestionKind

DATA_DIR = Path(__file__).resolve().parent / "data"
# The two answers of every true/false question, in this order.
TRUE_FALSE_CHOICES = ({"en": "True", "th": "จริง", "hi": "सही"},
                      {"en": "False", "th": "ไม่จริง", "hi": "गलत"})
DIFFICULTIES = ("beginner", "intermediate", "advanced")
SINGLE_CHOICES = range(3, 5)  # a single-choice question offers 3 or 4 answers
# Answers become buttons, and LINE quick-reply labels hold at most 20 characters (Messaging
# API reference, as bots/line.py cites it).
LABEL_MAX = 20


class InvalidContent(ValueError):
    """A module file that is incomplete or inconsistent; the message says where."""


@dataclass(frozen=True, slots=True)
class QuestionContent:
    kind: QuestionKind
    prompts: dict[str, str]
    choices: list[dict[str, str]]
    correct: int
    explanations: dict[str, str]


@dataclass(frozen=True, slots=True)
class ModuleContent:
    fields: dict[str, Any]  # the Module columns
    lessons: list[dict[str, str]]
    questions: list[QuestionContent]

    @property
    def code(self) -> str:
        return str(self.fields["code"])

    @property
    def version(self) -> int:
        return int(self.fields["version"])


def _texts(raw: Any, where: str) -> dict[str, str]:
    """A {locale: text} mapping with a non-empty text in every locale we serve."""
    if not isinstance(raw, dict):
        raise InvalidContent(f"{where}: expected texts in {', '.join(LOCALES)}")
    missing = [loc for loc in LOCALES if not str(raw.get(loc, "")).strip()]
    if missing:
        raise InvalidContent(f"{where}: no text in {', '.join(missing)}")
    return {loc: str(raw[loc]) for loc in LOCALES}


def _question(raw: dict[str, Any], where: str) -> QuestionContent:
    kind = QuestionKind(raw.get("kind", QuestionKind.SINGLE))
    prompts = _texts(raw.get("prompt"), f"{where} prompt")
    explanations = _texts(raw.get("explanation"), f"{where} explanation")
    if kind is QuestionKind.TRUE_FALSE:
        if not isinstance(raw.get("answer"), bool):
            raise InvalidContent(f"{where}: a true/false question needs answer true or false")
        return QuestionContent(kind, prompts, [dict(c) for c in TRUE_FALSE_CHOICES],
                               0 if raw["answer"] else 1, explanations)
    choices = [_texts(c, f"{where} choice {i + 1}") for i, c in enumerate(raw.get("choices", []))]
    if len(choices) not in SINGLE_CHOICES:
        raise InvalidContent(f"{where}: {len(choices)} choices; give 3 or 4")
    long = [text for choice in choices for text in choice.values() if len(text) > LABEL_MAX]
    if long:
        raise InvalidContent(f"{where}: choices over {LABEL_MAX} characters: {long}")
    correct = raw.get("correct")
    if not isinstance(correct, int) or not 0 <= correct < len(choices):
        raise InvalidContent(f"{where}: correct must index the choices")
    return QuestionContent(kind, prompts, choices, correct, explanations)


def parse_module(raw: dict[str, Any], name: str = "module") -> ModuleContent:
    """Check one module file's content; raise InvalidContent naming the first problem."""
    code = str(raw.get("code", ""))
    if not code or len(code) > 40:
        raise InvalidContent(f"{name}: code must be 1-40 characters")
    if raw.get("difficulty", "beginner") not in DIFFICULTIES:
        raise InvalidContent(f"{code}: difficulty must be one of {', '.join(DIFFICULTIES)}")
    sources = raw.get("sources") or []
    if not sources or not all(s.get("name") and s.get("url") for s in sources):
        raise InvalidContent(f"{code}: every module names its sources (name and url)")
    lessons = [_texts(lesson.get("texts"), f"{code} lesson {i + 1}")
               for i, lesson in enumerate(raw.get("lessons", []))]
    questions = [_question(q, f"{code} question {i + 1}")
                 for i, q in enumerate(raw.get("questions", []))]
    if not questions:
        raise InvalidContent(f"{code}: a module needs questions")
    fields = {
        "code": code, "version": int(raw.get("version", 1)),
        "position": int(raw.get("position", 0)),
        "region": str(raw.get("region", "")), "difficulty": raw.get("difficulty", "beginner"),
        "pass_mark": int(raw.get("pass_mark", 75)),
        "reward_credits": int(raw.get("reward_credits", 0)),
        "badge_code": str(raw.get("badge_code", "")), "certificate": bool(raw.get("certificate")),
        "prerequisites": [str(c) for c in raw.get("prerequisites", [])],
        "titles": _texts(raw.get("titles"), f"{code} title"),
        "summaries": _texts(raw.get("summaries"), f"{code} summary"),
        "sources": sources,
    }
    return ModuleContent(fields, lessons, questions)


def load_modules(data_dir: Path = DATA_DIR) -> list[ModuleContent]:
    return [parse_module(json.loads(path.read_text(encoding="utf-8")), path.name)
            for path in sorted(data_dir.glob("*.json"))]


async def seed_training(data_dir: Path = DATA_DIR) -> list[str]:
    """Store every module whose file is new or newer; return "code@version" of those stored.

    Seeding the same files again changes nothing (an unpublished module stays unpublished).
    """
    stored = []
    for content in load_modules(data_dir):
        async with in_transaction():
            if await _store(content):
                stored.append(f"{content.code}@{content.version}")
    return stored


async def _store(content: ModuleContent) -> bool:
    module = await Module.select_for_update().get_or_none(code=content.code)
    if module is not None and module.version >= content.version:
        return False
    if module is None:
        module = await Module.create(**content.fields, published=True)
    else:
        module.update_from_dict({**content.fields, "published": True})
        await module.save()
        await Lesson.filter(module_id=module.id).delete()
        await Question.filter(module_id=module.id).delete()
        # Answers given to the old questions mean nothing against the new ones; finished
        # attempts keep their results.
        await Attempt.filter(module_id=module.id, status=AttemptStatus.IN_PROGRESS).delete()
    for position, texts in enumerate(content.lessons):
        await Lesson.create(module=module, position=position, texts=texts)
    for position, q in enumerate(content.questions):
        await Question.create(module=module, position=position, kind=q.kind, prompts=q.prompts,
                              choices=q.choices, correct=q.correct, explanations=q.explanations)
    return True
