"""Shared test fakes: services with a fixed clock and the repository's content."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import sessionmaker

from bot.app.bootstrap import Services
from bot.core.clock import FixedClock
from bot.core.settings import ROOT, Settings

TZ = ZoneInfo("Europe/Copenhagen")


def services(
    var_dir: Path | None = None,
    *,
    at: datetime = datetime(2026, 11, 26, 10, 0, tzinfo=TZ),
    content_dir: Path = ROOT / "content",
    sessions: sessionmaker | None = None,
    **settings: object,
) -> Services:
    """Services for a test: the repository's content, a fixed clock, its own var/ and DB."""
    values = {"content_dir": content_dir, **settings}
    if var_dir is not None:
        values["var_dir"] = var_dir
    return Services(
        settings=Settings(**values),  # type: ignore[arg-type]
        clock=FixedClock(at=at),
        sessions=sessions,
    )
