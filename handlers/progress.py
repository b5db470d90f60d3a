"""Progress screens: level, streak, achievements earned and locked, today's goals."""

from __future__ import annotations

from decimal import Decimal

from core.conversation.router import Router, Turn
from core.gamification import progress
from core.gamification.levels import CREDITS_PER_TREE
from core.gamification.progress import AchievementState, Rules, Summary
from core.gamification.streaks import Streak
from core.messages import Button, Reply

router = Router()

DONE, OPEN = "✓", "○"


def progress_rules(turn: Turn) -> Rules:
    """The progress rules of this process, loaded on first use."""
    if "progress_rules" not in turn.runtime.cache:
        turn.runtime.cache["progress_rules"] = Rules.from_settings(turn.runtime.settings)
    rules: Rules = turn.runtime.cache["progress_rules"]
    return rules


def level_lines(turn: Turn, s: Summary) -> list[str]:
    t, level = turn.t, s.level
    lines = [t("Level {level}: {name}", level=level.level, name=t(level.name))]
    if level.next_name is None:
        lines.append(t("{earned} credits earned. You are at the top level.",
                       earned=level.earned))
    else:
        lines.append(t("{earned} credits earned, {more} more to {name}.", earned=level.earned,
                       more=level.to_next, name=t(level.next_name)))
    return lines


def streak_line(turn: Turn, streak: Streak) -> str:
    t = turn.t
    line = t("Day streak: {days} (longest: {longest})", days=streak.current,
             longest=streak.longest)
    if streak.at_risk:
        line += " " + t("Log something today to keep it going.")
    return line


def trees_line(turn: Turn, s: Summary) -> str:
    return turn.t("Trees equivalent: {trees} ({credits} credits = 1 tree)", trees=s.trees,
                  credits=CREDITS_PER_TREE)


def _number(turn: Turn, value: Decimal) -> str:
    whole = value == value.to_integral_value()
    return turn.t.number(int(value) if whole else value.normalize())


def _how_far(turn: Turn, state: AchievementState) -> str:
    a, value = state.achievement, state.measure.value
    about = a.describe(turn.locale)
    if value is None:
        return about
    return f"{about} ({_number(turn, value)}/{_number(turn, a.threshold)})"


def achievement_lines(turn: Turn, s: Summary) -> list[str]:
    t = turn.t
    held = [st for st in s.achievements if st.awarded_at is not None]
    lines = [t("Achievements: {earned} of {total}", earned=len(held),
               total=len(s.achievements))]
    for st in s.achievements:
        name = st.achievement.name(turn.locale)
        if st.awarded_at is not None:
            lines.append(f"{DONE} {name}")
        else:
            lines.append(f"{OPEN} {name}: {_how_far(turn, st)}")
    return lines


def goal_lines(turn: Turn, s: Summary) -> list[str]:
    lines = [turn.t("Today's goals:")]
    for g in s.goals:
        name, about = g.goal.name(turn.locale), g.goal.describe(turn.locale)
        if g.done:
            lines.append(f"{DONE} {name}: {about}")
        else:
            count = min(Decimal(g.count), g.goal.threshold)
            lines.append(f"{OPEN} {name}: {about} "
                         f"({_number(turn, count)}/{_number(turn, g.goal.threshold)})")
    return lines


def _buttons(turn: Turn) -> tuple[Button, ...]:
    t = turn.t
    return (Button(t("Achievements"), "achievements"), Button(t("Daily goals"), "goals"),
            Button(t("Log waste"), "log"), Button(t("Menu"), "menu"))


async def _summary(turn: Turn) -> Summary:
    assert turn.user is not None
    return await progress.summary(turn.user, turn.now, progress_rules(turn))


@router.intent("progress", words={
    "en": ["progress", "my progress", "level", "my level", "streak"],
    "th": ["ความคืบหน้า", "ระดับ", "ระดับของฉัน"],
    "hi": ["प्रगति", "मेरी प्रगति", "स्तर", "लेवल"]})
async def show_progress(turn: Turn) -> list[Reply]:
    s = await _summary(turn)
    lines = [*level_lines(turn, s), streak_line(turn, s.streak), trees_line(turn, s), "",
             *achievement_lines(turn, s), "", *goal_lines(turn, s)]
    return [Reply("\n".join(lines), buttons=_buttons(turn))]


@router.intent("achievements", words={
    "en": ["achievements", "my achievements", "badges", "medals"],
    "th": ["เหรียญ", "ความสำเร็จ", "เหรียญของฉัน"],
    "hi": ["उपलब्धियाँ", "उपलब्धियां", "उपलब्धि", "बैज"]})
async def show_achievements(turn: Turn) -> list[Reply]:
    s = await _summary(turn)
    return [Reply("\n".join(achievement_lines(turn, s)), buttons=_buttons(turn))]


@router.intent("goals", words={
    "en": ["goals", "daily goals", "today's goals", "my goals"],
    "th": ["เป้าหมาย", "เป้าหมายวันนี้", "เป้าหมายประจำวัน"],
    "hi": ["लक्ष्य", "आज के लक्ष्य", "दैनिक लक्ष्य"]})
async def show_goals(turn: Turn) -> list[Reply]:
    s = await _summary(turn)
    return [Reply("\n".join(goal_lines(turn, s)), buttons=_buttons(turn))]
