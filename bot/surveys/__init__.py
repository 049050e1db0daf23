"""The survey conversation: callbacks, rendering and the answer flow over the pure engine."""
