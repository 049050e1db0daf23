"""Participants' own steps (joining, profile, language, forgetting) as use cases."""
