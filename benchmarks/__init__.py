"""Benchmarks run by `make bench` (scripts/bench.py). Each module has a `main()` that
prints its figures; the runner has already set up Django and a migrated database."""
