"""A fake Rasa (REST channel, /status, /) and a fake action server (/health) for the web
tests, plus a tiny host page that embeds widget.js from another origin."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Dict, List, Tuple

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse

TOKEN = "test-token"
ALLOWED_ORIGIN = "https://www.aalborg.dk"  # the web app's cors_origins in the tests
MAX_CHARS = 200  # the web app's max_message_chars in the tests
MODEL_FILE = "models/20240101-120000-aalborg.tar.gz"
MODEL_NAME = "20240101-120000-aalborg.tar.gz"

GREETING = (
    "Hej! Jeg er Borgerrådgiver-assistenten. Jeg er en robot, ikke et menneske. "
    "Hvad kan jeg hjælpe dig med?"
)
HELLO_AGAIN = "Hej igen! Du kan spørge mig om, hvordan Borgerrådgivningen kan hjælpe dig."
KLAGE = (
    "Borgerrådgiveren kan hjælpe dig med at klage over kommunens behandling af din sag.\n"
    "Læs mere på [kommunens side](https://www.aalborg.dk/borgerraadgivning)."
)
KONTAKT = "Du kan ringe til Borgerrådgivningen på 99 31 16 18."
LINKS = (
    "Se https://www.aalborg.dk/borgerraadgivning. "
    "Ikke links: [klik](javascript:alert(1)), http://usikker.example og <a href='x'>a</a>."
)
BUTTONS = [
    {"title": "Klage over min sag", "payload": "/klage"},
    {"title": "Tal med et menneske", "payload": "/kontakt"},
]


@dataclass
class FakeRasa:
    received: List[Tuple[str, str]] = field(default_factory=list)
    delay: float = 0.0
    fail_status: int | None = None
    model_file: str | None = MODEL_FILE
    actions_ok: bool = True
    # Conversations paused by a ``pause`` event (Rasa answers nothing to them), and the
    # events received: (sender, event).
    paused: set = field(default_factory=set)
    events: List[Tuple[str, str]] = field(default_factory=list)

    def reset(self) -> None:
        self.received.clear()
        self.paused.clear()
        self.events.clear()
        self.delay = 0.0
        self.fail_status = None
        self.model_file = MODEL_FILE
        self.actions_ok = True

    def senders(self) -> List[str]:
        return [s for s, _ in self.received]

    def messages(self) -> List[str]:
        return [m for _, m in self.received]

    def replies(self, message: str) -> List[Dict[str, Any]]:
        key = message.strip().lower()
        if key == "/greet":
            return [{"text": GREETING, "buttons": BUTTONS}]
        if key in {"hej", "hejsa", "goddag", "hej med dig"}:
            return [{"text": HELLO_AGAIN}]
        if key == "/klage":
            return [{"text": KLAGE}]
        if key == "/kontakt":
            return [{"text": KONTAKT}]
        if key == "/links":
            return [{"text": LINKS}]
        if key == "/tavs":  # Rasa answers nothing, as when the action server is down
            return []
        if key == "/billede":
            return [{"image": "https://example.org/kort.png"}, {"custom": {"handoff": True}}]
        return [{"text": f"Du skrev: {message}"}]

    def rasa_app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/webhooks/rest/webhook")
        async def webhook(request: Request) -> Any:
            body = await request.json()
            self.received.append((body["sender"], body["message"]))
            if self.delay:
                await asyncio.sleep(self.delay)
            if self.fail_status:
                return PlainTextResponse("boom", status_code=self.fail_status)
            if body["sender"] in self.paused:
                return []
            return [{"recipient_id": body["sender"], **r} for r in self.replies(body["message"])]

        @app.post("/conversations/{sender}/tracker/events")
        async def events(sender: str, request: Request, token: str = "") -> Any:
            if token != TOKEN:
                return JSONResponse({"message": "unauthorized"}, status_code=401)
            kind = (await request.json())["event"]
            self.events.append((sender, kind))
            if kind == "pause":
                self.paused.add(sender)
            elif kind == "resume":
                self.paused.discard(sender)
            return {"sender_id": sender, "events": None}

        @app.get("/status")
        async def status(token: str = "") -> Any:
            if token != TOKEN:
                return JSONResponse({"message": "unauthorized"}, status_code=401)
            return {
                "model_file": self.model_file,
                "model_id": "abc123",
                "num_active_training_jobs": 0,
            }

        @app.get("/")
        async def root() -> PlainTextResponse:
            return PlainTextResponse("Hello from Rasa: 3.6.21")

        return app

    def actions_app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/health")
        async def health() -> Any:
            if not self.actions_ok:
                return JSONResponse({"status": "error"}, status_code=500)
            return {"status": "ok"}

        return app


def host_page_app(widget_src: str) -> FastAPI:
    """The kommune's website: a page with nothing but the one-tag embed snippet."""
    app = FastAPI()
    html = (
        "<!doctype html><html lang='da'><head><meta charset='utf-8'>"
        "<title>Aalborg Kommune</title></head><body style='font-size:10px;color:red'>"
        "<h1>Aalborg Kommune – Borgerrådgivning</h1><p>Værtsside med chatten indlejret.</p>"
        f'<script src="{widget_src}" defer></script></body></html>'
    )

    @app.get("/")
    async def page() -> HTMLResponse:
        return HTMLResponse(html)

    return app
