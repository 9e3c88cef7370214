"""The one place that builds the services from the settings.

Entry points (the action server, the web app, the worker, the CLI) call
``services()`` once per process; everything below them gets what it needs as
arguments. Tests build ``Services(settings=..., clock=FixedClock(...))`` and hand
it to the action or route under test instead of patching module attributes.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from sqlalchemy.orm import sessionmaker

from bot.app.schema import shared_session_factory
from bot.core.clock import Clock
from bot.core.settings import Settings, get_settings
from bot.features.competence.content import CompetenceData, cached_competence
from bot.features.competence.deadline import DeadlineRule, cached_rule
from bot.features.competence.fallback import FallbackData, cached_fallback
from bot.features.contact import Contact, cached_contact
from bot.features.explain.glossary import Glossary, cached_glossary
from bot.features.explain.laws import LawBook, cached_lawbook
from bot.features.fuldmagt.service import FuldmagtTexts, cached_texts
from bot.features.handover.content import HandoverContent, cached_handover


@dataclass
class Services:
    """Settings, clock, the office's content (always the newest good version), the DB."""

    settings: Settings
    clock: Clock = field(default_factory=Clock)
    # A session factory of its own (tests: the SQLite or PostgreSQL test database).
    sessions: sessionmaker | None = None

    def path(self, name: str) -> Path:
        return self.settings.content_dir / name

    # --- content files (reloaded when the office edits them; bot.core.content) ---
    def contact(self) -> Contact:
        return cached_contact(self.path("contact.yml"))

    def competence(self) -> CompetenceData:
        return cached_competence(self.path("competence.yml"))

    def deadline_rule(self) -> DeadlineRule:
        return cached_rule(self.path("complaint_deadline.yml"))

    def fallback(self) -> FallbackData:
        return cached_fallback(self.path("fallback.yml"))

    def glossary(self) -> Glossary:
        return cached_glossary(self.path("glossary.yml"))

    def lawbook(self) -> LawBook:
        return cached_lawbook(self.path("laws.yml"))

    def fuldmagt_texts(self) -> FuldmagtTexts:
        return cached_texts(self.path("fuldmagt.yml"))

    def handover(self) -> HandoverContent:
        return cached_handover(self.path("handover.yml"))

    # --- infrastructure ---
    def app_sessions(self) -> sessionmaker:
        """The app database (schema created on first use); connects only when used."""
        if self.sessions is not None:
            return self.sessions
        return shared_session_factory(self.settings.app_database_url)


_services: Services | None = None
_lock = threading.Lock()


def services() -> Services:
    """This process's services, built from the environment on first use."""
    global _services
    with _lock:
        if _services is None:
            settings = get_settings()
            _services = Services(settings=settings, clock=Clock(settings.timezone))
        return _services


@contextmanager
def override(replacement: Services) -> Iterator[Services]:
    """Use ``replacement`` as this process's services inside the block (tests of actions
    that Rasa creates without arguments)."""
    global _services
    with _lock:
        previous, _services = _services, replacement
    try:
        yield replacement
    finally:
        with _lock:
            _services = previous
