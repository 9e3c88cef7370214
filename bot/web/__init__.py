"""The citizen-facing web app: chat page, chat API, health and contact endpoints.

Entry point: ``uvicorn bot.web.app:create_default_app --factory``.
"""

from __future__ import annotations

from fastapi import Request

from bot.contact import Contact
from bot.settings import Settings
from bot.web.rasa_client import RasaClient
from bot.web.texts import WebTexts

__all__ = ["get_contact", "get_rasa", "get_texts", "get_web_settings"]


# Dependency providers: create_app() puts the objects on app.state, routes receive them
# through Depends(), tests replace them by building the app with other objects.
def get_web_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_rasa(request: Request) -> RasaClient:
    rasa: RasaClient = request.app.state.rasa
    return rasa


def get_contact(request: Request) -> Contact:
    contact: Contact = request.app.state.contact
    return contact


def get_texts(request: Request) -> WebTexts:
    texts: WebTexts = request.app.state.texts
    return texts
