"""Load benchmarks: see README.md."""
