"""The portal's pages: Jinja2 templates in ``templates/``, always autoescaped.

Everything a citizen wrote reaches a page only through a template variable, so it
is shown as text (``<script>`` becomes ``&lt;script&gt;``). Undefined variables are
errors, not empty strings. The pages use no script and no inline style (the app's
Content-Security-Policy allows neither): the look is ``portal.css``.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any, Dict

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"
STYLESHEET = STATIC_DIR / "portal.css"

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def when(value: datetime | None) -> str:
    """ "01.12.2026 kl. 10.00" (the value is already in the local zone)."""
    return f"{value:%d.%m.%Y} kl. {value:%H.%M}" if value else "–"


def day(value: date | datetime | None) -> str:
    return f"{value:%d.%m.%Y}" if value else "–"


_env.filters["tid"] = when
_env.filters["dato"] = day


def render(request: Request, name: str, context: Dict[str, Any], status: int = 200) -> HTMLResponse:
    user = getattr(request.state, "portal_user", None)
    html = _env.get_template(name).render(
        user=user,
        csrf=user.csrf_token if user is not None else "",
        path=request.url.path,
        **context,
    )
    return HTMLResponse(html, status_code=status)
