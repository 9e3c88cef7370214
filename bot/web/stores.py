"""The databases the web app reaches itself: the app data (fuldmagt requests, bookings,
mail limits) and Rasa's tracker store, for the confirmation link and "Slet min samtale".

``create_app`` puts a ``Stores`` on ``app.state`` (tests hand in their own). Engines
connect on first use only, never at import or when the app is built.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.core.clock import Clock
from bot.core.settings import Settings
from bot.infra.db import make_engine, make_session_factory


@dataclass
class Stores:
    app: sessionmaker
    tracker: Engine
    owned: bool = False  # made here: disposed when the app stops
    _tables: set = field(default_factory=set, repr=False)

    def has_table(self, name: str) -> bool:
        """Whether the app database has the table (a found table is remembered; the
        embedded database of a test or a first start may not have every table yet)."""
        if name not in self._tables:
            from sqlalchemy import inspect

            bind = self.app.kw.get("bind")
            if bind is None or not inspect(bind).has_table(name):
                return False
            self._tables.add(name)
        return True

    @classmethod
    def from_settings(cls, settings: Settings) -> Stores:
        app_engine = make_engine(settings.app_database_url)
        return cls(
            app=make_session_factory(app_engine),
            tracker=make_engine(settings.tracker_database_url),
            owned=True,
        )

    def close(self) -> None:
        if self.owned:
            bind = self.app.kw.get("bind")
            if isinstance(bind, Engine):
                bind.dispose()
            self.tracker.dispose()


async def get_stores(request: Request) -> Stores:
    stores: Stores | None = getattr(request.app.state, "stores", None)
    if stores is None:
        stores = Stores.from_settings(request.app.state.settings)
        request.app.state.stores = stores
    return stores


async def get_clock(request: Request) -> Clock:
    clock: Clock | None = getattr(request.app.state, "clock", None)
    if clock is None:
        clock = Clock(request.app.state.settings.timezone)
        request.app.state.clock = clock
    return clock
