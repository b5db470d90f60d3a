"""Conversation flows, one module each, joined into one router."""

from core.conversation.router import Router
from handlers import credits, diary, link, menu, onboarding, report, reports_status, settings


def build_router() -> Router:
    router = Router()
    for flow in (menu, onboarding, settings, diary, credits, link, report, reports_status):
        router.include(flow.router)
    return router
