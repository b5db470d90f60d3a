"""Daily goals defined in data/goals.json: met once per local day, each with its reward
(docs/credits.md, "Daily goals")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.gamification.achievements import DATA_DIR, Definition, load_definitions
from core.gamification.limits import counting
from core.gamification.models import GoalCompletion
from core.ledger import service as ledger
from core.users.models import User

KINDS = frozenset({"entries_today"})


def load_goals(path: Path = DATA_DIR / "goals.json") -> tuple[Definition, ...]:
    return load_definitions(path, "goals", KINDS)


@dataclass(frozen=True, slots=True)
class GoalState:
    goal: Definition
    count: int  # today's entries that count toward it
    done: bool  # completed (and rewarded) today


async def count_today(user_id: int, goal: Definition, today: date) -> int:
    """Today's entries of the goal's methods and categories (any, where it lists none)."""
    return await goal.entries(counting(user_id).filter(local_date=today)).count()


async def states(user_id: int, goals: tuple[Definition, ...], today: date) -> list[GoalState]:
    done = set(await GoalCompletion.filter(user_id=user_id, local_date=today)
               .values_list("code", flat=True))
    return [GoalState(g, await count_today(user_id, g, today), g.code in done) for g in goals]


async def award_met(user: User, goals: tuple[Definition, ...], today: date,
                    now: datetime) -> list[Definition]:
    """Complete every goal met today and not yet completed today, with its reward."""
    met = []
    for state in await states(user.id, goals, today):
        if not state.done and state.count >= state.goal.threshold \
                and await _complete_once(user, state.goal, today, now):
            met.append(state.goal)
    return met


async def _complete_once(user: User, goal: Definition, today: date, now: datetime) -> bool:
    try:
        async with in_transaction():  # a savepoint, so a clash does not abort the caller
            await GoalCompletion.create(user_id=user.id, code=goal.code, local_date=today,
                                        completed_at=now)
    except IntegrityError:
        return False  # a concurrent turn completed it, with its reward
    await ledger.append(user, goal.credits, "daily_goal", f"goal:{goal.code}:{today}",
                        f"goal:{goal.code}:{user.id}:{today.isoformat()}", now)
    return True
