"""The overview (rådgivere, trænere, administratorer): conversations per day and week,
routes, fallback and hand-over rates, satisfaction, the most frequent misunderstood
messages; bar charts drawn on the server (SVG, no script) and a CSV export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import List, Sequence, Tuple

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from bot.features.staff.tables import ADMIN, RAADGIVER, TRAENER
from bot.features.training import overview
from bot.web.portal.deps import DB, PortalRoute, require
from bot.web.portal.training.deps import TRAINING
from bot.web.portal.training.views import render
from bot.web.training.context import TrainingWeb

router = APIRouter(
    prefix="/overblik",
    route_class=PortalRoute,
    dependencies=[Depends(require(RAADGIVER, TRAENER, ADMIN))],
)

MAX_DAYS = 366


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


def bars(points: Sequence[Tuple[str, int]], width: float = 640, height: float = 160) -> List[Bar]:
    """Bars for an SVG chart of ``width`` x ``height`` (labels below, values on top)."""
    if not points:
        return []
    top = max(v for _, v in points) or 1
    step = width / len(points)
    return [
        Bar(label, value, i * step + step * 0.1, height - value / top * height, step * 0.8,
            value / top * height)
        for i, (label, value) in enumerate(points)
    ]


def _period(fra: str, til: str, today: date) -> Tuple[date, date, str]:
    try:
        end = date.fromisoformat(til) if til else today
        start = date.fromisoformat(fra) if fra else end - timedelta(days=27)
    except ValueError:
        return today - timedelta(days=27), today, "Skriv datoerne som 2026-01-31."
    if start > end or (end - start).days >= MAX_DAYS:
        return today - timedelta(days=27), today, "Vælg en periode på højst et år."
    return start, end, ""


def _build(session: Session, training: TrainingWeb, fra: str, til: str):  # type: ignore[no-untyped-def]
    start, end, error = _period(fra.strip(), til.strip(), training.clock.now().date())
    data = overview.build(session, training.tracker(), start=start, end=end,
                          tz=training.settings.timezone)
    return data, error


@router.get("")
def overview_page(request: Request, fra: str = "", til: str = "", session: Session = DB,
                  training: TrainingWeb = TRAINING) -> Response:
    data, error = _build(session, training, fra, til)
    context = {
        "o": data,
        "error": error,
        "day_bars": bars([(f"{d.day:%d.%m}", d.conversations) for d in data.days]),
        "week_bars": bars(data.weeks),
        "route_bars": bars(data.routes[:10]),
    }
    return render(request, "overview.html", context, status=400 if error else 200)


@router.get(".csv")
def overview_csv(fra: str = "", til: str = "", session: Session = DB,
                 training: TrainingWeb = TRAINING) -> Response:
    data, _ = _build(session, training, fra, til)
    name = f"overblik-{data.start.isoformat()}-{data.end.isoformat()}.csv"
    return Response(
        overview.to_csv(data).encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )
