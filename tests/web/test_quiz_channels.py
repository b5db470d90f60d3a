"""A whole quiz on each channel: signed webhooks in, native buttons out, rewards once."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field

import httpx
import pytest

from core.conversation.models import Conversation
from core.ledger.models import LedgerEntry
from core.settings import Settings
from core.training.models import Module, Question
from core.training.seed import seed_training
from core.users.models import User
from tests.factories import citizen
from tests.fakes import payloads as p
from tests.fakes.platform import FakePlatform
from tests.harness import drain, running_app

MODULE = "th-sorting-basics"
EXTERNAL_IDS = {"line": "U" + "f" * 32, "telegram": "6060", "sms": "+66813334444"}


@dataclass
class Person:
    """One person on one channel, posting exactly what that platform posts."""

    channel: str
    settings: Settings
    client: httpx.AsyncClient
    updates: itertools.count = field(default_factory=lambda: itertools.count(50_000))

    @property
    def external_id(self) -> str:
        return EXTERNAL_IDS[self.channel]

    async def menu(self) -> list[str]:
        return list((await Conversation.get(identity__external_id=self.external_id)).menu)

    async def say(self, text: str) -> None:
        await self._post(text=text)

    async def tap(self, data: str) -> None:
        if self.channel == "sms":  # no buttons: the number of that item in the last menu
            await self._post(text=str((await self.menu()).index(data) + 1))
        else:
            await self._post(data=data)

    async def _post(self, text: str = "", data: str = "") -> None:
        path, body, headers = getattr(self, f"_{self.channel}")(text, data)
        assert (await self.client.post(path, content=body, headers=headers)).is_success

    def _line(self, text: str, data: str) -> tuple[str, bytes, dict[str, str]]:
        event = (p.line_postback(self.external_id, data) if data
                 else p.line_text(self.external_id, text))
        return ("/webhooks/line",
                *p.line_request(event, secret=self.settings.line_channel_secret))

    def _telegram(self, text: str, data: str) -> tuple[str, bytes, dict[str, str]]:
        user = int(self.external_id)
        update = (p.tg_callback(next(self.updates), user, data) if data
                  else p.tg_message(next(self.updates), user, text))
        return ("/webhooks/telegram",
                *p.tg_request(update, self.settings.telegram_webhook_secret))

    def _sms(self, text: str, _data: str) -> tuple[str, bytes, dict[str, str]]:
        url = self.settings.public_base_url + "/webhooks/twilio/sms"
        return ("/webhooks/twilio/sms", *p.twilio_request(
            url, p.twilio_sms(self.external_id, text), self.settings.twilio_auth_token))


def shown(fake: FakePlatform, channel: str) -> str:
    """Everything the platform was asked to show, as one text to search."""
    if channel == "line":
        return json.dumps([c.json for c in fake.calls("line")
                           if c.endpoint in ("reply", "push")], ensure_ascii=False)
    if channel == "telegram":
        return json.dumps([c.params for c in fake.calls("telegram")], ensure_ascii=False)
    return " ".join(c.params["Body"] for c in fake.calls("twilio", "messages"))


async def step(person: Person, settings: Settings, data: str, times: int = 1) -> None:
    for _ in range(times):
        await person.tap(data)
    await drain(settings)


async def read_lessons(person: Person, settings: Settings) -> None:
    while not any(d.startswith("q:") for d in await person.menu()):
        [next_lesson] = [d for d in await person.menu() if d.startswith("learn:l:")]
        await step(person, settings, next_lesson)


@pytest.mark.parametrize("channel", list(EXTERNAL_IDS))
async def test_a_quiz_is_passed_on_each_channel_and_rewarded_once(
        settings: Settings, fake: FakePlatform, channel: str) -> None:
    user, _ = await citizen(channel, EXTERNAL_IDS[channel])
    await User.filter(id=user.id).update(display_name="Malee")
    await seed_training()
    module = await Module.get(code=MODULE)
    async with running_app(settings) as client:
        person = Person(channel, settings, client)
        await person.say("learn")
        await drain(settings)
        await step(person, settings, f"learn:m:{MODULE}")
        await step(person, settings, f"learn:go:{MODULE}")
        await read_lessons(person, settings)
        assert "q:" in shown(fake, channel) or channel == "sms"  # quiz buttons, natively
        # A button delivered twice (a double tap, a redelivery) must count once; on SMS a
        # repeated number would be a new answer, so it is sent once there.
        times = 1 if channel == "sms" else 2
        for question in await Question.filter(module=module).order_by("position"):
            [right] = [d for d in await person.menu() if d.endswith(f":{question.correct}")]
            await step(person, settings, right, times)
    rewards = await LedgerEntry.filter(user_id=user.id, reason="training")
    assert [row.amount for row in rewards] == [module.reward_credits]
    assert "You passed" in shown(fake, channel)
    assert "/certificates/" in shown(fake, channel)  # a document, or its link
