"""Simulated citizens answering pairs, for the simulation test and the benchmark."""
