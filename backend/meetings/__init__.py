"""Meetings a facilitator logs: the set-up state machine, who may do what, and the use cases."""
