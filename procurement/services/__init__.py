"""Writes of the needs / supply / matching issue, one module per concept."""
