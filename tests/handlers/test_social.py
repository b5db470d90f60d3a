"""Friends, invites, joining, privacy and the leaderboard through the real pipeline
(handlers/{friends,rank,onboarding}.py), with the social after-commit hook
(workers/social_jobs.py) settling referrals and refreshing boards."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from itertools import count

import pytest
from redis.asyncio import Redis

from bots.channels import Channels
from core.ledger import service as ledger
from core.ledger.models import LedgerEntry
from core.messages import MAX_BUTTON_DATA_BYTES
from core.metrics import Metrics
from core.settings import Settings
from core.social import leaderboards
from core.social.friends import befriend
from core.social.models import Friendship, Referral
from core.users.models import User
from core.users.service import CONSENT_VERSION
from tests.conftest import make_settings
from tests.fakes.platform import FakePlatform
from tests.harness import Chat, buttons_of, text_of
from workers.context import build_pipeline

keys = count(1)
BOARDS = [f"rank:{period}:{scope}" for period in leaderboards.PERIODS
          for scope in ("everyone", "province", "district", "friends")]


@pytest.fixture
def settings(db: str, fake: FakePlatform, redis: Redis) -> Settings:
    return make_settings(db, fake.url, telegram_bot_username="WasteNexusBot",
                         line_basic_id="@wastenexus")


def social_chat(settings: Settings, redis: Redis, sender: str = "tester",
                lang: str = "en") -> Chat:
    """A chat whose pipeline has Redis, so leaderboards and the referral hook run."""
    return Chat(build_pipeline(settings, Channels(), Metrics(redis)), sender, lang)


async def onboarded(settings: Settings, redis: Redis, sender: str) -> Chat:
    chat = social_chat(settings, redis, sender)
    await chat.onboard()
    return chat


async def user_of(chat: Chat) -> User:
    return await User.get(identities__channel="console", identities__external_id=chat.sender)


async def invite_code(chat: Chat) -> str:
    match = re.search(r"invite code: (\w+)", text_of(await chat.say("invite")))
    assert match is not None
    return match.group(1)


async def person(name: str, visibility: str = "public", district: str = "Bang Rak") -> User:
    return await User.create(display_name=name, locale="en", timezone="Asia/Bangkok",
                             region="TH", province="TH-10", district=district,
                             visibility=visibility, consent_version=CONSENT_VERSION,
                             consented_at=datetime.now(UTC))


async def credit(redis: Redis, user: User, amount: int) -> None:
    key, now = f"test:{next(keys)}", datetime.now(UTC)
    await ledger.append(user, amount, "test", key, key, now)
    await leaderboards.refresh_user(redis, user.id, now)


async def friends_both_ways(a: User, b: User) -> bool:
    return (await Friendship.filter(user_id=a.id, friend_id=b.id).exists()
            and await Friendship.filter(user_id=b.id, friend_id=a.id).exists())


async def referral_credits(user: User) -> int:
    return sum([row.amount async for row in LedgerEntry.filter(user_id=user.id,
                                                                reason="referral")])


# ----------------------------------------------------------------------------- joining


async def test_start_with_a_code_before_consent_joins_on_consent(
        settings: Settings, redis: Redis) -> None:
    inviter = await onboarded(settings, redis, "inviter")
    code = await invite_code(inviter)
    newcomer = social_chat(settings, redis, "newcomer")
    replies = await newcomer.say(f"start {code}")  # what Telegram sends for t.me/bot?start=
    assert code in text_of(replies) and "consent:yes" in buttons_of(replies)
    assert "are now friends" in text_of(await newcomer.tap("consent:yes"))
    new_user, old_user = await user_of(newcomer), await user_of(inviter)
    assert await friends_both_ways(new_user, old_user)
    referral = await Referral.get(referred_id=new_user.id)
    assert (referral.referrer_id, referral.status) == (old_user.id, "pending")  # type: ignore[attr-defined]


async def test_join_typed_before_consent_is_kept_until_consent(
        settings: Settings, redis: Redis) -> None:
    inviter = await onboarded(settings, redis, "inviter")
    code = await invite_code(inviter)
    newcomer = social_chat(settings, redis, "newcomer")
    await newcomer.say("hello")
    await newcomer.say(f"join {code.lower()}")  # in the consent step
    await newcomer.tap("consent:yes")
    assert await friends_both_ways(await user_of(newcomer), await user_of(inviter))
    assert await Referral.exists(referred_id=(await user_of(newcomer)).id)


async def test_join_as_the_first_message_is_kept_until_consent(
        settings: Settings, redis: Redis) -> None:
    inviter = await onboarded(settings, redis, "inviter")
    code = await invite_code(inviter)
    newcomer = social_chat(settings, redis, "newcomer")
    await newcomer.say(f"join {code}")  # LINE's oaMessage link types this
    await newcomer.say("yes")
    assert await Referral.exists(referred_id=(await user_of(newcomer)).id)


async def test_declining_consent_forgets_the_code(settings: Settings, redis: Redis) -> None:
    inviter = await onboarded(settings, redis, "inviter")
    code = await invite_code(inviter)
    newcomer = social_chat(settings, redis, "newcomer")
    await newcomer.say(f"start {code}")
    await newcomer.tap("consent:no")
    await newcomer.say("start")
    await newcomer.tap("consent:yes")
    assert not await Referral.exists()


async def test_join_after_consent_makes_friends_and_a_referral(
        settings: Settings, redis: Redis) -> None:
    inviter = await onboarded(settings, redis, "inviter")
    code = await invite_code(inviter)
    newcomer = await onboarded(settings, redis, "newcomer")
    text = text_of(await newcomer.say(f"join {code}"))
    assert "are now friends" in text and "50 credits" in text
    assert await friends_both_ways(await user_of(newcomer), await user_of(inviter))
    assert await Referral.exists(referred_id=(await user_of(newcomer)).id)


async def test_start_with_a_code_after_consent_makes_friends(
        settings: Settings, redis: Redis) -> None:
    inviter = await onboarded(settings, redis, "inviter")
    code = await invite_code(inviter)
    member = await onboarded(settings, redis, "member")
    assert "are now friends" in text_of(await member.say(f"/start {code}"))
    assert await friends_both_ways(await user_of(member), await user_of(inviter))


async def test_both_are_credited_after_the_newcomers_first_waste_log(
        settings: Settings, redis: Redis) -> None:
    inviter = await onboarded(settings, redis, "inviter")
    newcomer = social_chat(settings, redis, "newcomer")
    await newcomer.say(f"start {await invite_code(inviter)}")
    await newcomer.tap("consent:yes")
    await newcomer.say("Bangkok")
    await newcomer.tap("onboard:skip")
    assert await referral_credits(await user_of(inviter)) == 0
    await newcomer.say("2 kg plastic bottles recycled")
    assert await referral_credits(await user_of(inviter)) == 50
    assert await referral_credits(await user_of(newcomer)) == 50
    await newcomer.say("1 kg plastic bottles recycled")
    assert await referral_credits(await user_of(inviter)) == 50  # once


async def test_ones_own_code_is_refused(settings: Settings, redis: Redis) -> None:
    chat = await onboarded(settings, redis, "a")
    code = await invite_code(chat)
    assert "your own invite code" in text_of(await chat.say(f"join {code}"))
    assert not await Friendship.exists()


async def test_a_wrong_code_is_refused(settings: Settings, redis: Redis) -> None:
    chat = await onboarded(settings, redis, "a")
    assert "not valid" in text_of(await chat.say("join ZZZZZZZZ"))


async def test_guessing_codes_stops_after_five_wrong_ones(
        settings: Settings, redis: Redis) -> None:
    inviter = await onboarded(settings, redis, "inviter")
    code = await invite_code(inviter)
    guesser = await onboarded(settings, redis, "guesser")
    for _ in range(5):
        await guesser.say("join ZZZZZZZZ")
    assert "Too many wrong codes" in text_of(await guesser.say(f"join {code}"))
    assert not await Friendship.exists()


# ----------------------------------------------------------------------------- invite


async def test_invite_shows_the_code_and_a_link_per_channel(
        settings: Settings, redis: Redis) -> None:
    chat = await onboarded(settings, redis, "a")
    text = text_of(await chat.say("invite"))
    code = (await user_of(chat)).invite_code
    assert f"https://t.me/WasteNexusBot?start={code}" in text
    assert f"https://line.me/R/oaMessage/%40wastenexus/?join%20{code}" in text
    assert f"\"JOIN {code}\" to +15005550006" in text


# ----------------------------------------------------------------------------- friends


async def test_friends_lists_streaks_and_weekly_credits(
        settings: Settings, redis: Redis) -> None:
    chat = await onboarded(settings, redis, "a")
    friend = await onboarded(settings, redis, "b")
    await friend.say(f"join {await invite_code(chat)}")
    await friend.say("2 kg plastic bottles recycled")  # its credits and the referral's
    friend_user = await user_of(friend)
    friend_user.display_name = "Somchai"
    await friend_user.save()
    week = await ledger.balance(friend_user.id)
    text = text_of(await chat.say("friends"))
    assert f"Somchai: 1-day streak, {week} credits this week" in text


async def test_a_private_friend_is_counted_but_not_named(
        settings: Settings, redis: Redis) -> None:
    chat = await onboarded(settings, redis, "a")
    hidden = await person("Secret Sam", visibility="private")
    await befriend(await user_of(chat), hidden, datetime.now(UTC))
    text = text_of(await chat.say("friends"))
    assert "Secret Sam" not in text
    assert "keep their activity private: 1" in text


async def test_no_friends_yet_offers_the_invite(settings: Settings, redis: Redis) -> None:
    chat = await onboarded(settings, redis, "a")
    assert "invite" in buttons_of(await chat.say("เพื่อน"))


# ----------------------------------------------------------------------------- privacy


async def test_privacy_buttons_set_the_visibility(settings: Settings, redis: Redis) -> None:
    chat = await onboarded(settings, redis, "a")
    replies = await chat.say("privacy")
    assert buttons_of(replies)[:3] == ["privacy:public", "privacy:friends", "privacy:private"]
    await chat.tap("privacy:private")
    assert (await user_of(chat)).visibility == "private"


async def test_going_private_takes_one_off_the_boards(settings: Settings, redis: Redis) -> None:
    chat = await onboarded(settings, redis, "a")
    await chat.say("2 kg plastic bottles recycled")
    user = await user_of(chat)
    key = leaderboards.board_key(
        leaderboards.period_of("week", datetime.now(UTC), user.timezone), "everyone", "all")
    assert await redis.zscore(key, str(user.id)) == await ledger.balance(user.id)
    await chat.tap("privacy:private")
    assert await redis.zscore(key, str(user.id)) is None


# ----------------------------------------------------------------------------- rank


async def test_rank_shows_the_viewer_and_two_either_side(
        settings: Settings, redis: Redis) -> None:
    chat = await onboarded(settings, redis, "a")
    people = [await person(f"P{n}") for n in range(6)]
    for n, user in enumerate(people):
        await credit(redis, user, 100 - 10 * n)  # 100, 90, ... 50
    await credit(redis, await user_of(chat), 75)
    text = text_of(await chat.say("rank"))
    assert "You are number 4 of 7, with 75 credits." in text
    assert re.findall(r"^(\d+)\. (\w+)", text, re.M) == [
        ("2", "P1"), ("3", "P2"), ("4", "You"), ("5", "P3"), ("6", "P4")]


async def test_rank_works_before_any_credits(settings: Settings, redis: Redis) -> None:
    chat = await onboarded(settings, redis, "a")
    text = text_of(await chat.say("leaderboard"))
    assert "no credits in this period yet" in text
    assert "No one is on this board yet." in text


async def test_rank_buttons_switch_period_and_scope(settings: Settings, redis: Redis) -> None:
    chat = await onboarded(settings, redis, "a")
    replies = await chat.say("อันดับ")
    data = buttons_of(replies)
    assert {"rank:month:everyone", "rank:all:everyone", "rank:week:province",
            "rank:week:friends"} <= set(data)
    assert all(len(d.encode()) <= MAX_BUTTON_DATA_BYTES for d in data)
    assert "This month · My province" in text_of(await chat.tap("rank:month:province"))


async def test_the_district_board_asks_for_a_district_first(
        settings: Settings, redis: Redis) -> None:
    chat = await onboarded(settings, redis, "a")  # onboarding skipped the district
    text = text_of(await chat.tap("rank:week:district"))
    assert "Add your province and district" in text and "This week · Everyone" in text


@pytest.mark.parametrize(("visibility", "friend", "shown"), [
    ("public", False, "Somchai"), ("public", True, "Somchai"),
    ("friends", True, "Somchai"), ("friends", False, "A neighbour"),
])
async def test_names_on_the_board_follow_visibility(
        settings: Settings, redis: Redis, visibility: str, friend: bool, shown: str) -> None:
    chat = await onboarded(settings, redis, "a")
    other = await person("Somchai", visibility=visibility)
    if friend:
        await befriend(await user_of(chat), other, datetime.now(UTC))
    await credit(redis, other, 40)
    assert f"1. {shown} · 40" in text_of(await chat.say("rank"))


async def test_a_private_name_never_appears_on_any_board(
        settings: Settings, redis: Redis) -> None:
    chat = await onboarded(settings, redis, "a")
    viewer = await user_of(chat)
    viewer.district = "Bang Rak"
    await viewer.save()
    hidden = await person("Secret Sam", visibility="private")
    await befriend(viewer, hidden, datetime.now(UTC))
    await credit(redis, hidden, 500)
    await credit(redis, viewer, 10)
    texts = [text_of(await chat.tap(board)) for board in BOARDS]
    assert all("Secret Sam" not in text and "You are number 1" in text for text in texts)


async def test_a_private_viewer_sees_themselves_as_you(settings: Settings, redis: Redis) -> None:
    chat = await onboarded(settings, redis, "a")
    await chat.tap("privacy:private")
    await credit(redis, await user_of(chat), 10)
    await credit(redis, await person("Somchai"), 20)
    text = text_of(await chat.say("rank"))
    assert "You are number 2 of 2, with 10 credits." in text
    assert "2. You · 10" in text
