"""Participants: the session-level service (pseudonyms, preferences, roles, reachability; `service`) and
participants' own steps as use cases (joining, profile, language, forgetting; `onboarding`)."""
