"""The ASGI entry for uvicorn's worker processes: each builds its app from the environment."""

from fastapi import FastAPI

from core.settings import Settings
from web.app import create_app


def app() -> FastAPI:
    return create_app(Settings())
