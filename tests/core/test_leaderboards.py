"""Leaderboards (core/social/leaderboards.py) on real PostgreSQL and Redis: periods in local
time, scopes, incremental refresh, rebuild from the ledger, privacy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count
from types import SimpleNamespace
from typing import Any

import pytest
from redis.asyncio import Redis

from core.ledger import service as ledger
from core.social import leaderboards as lb
from core.social.friends import Label, Shown, befriend, label_for, pseudonym_number
from core.social.leaderboards import Period, Row
from core.users.models import User
from core.users.service import CONSENT_VERSION
from workers import social_jobs

# A Wednesday: ISO week 2026-W03 (Mon 12 to Sun 18 January) in Bangkok and in Kolkata.
NOW = datetime(2026, 1, 14, 5, 0, tzinfo=UTC)
WEEK, MONTH, ALL = Period("week", "2026-W03"), Period("month", "2026-01"), Period("all", "all")
BANGKOK, KOLKATA = "Asia/Bangkok", "Asia/Kolkata"
# Week 3 ends on Monday 19 January; the last timezone (UTC-12) gets there a day later; past
# boards are kept 7 more days: until 27 January 00:00 UTC, counted from NOW.
WEEK_TTL = int((datetime(2026, 1, 27, tzinfo=UTC) - NOW).total_seconds())
keys = count(1)


async def person(name: str = "", timezone: str = BANGKOK, province: str = "TH-10",
                 district: str = "Bang Rak", visibility: str = "public") -> User:
    return await User.create(display_name=name, locale="en", timezone=timezone, region="TH",
                             province=province, district=district, visibility=visibility,
                             consent_version=CONSENT_VERSION, consented_at=NOW)


async def credit(user: User, amount: int, at: datetime = NOW) -> None:
    key = f"test:{next(keys)}"
    await ledger.append(user, amount, "test", key, key, at)


def everyone(period: Period = WEEK) -> str:
    return lb.board_key(period, "everyone", "all")


async def board(redis: Redis, key: str) -> list[tuple[int, int]]:
    return [(int(m), int(s)) for m, s in await redis.zrevrange(key, 0, -1, withscores=True)]


async def snapshot(redis: Redis) -> dict[str, list[tuple[int, int]]]:
    found = sorted([k.decode() async for k in redis.scan_iter(match=f"{lb.PREFIX}:*")])
    return {key: await board(redis, key) for key in found}


async def refresh_all(redis: Redis, *users: User, now: datetime = NOW) -> None:
    for user in users:
        await lb.refresh_user(redis, user.id, now)


# ----------------------------------------------------------------------------- periods


async def test_the_week_board_holds_net_credits_of_the_iso_week(db: str, redis: Redis) -> None:
    user = await person()
    await credit(user, 100, NOW - timedelta(days=7))  # the week before
    await credit(user, 30)
    await credit(user, -10)  # an undo or a penalty counts
    await refresh_all(redis, user)
    assert await board(redis, everyone()) == [(user.id, 20)]


async def test_the_month_and_all_time_boards_hold_every_row_of_their_period(
        db: str, redis: Redis) -> None:
    user = await person()
    await credit(user, 5, datetime(2025, 12, 20, tzinfo=UTC))
    await credit(user, 100, NOW - timedelta(days=7))
    await credit(user, 30)
    await refresh_all(redis, user)
    assert await board(redis, everyone(MONTH)) == [(user.id, 130)]
    assert await board(redis, everyone(ALL)) == [(user.id, 135)]


async def test_a_week_starts_at_each_persons_local_midnight(db: str, redis: Redis) -> None:
    bangkok, kolkata = await person(timezone=BANGKOK), await person(timezone=KOLKATA)
    # Sunday 11 January 17:30 UTC: Monday 00:30 in Bangkok (UTC+7), still Sunday 23:00 in
    # Kolkata (UTC+5:30).
    instant = datetime(2026, 1, 11, 17, 30, tzinfo=UTC)
    await credit(bangkok, 10, instant)
    await credit(kolkata, 10, instant)
    await refresh_all(redis, bangkok, kolkata)
    assert await board(redis, everyone()) == [(bangkok.id, 10)]


async def test_a_month_starts_at_each_persons_local_midnight(db: str, redis: Redis) -> None:
    bangkok, kolkata = await person(timezone=BANGKOK), await person(timezone=KOLKATA)
    instant = datetime(2026, 1, 31, 17, 30, tzinfo=UTC)  # 1 Feb in Bangkok, 31 Jan in Kolkata
    await credit(bangkok, 10, instant)
    await credit(kolkata, 10, instant)
    february = datetime(2026, 2, 3, 5, 0, tzinfo=UTC)
    await refresh_all(redis, bangkok, kolkata, now=february)
    assert await board(redis, everyone(Period("month", "2026-02"))) == [(bangkok.id, 10)]


def test_period_ids_follow_the_local_calendar() -> None:
    instant = datetime(2026, 1, 11, 17, 30, tzinfo=UTC)
    assert lb.current_periods(instant, BANGKOK) == (Period("week", "2026-W03"), MONTH, ALL)
    assert lb.current_periods(instant, KOLKATA)[0] == Period("week", "2026-W02")


# ----------------------------------------------------------------------------- scopes


async def test_province_boards_hold_only_that_provinces_people(db: str, redis: Redis) -> None:
    bangkok, chiang_mai = await person(province="TH-10"), await person(province="TH-50")
    await credit(bangkok, 10)
    await credit(chiang_mai, 20)
    await refresh_all(redis, bangkok, chiang_mai)
    assert await board(redis, lb.board_key(WEEK, "province", "TH-10")) == [(bangkok.id, 10)]
    assert await board(redis, lb.board_key(WEEK, "province", "TH-50")) == [(chiang_mai.id, 20)]


async def test_district_boards_are_per_province_and_ignore_case_and_spacing(
        db: str, redis: Redis) -> None:
    a = await person(district="Bang Rak")
    b = await person(district="  bang   rak ")
    c = await person(district="Pathum Wan")
    for user in (a, b, c):
        await credit(user, user.id)
    await refresh_all(redis, a, b, c)
    key = lb.board_key(WEEK, "district", lb.district_id("TH-10", "Bang Rak"))
    assert await board(redis, key) == [(b.id, b.id), (a.id, a.id)]


async def test_a_person_without_a_province_is_only_on_the_everyone_board(
        db: str, redis: Redis) -> None:
    user = await person(province="", district="")
    await credit(user, 10)
    await refresh_all(redis, user)
    assert list(await snapshot(redis)) == [everyone(ALL), everyone(MONTH), everyone()]


async def test_the_friends_board_is_the_viewer_and_friends_from_everyone(
        db: str, redis: Redis) -> None:
    viewer, friend, stranger = await person(), await person(), await person()
    await befriend(viewer, friend, NOW)
    for user, amount in ((viewer, 10), (friend, 20), (stranger, 30)):
        await credit(user, amount)
    await refresh_all(redis, viewer, friend, stranger)
    standing = await lb.standing(redis, viewer, "week", "friends", NOW, {friend.id})
    assert standing.rows == (Row(1, friend.id, 20), Row(2, viewer.id, 10))
    assert (standing.rank, standing.size) == (2, 2)


async def test_a_board_the_viewer_has_no_place_for_is_unavailable(
        db: str, redis: Redis) -> None:
    viewer = await person(province="TH-10", district="")
    with pytest.raises(lb.ScopeUnavailable):
        await lb.standing(redis, viewer, "week", "district", NOW)


# ----------------------------------------------------------------------------- writing


async def test_refresh_user_is_idempotent(db: str, redis: Redis) -> None:
    user = await person()
    await credit(user, 10)
    await refresh_all(redis, user)
    first = await snapshot(redis)
    await refresh_all(redis, user, user)
    assert await snapshot(redis) == first


async def test_refresh_user_moves_a_person_who_changed_province(db: str, redis: Redis) -> None:
    user = await person(province="TH-10")
    await credit(user, 10)
    await refresh_all(redis, user)
    user.province, user.district = "TH-50", ""
    await user.save()
    await refresh_all(redis, user)
    assert await board(redis, lb.board_key(WEEK, "province", "TH-10")) == []
    assert await board(redis, lb.board_key(WEEK, "district",
                                           lb.district_id("TH-10", "Bang Rak"))) == []
    assert await board(redis, lb.board_key(WEEK, "province", "TH-50")) == [(user.id, 10)]


async def test_a_person_without_rows_in_the_period_is_not_on_its_board(
        db: str, redis: Redis) -> None:
    user = await person()
    await credit(user, 10, NOW - timedelta(days=7))
    await refresh_all(redis, user)
    assert await board(redis, everyone()) == []
    assert await board(redis, everyone(MONTH)) == [(user.id, 10)]


async def test_past_week_and_month_boards_expire_and_all_time_boards_do_not(
        db: str, redis: Redis) -> None:
    user = await person()
    await credit(user, 10)
    await refresh_all(redis, user)
    assert abs(await redis.ttl(everyone()) - WEEK_TTL) <= 2
    assert await redis.ttl(everyone(MONTH)) > WEEK_TTL
    assert await redis.ttl(everyone(ALL)) == -1


# ----------------------------------------------------------------------------- rebuild


async def _population() -> list[User]:
    people = [await person("Somchai", BANGKOK, "TH-10", "Bang Rak"),
              await person("", BANGKOK, "TH-10", "Pathum Wan"),
              await person("Priya", KOLKATA, "IN-MH", "Pune"),
              await person("Arun", KOLKATA, "IN-MH", ""),
              await person("", BANGKOK, "", "")]
    for n, user in enumerate(people, start=1):
        await credit(user, 10 * n, NOW - timedelta(days=40))
        await credit(user, 5 * n, NOW - timedelta(days=8))
        await credit(user, 3 * n)
        await credit(user, -n)
    return people


async def test_rebuild_after_flushdb_restores_every_board(db: str, redis: Redis) -> None:
    people = await _population()
    await refresh_all(redis, *people)
    before = await snapshot(redis)
    await redis.flushdb()
    await lb.rebuild(redis, NOW)
    assert await snapshot(redis) == before
    assert len(before) == 3 * (1 + 2 + 3)  # periods x (everyone + provinces + districts)


async def test_rebuild_keeps_private_people_off_every_board(db: str, redis: Redis) -> None:
    hidden = await person("Hidden", visibility="private")
    await credit(hidden, 10)
    await lb.rebuild(redis, NOW)
    assert all(hidden.id not in dict(rows) for rows in (await snapshot(redis)).values())


async def test_rebuild_replaces_each_board_at_once(db: str, redis: Redis) -> None:
    people = await _population()
    await redis.zadd(everyone(), {"999999": 1})  # an old board, to be replaced
    old = await board(redis, everyone())
    seen = []

    async def look(done: int, total: int) -> None:
        seen.append(await board(redis, everyone()))

    await lb.rebuild(redis, NOW, chunk_size=2, progress=look)
    assert seen == [old, old, old]  # never half written while the rebuild runs
    assert sorted(await board(redis, everyone())) == sorted(
        (u.id, 2 * n) for n, u in enumerate(people, start=1))


async def test_rebuild_deletes_boards_nobody_is_on_anymore(db: str, redis: Redis) -> None:
    stale = lb.board_key(WEEK, "district", lb.district_id("TH-10", "Gone"))
    await redis.zadd(stale, {"1": 5})
    await lb.rebuild(redis, NOW)
    assert not await redis.exists(stale)


async def test_rebuild_sets_the_expiry_of_week_boards(db: str, redis: Redis) -> None:
    await _population()
    await lb.rebuild(redis, NOW)
    assert abs(await redis.ttl(everyone()) - WEEK_TTL) <= 2
    assert await redis.ttl(everyone(ALL)) == -1


async def test_rebuild_marks_the_boards_built(db: str, redis: Redis) -> None:
    await lb.rebuild(redis, NOW)
    assert await redis.exists(lb.BUILT_KEY)


async def test_a_second_rebuild_waits_for_the_first(db: str, redis: Redis) -> None:
    await redis.set(lb.LOCK_KEY, "other")
    assert await lb.rebuild(redis, NOW) is None


def job_context(redis: Redis) -> dict[str, Any]:
    """What workers/social_jobs.py reads from an arq context."""
    runtime = SimpleNamespace(clock=lambda: NOW)
    return {"deps": SimpleNamespace(queue=redis, pipeline=SimpleNamespace(runtime=runtime))}


async def test_the_rebuild_job_runs_when_redis_has_no_boards(db: str, redis: Redis) -> None:
    people = await _population()
    result = await social_jobs.rebuild_leaderboards_if_missing(job_context(redis))
    assert result["users"] == len(people)
    assert await redis.exists(everyone())


async def test_the_rebuild_job_skips_when_the_boards_are_built(db: str, redis: Redis) -> None:
    await redis.set(lb.BUILT_KEY, NOW.isoformat())
    assert await social_jobs.rebuild_leaderboards_if_missing(job_context(redis)) == \
        {"skipped": 1}


# ----------------------------------------------------------------------------- reading


async def _ladder(redis: Redis, size: int = 7) -> list[User]:
    people = [await person(f"P{n}") for n in range(size)]
    for n, user in enumerate(people):
        await credit(user, 10 * (size - n))  # P0 highest
    await refresh_all(redis, *people)
    return people


async def test_standing_shows_two_above_and_two_below(db: str, redis: Redis) -> None:
    people = await _ladder(redis)
    standing = await lb.standing(redis, people[3], "week", "everyone", NOW)
    assert [row.user_id for row in standing.rows] == [p.id for p in people[1:6]]
    assert [row.rank for row in standing.rows] == [2, 3, 4, 5, 6]
    assert (standing.rank, standing.score, standing.size) == (4, 40, 7)


async def test_standing_without_a_score_shows_the_top(db: str, redis: Redis) -> None:
    people = await _ladder(redis)
    newcomer = await person()
    standing = await lb.standing(redis, newcomer, "week", "everyone", NOW)
    assert standing.rank is None
    assert [row.user_id for row in standing.rows] == [p.id for p in people[:5]]


async def test_a_private_viewer_sees_their_place_among_the_others(
        db: str, redis: Redis) -> None:
    people = await _ladder(redis)
    hidden = await person(visibility="private")
    await credit(hidden, 45)
    await refresh_all(redis, hidden)
    standing = await lb.standing(redis, hidden, "week", "everyone", NOW)
    assert [(row.rank, row.user_id) for row in standing.rows] == [
        (2, people[1].id), (3, people[2].id), (4, hidden.id), (5, people[3].id),
        (6, people[4].id)]
    assert (standing.rank, standing.size) == (4, 8)
    assert str(hidden.id).encode() not in await redis.zrange(everyone(), 0, -1)


async def test_a_private_friend_is_left_off_the_friends_board(db: str, redis: Redis) -> None:
    viewer, hidden = await person(), await person(visibility="private")
    await befriend(viewer, hidden, NOW)
    await credit(viewer, 10)
    await credit(hidden, 20)
    await refresh_all(redis, viewer, hidden)
    standing = await lb.standing(redis, viewer, "week", "friends", NOW, {hidden.id})
    assert standing.rows == (Row(1, viewer.id, 10),)


# ----------------------------------------------------------------------------- names


@pytest.mark.parametrize(("visibility", "relation", "shown"), [
    ("public", "self", Shown.YOU), ("public", "friend", Shown.NAME),
    ("public", "stranger", Shown.NAME),
    ("friends", "self", Shown.YOU), ("friends", "friend", Shown.NAME),
    ("friends", "stranger", Shown.NEIGHBOUR),
    ("private", "self", Shown.YOU), ("private", "friend", Shown.ANONYMOUS),
    ("private", "stranger", Shown.ANONYMOUS),
])
def test_who_sees_a_name(visibility: str, relation: str, shown: Shown) -> None:
    subject = User(id=7, display_name="Somchai", visibility=visibility)
    viewer_id = {"self": 7, "friend": 8, "stranger": 9}[relation]
    friends_of_viewer = {7} if relation == "friend" else set()
    label = label_for(subject, viewer_id, friends_of_viewer)
    assert label.shown is shown
    assert (label.name == "Somchai") == (shown is Shown.NAME)


def test_a_person_without_a_display_name_gets_a_stable_pseudonym() -> None:
    subject = User(id=4821, display_name=" ", visibility="public")
    assert label_for(subject, 1, set()) == Label(Shown.PSEUDONYM,
                                                 number=pseudonym_number(4821))
    assert pseudonym_number(4821) == pseudonym_number(4821)
    assert 1000 <= pseudonym_number(4821) <= 9999


def test_an_unknown_visibility_is_treated_as_private() -> None:
    assert label_for(User(id=7, display_name="X", visibility="odd"), 8, {7}).shown \
        is Shown.ANONYMOUS
