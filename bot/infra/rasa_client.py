"""Small async client for Rasa's REST channel, Rasa's status and the action server.

The browser never talks to Rasa; the web app forwards messages server-side.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Dict, List
from urllib.parse import quote

import httpx

from bot.core.settings import Settings


class RasaUnavailable(Exception):
    """Rasa could not be reached, timed out or answered with an error."""


@dataclass(frozen=True)
class RasaStatus:
    up: bool
    model: str | None


class RasaClient:
    def __init__(
        self,
        rasa_url: str,
        action_url: str,
        token: str | None = None,
        *,
        chat_timeout: float = 30.0,
        health_timeout: float = 3.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.rasa_url = rasa_url.rstrip("/")
        self.action_url = action_url.rstrip("/")
        self._token = token
        self._chat_timeout = httpx.Timeout(chat_timeout, connect=min(chat_timeout, 5.0))
        self._health_timeout = httpx.Timeout(health_timeout)
        # trust_env=False: never route the internal calls through a proxy from the environment.
        self._http = httpx.AsyncClient(transport=transport, trust_env=False)

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs: Any) -> RasaClient:
        return cls(settings.rasa_url, settings.action_url, settings.rasa_token, **kwargs)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def send_message(self, sender: str, message: str) -> List[Dict[str, Any]]:
        """Send one user message to the REST channel and return Rasa's list of replies."""
        url = f"{self.rasa_url}/webhooks/rest/webhook"
        try:
            response = await self._http.post(
                url, json={"sender": sender, "message": message}, timeout=self._chat_timeout
            )
        except httpx.TimeoutException as exc:
            raise RasaUnavailable(f"Rasa timed out ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"Rasa unreachable ({type(exc).__name__})") from exc
        if response.status_code != 200:
            raise RasaUnavailable(f"Rasa answered HTTP {response.status_code}")
        try:
            replies = response.json()
        except ValueError as exc:
            raise RasaUnavailable("Rasa answered with invalid JSON") from exc
        if not isinstance(replies, list):
            raise RasaUnavailable("Rasa answered with something other than a list")
        return [r for r in replies if isinstance(r, dict)]

    async def status(self) -> RasaStatus:
        """Whether Rasa answers, and the file name of its loaded model (None if none)."""
        params = {"token": self._token} if self._token else None
        try:
            response = await self._http.get(
                f"{self.rasa_url}/status", params=params, timeout=self._health_timeout
            )
            if response.status_code == 200:
                model_file = response.json().get("model_file")
                model = PurePosixPath(str(model_file)).name if model_file else None
                return RasaStatus(up=True, model=model)
            # /status refused (e.g. wrong token): is Rasa there at all?
            root = await self._http.get(f"{self.rasa_url}/", timeout=self._health_timeout)
            return RasaStatus(up=root.status_code == 200, model=None)
        except (httpx.HTTPError, ValueError, AttributeError):
            return RasaStatus(up=False, model=None)

    async def actions_up(self) -> bool:
        try:
            response = await self._http.get(
                f"{self.action_url}/health", timeout=self._health_timeout
            )
            return response.status_code == 200 and response.json().get("status") == "ok"
        except (httpx.HTTPError, ValueError, AttributeError):
            return False

    async def health(self) -> tuple[RasaStatus, bool]:
        """Rasa status and action server health, checked concurrently."""
        rasa, actions = await asyncio.gather(self.status(), self.actions_up())
        return rasa, actions

    async def pause(self, sender: str, paused: bool) -> None:
        """Rasa's ``pause`` / ``resume`` event on the conversation (``RasaUnavailable``)."""
        url, params, body = _event_request(self.rasa_url, self._token, sender, paused)
        try:
            response = await self._http.post(
                url, params=params, json=body, timeout=self._health_timeout
            )
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"Rasa unreachable ({type(exc).__name__})") from exc
        if response.status_code != 200:
            raise RasaUnavailable(f"Rasa answered HTTP {response.status_code}")


def _event_request(
    rasa_url: str, token: str | None, sender: str, paused: bool
) -> tuple[str, Dict[str, str] | None, Dict[str, str]]:
    url = f"{rasa_url.rstrip('/')}/conversations/{quote(sender, safe='')}/tracker/events"
    params = {"token": token, "include_events": "NONE"} if token else {"include_events": "NONE"}
    return url, params, {"event": "pause" if paused else "resume"}


def pause_conversation(
    rasa_url: str, token: str | None, sender: str, paused: bool, *, timeout: float = 5.0
) -> None:
    """The same from synchronous code (the staff portal): ``RasaUnavailable`` on failure."""
    url, params, body = _event_request(rasa_url, token, sender, paused)
    try:
        response = httpx.post(url, params=params, json=body, timeout=timeout, trust_env=False)
    except httpx.HTTPError as exc:
        raise RasaUnavailable(f"Rasa unreachable ({type(exc).__name__})") from exc
    if response.status_code != 200:
        raise RasaUnavailable(f"Rasa answered HTTP {response.status_code}")
