"""The lifecycle of problems and actions: stages recorded when they happen (``stages``), progress in
execution (``progress``), what became of what each person said (``mine``) and the weekly batch of
messages telling them (``batch``)."""
