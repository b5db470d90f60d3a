"""The citizen's balance: credits, CO2e avoided, what they logged today and this week, and
their level, streak and trees equivalent."""

from __future__ import annotations

from core.conversation.router import Router, Turn
from core.diary import service as diary
from core.gamification import progress
from core.messages import Button, Reply
from handlers.diary_text import kg_text
from handlers.progress import level_lines, progress_rules, streak_line, trees_line

router = Router()


@router.intent("balance", words={
    "en": ["balance", "credits", "my credits", "points", "score"],
    "th": ["ยอด", "เครดิต", "คะแนน", "ยอดเครดิต", "เครดิตของฉัน"],
    "hi": ["बैलेंस", "क्रेडिट", "अंक", "मेरे क्रेडिट", "शेष"]})
async def balance(turn: Turn) -> list[Reply]:
    assert turn.user is not None
    s = await diary.summarize(turn.user, turn.now)
    p = await progress.summary(turn.user, turn.now, progress_rules(turn))
    t = turn.t
    text = "\n".join([
        t("Your green credits: {credits}", credits=s.balance),
        t("CO2e avoided so far: {kg} kg", kg=kg_text(turn, s.co2e_avoided_g)),
        t("Today: {kg} kg, entries: {entries}", kg=kg_text(turn, s.grams_today),
          entries=s.entries_today),
        t("This week: {kg} kg", kg=kg_text(turn, s.grams_week)),
        *level_lines(turn, p), streak_line(turn, p.streak), trees_line(turn, p),
    ])
    return [Reply(text, buttons=(Button(t("Log waste"), "log"),
                                 Button(t("My progress"), "progress"),
                                 Button(t("Menu"), "menu")))]
