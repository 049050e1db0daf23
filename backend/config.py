"""Settings from ``MEYDAN_*`` environment variables and an optional ``.env`` file."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from backend.errors import ConfigError

TELEGRAM_API_BASE = "https://api.telegram.org"
BALE_API_BASE = "https://tapi.bale.ai"

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

    @field_validator("api_base")
    @classmethod
    def _http_base(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("expected an http(s) URL such as https://api.telegram.org")
        return value.rstrip("/")

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

    def secret(self) -> bytes:
        """The key for pseudonyms and invite signatures; kept in the data directory when unset."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()
        key_file = self.data_dir / "secret.key"
        if not key_file.exists():
            import secrets

            self.data_dir.mkdir(parents=True, exist_ok=True)
            key_file.write_text(secrets.token_urlsafe(48))
            key_file.chmod(0o600)
        return key_file.read_text().strip().encode()


def load_settings(**overrides: object) -> Settings:
    """Read the settings; a bad value becomes one ConfigError naming the variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "settings"
        message = err["msg"].removeprefix("Value error, ")
        raise ConfigError(f"MEYDAN_{field.upper()}: {message}") from None
