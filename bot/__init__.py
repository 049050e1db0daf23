"""The messenger adapter: aiogram handlers that parse, call a backend use case and render."""

from bot.lazy import import_aiogram_lazily

import_aiogram_lazily()  # before any bot module imports aiogram: its models build on first use
