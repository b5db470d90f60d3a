"""Leaderboards: your place and your neighbours, by week, month or all time, and by place or
friends ("rank", or buttons such as rank:month:province)."""

from __future__ import annotations

import logging

from redis.exceptions import RedisError

from core.conversation.router import Router, Turn
from core.i18n import N_
from core.messages import Button, Reply
from core.social import leaderboards
from core.social.friends import Label, Shown, friend_ids, label_for
from core.social.leaderboards import PERIODS, SCOPES, ScopeUnavailable, Standing
from core.users.models import User
from handlers.friends import label_text

log = logging.getLogger(__name__)
router = Router()

PERIOD_LABELS = {"week": N_("This week"), "month": N_("This month"), "all": N_("All time")}
SCOPE_LABELS = {"everyone": N_("Everyone"), "province": N_("My province"),
                "district": N_("My district"), "friends": N_("Friends")}


@router.intent("rank", takes_args=True, words={
    "en": ["rank", "leaderboard", "my rank", "ranking"], "th": ["อันดับ"],
    "hi": ["रैंक", "लीडरबोर्ड"]})
async def rank(turn: Turn) -> list[Reply]:
    user = turn.user
    assert user is not None
    t = turn.t
    period = turn.args[0] if turn.args and turn.args[0] in PERIODS else "week"
    scope = turn.args[1] if len(turn.args) > 1 and turn.args[1] in SCOPES else "everyone"
    redis = leaderboards.redis_of(turn.runtime)
    if redis is None:
        return [_unavailable(turn)]
    friends = await friend_ids(user.id)
    notes = []
    try:
        # The viewer's own line is always exact, even right after Redis lost its boards.
        await leaderboards.refresh_user(redis, user.id, turn.now)
        try:
            board = await leaderboards.standing(redis, user, period, scope, turn.now, friends)
        except ScopeUnavailable:
            notes.append(t("Add your province and district to see local boards."))
            scope = "everyone"
            board = await leaderboards.standing(redis, user, period, scope, turn.now, friends)
    except RedisError:
        log.exception("leaderboard read failed")
        return [_unavailable(turn)]
    text = "\n".join([*notes, *await board_lines(turn, user, board, friends)])
    return [Reply(text, buttons=_buttons(turn, user, period, scope))]


async def board_lines(turn: Turn, viewer: User, board: Standing, friends: set[int],
                      ) -> list[str]:
    t = turn.t
    lines = [f"{t(PERIOD_LABELS[board.period.kind])} · {t(SCOPE_LABELS[board.scope])}"]
    if board.rank is not None:
        lines.append(t("You are number {rank} of {size}, with {credits} credits.",
                       rank=board.rank, size=board.size, credits=board.score or 0))
    else:
        lines.append(t("You have no credits in this period yet. Log waste to get on the "
                       "board!"))
    if not board.rows:
        lines.append(t("No one is on this board yet."))
        return lines
    people = {u.id: u for u in await User.filter(id__in=[r.user_id for r in board.rows])}
    lines.append("")
    for row in board.rows:
        subject = people.get(row.user_id)
        label = label_for(subject, viewer.id, friends) if subject else Label(Shown.ANONYMOUS)
        lines.append(f"{t.number(row.rank)}. {label_text(turn, label)} · "
                     f"{t.number(row.score)}")
    return lines


def _buttons(turn: Turn, user: User, period: str, scope: str) -> tuple[Button, ...]:
    t = turn.t
    available = [s for s in SCOPES if s in ("everyone", "friends")
                 or s in leaderboards.scope_ids(user, ignore_privacy=True)]
    periods = [Button(t(PERIOD_LABELS[p]), f"rank:{p}:{scope}") for p in PERIODS if p != period]
    scopes = [Button(t(SCOPE_LABELS[s]), f"rank:{period}:{s}") for s in available if s != scope]
    return (*periods, *scopes, Button(t("Menu"), "menu"))


def _unavailable(turn: Turn) -> Reply:
    return Reply(turn.t("The leaderboard is not available right now. Please try again later."),
                 buttons=(Button(turn.t("Menu"), "menu"),))
