"""Errors that carry a message meant for a person, not a traceback."""


class MeydanError(Exception):
    """A problem the user can fix; ``str(error)`` is a one-line explanation."""


class ConfigError(MeydanError):
    """The configuration (environment, .env or plan file) is wrong."""
