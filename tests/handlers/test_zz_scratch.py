from tests.harness import Chat, buttons_of, text_of
from core.users.models import User, Identity
from core.conversation.models import Conversation
from core.events.models import InboundEvent
from core.diary.models import DiaryEntry

async def test_explore(settings):
    c = Chat.build(settings, lang="hi")
    for step in [("say","start"),("tap","consent:yes"),("say","Bangkok"), ("say", "Thailand")]:
        r = await getattr(c, step[0])(step[1])
        print(step, "=>", text_of(r)[:100], buttons_of(r))
    r = await c.share_location(13.75, 100.5)
    print(text_of(r), buttons_of(r))
    u = await User.get()
    print(u.region, u.timezone, u.locale)
    r = await c.say("Bangkok")
    print(text_of(r), buttons_of(r))
    c3 = Chat.build(settings, sender="c")
    await c3.onboard()
    for s in ["3 pcs food waste composted", "🙂", "", "a"*5000, "12345", "0.0105 kg plastic bottles recycled", "3 bottles recycled"]:
        r = await c3.say(s)
        print(s[:20], "=>", text_of(r), buttons_of(r))
    for e in await DiaryEntry.all():
        print(e.quantity, e.unit, e.grams)
    print([ (e.status, e.last_error[:200]) for e in await InboundEvent.all()])
