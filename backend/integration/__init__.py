"""Integration (تلفیق): near-duplicate findings grouped into problems, people's merges and splits
kept, and each problem's evidence."""

DEFAULT_THRESHOLD = 0.7  # cosine similarity of character 4-gram TF-IDF vectors at which findings are one problem
