"""Gaussian averages accurate at large variance (SPEC §2).

Averages of tanh-like functions over N(0, variance) are computed with the trapezoid rule on
[-9, 9] standard deviations with spacing 0.02 (an error below 1e-12 for the smooth bounded
integrands used here), not with low-order Gauss-Hermite rules, which fail at large variance.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

__all__ = ["standard_normal_grid", "gaussian_average"]

_HALF_WIDTH = 9.0
_SPACING = 0.02


def standard_normal_grid(
    half_width: float = _HALF_WIDTH, spacing: float = _SPACING
) -> tuple[np.ndarray, np.ndarray]:
    """Nodes x and trapezoid weights w with sum_k w_k f(x_k) ~ E[f(X)], X ~ N(0, 1).

    The weights are renormalised to sum to 1 exactly.
    """
    n = int(round(2 * half_width / spacing)) + 1
    nodes = np.linspace(-half_width, half_width, n)
    weights = np.exp(-0.5 * nodes**2)
    weights[[0, -1]] *= 0.5
    return nodes, weights / weights.sum()


def gaussian_average(
    function: Callable[[np.ndarray], np.ndarray],
    variance: float | np.ndarray,
    mean: float | np.ndarray = 0.0,
) -> np.ndarray:
    """E[function(X)] for X ~ N(mean, variance), elementwise over array arguments.

    Parameters
    ----------
    function : vectorised callable
    variance : float or array (>= 0)
    mean : float or array, broadcast with variance
    """
    variance = np.asarray(variance, dtype=float)
    if np.any(variance < 0) or not np.all(np.isfinite(variance)):
        raise ValueError(f"variance must be finite and >= 0, got {variance!r}")
    nodes, weights = standard_normal_grid()
    std = np.sqrt(variance)[..., None]
    values = function(np.asarray(mean, dtype=float)[..., None] + std * nodes)
    return values @ weights
