"""Tests of the benchmarks: their own logic (arguments, figures, reports), not the runs."""
