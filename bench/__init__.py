"""Benchmarks on PostgreSQL: the data generator (a year of a 500-unit institution, or the national
shape of three years and 10,000,000 lines), the pytest-benchmark suite and the side-by-side figures
of ``make bench`` (see bench/README.md and docs/performance.md)."""
