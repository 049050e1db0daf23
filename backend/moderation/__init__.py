"""Moderation of findings: flags computed at intake, and the committee's hide, correct and restore."""
