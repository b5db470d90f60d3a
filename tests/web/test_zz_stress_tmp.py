import pytest
from core.events.models import InboundEvent
from core.outbox.models import OutboundMessage
from tests.fakes import payloads as p
from tests.harness import drain, running_app

@pytest.mark.parametrize("i", range(25))
async def test_order(settings, fake, redis, i):
    user = p.line_user_id()
    events = [p.line_text(user, t) for t in ("hello", "help", "menu", "help", "menu")]
    body, headers = p.line_request(*events, secret=settings.line_channel_secret)
    async with running_app(settings) as client:
        assert (await client.post("/webhooks/line", content=body, headers=headers)).is_success
        await drain(settings)
    tokens = [c.json["replyToken"] for c in fake.calls("line", "reply")]
    want = [e["replyToken"] for e in events]
    if tokens != want:
        evs = await InboundEvent.all().order_by("id").values("id", "status", "attempts", "last_error", "processed_at")
        outs = await OutboundMessage.all().order_by("id").values("id", "in_reply_to_id", "status", "via", "attempts", "last_error", "created_at", "sent_at")
        print("TOKENS", [want.index(t) for t in tokens])
        print("EVS", evs)
        print("OUTS", outs)
        print("REQS", [(r.endpoint, r.status, r.at) for r in fake.requests])
        print("QUEUE", await redis.zrange("arq:queue", 0, -1, withscores=True))
        print("KEYS", sorted(await redis.keys("arq:*")))
    assert tokens == want
