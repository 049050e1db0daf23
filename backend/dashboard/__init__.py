"""The console's dashboard: participation today and this week against the week before, by district,
axis, source and stakeholder group, and the coverage of the nine sources by each working group."""
