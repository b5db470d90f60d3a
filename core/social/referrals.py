"""Joining by a friend's invite code, and crediting both once the newcomer really takes part.

Joining (`join`): a valid code makes the two people friends, both directions. It also records
a pending Referral, unless the code is the newcomer's own (nothing happens at all), the
newcomer already has a referrer, the newcomer is above the inviter in the referral chain (a
loop: A brought B, so B cannot bring A), or the newcomer consented more than JOIN_WINDOW ago
(referrals are for new people).

Crediting (`settle_referral`, from the after-commit hook): once the newcomer has a verified
activity, both get settings.referral_credits, once (ledger keys referral:{id}:referrer and
referral:{id}:referred). Verified activity is a diary entry that was credited (credits > 0,
not undone, not flagged for review), or a positive ledger row for a verified report or for
training. Before crediting:
- identity rule: if any chat identity now linked to the newcomer was first seen more than
  IDENTITY_GRACE before they consented, the phone number or LINE/Telegram account was here
  before (re-registered after a deletion, or an older account's identity linked in): the
  referral is refused and flagged for review. This relies on a deleted person's Identity row
  staying with user set to NULL, as its foreign key does.
- daily limit: at most settings.referrals_per_day_limit referrals are credited to one
  referrer per local day of the referrer; the rest are held and flagged for review.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from core.diary.models import DiaryEntry
from core.gamification.limits import FLAGGED
from core.gamification.models import ReviewFlag
from core.ledger import service as ledger
from core.ledger.models import LedgerEntry
from core.settings import Settings
from core.social.friends import befriend
from core.social.invites import inviter_of
from core.social.models import Referral
from core.users.models import Identity, User

# Referrals are for people who joined this recently; older members may still befriend.
JOIN_WINDOW = timedelta(days=7)
# A first message and the consent a day apart is normal hesitation; more is a returning
# identity.
IDENTITY_GRACE = timedelta(days=1)
# Ledger reasons, besides credited diary entries, that show real participation.
QUALIFYING_REASONS = ("report_verified", "training")
PENDING, CREDITED, HELD, REFUSED = "pending", "credited", "held", "refused"


class JoinRefused(Exception):
    """The code is unknown ("invalid") or the newcomer's own ("self")."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Joined:
    inviter: User
    new_friends: bool  # False when they were friends already
    referral: Referral | None
    not_referred: str  # why no referral was recorded: already_referred, loop or stale


async def join(newcomer: User, code: str, now: datetime) -> Joined:
    """Befriend the code's owner and record a pending referral when the rules allow."""
    inviter = await inviter_of(code)
    if inviter is None:
        raise JoinRefused("invalid")
    if inviter.id == newcomer.id:
        raise JoinRefused("self")
    new_friends = await befriend(newcomer, inviter, now)
    # One referral per newcomer: two joins at once wait here instead of both recording one.
    await User.select_for_update(no_key=True).get(id=newcomer.id)
    reason = await why_not_referred(newcomer, inviter, now)
    referral = None
    if not reason:
        referral = await Referral.create(referrer_id=inviter.id, referred_id=newcomer.id,
                                         created_at=now)
    return Joined(inviter, new_friends, referral, reason)


async def why_not_referred(newcomer: User, inviter: User, now: datetime) -> str:
    if await Referral.exists(referred_id=newcomer.id):
        return "already_referred"
    if await _in_chain_above(newcomer.id, inviter.id):
        return "loop"
    if now - newcomer.consented_at > JOIN_WINDOW:
        return "stale"
    return ""


async def _in_chain_above(user_id: int, start_id: int) -> bool:
    """Whether user_id brought start_id, directly or through others."""
    seen: set[int] = set()
    current: int | None = start_id
    while current is not None and current not in seen:
        if current == user_id:
            return True
        seen.add(current)
        referral = await Referral.get_or_none(referred_id=current)
        current = referral.referrer_id if referral else None  # type: ignore[attr-defined]
    return False


@dataclass(frozen=True, slots=True)
class Settlement:
    referral_id: int | None
    status: str  # none (no referral), pending, credited, held or refused
    credited: tuple[int, ...] = ()  # users credited by this call


async def settle_referral(user_id: int, now: datetime, settings: Settings) -> Settlement:
    """Credit this newcomer's referral if it is due; safe to call any number of times."""
    found = await Referral.get_or_none(referred_id=user_id)
    if found is None:
        return Settlement(None, "none")
    if found.status != PENDING or not await has_verified_activity(user_id):
        return Settlement(found.id, found.status)
    async with in_transaction():
        referral = await Referral.select_for_update().get(id=found.id)
        if referral.status != PENDING:
            return Settlement(referral.id, referral.status)
        # The referrer's lock serialises their credits, so the daily count below holds.
        referrer = await User.select_for_update(no_key=True).get(
            id=referral.referrer_id)  # type: ignore[attr-defined]
        referred = await User.get(id=user_id)
        if await reused_identity(referred):
            return await _stop(referral, referrer, REFUSED, "reused_identity", now)
        if await credited_today(referrer, now) >= settings.referrals_per_day_limit:
            return await _stop(referral, referrer, HELD, "daily_limit", now)
        for person, role in ((referrer, "referrer"), (referred, "referred")):
            await ledger.append(person, settings.referral_credits, "referral",
                                f"referral:{referral.id}", f"referral:{referral.id}:{role}",
                                now)
        referral.status, referral.credited_at = CREDITED, now
        await referral.save(update_fields=["status", "credited_at"])
    return Settlement(referral.id, CREDITED, (referrer.id, referred.id))


async def has_verified_activity(user_id: int) -> bool:
    credited_entry = DiaryEntry.filter(user_id=user_id, undone_at=None, credits__gt=0) \
        .exclude(review=FLAGGED)
    return (await credited_entry.exists()
            or await LedgerEntry.exists(user_id=user_id, amount__gt=0,
                                        reason__in=QUALIFYING_REASONS))


async def reused_identity(user: User) -> bool:
    """Whether a chat identity of this person was here well before they consented."""
    before = user.consented_at - IDENTITY_GRACE
    return await Identity.exists(user_id=user.id, created_at__lt=before)


async def credited_today(referrer: User, now: datetime) -> int:
    zone = ZoneInfo(referrer.timezone)
    start = datetime.combine(now.astimezone(zone).date(), time(), zone)
    return await Referral.filter(referrer_id=referrer.id, status=CREDITED,
                                 credited_at__gte=start,
                                 credited_at__lt=start + timedelta(days=1)).count()


async def _stop(referral: Referral, referrer: User, status: str, rule: str, now: datetime,
                ) -> Settlement:
    """Hold or refuse the referral without credits, and flag it for staff to look at."""
    referral.status, referral.reason = status, rule
    await referral.save(update_fields=["status", "reason"])
    await ReviewFlag.create(user_id=referrer.id, kind="referral",
                            reference=f"referral:{referral.id}", created_at=now,
                            detail={"rule": rule, "status": status,
                                    "referred": referral.referred_id})  # type: ignore[attr-defined]
    return Settlement(referral.id, status)
