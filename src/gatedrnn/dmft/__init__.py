"""Dynamical mean-field theory of the gated RNN (SPEC §2, §4, §6)."""

from .adjoint import adjoint_growth_rate
from .classical import scs_variance
from .deterministic import ConvergenceWarning, stationary_deterministic
from .schrodinger import classical_max_lyapunov
from .static import static
from .tangent import max_lyapunov
from .stationary import stationary, stationary_sampled

__all__ = [
    "scs_variance",
    "static",
    "stationary",
    "stationary_sampled",
    "stationary_deterministic",
    "ConvergenceWarning",
    "classical_max_lyapunov",
    "max_lyapunov",
    "adjoint_growth_rate",
]
