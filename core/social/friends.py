"""Friends, and what one person may see of another: names by visibility, streaks, credits.

Visibility (User.visibility) decides how a person is named to a viewer:
- "public": their name (or a stable pseudonym such as "Citizen 4821") to everyone;
- "friends": their name to friends, "A neighbour" to everyone else;
- "private": never a name ("Anonymous"); they are also kept off other people's leaderboards
  (core/social/leaderboards.py) and their numbers are left out of friends lists.
The viewer always sees themselves as "You".
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Container, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import cast
from zoneinfo import ZoneInfo

from core.diary.models import DiaryEntry
from core.gamification.limits import FLAGGED
from core.gamification.streaks import streak_of
from core.social.leaderboards import period_totals
from core.social.models import Friendship
from core.users.models import User

VISIBILITIES = ("public", "friends", "private")
# Diary days read back this far for a streak: a friends list needs no longer view.
STREAK_LOOKBACK_DAYS = 400


class Shown(StrEnum):
    YOU = "you"
    NAME = "name"
    PSEUDONYM = "pseudonym"
    NEIGHBOUR = "neighbour"
    ANONYMOUS = "anonymous"


@dataclass(frozen=True, slots=True)
class Label:
    """How one person is shown to one viewer; handlers turn it into localised text."""

    shown: Shown
    name: str = ""  # the display name, when shown is NAME
    number: int = 0  # the pseudonym's number, when shown is PSEUDONYM


def pseudonym_number(user_id: int) -> int:
    """A stable four-digit number for a person without a display name; not their id."""
    digest = hashlib.sha256(f"wastenexus:citizen:{user_id}".encode()).hexdigest()
    return int(digest[:8], 16) % 9000 + 1000


def label_for(subject: User, viewer_id: int | None, viewer_friends: Container[int]) -> Label:
    if subject.id == viewer_id:
        return Label(Shown.YOU)
    named = subject.visibility == "public" or (
        subject.visibility == "friends" and subject.id in viewer_friends)
    if named:
        name = subject.display_name.strip()
        return Label(Shown.NAME, name=name) if name else Label(
            Shown.PSEUDONYM, number=pseudonym_number(subject.id))
    # Unknown values are treated as private: a name is never shown by mistake.
    return Label(Shown.NEIGHBOUR) if subject.visibility == "friends" else Label(Shown.ANONYMOUS)


async def befriend(a: User, b: User, now: datetime) -> bool:
    """Make two people friends, both directions; True if they were not friends before."""
    made = False
    for user, friend in ((a, b), (b, a)):
        _, created = await Friendship.get_or_create(user_id=user.id, friend_id=friend.id,
                                                    defaults={"created_at": now})
        made = made or created
    return made


async def friend_ids(user_id: int) -> set[int]:
    ids = await Friendship.filter(user_id=user_id).values_list("friend_id", flat=True)
    return set(cast(list[int], ids))


async def set_visibility(user: User, visibility: str) -> None:
    if visibility not in VISIBILITIES:
        raise ValueError(visibility)
    user.visibility = visibility
    await user.save(update_fields=["visibility"])


async def streaks(users: Iterable[User], now: datetime, freezes_per_week: int,
                  ) -> dict[int, int]:
    """Each person's current streak on their own local today (core/gamification/streaks.py),
    from diary days that count: not undone, not held for review."""
    users = list(users)
    if not users:
        return {}
    today = {u.id: now.astimezone(ZoneInfo(u.timezone)).date() for u in users}
    since = min(today.values()) - timedelta(days=STREAK_LOOKBACK_DAYS)
    rows = await DiaryEntry.filter(user_id__in=list(today), undone_at=None,
                                   local_date__gte=since).exclude(review=FLAGGED).distinct(
        ).values_list("user_id", "local_date")
    days: dict[int, set[date]] = defaultdict(set)
    for user_id, day in cast(list[tuple[int, date]], rows):
        days[user_id].add(day)
    return {uid: streak_of(days[uid], today[uid], freezes_per_week).current for uid in today}


@dataclass(frozen=True, slots=True)
class FriendLine:
    friend: User
    label: Label
    streak: int
    week_credits: int


@dataclass(frozen=True, slots=True)
class FriendsOverview:
    lines: tuple[FriendLine, ...]  # most credits this week first
    private: int  # friends who keep their activity private: neither named nor counted


async def overview(user: User, now: datetime, freezes_per_week: int) -> FriendsOverview:
    ids = await friend_ids(user.id)
    friends = await User.filter(id__in=ids) if ids else []
    shown = [f for f in friends if f.visibility != "private"]
    days = await streaks(shown, now, freezes_per_week)
    week = await period_totals(shown, "week", now)
    lines = [FriendLine(f, label_for(f, user.id, ids), days[f.id], week[f.id]) for f in shown]
    lines.sort(key=lambda line: (-line.week_credits, -line.streak, line.friend.id))
    return FriendsOverview(tuple(lines), len(friends) - len(shown))
