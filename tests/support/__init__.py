"""Test support shared across suites: real services, started and torn down per run."""
