"""Reproducible benchmarks; each prints one JSON report on stdout."""
