"""``meydan bench``: benchmarks that print their figures as one JSON object.

Add a benchmark with one line in ``bot.bench.registry.BENCHMARKS``; ``bot.bench.runner`` runs them.
"""
