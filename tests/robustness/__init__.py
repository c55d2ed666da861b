"""Robustness and safety tests: bad input, resolution limits, guarantees, fuzzing, determinism."""
