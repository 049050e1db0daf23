"""Approval votes: the bodies' rules (pure) and the agenda/vote/decision services."""
