"""Invite codes, joining and referral credits (core/social/{invites,referrals}.py) on real
PostgreSQL: friendship, the refusals, exactly-once credits, the abuse rules."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from core.diary import service as diary
from core.factors.models import EmissionFactor
from core.gamification.models import ReviewFlag
from core.ledger import service as ledger
from core.ledger.models import LedgerEntry
from core.settings import Settings
from core.social import invites, referrals
from core.social.models import Friendship, Referral
from core.social.referrals import JoinRefused, join, settle_referral
from core.users.models import Identity, User
from core.users.service import CONSENT_VERSION

NOW = datetime(2026, 3, 11, 5, 0, tzinfo=UTC)
SETTINGS = Settings(_env_file=None, referral_credits=50, referrals_per_day_limit=2)  # type: ignore[call-arg]


async def person(consented_at: datetime = NOW, channel: str = "console",
                 first_seen: datetime | None = None) -> User:
    user = await User.create(locale="en", timezone="Asia/Bangkok", region="TH",
                             consent_version=CONSENT_VERSION, consented_at=consented_at)
    identity = await Identity.create(channel=channel, external_id=f"id-{user.id}", user=user)
    await Identity.filter(id=identity.id).update(created_at=first_seen or consented_at)
    return user


async def code_of(user: User) -> str:
    return await invites.invite_code(user)


async def log_waste(user: User, key: str = "e1", at: datetime = NOW) -> None:
    bottles = await EmissionFactor.get(category__factor_set__code="th-diary",
                                       category__code="plastic_bottles", method="recycled")
    await diary.record_entry(user, bottles, Decimal("2"), "kg", key, at)


async def referral_rows(user: User) -> list[int]:
    return [r.amount async for r in LedgerEntry.filter(user_id=user.id, reason="referral")]


@pytest.fixture
async def inviter(db: str) -> User:
    return await person(consented_at=NOW - timedelta(days=60))


# ----------------------------------------------------------------------------- codes


async def test_an_invite_code_is_made_once_and_kept(inviter: User) -> None:
    code = await code_of(inviter)
    assert invites.looks_like_code(code) and len(code) == invites.CODE_LENGTH
    assert await code_of(await User.get(id=inviter.id)) == code


async def test_a_code_is_found_whatever_its_case_and_dashes(inviter: User) -> None:
    code = await code_of(inviter)
    found = await invites.inviter_of(f"{code[:4].lower()}-{code[4:]}")
    assert found is not None and found.id == inviter.id


def test_invite_links_per_channel() -> None:
    names = {"telegram": "@WasteNexusBot", "line": "@wastenexus"}
    assert invites.invite_link("telegram", "K7QM3XPR", names) == \
        "https://t.me/WasteNexusBot?start=K7QM3XPR"
    assert invites.invite_link("line", "K7QM3XPR", names) == \
        "https://line.me/R/oaMessage/%40wastenexus/?join%20K7QM3XPR"
    assert invites.invite_link("sms", "K7QM3XPR", names) is None
    assert invites.invite_link("telegram", "K7QM3XPR", {}) is None


# ----------------------------------------------------------------------------- joining


async def test_joining_makes_both_people_friends(inviter: User) -> None:
    newcomer = await person()
    await join(newcomer, await code_of(inviter), NOW)
    pairs = {(f.user_id, f.friend_id) async for f in Friendship.all()}  # type: ignore[attr-defined]
    assert pairs == {(newcomer.id, inviter.id), (inviter.id, newcomer.id)}


async def test_joining_records_a_pending_referral(inviter: User) -> None:
    newcomer = await person()
    joined = await join(newcomer, await code_of(inviter), NOW)
    referral = await Referral.get(referred_id=newcomer.id)
    assert joined.referral is not None and joined.referral.id == referral.id
    assert (referral.referrer_id, referral.status) == (inviter.id, "pending")  # type: ignore[attr-defined]


async def test_an_unknown_code_is_refused(db: str) -> None:
    with pytest.raises(JoinRefused, match="invalid"):
        await join(await person(), "ZZZZZZZZ", NOW)


async def test_ones_own_code_is_refused_and_befriends_no_one(inviter: User) -> None:
    with pytest.raises(JoinRefused, match="self"):
        await join(inviter, await code_of(inviter), NOW)
    assert await Friendship.all().count() == 0


async def test_a_person_with_a_referrer_keeps_the_first(inviter: User) -> None:
    newcomer, other = await person(), await person()
    await join(newcomer, await code_of(inviter), NOW)
    joined = await join(newcomer, await code_of(other), NOW)
    assert (joined.referral, joined.not_referred) == (None, "already_referred")
    assert (await Referral.get(referred_id=newcomer.id)).referrer_id == inviter.id  # type: ignore[attr-defined]
    assert await Friendship.filter(user_id=newcomer.id).count() == 2  # still friends with both


async def test_a_referral_back_to_ones_referrer_is_a_loop(db: str) -> None:
    a, b = await person(), await person()
    await join(b, await code_of(a), NOW)  # a brought b
    joined = await join(a, await code_of(b), NOW)
    assert (joined.referral, joined.not_referred) == (None, "loop")


async def test_a_longer_cycle_is_a_loop(db: str) -> None:
    a, b, c = await person(), await person(), await person()
    await join(b, await code_of(a), NOW)
    await join(c, await code_of(b), NOW)
    joined = await join(a, await code_of(c), NOW)
    assert joined.not_referred == "loop"


async def test_a_member_of_more_than_a_week_befriends_without_a_referral(inviter: User) -> None:
    member = await person(consented_at=NOW - referrals.JOIN_WINDOW - timedelta(minutes=1))
    joined = await join(member, await code_of(inviter), NOW)
    assert (joined.referral, joined.not_referred, joined.new_friends) == (None, "stale", True)


# ----------------------------------------------------------------------------- credits


async def test_nothing_is_credited_before_a_verified_activity(inviter: User) -> None:
    newcomer = await person()
    await join(newcomer, await code_of(inviter), NOW)
    assert (await settle_referral(newcomer.id, NOW, SETTINGS)).status == "pending"
    assert await referral_rows(inviter) == await referral_rows(newcomer) == []


async def test_both_are_credited_after_the_first_credited_diary_entry(inviter: User) -> None:
    newcomer = await person()
    await join(newcomer, await code_of(inviter), NOW)
    await log_waste(newcomer)
    before = await ledger.balance(newcomer.id)
    settled = await settle_referral(newcomer.id, NOW, SETTINGS)
    assert (settled.status, set(settled.credited)) == ("credited", {inviter.id, newcomer.id})
    assert await referral_rows(inviter) == await referral_rows(newcomer) == [50]
    assert await ledger.balance(newcomer.id) == before + 50


async def test_a_flagged_diary_entry_does_not_count(inviter: User) -> None:
    newcomer = await person()
    await join(newcomer, await code_of(inviter), NOW)
    await log_waste(newcomer)
    await newcomer.diary.all().update(review="flagged")  # held for review by staff
    assert (await settle_referral(newcomer.id, NOW, SETTINGS)).status == "pending"


async def test_an_undone_diary_entry_does_not_count(inviter: User) -> None:
    newcomer = await person()
    await join(newcomer, await code_of(inviter), NOW)
    await log_waste(newcomer)
    await diary.undo_last(newcomer, "u1", NOW)
    assert (await settle_referral(newcomer.id, NOW, SETTINGS)).status == "pending"


async def test_a_verified_report_counts(inviter: User) -> None:
    newcomer = await person()
    await join(newcomer, await code_of(inviter), NOW)
    await ledger.append(newcomer, 50, "report_verified", "report:1", "report:1:verified", NOW)
    assert (await settle_referral(newcomer.id, NOW, SETTINGS)).status == "credited"


async def test_settling_again_credits_nothing_more(inviter: User) -> None:
    newcomer = await person()
    await join(newcomer, await code_of(inviter), NOW)
    await log_waste(newcomer)
    await settle_referral(newcomer.id, NOW, SETTINGS)
    again = await settle_referral(newcomer.id, NOW, SETTINGS)
    assert (again.status, again.credited) == ("credited", ())
    assert await referral_rows(inviter) == [50]


async def test_concurrent_settlements_credit_once(inviter: User) -> None:
    newcomer = await person()
    await join(newcomer, await code_of(inviter), NOW)
    await log_waste(newcomer)
    results = await asyncio.gather(*(settle_referral(newcomer.id, NOW, SETTINGS)
                                     for _ in range(5)))
    assert sum(bool(r.credited) for r in results) == 1
    assert await referral_rows(inviter) == await referral_rows(newcomer) == [50]
    assert (await ledger.replay(inviter.id)).balance == 50


async def test_a_person_without_a_referral_settles_to_none(db: str) -> None:
    assert (await settle_referral((await person()).id, NOW, SETTINGS)).status == "none"


# ----------------------------------------------------------------------------- abuse


async def test_referrals_over_the_daily_limit_are_held_for_review(inviter: User) -> None:
    code = await code_of(inviter)
    newcomers = [await person() for _ in range(3)]
    for n, newcomer in enumerate(newcomers):
        await join(newcomer, code, NOW)
        await log_waste(newcomer, key=f"e{n}")
    statuses = [(await settle_referral(u.id, NOW, SETTINGS)).status for u in newcomers]
    assert statuses == ["credited", "credited", "held"]
    assert await referral_rows(inviter) == [50, 50]
    flag = await ReviewFlag.get(kind="referral")
    assert (flag.user_id, flag.detail["rule"]) == (inviter.id, "daily_limit")  # type: ignore[attr-defined]


async def test_the_daily_limit_is_per_local_day_of_the_referrer(inviter: User) -> None:
    code = await code_of(inviter)
    newcomers = [await person() for _ in range(3)]
    for n, newcomer in enumerate(newcomers):
        await join(newcomer, code, NOW)
        await log_waste(newcomer, key=f"e{n}")
    for newcomer in newcomers[:2]:
        await settle_referral(newcomer.id, NOW, SETTINGS)
    # 17:00 UTC is midnight in Bangkok: a new day for the referrer.
    tomorrow = NOW.replace(hour=17)
    assert (await settle_referral(newcomers[2].id, tomorrow, SETTINGS)).status == "credited"


async def test_a_phone_number_seen_long_before_consent_is_refused(inviter: User) -> None:
    # The number wrote to us a month ago (a deleted account, say), then consented today.
    newcomer = await person(channel="sms", first_seen=NOW - timedelta(days=30))
    await join(newcomer, await code_of(inviter), NOW)
    await log_waste(newcomer)
    settled = await settle_referral(newcomer.id, NOW, SETTINGS)
    assert settled.status == "refused"
    assert await referral_rows(inviter) == []
    assert (await Referral.get(id=settled.referral_id)).reason == "reused_identity"
    assert (await ReviewFlag.get(kind="referral")).detail["rule"] == "reused_identity"


async def test_an_older_identity_linked_into_the_newcomer_is_refused(inviter: User) -> None:
    newcomer = await person(channel="telegram")
    await join(newcomer, await code_of(inviter), NOW)
    # A LINE account another referred person used weeks ago, linked in after joining.
    await Identity.create(channel="line", external_id="U-old", user=newcomer)
    await Identity.filter(external_id="U-old").update(created_at=NOW - timedelta(days=20))
    await log_waste(newcomer)
    assert (await settle_referral(newcomer.id, NOW, SETTINGS)).status == "refused"


async def test_a_first_message_a_few_hours_before_consent_is_fine(inviter: User) -> None:
    newcomer = await person(first_seen=NOW - timedelta(hours=5))
    await join(newcomer, await code_of(inviter), NOW)
    await log_waste(newcomer)
    assert (await settle_referral(newcomer.id, NOW, SETTINGS)).status == "credited"
