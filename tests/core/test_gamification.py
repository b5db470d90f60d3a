"""Progress (core/gamification/): levels, streaks, achievements, daily goals and the daily
limits, on real PostgreSQL. Figures come from shared/data/th_diary_gamification.csv (levels
0/100/500/1000/2500; achievements and goals with their rewards; 500 credits = 1 tree) and
core/factors/data/th_diary_2024.csv (credits per kg)."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from tortoise.transactions import in_transaction

from core.diary import service as diary
from core.diary.models import DiaryEntry
from core.factors.models import EmissionFactor
from core.gamification import achievements, levels, progress
from core.gamification.achievements import Context, UnknownCriterion
from core.gamification.limits import DailyLimits, Verdict, judge
from core.gamification.models import AchievementAward, GoalCompletion, LevelUp, ReviewFlag
from core.gamification.progress import AfterEntry, Rules
from core.gamification.streaks import Streak, logged_days, streak_of
from core.ledger import service as ledger
from core.ledger.models import LedgerEntry
from core.users.models import User
from core.users.service import CONSENT_VERSION

D = Decimal
NOW = datetime(2026, 3, 11, 5, 0, tzinfo=UTC)  # Wednesday 11 March, 12:00 in Bangkok
TODAY = date(2026, 3, 11)
RULES = Rules.defaults()
ACHIEVEMENT = {a.code: a for a in RULES.achievements}
THRESHOLDS = (0, 100, 500, 1000, 2500)  # th_diary_gamification.csv, levels 1-5
KEYS = itertools.count()


def march(day: int) -> date:
    return date(2026, 3, day)


def at_noon(day: date) -> datetime:
    """12:00 in Bangkok (UTC+7) on that day."""
    return datetime(day.year, day.month, day.day, 5, 0, tzinfo=UTC)


async def make_user(timezone: str = "Asia/Bangkok", region: str = "TH") -> User:
    return await User.create(locale="en", timezone=timezone, region=region,
                             consent_version=CONSENT_VERSION, consented_at=NOW)


@pytest.fixture
async def user(db: str) -> User:
    return await make_user()


async def factor(category: str, method: str, set_code: str = "th-diary") -> EmissionFactor:
    return await EmissionFactor.get(category__factor_set__code=set_code,
                                    category__code=category, method=method)


async def record(user: User, category: str, method: str, quantity: str, unit: str = "kg",
                 when: datetime = NOW, limits: DailyLimits | None = None,
                 set_code: str = "th-diary") -> DiaryEntry:
    """An entry alone, without the progress awards (to measure criteria)."""
    async with in_transaction():
        recorded = await diary.record_entry(user, await factor(category, method, set_code),
                                            D(quantity), unit, f"k{next(KEYS)}", when, limits)
    return recorded.entry


async def log(user: User, category: str, method: str, quantity: str, unit: str = "kg",
              when: datetime = NOW, set_code: str = "th-diary") -> AfterEntry:
    """An entry and its progress in one transaction, as the diary handler does."""
    async with in_transaction():
        recorded = await diary.record_entry(user, await factor(category, method, set_code),
                                            D(quantity), unit, f"k{next(KEYS)}", when)
        return await progress.after_entry(user, recorded.entry, when, RULES)


async def give(user: User, credits: int) -> None:
    """Credits from outside the diary, such as a verified report."""
    await ledger.append(user, credits, "report_verified", "report:1", f"r{next(KEYS)}", NOW)


async def context(user: User, now: datetime = NOW) -> Context:
    today = diary.local_date(now, user.timezone)
    streak = streak_of(await logged_days(user.id), today, 1)
    return Context(user.id, today, streak, await levels.earned_credits(user.id))


async def met(user: User, code: str, now: datetime = NOW) -> bool:
    return (await achievements.measure(ACHIEVEMENT[code], await context(user, now))).met


def codes(found: tuple[achievements.Definition, ...]) -> list[str]:
    return [d.code for d in found]


# ----------------------------------------------------------------------------- levels


@pytest.mark.parametrize(("earned", "level"), [
    (0, 1), (99, 1), (100, 2), (499, 2), (500, 3), (999, 3), (1000, 4), (2499, 4),
    (2500, 5), (10_000, 5)])
def test_level_n_is_reached_at_its_threshold(earned: int, level: int) -> None:
    assert levels.level_for(earned, THRESHOLDS) == level


def test_progress_names_the_next_level_and_what_it_takes() -> None:
    # 150 earned: level 2 (>= 100); 500 - 150 = 350 to level 3
    assert levels.progress_of(150, THRESHOLDS) == levels.LevelProgress(
        2, "Green Warrior", 150, "Eco Champion", 500, 350)


def test_the_top_level_has_nothing_next() -> None:
    assert levels.progress_of(2600, THRESHOLDS) == levels.LevelProgress(
        5, "Planet Protector", 2600, None, None, 0)


@pytest.mark.parametrize(("earned", "trees"), [
    (0, "0"), (499, "0.9"), (500, "1"), (1250, "2.5")])  # earned / 500, rounded down
def test_trees_are_credits_earned_per_500(earned: int, trees: str) -> None:
    assert levels.trees(earned) == D(trees)


async def test_earned_credits_sum_what_was_given_and_ignore_penalties(user: User) -> None:
    await record(user, "plastic_bottles", "recycled", "2")  # 2 x 15 = 30
    await record(user, "food_waste", "landfill", "1")  # 1 x -25 = -25
    await give(user, 50)
    assert await levels.earned_credits(user.id) == 80  # 30 + 50; the penalty is no gain
    assert await ledger.balance(user.id) == 55  # 30 - 25 + 50


async def test_an_undone_entry_no_longer_counts_as_earned(user: User) -> None:
    await record(user, "plastic_bottles", "recycled", "2")  # +30
    await diary.undo_last(user, "u1", NOW)  # -30
    # ledger.replay's earned would say 30: logging and undoing must not raise a level
    assert await levels.earned_credits(user.id) == 0


async def test_undoing_a_penalty_earns_nothing(user: User) -> None:
    await record(user, "food_waste", "landfill", "1")  # -25
    await diary.undo_last(user, "u1", NOW)  # +25 given back
    assert await levels.earned_credits(user.id) == 0


async def test_a_level_up_is_recorded_and_announced_once(user: User) -> None:
    assert await levels.record_level_ups(user, 100, THRESHOLDS, NOW) == [2]
    assert await levels.record_level_ups(user, 120, THRESHOLDS, NOW) == []
    assert await LevelUp.filter(user_id=user.id).count() == 1


async def test_crossing_two_thresholds_at_once_records_both_levels(user: User) -> None:
    assert await levels.record_level_ups(user, 500, THRESHOLDS, NOW) == [2, 3]


async def test_level_one_is_never_announced(user: User) -> None:
    assert await levels.record_level_ups(user, 0, THRESHOLDS, NOW) == []


async def test_reward_credits_count_toward_the_level(user: User) -> None:
    await give(user, 60)
    done = await log(user, "plastic_bottles", "recycled", "2")
    # 60 + 30 = 90 is below 100; with first_scan 10 and recycle_something 15: 115 -> level 2
    assert done.levels == (2,)
    assert done.balance == 115


async def test_two_concurrent_entries_crossing_a_threshold_announce_the_level_once(
        user: User) -> None:
    await give(user, 90)
    glass = await factor("glass_bottles", "returned")

    async def entry(key: str) -> AfterEntry:
        async with in_transaction():
            recorded = await diary.record_entry(user, glass, D(1), "kg", key, NOW)
            return await progress.after_entry(user, recorded.entry, NOW, RULES)

    results = await asyncio.gather(entry("c1"), entry("c2"))
    # 90 + 35 (1 kg returned) + 10 (first_scan) = 135 crosses 100 in whichever runs first
    assert sorted(r.levels for r in results) == [(), (2,)]
    assert await LevelUp.filter(user_id=user.id).values_list("level", flat=True) == [2]
    assert await ledger.balance(user.id) == 170  # 90 + 35 + 35 + 10


# ----------------------------------------------------------------------------- streaks


def test_consecutive_days_make_the_streak() -> None:
    assert streak_of({march(9), march(10), march(11)}, march(11), 1) == Streak(
        current=3, longest=3, logged_today=True, at_risk=False)


def test_a_streak_is_at_risk_not_broken_before_todays_entry() -> None:
    assert streak_of({march(9), march(10)}, march(11), 1) == Streak(
        current=2, longest=2, logged_today=False, at_risk=True)


def test_one_missed_day_in_an_iso_week_is_forgiven_but_not_counted() -> None:
    # Tuesday 10 March missed: Monday and Wednesday make 2
    assert streak_of({march(9), march(11)}, march(11), 1).current == 2


def test_a_second_missed_day_in_the_same_week_breaks_the_streak() -> None:
    # week of 9-15 March: Tuesday 10 forgiven, Thursday 12 breaks; Friday 13 starts again
    streak = streak_of({march(9), march(11), march(13)}, march(13), 1)
    assert (streak.current, streak.longest) == (1, 2)


def test_two_missed_days_in_a_row_break_the_streak() -> None:
    assert streak_of({march(9), march(12)}, march(12), 1).current == 1


def test_misses_on_a_sunday_and_the_next_monday_fall_in_two_weeks() -> None:
    # Sunday 15 March ends ISO week 11 and Monday 16 starts week 12: one freeze each
    assert streak_of({march(13), march(14), march(17)}, march(17), 1).current == 3


def test_yesterday_missed_is_forgiven_while_today_is_open() -> None:
    assert streak_of({march(9)}, march(11), 1) == Streak(1, 1, False, True)


def test_a_streak_with_two_days_missed_is_over() -> None:
    # 10 March forgiven, 11 March the second miss of the week
    assert streak_of({march(9)}, march(12), 1) == Streak(0, 1, False, False)


def test_the_longest_streak_outlives_a_break() -> None:
    # 1-5 March (5 days), Friday 6 forgiven, Saturday 7 breaks (week 10); then 10-11 March
    days = {march(d) for d in (1, 2, 3, 4, 5, 10, 11)}
    assert streak_of(days, march(11), 1) == Streak(2, 5, True, False)


def test_without_freezes_any_missed_day_breaks() -> None:
    assert streak_of({march(9), march(11)}, march(11), 0).current == 1


def test_no_entries_no_streak() -> None:
    assert streak_of(set(), march(11), 1) == Streak(0, 0, False, False)


@pytest.mark.parametrize(("timezone", "region", "days"), [
    # 16:00 UTC = 23:00 on 10 March in Bangkok (UTC+7); 17:30 UTC = 00:30 on 11 March
    ("Asia/Bangkok", "TH", 2),
    # in Kolkata (UTC+5:30) they are 21:30 and 23:00, both on 10 March
    ("Asia/Kolkata", "IN", 1),
])
async def test_1730_utc_is_the_next_local_day_in_bangkok_but_not_in_kolkata(
        db: str, timezone: str, region: str, days: int) -> None:
    user = await make_user(timezone, region)
    set_code, category = ("th-diary", "food_waste") if region == "TH" else ("in-swm", "wet_waste")
    for hour, minute in ((16, 0), (17, 30)):
        await record(user, category, "composted", "1", when=datetime(
            2026, 3, 10, hour, minute, tzinfo=UTC), set_code=set_code)
    summary = await progress.summary(user, datetime(2026, 3, 10, 17, 45, tzinfo=UTC), RULES)
    assert summary.streak.current == days


@pytest.mark.parametrize(("now", "logged_today"), [
    (datetime(2026, 3, 10, 16, 59, 59, tzinfo=UTC), True),  # 23:59:59 in Bangkok
    (datetime(2026, 3, 10, 17, 0, tzinfo=UTC), False),  # 00:00 on 11 March in Bangkok
])
async def test_the_streak_day_turns_at_local_midnight(user: User, now: datetime,
                                                      logged_today: bool) -> None:
    await record(user, "food_waste", "composted", "1",
                 when=datetime(2026, 3, 10, 16, 30, tzinfo=UTC))  # 23:30 in Bangkok
    streak = (await progress.summary(user, now, RULES)).streak
    assert (streak.current, streak.logged_today, streak.at_risk) == (
        1, logged_today, not logged_today)


async def test_an_undone_entry_keeps_no_streak(user: User) -> None:
    await record(user, "food_waste", "composted", "1")
    await diary.undo_last(user, "u1", NOW)
    assert (await progress.summary(user, NOW, RULES)).streak.current == 0


# ----------------------------------------------------------------------------- achievements


def test_the_data_copies_the_designs_achievements() -> None:
    # th_diary_gamification.csv: code, threshold, reward credits
    assert {a.code: (a.threshold, a.credits) for a in RULES.achievements} == {
        "first_scan": (1, 10), "daily_tracker": (7, 50), "recycling_hero": (10, 100),
        "compost_master": (1, 75), "plastic_free": (0, 150), "waste_warrior": (1000, 200),
        "tree_saver": (500, 300)}


def test_the_data_copies_the_designs_daily_goals() -> None:
    assert {g.code: (g.threshold, g.credits) for g in RULES.goals} == {
        "scan_5_items": (5, 20), "recycle_something": (1, 15), "compost_organic": (1, 25),
        "avoid_plastic": (1, 30)}


def test_every_achievement_and_goal_is_named_in_each_locale() -> None:
    for item in RULES.achievements + RULES.goals:
        assert set(item.names) >= {"en", "th", "hi"} and set(item.about) >= {"en", "th", "hi"}


def test_a_criterion_kind_the_code_cannot_measure_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "achievements.json"
    path.write_text('{"achievements": [{"code": "x", "names": {}, "about": {}, '
                    '"kind": "moon_phase", "threshold": 1, "credits": 1}]}', encoding="utf-8")
    with pytest.raises(UnknownCriterion):
        achievements.load_achievements(path)


async def test_first_scan_is_met_by_one_entry(user: User) -> None:
    assert not await met(user, "first_scan")
    await record(user, "food_waste", "composted", "1")
    assert await met(user, "first_scan")


@pytest.mark.parametrize(("first_day", "is_met"), [(5, True), (6, False)])
async def test_daily_tracker_needs_a_seven_day_streak(user: User, first_day: int,
                                                      is_met: bool) -> None:
    for day in range(first_day, 12):  # 5-11 March is 7 days; 6-11 March is 6
        await record(user, "food_waste", "composted", "1", when=at_noon(march(day)))
    assert await met(user, "daily_tracker") is is_met


async def test_recycling_hero_counts_pieces_and_other_entries_as_one_each(user: User) -> None:
    await record(user, "plastic_bottles", "recycled", "8", unit="pcs")  # 8 items
    await record(user, "glass_bottles", "recycled", "2")  # 1 item
    await record(user, "paper_cardboard", "recycled", "500", unit="g")  # 1 item
    assert await met(user, "recycling_hero")  # 8 + 1 + 1 = 10


async def test_recycling_hero_is_not_met_by_nine_items(user: User) -> None:
    await record(user, "plastic_bottles", "recycled", "9", unit="pcs")
    assert not await met(user, "recycling_hero")


async def test_recycling_hero_counts_one_local_day(user: User) -> None:
    await record(user, "plastic_bottles", "recycled", "5", unit="pcs",
                 when=at_noon(march(10)))
    await record(user, "plastic_bottles", "recycled", "5", unit="pcs")
    assert not await met(user, "recycling_hero")  # 5 yesterday and 5 today


async def test_recycling_hero_counts_only_recycling(user: User) -> None:
    await record(user, "plastic_bottles", "reused", "10", unit="pcs")
    assert not await met(user, "recycling_hero")


@pytest.mark.parametrize(("grams", "is_met"), [("500", True), ("499", False)])
async def test_compost_master_needs_1_kg_composted_in_all(user: User, grams: str,
                                                         is_met: bool) -> None:
    await record(user, "food_waste", "composted", "500", unit="g", when=at_noon(march(10)))
    await record(user, "organic_waste", "composted", grams, unit="g")
    assert await met(user, "compost_master") is is_met  # 500 + 500 = 1000 g; 500 + 499 = 999


async def test_plastic_free_day_is_a_past_day_with_entries_and_no_plastic_binned(
        user: User) -> None:
    await record(user, "plastic_bottles", "recycled", "1", when=at_noon(march(10)))
    assert await met(user, "plastic_free")  # 10 March is over on 11 March


async def test_plastic_binned_that_day_spoils_it(user: User) -> None:
    await record(user, "glass_bottles", "recycled", "1", when=at_noon(march(10)))
    await record(user, "plastic_bags", "landfill", "0.1", when=at_noon(march(10)))
    assert not await met(user, "plastic_free")


async def test_plastic_burned_that_day_spoils_it(db: str) -> None:
    user = await make_user("Asia/Kolkata", "IN")
    when = datetime(2026, 3, 10, 6, 30, tzinfo=UTC)  # 12:00 on 10 March in Kolkata
    await record(user, "glass", "recycled", "1", when=when, set_code="in-swm")
    await record(user, "plastic", "burned", "0.1", when=when, set_code="in-swm")
    assert not await met(user, "plastic_free")


async def test_today_is_not_plastic_free_before_it_is_over(user: User) -> None:
    await record(user, "glass_bottles", "recycled", "1")
    assert not await met(user, "plastic_free")


@pytest.mark.parametrize(("code", "earned", "is_met"), [
    ("waste_warrior", 999, False), ("waste_warrior", 1000, True),
    ("tree_saver", 499, False), ("tree_saver", 500, True)])
async def test_credit_achievements_need_their_credits_earned(user: User, code: str,
                                                             earned: int, is_met: bool) -> None:
    await give(user, earned)
    assert await met(user, code) is is_met


async def _meet_first_scan(user: User) -> None:
    await log(user, "food_waste", "animal_feed", "1")


async def _meet_daily_tracker(user: User) -> None:
    for day in range(5, 12):
        await log(user, "food_waste", "animal_feed", "1", when=at_noon(march(day)))


async def _meet_recycling_hero(user: User) -> None:
    await log(user, "plastic_bottles", "recycled", "10", unit="pcs")


async def _meet_compost_master(user: User) -> None:
    await log(user, "food_waste", "composted", "1")


async def _meet_plastic_free(user: User) -> None:
    await log(user, "food_waste", "animal_feed", "1", when=at_noon(march(10)))
    await log(user, "food_waste", "animal_feed", "1")


async def _meet_waste_warrior(user: User) -> None:
    await give(user, 1000)
    await log(user, "food_waste", "animal_feed", "1")


async def _meet_tree_saver(user: User) -> None:
    await give(user, 500)
    await log(user, "food_waste", "animal_feed", "1")


@pytest.mark.parametrize(("code", "meet", "reward"), [
    ("first_scan", _meet_first_scan, 10), ("daily_tracker", _meet_daily_tracker, 50),
    ("recycling_hero", _meet_recycling_hero, 100),
    ("compost_master", _meet_compost_master, 75), ("plastic_free", _meet_plastic_free, 150),
    ("waste_warrior", _meet_waste_warrior, 200), ("tree_saver", _meet_tree_saver, 300)])
async def test_each_achievement_is_awarded_once_with_its_ledger_reward(
        user: User, code: str, meet: Callable[[User], Awaitable[None]], reward: int) -> None:
    await meet(user)
    await log(user, "food_waste", "animal_feed", "1")  # met again: no second award
    assert await AchievementAward.filter(user_id=user.id, code=code).count() == 1
    rows = await LedgerEntry.filter(key=f"achievement:{code}:{user.id}")
    assert [(r.reason, r.amount) for r in rows] == [("achievement", reward)]


async def test_a_reward_that_crosses_500_unlocks_tree_saver_in_the_same_turn(
        user: User) -> None:
    await give(user, 450)
    done = await log(user, "plastic_bottles", "recycled", "2")
    # 450 + 30 + 15 (recycle_something) = 495; + 10 (first_scan) = 505 >= 500
    assert codes(done.achievements) == ["first_scan", "tree_saver"]
    assert done.levels == (2, 3)  # 505 + 300 = 805: levels 2 (100) and 3 (500)


# ----------------------------------------------------------------------------- daily goals


@pytest.mark.parametrize(("entries", "is_met"), [(5, True), (4, False)])
async def test_scan_5_items_needs_five_entries_today(user: User, entries: int,
                                                     is_met: bool) -> None:
    for _ in range(entries):
        done = await log(user, "food_waste", "animal_feed", "0.1")
    assert ("scan_5_items" in codes(done.goals)) is is_met


@pytest.mark.parametrize(("category", "method", "goal", "is_met"), [
    ("glass_bottles", "recycled", "recycle_something", True),
    ("glass_bottles", "returned", "recycle_something", False),
    ("food_waste", "composted", "compost_organic", True),
    ("organic_waste", "composted", "compost_organic", True),
    ("food_waste", "animal_feed", "compost_organic", False),
    ("plastic_bags", "avoided", "avoid_plastic", True),
    ("plastic_bottles", "reused", "avoid_plastic", True),
    ("plastic_bags", "landfill", "avoid_plastic", False),
    ("glass_bottles", "reused", "avoid_plastic", False),
])
async def test_a_daily_goal_is_met_by_its_own_kind_of_entry(
        user: User, category: str, method: str, goal: str, is_met: bool) -> None:
    done = await log(user, category, method, "1")
    assert (goal in codes(done.goals)) is is_met


async def test_a_daily_goal_is_rewarded_once_per_day(user: User) -> None:
    await log(user, "glass_bottles", "recycled", "1")
    again = await log(user, "plastic_bottles", "recycled", "1")
    assert "recycle_something" not in codes(again.goals)
    assert await GoalCompletion.filter(user_id=user.id, code="recycle_something").count() == 1
    rows = await LedgerEntry.filter(key=f"goal:recycle_something:{user.id}:2026-03-11")
    assert [(r.reason, r.amount) for r in rows] == [("daily_goal", 15)]


async def test_daily_goals_reset_at_local_midnight(user: User) -> None:
    late = datetime(2026, 3, 10, 16, 30, tzinfo=UTC)  # 23:30 on 10 March in Bangkok
    early = datetime(2026, 3, 10, 17, 10, tzinfo=UTC)  # 00:10 on 11 March in Bangkok
    first = await log(user, "glass_bottles", "recycled", "1", when=late)
    second = await log(user, "glass_bottles", "recycled", "1", when=early)
    assert "recycle_something" in codes(first.goals) and "recycle_something" in codes(
        second.goals)
    assert await GoalCompletion.filter(user_id=user.id).order_by("local_date") \
        .values_list("local_date", flat=True) == [march(10), march(11)]
    assert await LedgerEntry.filter(key__startswith="goal:recycle_something:").count() == 2


# ----------------------------------------------------------------------------- limits


LIMITS = DailyLimits(credit_cap=250, implausible_grams=25_000)  # settings' defaults


def test_credit_past_the_cap_is_cut_to_what_is_left() -> None:
    # 140 already credited today; 250 - 140 = 110 left of the 160 this entry would earn
    assert judge(160, 4000, 140, 0, LIMITS) == Verdict(110, "capped", 160, 4000)


def test_penalties_are_never_capped() -> None:
    assert judge(-25, 1000, 250, 0, LIMITS) == Verdict(-25, "", -25, 1000)


async def test_an_entry_past_the_daily_cap_is_credited_up_to_it(user: User) -> None:
    first = await record(user, "glass_bottles", "returned", "4")  # 4 x 35 = 140
    second = await record(user, "metal_cans", "sold", "4")  # 4 x 40 = 160, 110 left
    third = await record(user, "plastic_bottles", "recycled", "1")  # 15, nothing left
    assert [(e.credits, e.review) for e in (first, second, third)] == [
        (140, ""), (110, "capped"), (0, "capped")]
    assert await ledger.balance(user.id) == 250


async def test_undoing_a_capped_entry_reverses_what_was_credited(user: User) -> None:
    await record(user, "glass_bottles", "returned", "4")  # 140
    await record(user, "metal_cans", "sold", "4")  # 110 of 160
    undone = await diary.undo_last(user, "u1", NOW)
    assert undone is not None and undone.balance == 140
    assert [r.amount for r in await LedgerEntry.all().order_by("seq")] == [140, 110, -110]


async def test_a_penalty_after_the_cap_is_charged_in_full(user: User) -> None:
    await record(user, "glass_bottles", "returned", "4")  # 140
    await record(user, "metal_cans", "sold", "4")  # 110 of 160: the cap of 250 is reached
    penalty = await record(user, "food_waste", "landfill", "1")  # 1 x -25
    assert (penalty.credits, penalty.review) == (-25, "")


async def test_ninety_kg_of_e_waste_is_held_for_review_with_no_credits(user: User) -> None:
    entry = await record(user, "electronic_waste", "recycled", "90")
    assert (entry.credits, entry.review) == (0, "flagged")
    flag = await ReviewFlag.get(user_id=user.id)
    assert (flag.kind, flag.reference, flag.resolved_at) == (
        "implausible_entry", f"diary:{entry.id}", None)
    assert flag.detail["credits"] == 2250  # 90 kg x 25 per kg, for staff to decide
    assert [r.amount for r in await LedgerEntry.all()] == [0]


async def test_a_category_is_implausible_above_25_kg_in_one_local_day(user: User) -> None:
    at_limit = await record(user, "food_waste", "composted", "20")
    await record(user, "food_waste", "composted", "5")  # 25 kg: not above the limit
    above = await record(user, "food_waste", "composted", "10", unit="g")  # 25.01 kg
    other = await record(user, "organic_waste", "composted", "1")  # another category
    # (the first entries may be capped by the daily credit cap: only "flagged" matters here)
    assert [e.review == "flagged" for e in (at_limit, above, other)] == [False, True, False]


async def test_a_flagged_entry_counts_toward_nothing(user: User) -> None:
    done = await log(user, "electronic_waste", "recycled", "90")
    assert (done.goals, done.achievements, done.streak.current) == ((), (), 0)


async def test_limits_come_from_the_settings_when_given(user: User) -> None:
    entry = await record(user, "glass_bottles", "returned", "1",
                         limits=DailyLimits(credit_cap=20, implausible_grams=25_000))
    assert (entry.credits, entry.review) == (20, "capped")  # 35 cut to the cap of 20


async def test_undone_entries_free_their_share_of_the_cap(user: User) -> None:
    await record(user, "metal_cans", "sold", "6")  # 6 x 40 = 240
    await diary.undo_last(user, "u1", NOW + timedelta(minutes=1))
    entry = await record(user, "metal_cans", "sold", "6")
    assert (entry.credits, entry.review) == (240, "")
