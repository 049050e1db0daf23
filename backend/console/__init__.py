"""Use cases behind the web console: signing in by a one-time link, the staff a session speaks for,
the people page's roles, and the audit entry of every change made through the console."""
