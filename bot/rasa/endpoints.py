"""Rasa endpoint configuration rendered from the settings.

The embedded default is a SQLite tracker store in var/ and an in-memory lock
store; production sets BORGER_TRACKER_STORE_URL=postgresql://... and
BORGER_LOCK_STORE_URL=redis://... so several Rasa replicas can serve together.
The tracker store is ``bot.rasa.tracker_store.BorgerTrackerStore`` (errors fail the
message instead of starting the conversation over), the Redis lock store
``bot.rasa.lock_store.BorgerRedisLockStore`` (atomic, FIFO per conversation).
Every replica pulls its model from BORGER_MODEL_SERVER_URL (default: the web app's
/models/active, the active model of the registry; Rasa's model server protocol, ETag)
unless BORGER_MODEL_PULL_SECONDS is 0 (then it loads the shared models folder).

Rasa calls the action server with the shared secret in the header
``X-Borger-Action-Token`` (``${BORGER_ACTION_TOKEN}`` in the file: Rasa reads it from
its environment, so the secret is not written to disk); the action server refuses
calls without it (``bot.rasa.action_server``). The input channels
(``render_credentials``): the REST channel, and socket.io answering the origins in
BORGER_CORS_ORIGINS unless BORGER_SOCKETIO_ENABLED is false.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict

import yaml
from sqlalchemy.engine import make_url

from bot.core.settings import Settings

ACTION_TOKEN_HEADER = "X-Borger-Action-Token"  # noqa: S105 - a header's name
ACTION_TOKEN_ENV = "BORGER_ACTION_TOKEN"  # noqa: S105 - a variable's name
RASA_TOKEN_ENV = "BORGER_RASA_TOKEN"  # noqa: S105 - a variable's name
MODEL_TOKEN_ENV = "BORGER_MODEL_SERVER_TOKEN"  # noqa: S105 - a variable's name
REST_CHANNEL = "bot.rasa.rest.BorgerRestInput"
SOCKETIO_CHANNEL = "bot.rasa.socket_channel.BorgerSocketIOInput"
TRACKER_STORE = "bot.rasa.tracker_store.BorgerTrackerStore"
LOCK_STORE = "bot.rasa.lock_store.BorgerRedisLockStore"


def tracker_store_config(url: str) -> Dict[str, Any]:
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        db = parsed.database or ""
        Path(db).parent.mkdir(parents=True, exist_ok=True)
        return {"type": TRACKER_STORE, "dialect": "sqlite", "db": db}
    if backend == "postgresql":
        config: Dict[str, Any] = {
            "type": TRACKER_STORE,
            "dialect": "postgresql",
            "url": parsed.host or "127.0.0.1",
            "port": parsed.port or 5432,
            "db": parsed.database,
            "username": parsed.username,
        }
        if parsed.password:
            config["password"] = parsed.password
        return config
    raise ValueError(f"Unsupported tracker store URL scheme: {backend}")


def lock_store_config(url: str | None, key_prefix: str = "borger") -> Dict[str, Any]:
    if not url:
        return {"type": "in_memory"}
    parsed = make_url(url)
    if parsed.get_backend_name() != "redis":
        raise ValueError("BORGER_LOCK_STORE_URL must be a redis:// URL")
    config: Dict[str, Any] = {
        "type": LOCK_STORE,
        "url": parsed.host or "127.0.0.1",
        "port": parsed.port or 6379,
        "db": int(parsed.database or 0),
        "key_prefix": key_prefix,
    }
    if parsed.password:
        config["password"] = parsed.password
    return config


def render_endpoints(settings: Settings) -> Dict[str, Any]:
    # Rasa's selective domain: only the forms' validate_* actions, which read the forms'
    # slots, get the domain (48 kB of JSON, most of it response texts) with every call;
    # the other actions never read it (they reply by response name).
    action_endpoint: Dict[str, Any] = {
        "url": f"{settings.action_url}/webhook",
        "enable_selective_domain": True,
    }
    if settings.action_token:
        action_endpoint["headers"] = {ACTION_TOKEN_HEADER: f"${{{ACTION_TOKEN_ENV}}}"}
    endpoints: Dict[str, Any] = {
        "action_endpoint": action_endpoint,
        "tracker_store": tracker_store_config(settings.tracker_database_url),
        "lock_store": lock_store_config(settings.lock_store_url, settings.lock_key_prefix),
    }
    if settings.model_pull_seconds > 0:
        # The active model of the registry (issue 14): model_server_url, by default the
        # web app's /models/active, behind the model token (read from Rasa's environment,
        # like the action token, so it is not written to disk).
        endpoints["models"] = {
            "url": settings.model_endpoint_url,
            "wait_time_between_pulls": settings.model_pull_seconds,
        }
        token_env = MODEL_TOKEN_ENV if settings.model_server_token else RASA_TOKEN_ENV
        if settings.model_endpoint_token:
            endpoints["models"]["token"] = f"${{{token_env}}}"
    return endpoints


def render_credentials(settings: Settings) -> Dict[str, Any]:
    """Rasa's input channels (credentials.yml) from the settings."""
    channels: Dict[str, Any] = {REST_CHANNEL: None}
    if settings.socketio_enabled:
        channels[SOCKETIO_CHANNEL] = {
            "user_message_evt": "user_uttered",
            "bot_message_evt": "bot_uttered",
            "session_persistence": True,
            "cors_allowed_origins": [o.rstrip("/") for o in settings.cors_origins if o != "*"],
        }
    return channels


def _write_private(path: Path, data: Dict[str, Any]) -> Path:
    """Write YAML readable by this user only, atomically (replicas write the same file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(yaml.safe_dump(data, sort_keys=False))
    os.replace(tmp, path)
    return path


def write_endpoints(settings: Settings, path: Path) -> Path:
    return _write_private(path, render_endpoints(settings))


def write_credentials(settings: Settings, path: Path) -> Path:
    return _write_private(path, render_credentials(settings))
