"""``python -m bot`` is the ``meydan`` command."""

from bot.cli import main

main()
