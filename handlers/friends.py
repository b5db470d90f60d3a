"""Friends: the list, your invite code and links, joining by a code, and who sees your name."""

from __future__ import annotations

from datetime import timedelta

from core.conversation.router import Router, Turn
from core.i18n import N_
from core.messages import Button, Reply
from core.social import friends, invites
from core.social.friends import VISIBILITIES, Label, Shown, label_for
from core.social.referrals import JoinRefused, join

router = Router()

JOIN_WORDS = {"en": ["join"], "th": ["เข้าร่วม"], "hi": ["जुड़ें"]}
# Wrong invite codes allowed per identity per hour: codes are long, this stops a script.
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(hours=1)
FAILURES_SLOT = "_join_failures"
# A friends list longer than this is cut, so it stays one readable message.
MAX_LISTED = 15

VISIBILITY_LABELS = {"public": N_("Public"), "friends": N_("Friends only"),
                     "private": N_("Private")}
VISIBILITY_EXPLAINED = {
    "public": N_("Everyone sees your name on leaderboards."),
    "friends": N_("Your friends see your name on leaderboards; everyone else sees "
                  "\"A neighbour\"."),
    "private": N_("Nobody sees your name, and you are left off other people's leaderboards. "
                  "You still see your own rank."),
}


def label_text(turn: Turn, label: Label) -> str:
    t = turn.t
    if label.shown is Shown.YOU:
        return t("You")
    if label.shown is Shown.NAME:
        return label.name
    if label.shown is Shown.PSEUDONYM:
        return t("Citizen {number}", number=str(label.number))
    return t("A neighbour") if label.shown is Shown.NEIGHBOUR else t("Anonymous")


@router.intent("friends", words={"en": ["friends", "my friends"], "th": ["เพื่อน"],
                                 "hi": ["दोस्त"]})
async def show_friends(turn: Turn) -> list[Reply]:
    assert turn.user is not None
    t, settings = turn.t, turn.runtime.settings
    view = await friends.overview(turn.user, turn.now, settings.streak_freezes_per_week)
    invite_button = Button(t("Invite friends"), "invite")
    if not view.lines and not view.private:
        return [Reply(t("You have no friends here yet. When someone joins with your invite "
                        "code, you become friends, and you both get {credits} credits after "
                        "their first waste log.", credits=settings.referral_credits),
                      buttons=(invite_button, Button(t("Menu"), "menu")))]
    lines = [t("Your friends:")]
    for line in view.lines[:MAX_LISTED]:
        lines.append(t("• {name}: {days}-day streak, {credits} credits this week",
                       name=label_text(turn, line.label), days=line.streak,
                       credits=line.week_credits))
    if len(view.lines) > MAX_LISTED:
        lines.append(t("…and {count} more.", count=len(view.lines) - MAX_LISTED))
    if view.private:
        lines.append(t("Friends who keep their activity private: {count}",
                       count=view.private))
    return [Reply("\n".join(lines), buttons=(
        Button(t("Friends' board"), "rank:week:friends"), invite_button,
        Button(t("Privacy"), "privacy"), Button(t("Menu"), "menu")))]


@router.intent("invite", words={"en": ["invite", "invite friends", "invite code", "my code"],
                                "th": ["ชวนเพื่อน", "รหัสเชิญ"],
                                "hi": ["आमंत्रण", "आमंत्रित करें"]})
async def show_invite(turn: Turn) -> list[Reply]:
    assert turn.user is not None
    t, settings = turn.t, turn.runtime.settings
    code = await invites.invite_code(turn.user)
    names = {"telegram": settings.telegram_bot_username, "line": settings.line_basic_id}
    lines = [t("Your invite code: {code}", code=code)]
    if link := invites.invite_link("telegram", code, names):
        lines.append(t("Telegram: {link}", link=link))
    if link := invites.invite_link("line", code, names):
        lines.append(t("LINE: {link}", link=link))
    if settings.twilio_from_number:
        lines.append(t("SMS: text \"JOIN {code}\" to {number}", code=code,
                       number=settings.twilio_from_number))
    lines.append(t("When a friend joins with your code and logs their first waste, you both "
                   "get {credits} credits.", credits=settings.referral_credits))
    return [Reply("\n".join(lines), buttons=(Button(t("Friends"), "friends"),
                                             Button(t("Menu"), "menu")))]


@router.intent("join", takes_args=True, words=JOIN_WORDS)
async def join_by_typed_code(turn: Turn) -> list[Reply]:
    t = turn.t
    buttons = (Button(t("Friends"), "friends"), Button(t("Menu"), "menu"))
    if not turn.args:
        return [Reply(t("To join a friend, send \"join\" and their invite code, for example "
                        "\"join {example}\".", example="K7QM3XPR"), buttons=buttons)]
    reply = await join_reply(turn, "".join(turn.args))
    return [Reply(reply.text, buttons=buttons)]


async def join_reply(turn: Turn, code: str) -> Reply:
    """Join the owner of this code as a friend (and maybe as referrer); say how it went."""
    assert turn.user is not None
    t = turn.t
    recent = [at for at in turn.state.slots.get(FAILURES_SLOT, [])
              if turn.now.timestamp() - at < FAILURE_WINDOW.total_seconds()]
    if len(recent) >= MAX_FAILURES:
        return Reply(t("Too many wrong codes. Please try again in an hour."))
    try:
        joined = await join(turn.user, code, turn.now)
    except JoinRefused as refused:
        if refused.reason == "self":
            return Reply(t("That is your own invite code. Send \"invite\" to share it with "
                           "friends."))
        turn.state.slots[FAILURES_SLOT] = [*recent, turn.now.timestamp()]
        return Reply(t("That invite code is not valid. Please check it and try again."))
    turn.state.slots.pop(FAILURES_SLOT, None)
    label = label_for(joined.inviter, turn.user.id, {joined.inviter.id})
    name = (t("the person who invited you") if label.shown is Shown.ANONYMOUS
            else label_text(turn, label))
    lines = [t("You and {name} are now friends!", name=name) if joined.new_friends
             else t("You and {name} are already friends.", name=name)]
    if joined.referral is not None:
        lines.append(t("You will both get {credits} credits after your first waste log.",
                       credits=turn.runtime.settings.referral_credits))
    elif joined.not_referred == "stale":
        lines.append(t("Invite credits are for new members, but you are friends now."))
    return Reply("\n".join(lines))


@router.intent("privacy", takes_args=True, words={
    "en": ["privacy"], "th": ["ความเป็นส่วนตัว"], "hi": ["गोपनीयता"]})
async def privacy(turn: Turn) -> list[Reply]:
    assert turn.user is not None
    t = turn.t
    choice = turn.args[0] if turn.args else ""
    if choice in VISIBILITIES:
        # The leaderboards follow in the after-commit hook (workers/social_jobs.py).
        await friends.set_visibility(turn.user, choice)
        text = t("Saved: {choice}.", choice=t(VISIBILITY_LABELS[choice])) + "\n" + t(
            VISIBILITY_EXPLAINED[choice])
    else:
        current = turn.user.visibility
        text = t("Who may see your name on leaderboards? Now: {choice}.",
                 choice=t(VISIBILITY_LABELS.get(current, VISIBILITY_LABELS["private"])))
        if current in VISIBILITY_EXPLAINED:
            text += "\n" + t(VISIBILITY_EXPLAINED[current])
    buttons = tuple(Button(t(VISIBILITY_LABELS[v]), f"privacy:{v}") for v in VISIBILITIES)
    return [Reply(text, buttons=(*buttons, Button(t("Menu"), "menu")))]
