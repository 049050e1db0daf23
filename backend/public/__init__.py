"""Public results: what the public pages, the open-data API and ``meydan publish`` show, and nothing
personal (no names, ids, usernames or citizens' own words; small cells suppressed)."""
