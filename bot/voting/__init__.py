"""Approval votes in the messenger: agenda messages, vote buttons, pushes through the outbox."""
