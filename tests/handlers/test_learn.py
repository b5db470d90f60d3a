"""Training quizzes through the real pipeline (handlers/learn.py): the module list, lessons,
one question at a time with buttons that carry only the attempt token and the choice,
numbered answers, resume, stale buttons, rewards once, cool-down, prerequisites, the
certificate name, and the same quiz in Thai and Hindi."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.conversation.models import Conversation
from core.ledger.models import LedgerEntry
from core.messages import MAX_BUTTON_DATA_BYTES, Reply
from core.settings import Settings
from core.training.models import Attempt, AttemptStatus, Badge, Certificate, Module, Question
from core.training.seed import DATA_DIR, seed_training
from core.users.models import User
from tests.harness import Chat, buttons_of, text_of

T0 = datetime(2026, 3, 11, 5, 0, tzinfo=UTC)
TH, IN = "th-sorting-basics", "in-segregation-basics"
PROVINCE = {"en": "Bangkok", "th": "Bangkok", "hi": "Maharashtra"}
QUIZ_BUTTON = re.compile(r"q:[A-Za-z0-9_-]{1,16}:\d")


@pytest.fixture
async def seeded(db: str) -> None:
    await seed_training()


async def learner(settings: Settings, sender: str = "tester", lang: str = "en",
                  province: str | None = None) -> Chat:
    chat = Chat.build(settings, sender=sender, lang=lang)
    chat.pipeline.runtime.clock = lambda: T0
    await chat.onboard(province or PROVINCE[lang])
    return chat


def at(chat: Chat, when: datetime) -> None:
    chat.pipeline.runtime.clock = lambda: when


async def questions(code: str = TH) -> list[Question]:
    return await Question.filter(module__code=code).order_by("position")


def quiz_buttons(replies: list[Reply]) -> list[str]:
    return [data for data in buttons_of(replies) if data.startswith("q:")]


def token_of(replies: list[Reply]) -> str:
    return quiz_buttons(replies)[0].split(":")[1]


async def to_quiz(chat: Chat, code: str = TH) -> list[Reply]:
    """Start the module and read every lesson; the replies that ask question 1."""
    replies = await chat.tap(f"learn:go:{code}")
    while not quiz_buttons(replies):
        [next_lesson] = [d for d in buttons_of(replies) if d.startswith("learn:l:")]
        replies = await chat.tap(next_lesson)
    return replies


async def answer(chat: Chat, replies: list[Reply], question: Question, right: bool
                 ) -> list[Reply]:
    choice = question.correct if right else (question.correct + 1) % len(question.choices)
    return await chat.tap(f"q:{token_of(replies)}:{choice}")


async def answer_all(chat: Chat, replies: list[Reply], right: list[bool],
                     code: str = TH) -> list[Reply]:
    """Answer the first len(right) questions, right or wrong as told."""
    for question, ok in zip((await questions(code))[:len(right)], right, strict=True):
        replies = await answer(chat, replies, question, ok)
    return replies


async def conversation(sender: str = "tester") -> Conversation:
    return await Conversation.get(identity__external_id=sender)


async def the_user() -> User:
    return await User.get()


PASS = [True] * 10
FAIL = [True] * 7 + [False] * 3  # 70%, under the pass mark of 75%


# ----------------------------------------------------------------------------- the list


async def test_learn_lists_the_modules_of_the_region_with_their_progress(
        settings: Settings, seeded: None) -> None:
    chat = await learner(settings)
    replies = await chat.say("learn")
    assert "1. Four-bin sorting: not started" in text_of(replies)
    assert buttons_of(replies) == [f"learn:m:{TH}", "menu"]


async def test_a_module_shows_its_summary_level_and_reward(
        settings: Settings, seeded: None) -> None:
    chat = await learner(settings)
    text = text_of(await chat.tap(f"learn:m:{TH}"))
    assert "Thailand's four colour-coded bins" in text
    assert "Level: Beginner. 3 lessons, 10 questions; pass mark 75%." in text
    assert "Your first pass earns 50 green credits, a badge and a certificate." in text


async def test_the_words_for_learn_work_in_thai_and_hindi(
        settings: Settings, seeded: None) -> None:
    chat = await learner(settings, lang="th")
    assert buttons_of(await chat.say("แบบทดสอบ"))[0] == f"learn:m:{TH}"
    hindi = await learner(settings, sender="hindi", lang="hi")
    assert buttons_of(await hindi.say("क्विज़"))[0] == f"learn:m:{IN}"


# ----------------------------------------------------------------------------- the quiz


async def test_lessons_come_one_at_a_time_then_the_first_question(
        settings: Settings, seeded: None) -> None:
    chat = await learner(settings)
    replies = await chat.tap(f"learn:go:{TH}")
    assert "Four-bin sorting: lesson 1 of 3" in text_of(replies)
    token = (await Attempt.get()).token
    assert buttons_of(replies) == [f"learn:l:{token}:0"]
    replies = await to_quiz(chat)
    assert "Question 1 of 10\nWhich bin takes fruit peel and food scraps?" in text_of(replies)


async def test_quiz_buttons_carry_only_the_token_and_the_choice(
        settings: Settings, seeded: None) -> None:
    chat = await learner(settings)
    replies = await to_quiz(chat)
    attempt = await Attempt.get()
    assert quiz_buttons(replies) == [f"q:{attempt.token}:{i}" for i in range(4)]
    assert all(QUIZ_BUTTON.fullmatch(d) and len(d.encode()) <= MAX_BUTTON_DATA_BYTES
               for d in quiz_buttons(replies))
    assert [b.label for r in replies for b in r.buttons] == [
        "Green bin", "Yellow bin", "Blue bin", "Red bin"]


async def test_a_numbered_reply_answers_that_choice(settings: Settings, seeded: None) -> None:
    chat = await learner(settings)
    replies = await to_quiz(chat)
    first, second = (await questions())[:2]
    replies = await answer(chat, replies, first, right=True)
    # Question 2 (clean bottles and cans): the 2nd choice, the yellow bin, is right.
    assert second.correct == 1
    replies = await chat.say("2")
    assert text_of(replies).startswith("✓ Correct!\nYellow is for recyclables")
    assert (await Attempt.get()).answers == [first.correct, 1]


async def test_a_wrong_answer_shows_the_right_one_then_the_next_question(
        settings: Settings, seeded: None) -> None:
    chat = await learner(settings)
    replies = await to_quiz(chat)
    first, second = (await questions())[:2]
    replies = await answer(chat, replies, first, right=False)
    assert replies[0].text == ("✗ Not quite. The answer is: Green bin.\n"
                               "Green is for organic waste that rots. Kept apart, it can "
                               "become compost or fuel.")
    assert "Question 2 of 10" in replies[1].text
    replies = await answer(chat, replies, second, right=True)
    assert replies[0].text.startswith("✓ Correct!")
    attempt = await Attempt.get()
    assert (attempt.correct_count, attempt.question_index) == (1, 2)


async def test_a_typed_answer_label_counts_as_that_choice(
        settings: Settings, seeded: None) -> None:
    chat = await learner(settings)
    await to_quiz(chat)
    replies = await chat.say("green bin")
    assert replies[0].text.startswith("✓ Correct!")


async def test_passing_credits_the_ledger_and_awards_the_badge(
        settings: Settings, seeded: None) -> None:
    chat = await learner(settings)
    replies = await answer_all(chat, await to_quiz(chat), PASS)
    text = text_of(replies)
    assert "You scored 10 of 10 (100%).\nYou passed Four-bin sorting!" in text
    assert "+50 green credits.\nNew badge: Four-bin sorting." in text
    user = await the_user()
    module = await Module.get(code=TH)
    row = await LedgerEntry.get(user_id=user.id)
    assert (row.amount, row.key) == (50, f"training:{module.id}:{user.id}:pass")
    assert await Badge.filter(user_id=user.id, code="sorting-th").count() == 1


async def test_the_final_answer_sent_twice_rewards_once(settings: Settings, seeded: None) -> None:
    chat = await learner(settings)
    replies = await answer_all(chat, await to_quiz(chat), PASS[:-1])
    final = f"q:{token_of(replies)}:{(await questions())[-1].correct}"
    await chat.tap(final)
    again = await chat.tap(final)
    assert text_of(again) == ("You have already finished this quiz. "
                              "You scored 10 of 10 (100%).")
    user = await the_user()
    assert await LedgerEntry.filter(user_id=user.id).count() == 1
    assert await Badge.filter(user_id=user.id).count() == 1


async def test_a_fail_refuses_a_retake_until_the_cooldown_has_passed(
        settings: Settings, seeded: None) -> None:
    chat = await learner(settings)
    text = text_of(await answer_all(chat, await to_quiz(chat), FAIL))
    assert "You scored 7 of 10 (70%).\nYou need 75% to pass." in text
    # 05:00 UTC + 6 h cool-down = 11:00 UTC, 18:00 in Bangkok.
    assert "You can retake it from Mar 11, 2026, 6:00 PM." in text
    assert not await LedgerEntry.exists()
    at(chat, T0 + timedelta(hours=5))
    refused = await chat.tap(f"learn:go:{TH}")
    assert text_of(refused) == "You can retake Four-bin sorting from Mar 11, 2026, 6:00 PM."
    assert await Attempt.filter(status=AttemptStatus.IN_PROGRESS).count() == 0
    at(chat, T0 + timedelta(hours=6))
    assert "lesson 1 of 3" in text_of(await chat.tap(f"learn:go:{TH}"))


async def test_a_retake_may_skip_the_lessons(settings: Settings, seeded: None) -> None:
    chat = await learner(settings)
    await answer_all(chat, await to_quiz(chat), FAIL)
    at(chat, T0 + timedelta(hours=6))
    replies = await chat.tap(f"learn:go:{TH}")
    token = (await Attempt.get(status=AttemptStatus.IN_PROGRESS)).token
    assert f"learn:s:{token}" in buttons_of(replies)
    assert "Question 1 of 10" in text_of(await chat.tap(f"learn:s:{token}"))


async def test_learn_offers_to_continue_after_a_break(settings: Settings, seeded: None) -> None:
    chat = await learner(settings)
    replies = await to_quiz(chat)
    first, second = (await questions())[:2]
    replies = await answer(chat, replies, first, right=True)
    await answer(chat, replies, second, right=True)
    at(chat, T0 + timedelta(hours=3))  # the conversation has gone idle in the meantime
    replies = await chat.say("learn")
    assert "Continue where you left off? Four-bin sorting: question 3 of 10." in text_of(
        replies)
    replies = await chat.tap(buttons_of(replies)[0])
    assert "Question 3 of 10" in text_of(replies)
    assert (await Attempt.get()).question_index == 2


# ----------------------------------------------------------------------------- stale buttons


STALE = "That button is no longer active"


async def test_the_button_of_an_answered_question_is_stale(
        settings: Settings, seeded: None) -> None:
    chat = await learner(settings)
    replies = await to_quiz(chat)
    old = quiz_buttons(replies)[0]
    await chat.tap(old)
    replies = await chat.tap(old)  # a double tap, or a button from an old message
    assert STALE in replies[0].text and "Question 2 of 10" in replies[1].text
    assert (await Attempt.get()).answers == [0]


@pytest.mark.parametrize("forged", ["q:AAAAAAAAAAAA:0", "q:{token}:7", "q:{token}", "q:{token}:x"])
async def test_a_forged_token_or_choice_gets_the_stale_answer(
        settings: Settings, seeded: None, forged: str) -> None:
    chat = await learner(settings)
    replies = await to_quiz(chat)
    replies = await chat.tap(forged.format(token=token_of(replies)))
    assert STALE in replies[0].text
    attempt = await Attempt.get()
    assert (attempt.answers, attempt.question_index) == ([], 0)


async def test_another_persons_quiz_button_is_stale(settings: Settings, seeded: None) -> None:
    owner = await learner(settings)
    button = quiz_buttons(await to_quiz(owner))[0]
    other = await learner(settings, sender="other")
    replies = await other.tap(button)
    assert STALE in text_of(replies)
    assert (await Attempt.get()).answers == []


# ----------------------------------------------------------------------------- prerequisites


async def test_a_locked_module_names_what_to_pass_first(
        settings: Settings, seeded: None, tmp_path: Path) -> None:
    raw = json.loads((DATA_DIR / f"{TH}.json").read_text(encoding="utf-8"))
    raw.update(code="th-sorting-advanced", position=11, prerequisites=[TH],
               titles={"en": "Sorting, advanced", "th": "แยกขยะขั้นสูง", "hi": "उन्नत छँटाई"})
    (tmp_path / "advanced.json").write_text(json.dumps(raw, ensure_ascii=False), "utf-8")
    await seed_training(tmp_path)
    chat = await learner(settings)
    assert "2. Sorting, advanced: locked: pass Four-bin sorting first" in text_of(
        await chat.say("learn"))
    replies = await chat.tap("learn:go:th-sorting-advanced")
    assert text_of(replies) == "Sorting, advanced opens once you have passed: Four-bin sorting."
    await answer_all(chat, await to_quiz(chat), PASS)
    assert "lesson 1 of 3" in text_of(await chat.tap("learn:go:th-sorting-advanced"))


# ----------------------------------------------------------------------------- certificate


async def test_the_certificate_name_is_asked_once_and_kept(
        settings: Settings, seeded: None) -> None:
    chat = await learner(settings)
    replies = await answer_all(chat, await to_quiz(chat), PASS)
    assert replies[-1].text == "What name should be printed on your certificate?"
    assert (await conversation()).step == "name"
    replies = await chat.say("  Somchai   Jaidee ")
    cert = await Certificate.get()
    assert text_of(replies) == (
        "Thank you, Somchai Jaidee.\nYour certificate for Four-bin sorting is ready. Anyone "
        f"can check it with the code {cert.code} at https://wastenexus.test/verify/{cert.code}")
    assert replies[-1].document_url == f"https://wastenexus.test/certificates/{cert.code}.pdf"
    assert cert.holder_name == "Somchai Jaidee"
    assert (await the_user()).display_name == "Somchai Jaidee"
    assert (await conversation()).flow == ""


async def test_a_known_name_is_not_asked_again(settings: Settings, seeded: None) -> None:
    chat = await learner(settings)
    await User.all().update(display_name="Somchai Jaidee")
    replies = await answer_all(chat, await to_quiz(chat), PASS)
    assert replies[-1].text.startswith("Your certificate for Four-bin sorting is ready.")
    assert await Certificate.filter(holder_name="Somchai Jaidee").count() == 1


# ----------------------------------------------------------------------------- languages


async def test_the_quiz_runs_in_thai(settings: Settings, seeded: None) -> None:
    chat = await learner(settings, lang="th")
    replies = await to_quiz(chat)
    assert "เปลือกผลไม้และเศษอาหารควรทิ้งถังสีอะไร" in text_of(replies)
    assert [b.label for r in replies for b in r.buttons] == [
        "ถังสีเขียว", "ถังสีเหลือง", "ถังสีน้ำเงิน", "ถังสีแดง"]
    replies = await chat.say("1")
    assert replies[0].text.startswith("✓ ถูกต้อง!\nถังสีเขียวสำหรับขยะอินทรีย์")


async def test_the_quiz_runs_in_hindi(settings: Settings, seeded: None) -> None:
    chat = await learner(settings, lang="hi")
    replies = await to_quiz(chat, IN)
    assert "सब्ज़ियों के छिलके और बचा खाना किस श्रेणी में आते हैं?" in text_of(replies)
    replies = await answer_all(chat, replies, PASS, IN)
    assert "+50 ग्रीन क्रेडिट।" in text_of(replies)


async def test_every_button_label_fits_in_twenty_characters(
        settings: Settings, seeded: None) -> None:
    for lang in ("en", "th", "hi"):
        chat = await learner(settings, sender=f"labels-{lang}", lang=lang)
        code = IN if lang == "hi" else TH
        seen = [*await chat.say("learn"), *await chat.tap(f"learn:m:{code}"),
                *await to_quiz(chat, code)]
        seen += await answer_all(chat, seen, FAIL, code)
        assert all(len(b.label) <= 20 for r in seen for b in r.buttons), lang
