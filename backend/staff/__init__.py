"""Use cases of the secretariat's staff (the console's pages): surveys, invites, meetings, digests."""
