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
# Default of ``case_retention_days`` (also used by the retention policy's callers).
CASE_RETENTION_DAYS = 365


class Settings(BaseSettings):
    # Processes and ports. ``host`` is the web app's interface; Rasa and the action
    # server listen on their own (loopback unless set otherwise: only the web app
    # needs to be reachable from outside).
    host: str = "127.0.0.1"
    rasa_host: str = "127.0.0.1"
    action_host: str = "127.0.0.1"
    rasa_port: int = 5005
    action_port: int = 5055
    web_port: int = 8000
    # Token protecting Rasa's HTTP API (conversations, model). Required: the
    # run command generates a random one per run when it is not set.
    rasa_token: str | None = None
    # Shared secret between Rasa and the action server (header X-Borger-Action-Token);
    # the run command generates one per run when it is not set.
    action_token: str | None = None
    # Separate secret for changing Rasa's model (PUT /model, header
    # X-Borger-Model-Token); unset: the model cannot be changed over HTTP at all.
    rasa_model_token: str | None = None
    # Public address of the web app, used in the embed snippet.
    public_url: str | None = None
    # Origins (scheme://host[:port]) allowed to embed the chat widget.
    cors_origins: List[str] = Field(default_factory=list)
    # Rasa's socket.io channel (for web clients such as rasa-webchat on those origins).
    socketio_enabled: bool = True

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
    # Prefix of the lock store's Redis keys (several installations may share a Redis).
    lock_key_prefix: str = "borger"

    # Production mode (`borger run --prod`, docs/deployment.md): N Rasa servers (and M
    # action servers) on internal ports from internal_port_base (default rasa_port + 10)
    # behind nginx on rasa_port (action_port). The model: models_dir (a shared folder),
    # or Rasa's model server protocol (ETag) at model_server_url, pulled every
    # model_pull_seconds.
    rasa_replicas: int = 1
    action_replicas: int = 1
    internal_port_base: int | None = None
    model_server_url: str | None = None
    model_pull_seconds: int = 60
    nginx_bin: str = "nginx"

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
    fuldmagt_max_per_hour: int = 30  # all addresses together
    retention_days: int = 30
    # A conversation is deleted this many days after its first event, even if it is
    # kept alive.
    conversation_max_days: int = 90
    # Rasa: texts of at least this many characters are parsed off the event loop, at
    # most max_concurrent_parses at a time.
    parse_off_loop_chars: int = 1000
    max_concurrent_parses: int = 1

    # Abuse limits of the mails and bookings (issue 12). Secret of the keyed hashes of
    # e-mail addresses, phone numbers and conversation ids: generated into
    # var/hash_secret (0600) when not set.
    hash_secret: str | None = None
    booking_mail_max_per_address_per_day: int = 3
    booking_mail_max_per_conversation: int = 4
    booking_mail_max_per_hour: int = 60  # all booking mails together
    booking_max_open_per_contact: int = 2
    booking_max_per_contact_per_day: int = 3
    booking_max_per_conversation: int = 2
    booking_max_moves: int = 3  # per booking, across conversations
    booking_reserved_share: float = 0.3  # of each day's times: not for unconfirmed bookings
    # /api/chat: messages per minute per client (IP address) and per conversation.
    chat_per_client_per_minute: int = 60
    chat_per_conversation_per_minute: int = 20

    # Staff portal (/personale/): a closed case is deleted this many days after closing
    # unless it has a legal hold; sessions end after the idle time or the lifetime;
    # failed logins lock a user (and refuse an address) for a while.
    case_retention_days: int = CASE_RETENTION_DAYS
    portal_idle_minutes: int = 30
    portal_session_hours: int = 10
    portal_max_failures_per_user: int = 5
    portal_max_failures_per_address: int = 20
    portal_lockout_minutes: int = 15
    # Session cookies are Secure; False lets them pass over plain http on localhost only.
    portal_cookie_secure: bool = True

    # The office's training loop (issue 14). The deployment's checkout: training data,
    # domain, content and test stories; every office edit is a git commit there.
    training_repo_dir: Path = ROOT
    # Rasa config of the guarded retrain (relative to training_repo_dir, or absolute).
    training_config: Path = Path("config.yml")
    # Every kept model (roll-back needs them): default var/model-store.
    model_store_dir: Path | None = None
    # How much worse (0-1) a new model may be: the summary figures / each intent's F1.
    training_tolerance: float = 0.01
    training_intent_tolerance: float = 0.10
    # The role that may activate a model or override the gate: admin (or traener).
    activation_role: str = "admin"
    # The web app serves the active model at /models/active (the default of
    # model_server_url, which every Rasa polls; model_pull_seconds 0: no polling, Rasa
    # loads models_dir) behind this token (default: the Rasa token).
    model_server_token: str | None = None
    # Rasa replicas whose /status must report an activated model (default: rasa_url).
    rasa_replica_urls: List[str] = Field(default_factory=list)
    activation_timeout_seconds: float = 120.0
    # Training inbox: a message the NLU is less sure of than this needs a look.
    inbox_confidence: float = 0.6

    timezone: str = "Europe/Copenhagen"
    log_level: str = "INFO"

    class Config:
        env_prefix = "BORGER_"

        @classmethod
        def parse_env_var(cls, field_name: str, raw_val: str) -> Any:
            # BORGER_CORS_ORIGINS (and _RASA_REPLICA_URLS) may be a comma-separated list.
            lists = ("cors_origins", "rasa_replica_urls")
            if field_name in lists and not raw_val.strip().startswith("["):
                return [o.strip().rstrip("/") for o in raw_val.split(",") if o.strip()]
            return json.loads(raw_val)

    @validator("cors_origins", "rasa_replica_urls", pre=True)
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
        return f"http://{_reachable(self.rasa_host)}:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://{_reachable(self.action_host)}:{self.action_port}"

    @property
    def web_url(self) -> str:
        return self.public_url or f"http://{self.host}:{self.web_port}"

    @property
    def model_store(self) -> Path:
        return self.model_store_dir or self.var_dir / "model-store"

    @property
    def model_endpoint_token(self) -> str | None:
        return self.model_server_token or self.rasa_token

    @property
    def model_endpoint_url(self) -> str:
        return self.model_server_url or f"http://{self.host}:{self.web_port}/models/active"

    @property
    def replica_urls(self) -> List[str]:
        return [u.rstrip("/") for u in self.rasa_replica_urls] or [self.rasa_url]


def _reachable(interface: str) -> str:
    """The address to connect to a server listening on ``interface``."""
    any_interface = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}  # noqa: S104
    return any_interface.get(interface, interface)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings for entry points; services take a Settings as argument."""
    return Settings()
