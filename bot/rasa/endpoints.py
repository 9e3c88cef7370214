"""Rasa endpoint configuration rendered from the settings.

The embedded default is a SQLite tracker store in var/ and an in-memory lock
store; production sets BORGER_TRACKER_STORE_URL=postgresql://... and
BORGER_LOCK_STORE_URL=redis://... so several Rasa replicas can serve together.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

import yaml
from sqlalchemy.engine import make_url

from bot.core.settings import Settings


def tracker_store_config(url: str) -> Dict[str, Any]:
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        db = parsed.database or ""
        Path(db).parent.mkdir(parents=True, exist_ok=True)
        return {"type": "SQL", "dialect": "sqlite", "db": db}
    if backend == "postgresql":
        config: Dict[str, Any] = {
            "type": "SQL",
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


def lock_store_config(url: str | None) -> Dict[str, Any]:
    if not url:
        return {"type": "in_memory"}
    parsed = make_url(url)
    if parsed.get_backend_name() != "redis":
        raise ValueError("BORGER_LOCK_STORE_URL must be a redis:// URL")
    config: Dict[str, Any] = {
        "type": "redis",
        "url": parsed.host or "127.0.0.1",
        "port": parsed.port or 6379,
        "db": int(parsed.database or 0),
        "key_prefix": "borger",
    }
    if parsed.password:
        config["password"] = parsed.password
    return config


def render_endpoints(settings: Settings) -> Dict[str, Any]:
    return {
        "action_endpoint": {"url": f"{settings.action_url}/webhook"},
        "tracker_store": tracker_store_config(settings.tracker_database_url),
        "lock_store": lock_store_config(settings.lock_store_url),
    }


def write_endpoints(settings: Settings, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(render_endpoints(settings), sort_keys=False), encoding="utf-8")
    return path
