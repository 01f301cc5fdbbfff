"""Ledger benchmark: a generated year of a 500-unit institution on PostgreSQL (see bench/README.md)."""
