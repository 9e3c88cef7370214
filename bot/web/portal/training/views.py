"""The training pages' templates (``templates/`` here, extending the portal's
``base.html``), rendered like every portal page: autoescaped, strict, no script."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from bot.web.portal.views import TEMPLATES as PORTAL_TEMPLATES
from bot.web.portal.views import day, when

TEMPLATES = Path(__file__).resolve().parent / "templates"

_env = Environment(
    loader=ChoiceLoader([FileSystemLoader(TEMPLATES), FileSystemLoader(PORTAL_TEMPLATES)]),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f} %".replace(".", ",")


_env.filters["tid"] = when
_env.filters["dato"] = day
_env.filters["pct"] = pct


def render(request: Request, name: str, context: Dict[str, Any], status: int = 200) -> HTMLResponse:
    user = getattr(request.state, "portal_user", None)
    html = _env.get_template(name).render(
        user=user,
        csrf=user.csrf_token if user is not None else "",
        path=request.url.path,
        **context,
    )
    return HTMLResponse(html, status_code=status)
