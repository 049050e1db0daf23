"""The public results as a site: the same pages served by ``meydan web`` under ``/public`` and written
by ``meydan publish`` (relative links only, nothing loaded from outside the folder)."""
