"""``meydan bench``: benchmarks that print their figures as one JSON object.

Add a benchmark with one line in ``sandbox.bench.registry.BENCHMARKS``; ``sandbox.bench.runner`` runs them.
"""
