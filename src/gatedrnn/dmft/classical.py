"""Mean-field results of the classical (SCS) network, the frozen-gate limit (C1)."""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

from ..gaussian import gaussian_average

__all__ = ["scs_variance"]


def _log_cosh(x: np.ndarray) -> np.ndarray:
    absolute = np.abs(x)
    return absolute + np.log1p(np.exp(-2.0 * absolute)) - np.log(2.0)


def scs_variance(g: float) -> float:
    """Stationary variance q = C(0) of the chaotic SCS network dh/dt = -h + J tanh(h).

    Solves the energy condition q**2 / 2 = g**2 (<Phi**2> - <Phi>**2), Phi = log cosh,
    averages over N(0, q) (Sompolinsky, Crisanti & Sommers 1988). Zero for g <= 1.

    Parameters
    ----------
    g : float
        Coupling gain (>= 0).

    Returns
    -------
    float
        q, in units of h**2.

    Examples
    --------
    >>> round(scs_variance(2.0), 2)
    1.92
    """
    if not (g >= 0 and np.isfinite(g)):
        raise ValueError(f"g must be finite and >= 0, got {g!r}")
    if g <= 1.0:
        return 0.0

    def energy_balance(q: float) -> float:
        mean = gaussian_average(_log_cosh, q)
        mean_square = gaussian_average(lambda x: _log_cosh(x) ** 2, q)
        return g**2 * (mean_square - mean**2) - 0.5 * q**2

    low = 1e-6 * (g - 1.0)
    high = 4.0 * g**2 + 1.0
    while energy_balance(low) <= 0:
        low *= 0.1
    return brentq(energy_balance, low, high, xtol=1e-13, rtol=1e-12)
