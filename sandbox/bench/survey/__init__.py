"""The ``survey`` benchmark: simulated citizens complete the bundled survey through the full stack."""
