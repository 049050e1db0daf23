"""Errors that carry a message meant for a person, not a traceback."""


class MeydanError(Exception):
    """A problem the user can fix; ``str(error)`` is a one-line explanation."""


class ConfigError(MeydanError):
    """The configuration (environment, .env or plan file) is wrong."""


class Refused(MeydanError):
    """A use case declines what was asked: ``key`` names the locale text that says why (in every
    language the adapters speak) and ``params`` fill it in. The one refusal type of backend/: the
    bot's guard, the console and the CLI each turn it into words."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params
