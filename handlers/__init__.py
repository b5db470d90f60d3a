"""Conversation flows, one module each, joined into one router."""

from core.conversation.router import Router
from handlers import (
    credits,
    diary,
    friends,
    learn,
    link,
    menu,
    onboarding,
    progress,
    rank,
    report,
    reports_status,
    settings,
)

FLOWS = (menu, onboarding, settings, diary, credits, progress, link, report, reports_status,
         learn, rank, friends)


def build_router() -> Router:
    router = Router()
    for flow in FLOWS:
        router.include(flow.router)
    return router
