"""Prioritization: a multi-criteria score per problem with every part visible, its stability
under changed weights, rankings of strategies, policies and projects, and combining members'
own rankings (Schulze, Borda)."""
