"""The web app: the citizen chat page plus a small JSON API in front of Rasa.

Run with ``uvicorn bot.web.app:create_default_app --factory --port 8000``.
Nothing here touches the network at import time; ``create_app`` builds the app from a
Settings object, and the Rasa client is injected (tests pass their own).
"""

from __future__ import annotations

import logging
import re
import secrets
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator, Callable, List

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.core.settings import Settings, get_settings
from bot.features.contact import cached_contact
from bot.infra.rasa_client import RasaClient
from bot.web import chat, confirm, contact, conversations, feedback, health, live, portal
from bot.web.portal import training as training_pages
from bot.web.ratelimit import ClientLimit
from bot.web.texts import cached_web_texts
from bot.web.training import models as training_models

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
API_PREFIX = "/api/"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' https: data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# The page needs none of the browser's powerful features.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "display-capture")
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    # Browsers keep to https for a year once they have seen the page over https.
    (b"strict-transport-security", b"max-age=31536000; includeSubDomains"),
    (b"permissions-policy", PERMISSIONS_POLICY.encode()),
]


class SecurityHeaders:
    """Gives every request an id (request.state.request_id, X-Request-ID) and adds the
    security headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = secrets.token_hex(6)
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ApiCORS:
    """CORS only for the /api/* endpoints; the page, /static and /health get none."""

    def __init__(self, app: ASGIApp, origins: List[str]) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type"],
            allow_credentials=False,
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(API_PREFIX):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)


class _BodyTooLarge(Exception):
    pass


class BodyLimit:
    """Refuses /api/* request bodies over `limit` bytes before they are parsed."""

    def __init__(self, app: ASGIApp, limit: int, too_large: Callable[[], Response]) -> None:
        self.app = app
        self.limit = limit
        self.too_large = too_large

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            await self.too_large()(scope, receive, send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if started:
                raise
            await self.too_large()(scope, receive, send)


def max_body_bytes(max_chars: int) -> int:
    # A JSON-escaped character takes at most 12 bytes (a surrogate pair as \uXXXX\uXXXX).
    return max_chars * 12 + 4096


def allowed_origins(settings: Settings) -> List[str]:
    origins = [o.rstrip("/") for o in settings.cors_origins if o and o.strip() != "*"]
    if len(origins) != len(settings.cors_origins):
        log.warning("BORGER_CORS_ORIGINS: '*' and empty entries are ignored; list the origins")
    return origins


_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d{1,5})?")


def embed_policy(origins: List[str]) -> str:
    """The page's policy, but framed by exactly these origins (none: by nobody)."""
    listed = " ".join(o for o in origins if _ORIGIN.fullmatch(o)) or "'none'"
    return CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", f"frame-ancestors {listed}")


def create_app(settings: Settings, rasa: RasaClient | None = None) -> FastAPI:
    owns_client = rasa is None
    client = rasa or RasaClient.from_settings(settings)
    contact_file = settings.content_dir / "contact.yml"
    texts_file = settings.content_dir / "web.yml"
    cached_contact(contact_file), cached_web_texts(texts_file)  # refuse to start if broken

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if owns_client:
            await client.aclose()

    # No /docs: Swagger UI loads from a CDN and the page allows nothing from the internet.
    app = FastAPI(
        title="Borgerrådgiver-assistenten",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.rasa = client
    schema = app.openapi  # not served; tests (schemathesis) and clients read app.openapi()
    app.openapi = lambda: chat.documented(schema, settings.max_message_chars)  # type: ignore[method-assign]

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        return chat.error(400, "invalid", cached_web_texts(texts_file).ugyldig)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        # A body that is not JSON at all: the same Danish answer as any invalid request.
        if exc.status_code == 400 and request.url.path.startswith(API_PREFIX):
            return chat.error(400, "invalid", cached_web_texts(texts_file).ugyldig)
        return await http_exception_handler(request, exc)

    app.include_router(chat.router)
    app.include_router(contact.router)
    app.include_router(health.router)
    app.include_router(portal.router)  # /personale/: the staff portal
    app.include_router(feedback.router)  # "Hjalp svaret?" (issue 14)
    app.include_router(training_models.router)  # /models/active for the Rasa replicas
    app.include_router(training_pages.router)  # /personale/traening: the office's training
    app.include_router(conversations.router)  # "Slet min samtale", "Hent samtalen"
    app.include_router(live.router)  # a caseworker writes in the chat (issue 13)
    app.include_router(confirm.router)  # /bekraeft/{token}: the first booking mail's link

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8")

    embed_headers = {"content-security-policy": embed_policy(allowed_origins(settings))}

    @app.get("/embed", include_in_schema=False)
    async def embed() -> FileResponse:
        # The chat in widget.js's iframe: only BORGER_CORS_ORIGINS may frame it.
        html = STATIC_DIR / "embed.html"
        return FileResponse(html, media_type="text/html; charset=utf-8", headers=embed_headers)

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    # Added innermost first: SecurityHeaders(ApiCORS(ClientLimit(BodyLimit(app)))).
    app.add_middleware(
        BodyLimit,
        limit=max_body_bytes(settings.max_message_chars),
        too_large=lambda: chat.too_long(
            cached_web_texts(texts_file),
            settings.max_message_chars,
            cached_contact(contact_file).hovedtelefon,
        ),
    )
    app.add_middleware(  # per client address, before a body is read (bot/web/ratelimit.py)
        ClientLimit,
        limiter=chat.get_limiter_of(app),
        refuse=lambda wait: chat.too_many(
            cached_web_texts(texts_file), cached_contact(contact_file).hovedtelefon, wait
        ),
    )
    app.add_middleware(ApiCORS, origins=allowed_origins(settings))
    app.add_middleware(SecurityHeaders)
    return app


def create_default_app() -> FastAPI:
    """Factory for uvicorn: ``uvicorn bot.web.app:create_default_app --factory``."""
    from bot.core import process

    process.harden()  # files 0600/0700; no CPR number in any log record
    return create_app(get_settings())


_default_app: FastAPI | None = None


def __getattr__(name: str) -> Any:
    # `bot.web.app:app` also works, built on first access rather than at import.
    global _default_app
    if name == "app":
        if _default_app is None:
            _default_app = create_default_app()
        return _default_app
    raise AttributeError(name)
