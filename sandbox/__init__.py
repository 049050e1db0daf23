"""Everything that runs Meydan without real people: the Bot API emulator, simulated users, the demo
and the benchmarks. Nothing in ``backend/``, ``bot/`` or ``reports/`` imports it; the CLI finds its
commands by name (``sandbox.cli``)."""
