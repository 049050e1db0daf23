"""Settings from ``MEYDAN_*`` environment variables and an optional ``.env`` file."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from backend.errors import ConfigError

TELEGRAM_API_BASE = "https://api.telegram.org"
BALE_API_BASE = "https://tapi.bale.ai"

MAX_TEXT_LENGTH = 4096  # the longest text or caption a user may send (a Telegram message's own limit)
_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what Telegram's secret_token allows
MIN_SECRET_KEY_LENGTH = 32
_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg", "postgres": "postgresql+asyncpg"}


def async_database_url(raw: str) -> URL:
    """Parse a database URL and give it the async driver Meydan uses (aiosqlite or asyncpg)."""
    try:
        url = make_url(raw)
    except ArgumentError:
        raise ConfigError(
            f"MEYDAN_DATABASE_URL={raw!r} is not a database URL; "
            "expected e.g. sqlite+aiosqlite:///var/meydan.db or postgresql+asyncpg://user@host/db"
        ) from None
    backend = url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise ConfigError(
            f"MEYDAN_DATABASE_URL uses {backend!r}; Meydan supports sqlite (aiosqlite) and postgresql (asyncpg)"
        )
    if "+" not in url.drivername:
        url = url.set(drivername=_ASYNC_DRIVERS[url.drivername])
    if url.drivername not in ("sqlite+aiosqlite", "postgresql+asyncpg"):
        raise ConfigError(
            f"MEYDAN_DATABASE_URL driver {url.drivername!r} is not async; use sqlite+aiosqlite or postgresql+asyncpg"
        )
    return url


class Settings(BaseSettings):
    """Meydan's configuration; the variable names are a documented contract (see README)."""

    model_config = SettingsConfigDict(env_prefix="MEYDAN_", env_file=".env", extra="ignore")

    bot_token: SecretStr | None = None
    api_base: str = TELEGRAM_API_BASE
    data_dir: Path = Path("var")
    database_url: str | None = None
    redis_url: str | None = None
    plan_file: Path | None = None
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    timezone: str = "Asia/Tehran"
    secret_key: SecretStr | None = None
    messenger: Literal["telegram", "bale"] | None = None  # unset: bale when api_base is Bale's, else telegram
    webhook_url: str | None = None  # the public URL the messenger posts updates to (`meydan run --webhook`)
    webhook_secret: SecretStr | None = None  # unset: derived from the secret key
    webhook_host: str = "127.0.0.1"  # where webhook workers listen
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    webhook_workers: int = Field(default=1, ge=1, le=64)  # processes sharing the port
    throttle_limit: int = Field(default=40, ge=0)  # updates one user may send per window; 0: no throttling
    throttle_window: int = Field(default=60, ge=1)  # seconds
    throttle_pause: int = Field(default=60, ge=1)  # seconds a user over the limit is ignored
    throttle_work_limit: int = Field(default=200, ge=0)  # the limit of a facilitator or NGO at an open meeting
    max_text_length: int = Field(default=MAX_TEXT_LENGTH, ge=1)  # characters of a text or caption; survey answers too
    max_file_mb: int = Field(default=20, ge=1)  # the Bot API lets a bot download at most 20 MB
    outbox_retention_days: int = Field(default=30, ge=1)  # how long files of delivered pushes are kept
    web_url: str = "http://127.0.0.1:8000"  # the console's public address (`meydan web`); sign-in links point here

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p for p in value.replace(";", ",").replace(" ", ",").split(",") if p]
            if not all(p.lstrip("-").isdigit() for p in parts):
                raise ValueError(f"expected comma-separated numeric user ids, got {value!r}")
            return [int(p) for p in parts]
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}; expected an IANA name such as Asia/Tehran") from None
        return value

    @field_validator("secret_key")
    @classmethod
    def _long_secret_key(cls, value: SecretStr | None) -> SecretStr | None:
        key = None if value is None else value.get_secret_value().strip()
        if key is not None and len(key) < MIN_SECRET_KEY_LENGTH:
            problem = f"is too short ({len(key)} characters)" if key else "is empty"
            raise ValueError(
                f"{problem}; set it to at least {MIN_SECRET_KEY_LENGTH} random characters (e.g. from "
                "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'), or unset it to have "
                "one generated and kept in the data directory"
            )
        return value

    @field_validator("api_base")
    @classmethod
    def _http_base(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("expected an http(s) URL such as https://api.telegram.org")
        return value.rstrip("/")

    @field_validator("webhook_url")
    @classmethod
    def _webhook_http_url(cls, value: str | None) -> str | None:
        if value is not None and not (value.startswith(("http://", "https://")) and urlsplit(value).hostname):
            raise ValueError("expected the public http(s) URL of the webhook, e.g. https://bot.example.org/webhook")
        return value

    @field_validator("web_url")
    @classmethod
    def _web_http_url(cls, value: str) -> str:
        if not (value.startswith(("http://", "https://")) and urlsplit(value).hostname):
            raise ValueError("expected the console's public http(s) URL, e.g. https://meydan.example.org")
        return value.rstrip("/")

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret_chars(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _WEBHOOK_SECRET.match(value.get_secret_value()):
            raise ValueError("expected 1-256 characters from A-Z, a-z, 0-9, _ and -")
        return value

    @model_validator(mode="after")
    def _known_messenger(self) -> Settings:
        if self.messenger is None:
            host = urlsplit(self.api_base).hostname or ""
            self.messenger = "bale" if host == "bale.ai" or host.endswith(".bale.ai") else "telegram"
        return self

    @cached_property
    def db_url(self) -> URL:
        """The async SQLAlchemy URL; by default a SQLite file in the data directory."""
        if self.database_url:
            return async_database_url(self.database_url)
        return async_database_url(f"sqlite+aiosqlite:///{self.data_dir / 'meydan.db'}")

    def require_token(self) -> str:
        """The bot token, or a ConfigError saying how to set it."""
        if self.bot_token is None or not self.bot_token.get_secret_value().strip():
            raise ConfigError("MEYDAN_BOT_TOKEN is not set; put the token from @BotFather (or Bale's BotFather) in it")
        return self.bot_token.get_secret_value().strip()

    def require_webhook_url(self) -> str:
        """The webhook's public URL, or a ConfigError saying what it is for."""
        if not self.webhook_url:
            raise ConfigError(
                "MEYDAN_WEBHOOK_URL is not set; set it to the public https URL that reaches the "
                "webhook workers (e.g. https://bot.example.org/webhook), "
                "or run without --webhook to poll"
            )
        return self.webhook_url

    def secret(self) -> bytes:
        """The key for pseudonyms and invite signatures; kept in the data directory when unset."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()
        key_file = self.data_dir / "secret.key"
        if not key_file.exists():
            _create_key_file(key_file)
        return key_file.read_text().strip().encode()

    def webhook_secret_token(self) -> str:
        """The secret the messenger presents with each update: MEYDAN_WEBHOOK_SECRET, else derived from the key."""
        if self.webhook_secret is not None:
            return self.webhook_secret.get_secret_value()
        return hmac.new(self.secret(), b"meydan webhook", hashlib.sha256).hexdigest()


def _create_key_file(path: Path) -> None:
    """Write a new random key unless another process just did (a hard link appears atomically or not at all)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    draft.write_text(secrets.token_urlsafe(48))
    draft.chmod(0o600)
    try:
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()


def load_settings(**overrides: Any) -> Settings:
    """Read the settings; a bad value becomes one ConfigError naming the variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "settings"
        message = err["msg"].removeprefix("Value error, ")
        raise ConfigError(f"MEYDAN_{field.upper()}: {message}") from None
