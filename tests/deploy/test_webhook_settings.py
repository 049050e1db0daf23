"""The webhook and messenger settings, and the one-line errors ``meydan run --webhook`` stops with."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.config import _create_key_file, load_settings
from backend.errors import ConfigError
from tests.deploy.conftest import TOKEN, meydan_env
from tests.e2e.test_cli_run import _meydan

ONE, TWO = "first-secret-key-of-32-characters-long", "second-secret-key-of-32-characters-long"


@pytest.mark.parametrize(
    ("api_base", "messenger"),
    [
        ("https://api.telegram.org", "telegram"),
        ("https://tapi.bale.ai", "bale"),
        ("http://127.0.0.1:8081", "telegram"),
    ],
)
def test_the_messenger_follows_the_api_base_unless_set(tmp_path: Path, api_base: str, messenger: str) -> None:
    assert load_settings(api_base=api_base, data_dir=tmp_path).messenger == messenger
    assert load_settings(api_base=api_base, messenger="bale", data_dir=tmp_path).messenger == "bale"


@pytest.mark.parametrize(
    ("setting", "value", "expected"),
    [
        ("webhook_url", "bot.example.org/webhook", "MEYDAN_WEBHOOK_URL: expected the public http(s) URL"),
        ("webhook_secret", "with spaces", "MEYDAN_WEBHOOK_SECRET: expected 1-256 characters"),
        ("webhook_workers", 0, "MEYDAN_WEBHOOK_WORKERS"),
        ("messenger", "whatsapp", "MEYDAN_MESSENGER"),
        ("secret_key", " ", "MEYDAN_SECRET_KEY: is empty; set it to at least 32 random characters"),
        ("secret_key", "x" * 31, "MEYDAN_SECRET_KEY: is too short (31 characters); set it to at least 32"),
    ],
)
def test_bad_values_are_one_line_errors(setting: str, value: object, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        load_settings(**{setting: value})


def test_the_webhook_secret_is_derived_from_the_key_unless_given(tmp_path: Path) -> None:
    derived = load_settings(secret_key=ONE, data_dir=tmp_path).webhook_secret_token()
    assert derived == load_settings(secret_key=ONE, data_dir=tmp_path).webhook_secret_token()
    assert derived != load_settings(secret_key=TWO, data_dir=tmp_path).webhook_secret_token()
    given = load_settings(secret_key=ONE, webhook_secret="given_1", data_dir=tmp_path)
    assert given.webhook_secret_token() == "given_1"


def test_a_key_file_written_first_by_another_process_is_kept(tmp_path: Path) -> None:
    key_file = tmp_path / "secret.key"
    _create_key_file(key_file)
    first = key_file.read_text()
    _create_key_file(key_file)  # a second process racing the first
    assert key_file.read_text() == first and [p.name for p in tmp_path.iterdir()] == ["secret.key"]
    assert load_settings(data_dir=tmp_path).secret() == first.encode()


@pytest.mark.parametrize(
    ("settings", "args", "expected"),
    [
        ({}, ("run", "--webhook"), "meydan: MEYDAN_WEBHOOK_URL is not set"),
        (
            {"webhook_url": "https://bot.example.org/w"},
            ("run", "--webhook", "--workers", "2"),
            "meydan: several webhook workers share their conversation state in Redis",
        ),
    ],
)
async def test_run_webhook_stops_with_one_line(
    tmp_path: Path, settings: dict[str, str], args: tuple[str, ...], expected: str
) -> None:
    code, err = await _meydan(meydan_env(tmp_path, bot_token=TOKEN, **settings), *args)
    assert code == 1 and err.rstrip("\n").rsplit("\n", 1)[-1].startswith(expected) and "Traceback" not in err
