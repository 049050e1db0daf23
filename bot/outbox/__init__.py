"""Outgoing pushes: the rate-limited sender of the outbox (``backend.services.outbox`` keeps the rows).

Features enqueue with ``backend.services.outbox.enqueue`` inside their own transaction; the sender
running on the leader process delivers. ``meydan outbox status|retry-failed|drain`` inspect and drive it.
"""

from bot.outbox.sender import OutboxSender, SendCounts

__all__ = ["OutboxSender", "SendCounts"]
