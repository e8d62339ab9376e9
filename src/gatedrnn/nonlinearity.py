"""The nonlinearities of the model in overflow-free form (SPEC §1).

All functions act elementwise on arrays of any shape and return float64 arrays.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

__all__ = ["phi", "phi_prime", "gate", "gate_prime"]


def phi(h: np.ndarray) -> np.ndarray:
    """phi(h) = tanh(h)."""
    return np.tanh(h)


def phi_prime(h: np.ndarray) -> np.ndarray:
    """phi'(h) = 1 / cosh(h)**2, computed as 4 e^{-2|h|} / (1 + e^{-2|h|})**2.

    Exact at large |h|, where 1 - tanh(h)**2 cancels catastrophically and cosh overflows.
    """
    decay = np.exp(-2.0 * np.abs(h))
    return 4.0 * decay / (1.0 + decay) ** 2


def gate(x: np.ndarray, alpha: float, beta: float) -> np.ndarray:
    """sigma(x) = 1 / (1 + exp(-alpha x + beta)), without overflow."""
    return expit(alpha * np.asarray(x, dtype=float) - beta)


def gate_prime(x: np.ndarray, alpha: float, beta: float) -> np.ndarray:
    """d sigma / dx = alpha sigma(x) (1 - sigma(x)); 1 - sigma is evaluated as sigma(-.)."""
    argument = alpha * np.asarray(x, dtype=float) - beta
    return alpha * expit(argument) * expit(-argument)
