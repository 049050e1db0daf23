"""Integration (تلفیق): complaints read as an issue at a place and grouped into problems, people's
merges and splits kept, and each problem's evidence."""

DEFAULT_THRESHOLD = 0.45  # mean cosine (issues and words, at one place) at which complaints are one problem
TEXT_THRESHOLD = 0.7  # cosine of character 4-gram TF-IDF vectors at which other statements are near-duplicates
