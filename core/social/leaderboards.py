"""Leaderboards: net ledger credits per period and place, cached in Redis sorted sets.

PostgreSQL's ledger is the truth; every board can be rebuilt from it. A board is one sorted
set, ``wn:lb:{period}:{period_id}:{scope}:{scope_id}``: member the user id, score the sum of
the user's ledger amounts in the period (so undo rows and penalties count). Periods are the
ISO week, the month and all time, each in the user's own timezone. Scopes stored are
everyone, province and district; the friends board is read from "everyone" at read time.

Private users are kept out of every stored board: a small friends board would name them by
elimination. They still see their own rank, computed as if they were on the board.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import cast
from urllib.parse import quote
from zoneinfo import ZoneInfo

from redis.asyncio import Redis
from tortoise.functions import Sum

from core.ledger.models import LedgerEntry
from core.runtime import Runtime
from core.users.models import User

log = logging.getLogger(__name__)

PERIODS = ("week", "month", "all")
SCOPES = ("everyone", "province", "district", "friends")
PREFIX = "wn:lb"
META = "wn:lbmeta"
BUILT_KEY = f"{META}:built"  # set when a rebuild finishes; gone after a flush
SCOPES_KEY = f"{META}:scopes"  # user id -> the boards they are on, to leave them on a move
LOCK_KEY = f"{META}:rebuild"
# Past week and month boards stay this long after the period ended everywhere, then expire.
KEEP_PAST = timedelta(days=7)
# Where a runtime keeps its Redis client (the worker puts its own there at start-up).
# A ledger row is committed at most a job timeout (60 s) after its created_at: rows this
# recent when a rebuild ends may be missing from its snapshot, so their users are refreshed.
RECONCILE_MARGIN = timedelta(minutes=2)
# Timezones at the ends of the clock: between them they see every current period.
EARLIEST_TZ, LATEST_TZ = "Etc/GMT-14", "Etc/GMT+12"


class ScopeUnavailable(LookupError):
    """The viewer has no province (or district) to show that board for."""


@dataclass(frozen=True, slots=True)
class Period:
    kind: str  # week, month or all
    id: str  # 2026-W03, 2026-01 or all

    def dates(self) -> tuple[date, date] | None:
        """First day and the day after the last; None for all time."""
        if self.kind == "week":
            year, week = self.id.split("-W")
            start = date.fromisocalendar(int(year), int(week), 1)
            return start, start + timedelta(days=7)
        if self.kind == "month":
            y, m = (int(part) for part in self.id.split("-"))
            return date(y, m, 1), date(y + m // 12, m % 12 + 1, 1)
        return None

    def bounds(self, timezone: str) -> tuple[datetime, datetime] | None:
        """The period as UTC instants in this timezone; None for all time."""
        days = self.dates()
        if days is None:
            return None
        zone = ZoneInfo(timezone)
        start, end = (datetime.combine(d, time(), zone).astimezone(UTC) for d in days)
        return start, end

    def expires_at(self) -> datetime | None:
        days = self.dates()
        if days is None:
            return None
        # The last local midnight on Earth is 12 h after UTC's (UTC-12); a day covers it.
        return datetime.combine(days[1], time(), UTC) + timedelta(days=1) + KEEP_PAST

    def ttl(self, now: datetime) -> int | None:
        """Seconds its board has left at `now` (our clock, not Redis's); None: keep."""
        expires = self.expires_at()
        return None if expires is None else max(int((expires - now).total_seconds()), 1)


def period_of(kind: str, now: datetime, timezone: str) -> Period:
    local = now.astimezone(ZoneInfo(timezone)).date()
    if kind == "week":
        year, week, _ = local.isocalendar()
        return Period("week", f"{year}-W{week:02d}")
    if kind == "month":
        return Period("month", f"{local.year}-{local.month:02d}")
    return Period("all", "all")


def current_periods(now: datetime, timezone: str) -> tuple[Period, ...]:
    return tuple(period_of(kind, now, timezone) for kind in PERIODS)


def periods_around(now: datetime) -> set[Period]:
    """Every period that is current somewhere on Earth."""
    return {p for tz in (EARLIEST_TZ, LATEST_TZ) for p in current_periods(now, tz)}


def district_id(province: str, district: str) -> str:
    """Districts are typed freely: one board per spelling up to case and spacing."""
    return f"{province}/{quote(' '.join(district.casefold().split()), safe='')}"


def scope_ids(user: User, *, ignore_privacy: bool = False) -> dict[str, str]:
    """The stored boards this person belongs to, by scope; none when private."""
    if user.visibility == "private" and not ignore_privacy:
        return {}
    ids = {"everyone": "all"}
    if user.province:
        ids["province"] = user.province
        if user.district.strip():
            ids["district"] = district_id(user.province, user.district)
    return ids


def board_key(period: Period, scope: str, scope_id: str) -> str:
    return f"{PREFIX}:{period.kind}:{period.id}:{scope}:{scope_id}"


def redis_of(runtime: Runtime) -> Redis | None:
    """The runtime's Redis client; None where none runs (the terminal chat)."""
    return runtime.redis


# ----------------------------------------------------------------------------- sums


async def sums(user_ids: list[int], period: Period, timezone: str) -> dict[int, int]:
    """Net credits in the period per user (all in this timezone); users without rows absent."""
    query = LedgerEntry.filter(user_id__in=user_ids)
    bounds = period.bounds(timezone)
    if bounds is not None:
        query = query.filter(created_at__gte=bounds[0], created_at__lt=bounds[1])
    rows = await query.annotate(total=Sum("amount")).group_by("user_id").values(
        "user_id", "total")
    return {int(row["user_id"]): int(row["total"] or 0) for row in rows}


async def period_totals(users: Iterable[User], kind: str, now: datetime) -> dict[int, int]:
    """Net credits of each person in their own current period of this kind; 0 without rows."""
    by_zone: dict[str, list[int]] = defaultdict(list)
    for user in users:
        by_zone[user.timezone].append(user.id)
    totals: dict[int, int] = {}
    for timezone, ids in by_zone.items():
        found = await sums(ids, period_of(kind, now, timezone), timezone)
        totals.update({uid: found.get(uid, 0) for uid in ids})
    return totals


# ----------------------------------------------------------------------------- writing


async def refresh_user(redis: Redis, user_id: int, now: datetime) -> None:
    """Recompute this person's scores for their current periods and write them (idempotent)."""
    user = await User.get_or_none(id=user_id)
    member = str(user_id)
    raw = await cast(Awaitable[bytes | None], redis.hget(SCOPES_KEY, member))
    old: dict[str, str] = json.loads(raw) if raw else {}
    new = scope_ids(user) if user is not None else {}
    if user is not None and not new:
        old.update(scope_ids(user, ignore_privacy=True))  # make sure a private user leaves
    pipe = redis.pipeline(transaction=True)
    for scope, sid in old.items():
        if new.get(scope) != sid:
            for period in periods_around(now):
                pipe.zrem(board_key(period, scope, sid), member)
    if user is not None and new:
        for period in current_periods(now, user.timezone):
            score = (await sums([user_id], period, user.timezone)).get(user_id)
            for scope, sid in new.items():
                key = board_key(period, scope, sid)
                if score is None:
                    pipe.zrem(key, member)
                    continue
                pipe.zadd(key, {member: score})
                if (ttl := period.ttl(now)) is not None:
                    pipe.expire(key, ttl)
        pipe.hset(SCOPES_KEY, member, json.dumps(new, sort_keys=True))
    else:
        pipe.hdel(SCOPES_KEY, member)
    await pipe.execute()


@dataclass(frozen=True, slots=True)
class Rebuilt:
    users: int
    boards: int
    members: int
    removed: int  # stale boards of the rebuilt periods, deleted


Progress = Callable[[int, int], Awaitable[None]]


async def rebuild(redis: Redis, now: datetime, *, chunk_size: int = 2000,
                  progress: Progress | None = None) -> Rebuilt | None:
    """Recompute every board of the current periods from the ledger, in chunks of users.

    Boards are written under temporary keys and renamed over the live ones in one MULTI, so
    readers see the old boards or the new ones, never a half board. Returns None when
    another rebuild is running.
    """
    run = uuid.uuid4().hex[:12]
    if not await redis.set(LOCK_KEY, run, nx=True, ex=3600):
        return None
    try:
        return await _rebuild(redis, now, f"{META}:tmp:{run}:", chunk_size, progress)
    finally:
        if _text(await redis.get(LOCK_KEY)) == run:
            await redis.delete(LOCK_KEY)


async def _rebuild(redis: Redis, now: datetime, tmp: str, chunk_size: int,
                   progress: Progress | None) -> Rebuilt:
    zones = await User.all().distinct().values_list("timezone", flat=True)
    periods = {p for tz in {*zones, EARLIEST_TZ, LATEST_TZ}
               for p in current_periods(now, str(tz))}
    total, done, last_id, members = await User.all().count(), 0, 0, 0
    written: dict[str, Period] = {}
    while users := await User.filter(id__gt=last_id).order_by("id").limit(chunk_size):
        pipe, touched = redis.pipeline(transaction=False), {SCOPES_KEY}
        scores = await _chunk_scores(users, periods)
        for user in users:
            if not (ids := scope_ids(user)):
                continue
            pipe.hset(tmp + SCOPES_KEY, str(user.id), json.dumps(ids, sort_keys=True))
            for period in periods:
                if (score := scores.get((user.id, period))) is None:
                    continue
                for scope, sid in ids.items():
                    key = board_key(period, scope, sid)
                    pipe.zadd(tmp + key, {str(user.id): score})
                    written[key] = period
                    touched.add(key)
                    members += 1
        for key in touched:
            pipe.expire(tmp + key, 3600)  # a crashed rebuild leaves nothing behind for long
        await pipe.execute()
        done, last_id = done + len(users), users[-1].id
        if progress is not None:
            await progress(done, total)
    stale = await _stale_keys(redis, periods, written)
    await _swap(redis, tmp, written, stale, now)
    late = await LedgerEntry.filter(created_at__gte=now - RECONCILE_MARGIN).distinct(
        ).values_list("user_id", flat=True)
    for user_id in cast(list[int], late):
        await refresh_user(redis, user_id, now)
    return Rebuilt(users=done, boards=len(written), members=members, removed=len(stale))


async def _chunk_scores(users: list[User], periods: set[Period],
                        ) -> dict[tuple[int, Period], int]:
    by_zone: dict[str, list[int]] = defaultdict(list)
    for user in users:
        by_zone[user.timezone].append(user.id)
    scores: dict[tuple[int, Period], int] = {}
    for period in periods:
        for timezone, ids in by_zone.items():
            for user_id, score in (await sums(ids, period, timezone)).items():
                scores[(user_id, period)] = score
            if period.kind == "all":
                break  # all time is the same in every timezone: one query for the chunk
    return scores


async def _stale_keys(redis: Redis, periods: set[Period], written: dict[str, Period],
                      ) -> list[str]:
    stale: list[str] = []
    for period in periods:
        async for key in redis.scan_iter(match=f"{PREFIX}:{period.kind}:{period.id}:*",
                                         count=1000):
            if (name := str(_text(key))) not in written:
                stale.append(name)
    return stale


def _text(value: bytes | str | None) -> str | None:
    """Redis replies as text, whether or not the client decodes responses."""
    return value.decode() if isinstance(value, bytes) else value


async def _swap(redis: Redis, tmp: str, written: dict[str, Period], stale: list[str],
                now: datetime) -> None:
    pipe = redis.pipeline(transaction=True)
    for key, period in written.items():
        pipe.rename(tmp + key, key)  # RENAME carries the temporary TTL over: set the real one
        if (ttl := period.ttl(now)) is None:
            pipe.persist(key)
        else:
            pipe.expire(key, ttl)
    for key in stale:
        pipe.delete(key)
    if await redis.exists(tmp + SCOPES_KEY):
        pipe.rename(tmp + SCOPES_KEY, SCOPES_KEY)
        pipe.persist(SCOPES_KEY)
    else:
        pipe.delete(SCOPES_KEY)
    pipe.set(BUILT_KEY, now.isoformat())
    await pipe.execute()


# ----------------------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class Row:
    rank: int
    user_id: int
    score: int


@dataclass(frozen=True, slots=True)
class Standing:
    period: Period
    scope: str
    rows: tuple[Row, ...]  # around the viewer; the top of the board when they have no score
    rank: int | None  # the viewer's, None without ledger rows in the period
    score: int | None
    size: int  # people on the board as the viewer sees it, themselves included


async def standing(redis: Redis, viewer: User, kind: str, scope: str, now: datetime,
                   friend_ids: Iterable[int] = (), around: int = 2) -> Standing:
    """The viewer's place and their neighbours on one board. Raises ScopeUnavailable."""
    period = period_of(kind, now, viewer.timezone)
    own: int | None = None
    if viewer.visibility == "private":  # not on any stored board: placed as if they were
        own = (await sums([viewer.id], period, viewer.timezone)).get(viewer.id)
    if scope == "friends":
        return await _friends(redis, viewer, period, friend_ids, own, around)
    scope_id = scope_ids(viewer, ignore_privacy=True).get(scope)
    if scope_id is None:
        raise ScopeUnavailable(scope)
    key = board_key(period, scope, scope_id)
    if viewer.visibility == "private":
        return await _placed(redis, key, viewer.id, own, period, scope, around)
    index = await redis.zrevrank(key, str(viewer.id))
    size = int(await redis.zcard(key))
    if index is None:
        return Standing(period, scope, await _window(redis, key, 0, 2 * around), None, None,
                        size)
    rows = await _window(redis, key, max(0, index - around), index + around)
    score = next(row.score for row in rows if row.user_id == viewer.id)
    return Standing(period, scope, rows, index + 1, score, size)


async def _window(redis: Redis, key: str, start: int, stop: int, skip_from: int | None = None,
                  ) -> tuple[Row, ...]:
    """Board entries start..stop (inclusive, highest first); ranks after skip_from move down
    one, to leave room for a viewer placed there."""
    found = await redis.zrevrange(key, start, stop, withscores=True)
    rows = []
    for offset, (member, score) in enumerate(found):
        index = start + offset
        shift = 1 if skip_from is not None and index >= skip_from else 0
        rows.append(Row(index + 1 + shift, int(member), int(score)))
    return tuple(rows)


async def _placed(redis: Redis, key: str, viewer_id: int, own: int | None, period: Period,
                  scope: str, around: int) -> Standing:
    others = int(await redis.zcard(key))
    if own is None:
        return Standing(period, scope, await _window(redis, key, 0, 2 * around), None, None,
                        others)
    above = int(await redis.zcount(key, f"({own}", "+inf"))
    start = max(0, above - around)
    rows = list(await _window(redis, key, start, above + around - 1, skip_from=above))
    rows.insert(above - start, Row(above + 1, viewer_id, own))
    return Standing(period, scope, tuple(rows), above + 1, own, others + 1)


async def _friends(redis: Redis, viewer: User, period: Period, friend_ids: Iterable[int],
                   own: int | None, around: int) -> Standing:
    ids = sorted({*friend_ids, viewer.id})
    found = await redis.zmscore(board_key(period, "everyone", "all"), [str(i) for i in ids])
    scores = {uid: int(score) for uid, score in zip(ids, found, strict=True)
              if score is not None}
    if viewer.visibility == "private":
        scores.pop(viewer.id, None)
        if own is not None:
            scores[viewer.id] = own
    ordered = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    ranked = [Row(i + 1, uid, score) for i, (uid, score) in enumerate(ordered)]
    if viewer.id not in scores:
        return Standing(period, "friends", tuple(ranked[:2 * around + 1]), None, None,
                        len(ranked))
    index = [row.user_id for row in ranked].index(viewer.id)
    rows = tuple(ranked[max(0, index - around):index + around + 1])
    return Standing(period, "friends", rows, index + 1, scores[viewer.id], len(ranked))
