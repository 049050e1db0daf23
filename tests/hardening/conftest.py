"""The hardening tests drive the real bot through the emulator, like the end-to-end tests."""

from tests.e2e.conftest import emulator, settings_for  # noqa: F401 (fixtures)
