"""Argument checks shared by the library: a ValueError that names the parameter."""

from __future__ import annotations

import numpy as np

__all__ = ["number", "integer"]


def number(name: str, value, *, low: float = 0.0, strict: bool = True) -> float:
    """`value` as a float if it is a finite real number > low (>= low if not strict).

    Raises
    ------
    ValueError
        Naming `name`, for a non-number (bools included), NaN/inf or a value out of range.
    """
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    ok = ok and np.isfinite(value) and (value > low if strict else value >= low)
    if not ok:
        raise ValueError(f"{name} must be a finite number {'>' if strict else '>='} {low:g}, "
                         f"got {value!r}")
    return float(value)


def integer(name: str, value, low: int) -> int:
    """`value` as an int if it is an integer (not a bool) >= low; else ValueError naming it."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)
