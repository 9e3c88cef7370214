"""The one settings object of the project, read from the environment.

Every variable is prefixed with ``BORGER_`` (for example ``BORGER_WEB_PORT``).
The defaults are the embedded setup: everything on one machine, SQLite files
in ``var/``, e-mails written as ``.eml`` files instead of being sent.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, List

from pydantic import BaseSettings, Field, validator

ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    # Processes and ports
    host: str = "127.0.0.1"
    rasa_port: int = 5005
    action_port: int = 5055
    web_port: int = 8000
    # Token protecting Rasa's HTTP API (conversations, model). Required: the
    # run command generates a random one per run when it is not set.
    rasa_token: str | None = None
    # Public address of the web app, used in the embed snippet.
    public_url: str | None = None
    # Origins (scheme://host[:port]) allowed to embed the chat widget.
    cors_origins: List[str] = Field(default_factory=list)

    # Storage
    var_dir: Path = ROOT / "var"
    models_dir: Path = ROOT / "models"
    content_dir: Path = ROOT / "content"
    # App data (fuldmagt requests, bookings). sqlite:/// or postgresql://
    database_url: str | None = None
    # Rasa tracker store. sqlite:/// or postgresql://
    tracker_store_url: str | None = None
    # Rasa lock store: empty = in memory (one Rasa process); redis://host:port/db
    lock_store_url: str | None = None

    # Mail. No SMTP host = write .eml files into outbox_dir.
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_security: str = "starttls"  # starttls | ssl | none
    smtp_user: str | None = None
    smtp_password: str | None = None
    mail_from: str = "borgerraadgivning@aalborg.dk"
    outbox_dir: Path | None = None

    # Limits
    max_message_chars: int = 20_000
    fuldmagt_max_per_conversation: int = 3
    fuldmagt_max_per_address_per_day: int = 3
    retention_days: int = 30

    timezone: str = "Europe/Copenhagen"
    log_level: str = "INFO"

    class Config:
        env_prefix = "BORGER_"

        @classmethod
        def parse_env_var(cls, field_name: str, raw_val: str) -> Any:
            # BORGER_CORS_ORIGINS may be a plain comma-separated list.
            if field_name == "cors_origins" and not raw_val.strip().startswith("["):
                return [o.strip().rstrip("/") for o in raw_val.split(",") if o.strip()]
            return json.loads(raw_val)

    @validator("cors_origins", pre=True)
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip().startswith("["):
            return [o.strip().rstrip("/") for o in value.split(",") if o.strip()]
        return value

    @property
    def app_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.var_dir / 'app.db'}"

    @property
    def tracker_database_url(self) -> str:
        return self.tracker_store_url or f"sqlite:///{self.var_dir / 'rasa.db'}"

    @property
    def mail_outbox_dir(self) -> Path:
        return self.outbox_dir or self.var_dir / "outbox"

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://{self.host}:{self.action_port}"

    @property
    def web_url(self) -> str:
        return self.public_url or f"http://{self.host}:{self.web_port}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings for entry points; services take a Settings as argument."""
    return Settings()
