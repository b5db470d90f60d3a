"""Training in chat: modules with their progress, lessons one at a time, then the quiz.

"learn" (a word or the menu button) lists the modules of the person's region, or first offers
to continue an attempt in progress. Navigation buttons carry "learn:<action>:...", and quiz
answers carry only "q:<attempt token>:<choice index>": core/training/service.py checks the
choice against the stored question, and the token changes after every answer, so an old or
forged button changes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import timedelta

from core.certificates import service as certificates
from core.conversation.router import Router, Turn, normalize
from core.i18n import N_
from core.messages import Button, Kind, Reply
from core.training import service as training
from core.training.models import Module
from core.users.models import User
from handlers.learn_text import (
    feedback_text,
    label,
    lesson_reply,
    local,
    module_text,
    nav_buttons,
    progress_text,
    question_reply,
    result_text,
    score_text,
    where_text,
)
from handlers.menu import main_menu, stale_button
from handlers.report_text import when_text

router = Router()
FLOW = "learn"
# The main menu's button for this flow (data "learn").
MENU_LABEL = N_("Learn")
# Listed modules get a button each; with Menu that stays within LINE's 13 quick replies.
MAX_LISTED = 12
NAME_MAX = 120  # User.display_name
START_LABELS = {training.Stage.NOT_STARTED: N_("Start"),
                training.Stage.IN_PROGRESS: N_("Continue"),
                training.Stage.PASSED: N_("Practise again"), training.Stage.FAILED: N_("Retake")}
NEXT_WORDS = frozenset({"next", "ok", "continue", "ต่อไป", "ถัดไป", "ตกลง", "आगे", "अगला",
                        "ठीक है"})

Action = Callable[..., Awaitable[list[Reply]]]


def _user(turn: Turn) -> User:
    assert turn.user is not None  # the engine lets only consented people past onboarding
    return turn.user


def _cooldown(turn: Turn) -> timedelta:
    return timedelta(hours=turn.runtime.settings.quiz_retake_cooldown_hours)


async def _titles(turn: Turn, codes: Iterable[str]) -> str:
    """The titles of these modules as the person reads them, for "pass ... first"."""
    codes = list(codes)
    found = {m.code: local(turn, m.titles) for m in await Module.filter(code__in=codes)}
    return ", ".join(found.get(code, code) for code in codes)


# ----------------------------------------------------------------------------- entry points


@router.intent("learn", words={"en": ["learn", "training", "quiz"],
                               "th": ["เรียน", "แบบทดสอบ"],
                               "hi": ["सीखें", "प्रशिक्षण", "क्विज़", "क्विज"]})
async def learn(turn: Turn) -> list[Reply]:
    if not turn.args:
        return await _offer_resume(turn)
    action = ACTIONS.get((turn.args[0], len(turn.args) - 1))
    if action is None:
        return await stale_button(turn)
    return await action(turn, *turn.args[1:])


@router.intent("q")
async def quiz_answer(turn: Turn) -> list[Reply]:
    """A quiz button: "q:<token>:<choice>", and nothing else is believed."""
    if len(turn.args) != 2 or not turn.args[1].isdecimal():
        return await _stale(turn)
    return await _answer(turn, turn.args[0], int(turn.args[1]))


async def _offer_resume(turn: Turn) -> list[Reply]:
    attempt = await training.latest_in_progress(_user(turn))
    if attempt is None:
        return await show_list(turn)
    step = await training.current_step(attempt)
    turn.state.end()
    text = turn.t("Continue where you left off? {title}: {where}.",
                  title=local(turn, step.module.titles), where=where_text(turn, step))
    return [Reply(text, buttons=(Button(turn.t("Continue"), f"learn:go:{step.module.code}"),
                                 *nav_buttons(turn)))]


async def show_list(turn: Turn) -> list[Reply]:
    statuses = await training.list_modules(_user(turn), turn.now, _cooldown(turn))
    turn.state.end()
    if not statuses:
        return [main_menu(turn, turn.t("There are no training modules for your area yet."))]
    shown = statuses[:MAX_LISTED]
    lines = [turn.t("Learn to sort your waste and earn credits and badges. Pick a module:")]
    for number, status in enumerate(shown, 1):
        missing = await _titles(turn, status.progress.missing)
        lines.append(f"{number}. {local(turn, status.module.titles)}: "
                     f"{progress_text(turn, status.progress, missing)}")
    buttons = [Button(label(local(turn, s.module.titles)), f"learn:m:{s.module.code}")
               for s in shown]
    return [Reply("\n".join(lines), buttons=(*buttons, Button(turn.t("Menu"), "menu")))]


async def show_module(turn: Turn, code: str) -> list[Reply]:
    try:
        module = await training.find_module(_user(turn), code)
    except training.ModuleNotFound:
        return await stale_button(turn)
    progress = await training.progress_of(_user(turn), module, _cooldown(turn))
    turn.state.end()
    text = module_text(turn, module, progress, await _titles(turn, progress.missing))
    verb = START_LABELS.get(progress.stage)
    cooling = progress.retake_at is not None and progress.retake_at > turn.now
    buttons = nav_buttons(turn)
    if verb and not (progress.stage is training.Stage.FAILED and cooling):
        buttons = (Button(turn.t(verb), f"learn:go:{module.code}"), *buttons)
    return [Reply(text, buttons=buttons)]


async def begin(turn: Turn, code: str) -> list[Reply]:
    """Start the module, or resume it where the person left off."""
    try:
        module = await training.find_module(_user(turn), code)
        attempt = await training.start_or_resume(_user(turn), module, turn.now, _cooldown(turn))
    except training.ModuleNotFound:
        return await stale_button(turn)
    except training.Locked as locked:
        text = turn.t("{title} opens once you have passed: {modules}.",
                      title=local(turn, module.titles),
                      modules=await _titles(turn, locked.missing))
        return [Reply(text, buttons=nav_buttons(turn))]
    except training.CoolingDown as cooling:
        text = turn.t("You can retake {title} from {time}.", title=local(turn, module.titles),
                      time=when_text(turn, cooling.until))
        return [Reply(text, buttons=nav_buttons(turn))]
    return await _show(turn, await training.current_step(attempt))


async def lesson_read(turn: Turn, token: str, index: str) -> list[Reply]:
    if not index.isdecimal():
        return await _stale(turn)
    try:
        attempt = await training.read_lesson(token, int(index), _user(turn), turn.now)
    except training.StaleAnswer:
        return await _stale(turn)
    return await _show(turn, await training.current_step(attempt))


async def skip_lessons(turn: Turn, token: str) -> list[Reply]:
    try:
        attempt = await training.skip_lessons(token, _user(turn), turn.now)
    except training.StaleAnswer:
        return await _stale(turn)
    return await _show(turn, await training.current_step(attempt))


ACTIONS: dict[tuple[str, int], Action] = {
    ("list", 0): show_list, ("m", 1): show_module, ("go", 1): begin,
    ("l", 2): lesson_read, ("s", 1): skip_lessons,
}


# ----------------------------------------------------------------------------- steps


async def _show(turn: Turn, step: training.Step, lead: Sequence[Reply] = ()) -> list[Reply]:
    """The lesson to read or the question to answer, remembering where the person is."""
    if step.lesson is not None:
        turn.state.go(FLOW, "lesson", token=step.attempt.token, index=step.index)
        can_skip = await training.taken_before(_user(turn), step.module)
        return [*lead, lesson_reply(turn, step, can_skip)]
    turn.state.go(FLOW, "question", token=step.attempt.token)
    return [*lead, question_reply(turn, step)]


@router.step(FLOW, "lesson")
async def typed_at_lesson(turn: Turn) -> list[Reply]:
    token, index = str(turn.state.slots.get("token", "")), turn.state.slots.get("index", 0)
    if turn.msg.kind is Kind.TEXT and normalize(turn.msg.text) in NEXT_WORDS:
        return await lesson_read(turn, token, str(index))
    attempt = await training.attempt_of(token, _user(turn))
    if attempt is None:
        return await _stale(turn)
    turn.notices.append(Reply(turn.t("Tap Next when you are ready.")))
    return await _show(turn, await training.current_step(attempt))


@router.step(FLOW, "question")
async def typed_at_question(turn: Turn) -> list[Reply]:
    """An answer typed as its text ("Green bin"); numbers arrive as the button already."""
    token = str(turn.state.slots.get("token", ""))
    attempt = await training.attempt_of(token, _user(turn))
    if attempt is None:
        return await _stale(turn)
    step = await training.current_step(attempt)
    typed = normalize(turn.msg.text)
    for index, choice in enumerate(step.question.choices if step.question else []):
        if typed and typed in {normalize(local(turn, choice)), normalize(choice["en"])}:
            return await _answer(turn, token, index)
    turn.notices.append(Reply(turn.t("Please tap one of the answers, or send its number.")))
    return await _show(turn, step)


async def _answer(turn: Turn, token: str, choice: int) -> list[Reply]:
    try:
        answered = await training.answer(token, choice, _user(turn), turn.now, _cooldown(turn))
    except training.StaleAnswer:
        return await _stale(turn)
    except training.AttemptFinished as done:
        turn.state.end()
        text = turn.t("You have already finished this quiz.") + " " + score_text(turn, done.result)
        return [Reply(text, buttons=nav_buttons(turn))]
    feedback = Reply(feedback_text(turn, answered))
    if answered.result is None:
        return await _show(turn, await training.current_step(answered.attempt), [feedback])
    return [feedback, *await _finished(turn, answered.result)]


async def _stale(turn: Turn) -> list[Reply]:
    """An old or unknown quiz button: say so, and show where the person really is."""
    notice = Reply(turn.t("That button is no longer active: the question was already "
                          "answered, or the quiz has moved on."))
    attempt = await training.latest_in_progress(_user(turn))
    if attempt is None:
        turn.state.end()
        return [Reply(notice.text, buttons=nav_buttons(turn))]
    return await _show(turn, await training.current_step(attempt), [notice])


# ----------------------------------------------------------------------------- the end


async def _finished(turn: Turn, result: training.Result) -> list[Reply]:
    turn.state.end()
    buttons = nav_buttons(turn)
    if not result.passed and result.retake_at is None:
        buttons = (Button(turn.t("Retake"), f"learn:go:{result.module.code}"), *buttons)
    replies = [Reply(result_text(turn, result), buttons=buttons)]
    if result.certificate_due:
        if not _user(turn).display_name.strip():
            turn.state.go(FLOW, "name", module=result.module.code)
            return [*replies, Reply(turn.t("What name should be printed on your certificate?"))]
        replies += await certificate_follows(turn, result.module)
    return replies


@router.step(FLOW, "name")
async def certificate_name(turn: Turn) -> list[Reply]:
    name = " ".join(turn.msg.text.split())[:NAME_MAX]
    if turn.msg.kind is not Kind.TEXT or not any(ch.isalpha() for ch in name):
        return [Reply(turn.t("Please type the name to print on your certificate."))]
    user = _user(turn)
    user.display_name = name
    await user.save(update_fields=["display_name"])
    code = str(turn.state.slots.get("module", ""))
    turn.state.end()
    try:
        module = await training.find_module(user, code)
    except training.ModuleNotFound:
        return [main_menu(turn, turn.t("Thank you, {name}.", name=name))]
    return [Reply(turn.t("Thank you, {name}.", name=name)),
            *await certificate_follows(turn, module)]


async def certificate_follows(turn: Turn, module: Module) -> list[Reply]:
    """Issue the certificate (once per module) and send it: a document or a link."""
    assert turn.user is not None
    cert = await certificates.issue(turn.user, module, turn.now)
    urls = certificates.certificate_urls(turn.runtime.settings, cert)
    text = turn.t("Your certificate for {title} is ready. Anyone can check it with the code "
                  "{code} at {url}", title=local(turn, module.titles), code=cert.code,
                  url=urls.verify)
    return [Reply(text, document_url=urls.pdf, buttons=nav_buttons(turn))]
