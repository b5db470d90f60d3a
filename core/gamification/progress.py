"""Progress, the one entry point handlers call: awards after an entry, and the summary
for the balance and progress screens (docs/credits.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from core.diary.models import DiaryEntry
from core.diary.service import local_date
from core.gamification import achievements, goals, levels
from core.gamification.achievements import Context, Definition, Measure
from core.gamification.goals import GoalState
from core.gamification.levels import LevelProgress
from core.gamification.streaks import Streak, logged_days, streak_of
from core.ledger import service as ledger
from core.settings import Settings
from core.users.models import User


@dataclass(frozen=True, slots=True)
class Rules:
    """The progress rules: settings and the data-defined achievements and goals."""

    level_thresholds: tuple[int, ...]
    freezes_per_week: int
    achievements: tuple[Definition, ...]
    goals: tuple[Definition, ...]

    @classmethod
    def from_settings(cls, settings: Settings) -> Rules:
        return cls(tuple(settings.level_thresholds), settings.streak_freezes_per_week,
                   achievements.load_achievements(), goals.load_goals())

    @classmethod
    def defaults(cls) -> Rules:
        """The documented defaults of the settings, without reading the environment."""
        fields = Settings.model_fields
        return cls(tuple(fields["level_thresholds"].default),
                   fields["streak_freezes_per_week"].default,
                   achievements.load_achievements(), goals.load_goals())


@dataclass(frozen=True, slots=True)
class AfterEntry:
    """What changed with an entry, for the reply; every award is already in the ledger."""

    levels: tuple[int, ...]  # levels reached for the first time, lowest first
    achievements: tuple[Definition, ...]
    goals: tuple[Definition, ...]
    streak: Streak
    balance: int  # after the entry and every reward

    @property
    def rewards(self) -> int:
        return sum(a.credits for a in self.achievements) + sum(g.credits for g in self.goals)


async def after_entry(user: User, entry: DiaryEntry, now: datetime,
                      rules: Rules | None = None) -> AfterEntry:
    """Complete goals, award achievements and record level-ups in the caller's transaction.

    Goals first and achievements next, so that their rewards count toward the credits
    achievements and the level. Each award happens once however often this is called.
    """
    rules = rules or Rules.defaults()
    # The same lock as the ledger's, so one person's awards never race (PostgreSQL).
    await User.select_for_update(no_key=True).get(id=user.id)
    streak = streak_of(await logged_days(user.id), local_date(now, user.timezone),
                       rules.freezes_per_week)
    met = await goals.award_met(user, rules.goals, entry.local_date, now)
    ctx = Context(user.id, entry.local_date, streak, await levels.earned_credits(user.id))
    unlocked = await achievements.award_due(user, rules.achievements, ctx, now)
    reached = await levels.record_level_ups(user, await levels.earned_credits(user.id),
                                            rules.level_thresholds, now)
    return AfterEntry(tuple(reached), tuple(unlocked), tuple(met), streak,
                      await ledger.balance(user.id))


@dataclass(frozen=True, slots=True)
class AchievementState:
    achievement: Definition
    awarded_at: datetime | None
    measure: Measure  # how far along; not measured once awarded


@dataclass(frozen=True, slots=True)
class Summary:
    balance: int
    level: LevelProgress
    trees: Decimal
    streak: Streak
    achievements: tuple[AchievementState, ...]
    goals: tuple[GoalState, ...]  # today's

    @property
    def earned(self) -> int:
        return self.level.earned


async def summary(user: User, now: datetime, rules: Rules | None = None) -> Summary:
    """Level, streak, achievements and today's goals; reads only, awards nothing."""
    rules = rules or Rules.defaults()
    today = local_date(now, user.timezone)
    earned = await levels.earned_credits(user.id)
    streak = streak_of(await logged_days(user.id), today, rules.freezes_per_week)
    ctx = Context(user.id, today, streak, earned)
    held = await achievements.awarded(user.id)
    states = tuple([AchievementState(a, held[a.code], Measure(None, True)) if a.code in held
                    else AchievementState(a, None, await achievements.measure(a, ctx))
                    for a in rules.achievements])
    return Summary(await ledger.balance(user.id),
                   levels.progress_of(earned, rules.level_thresholds), levels.trees(earned),
                   streak, states, tuple(await goals.states(user.id, rules.goals, today)))
