"""The citizen-facing web app: chat page, chat API, health and contact endpoints.

Entry point: ``uvicorn bot.web.app:create_default_app --factory``.
"""

from __future__ import annotations

from fastapi import Request

from bot.core.settings import Settings
from bot.features.contact import Contact, cached_contact
from bot.infra.rasa_client import RasaClient
from bot.web.texts import WebTexts, cached_web_texts

__all__ = ["get_contact", "get_rasa", "get_texts", "get_web_settings"]


# Dependency providers: create_app() puts settings and the Rasa client on app.state,
# routes receive them through Depends(), tests build the app with other objects. The
# office's content is read through the content loader, so an edit shows up at once.
# They are ``async def``: FastAPI runs a plain ``def`` dependency in its thread pool, and
# those hops were most of the web app's CPU per chat message (bench/latency_bench.py).
def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_web_settings(request: Request) -> Settings:
    return _settings(request)


async def get_rasa(request: Request) -> RasaClient:
    rasa: RasaClient = request.app.state.rasa
    return rasa


async def get_contact(request: Request) -> Contact:
    return cached_contact(_settings(request).content_dir / "contact.yml")


async def get_texts(request: Request) -> WebTexts:
    return cached_web_texts(_settings(request).content_dir / "web.yml")
