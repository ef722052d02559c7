"""Scenario files: one YAML file describes a whole experiment (see scenarios/README.md)."""
