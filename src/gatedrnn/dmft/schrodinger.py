"""Maximum Lyapunov exponent of the classical (SCS) limit from a Schrödinger problem (SPEC §4).

In the SCS network dh/dt = -h + J phi(h), J ~ N(0, g^2/N), phi = tanh, the tangent DMFT of the
largest Lyapunov exponent reduces to the ground state of

    H = -d^2/dtau^2 + 1 - g^2 C_{phi'}(tau),    C_{phi'}(tau) = E[phi'(h(t)) phi'(h(t + tau))],

averaged over the stationary Gaussian process with correlation C_h(tau) (the DMFT solution),
and lambda_max = -1 + sqrt(1 - E_0), E_0 the lowest eigenvalue (Sompolinsky, Crisanti &
Sommers 1988). Since d/dtau of the DMFT equation (1 - d^2/dtau^2) C_h = g^2 C_phi(C_h) gives
H C_h'(tau) = 0 (Price's theorem: dC_phi/dc = C_{phi'}), and C_h' is odd (one node), 0 is the
first excited level, so E_0 < 0 and lambda_max > 0 in the chaotic phase.

C_{phi'}(tau) tends to <phi'>^2 > 0, not 0, at large lags: the continuum of H starts at
1 - g^2 <phi'>^2, and the ground state decays as exp(-kappa |tau|) with
kappa = sqrt(1 - g^2 <phi'>^2 - E_0), which goes to 0 as g -> 1+.

With frozen gates (alpha_z = alpha_r = 0) the gated network is the SCS network at
g = g_h sigma_r(0) with time stretched by 1 / sigma_z(0), so all its exponents are
sigma_z(0) times the SCS ones.
"""

from __future__ import annotations

import dataclasses
import logging
import time

import numpy as np
import xarray as xr
from scipy.linalg import eigh_tridiagonal

from ..gaussian import bivariate_interpolant
from ..io import provenance
from ..nonlinearity import phi_prime
from ..params import PARAMETER_LONG_NAMES, GatedRNN
from .deterministic import stationary_deterministic

__all__ = ["classical_max_lyapunov", "max_lyapunov_curve"]

logger = logging.getLogger("gatedrnn")


def _scs_ground_state(
    g: float,
    *,
    dt: float,
    max_lag: float | None,
    tail_tol: float,
    max_half_width: float,
    max_iter: int = 2000,
) -> dict[str, np.ndarray | float]:
    """Ground state of H on [-L, L] for the SCS network at gain g > 1 (SCS time units).

    Returns a dict with E_0 (float), lag (shape (2M + 1,), tau_h), psi (same shape, unit
    maximum), potential 1 - g^2 C_phi' (same shape), half_width L, kappa (tail decay rate,
    1/tau_h) and end_value |psi(-L)|.
    """
    # Size the period for 8 estimated relaxation times (decay rate ~0.3 (g - 1) near g = 1)
    # so that the solver needs no restarts.
    n_points = 8192
    while n_points * dt / 4 < 8 * 1.02 / (0.3 * (g - 1.0)) and n_points < 2**20:
        n_points *= 2
    ds = stationary_deterministic(
        GatedRNN.classical(g),
        dt=dt,
        n_points=n_points,
        max_points=max(65536, n_points),
        max_iter=max_iter,
    )
    if not int(ds["converged"]) or not float(ds["C_h"][0]) > 0:
        raise RuntimeError(
            f"stationary DMFT not converged (or collapsed to C_h = 0) at g={g}, dt={dt}"
        )
    c_h = ds["C_h"].values
    q = float(c_h[0])
    tau_rel = float(ds["relaxation_time"])
    c_phi_prime = bivariate_interpolant(
        phi_prime, q, spacing=min(0.04, 0.25 / np.sqrt(max(q, 1e-300)))
    )
    tail_value = float(c_phi_prime(0.0))  # <phi'>^2, the potential's limit at large lags
    half_width = max(40.0, 10.0 * tau_rel) if max_lag is None else float(max_lag)
    while True:
        n_half = int(np.ceil(half_width / dt))
        positive = dt * np.arange(n_half + 1)
        # Beyond the lags returned by the DMFT (>= 6 relaxation times) C_h is ~0 and
        # C_phi'(c) = <phi'>^2 + O(c^2) (<phi''> = 0 for odd phi), so padding with 0 is exact
        # to second order in the neglected C_h.
        c_pos = np.zeros(n_half + 1)
        n_known = min(n_half + 1, c_h.size)
        c_pos[:n_known] = c_h[:n_known]
        v_pos = 1.0 - g**2 * c_phi_prime(c_pos)
        lag = np.concatenate([-positive[:0:-1], positive])
        potential = np.concatenate([v_pos[:0:-1], v_pos])
        diagonal = 2.0 / dt**2 + potential
        off = np.full(lag.size - 1, -1.0 / dt**2)
        values, vectors = eigh_tridiagonal(diagonal, off, select="i", select_range=(0, 0))
        e0 = float(values[0])
        psi = vectors[:, 0] / vectors[np.argmax(np.abs(vectors[:, 0])), 0]
        edge = 1.0 - g**2 * tail_value
        kappa = float(np.sqrt(max(edge - e0, 0.0)))
        # Dirichlet ends: the ground state must have decayed there.
        if max_lag is not None or abs(psi[0]) <= tail_tol or 2 * half_width > max_half_width:
            break
        half_width *= 2.0
    return {
        "E_0": e0,
        "lag": lag,
        "psi": psi,
        "potential": potential,
        "half_width": dt * n_half,
        "kappa": kappa,
        "end_value": float(abs(psi[0])),
    }


def classical_max_lyapunov(
    params: GatedRNN,
    *,
    dt: float = 0.05,
    max_lag: float | None = None,
    tail_tol: float = 1e-8,
    max_half_width: float = 5000.0,
    max_iter: int = 2000,
) -> float:
    """Largest Lyapunov exponent of a frozen-gate (SCS-equivalent) network from the DMFT.

    Solves the Schrödinger problem H = -d^2/dtau^2 + 1 - g^2 C_{phi'}(tau) of the SCS network at
    g = g_h sigma_r(0) (time in SCS units), with C_h from `stationary_deterministic`, by second
    order finite differences on the symmetric lag grid tau_i = i dt, |i| <= L/dt, Dirichlet
    ends, and returns

        lambda_max = sigma_z(0) (-1 + sqrt(1 - E_0)).

    For g <= 1 the zero fixed point is stable and the exponent is the largest real part of
    the Jacobian spectrum at 0, sigma_z(0) (-1 + J) with J of circular spectrum of radius g:
    lambda_max = sigma_z(0) (g - 1) <= 0 (exact, no Schrödinger problem is solved).

    Parameters
    ----------
    params : GatedRNN
        Must have alpha_z = 0 and alpha_r = 0 (frozen gates); the other fields are free
        (g_z, g_r, tau_z, tau_r do not enter).
    dt : float
        Lag spacing of the DMFT and of the finite-difference grid, in SCS time units (> 0).
        The discretisation error of lambda_max is O(dt^2): at g = 2 it is ~1.6e-6 at dt = 0.05.
    max_lag : float, optional
        Half-width L of the lag grid in SCS time units. Default: max(40, 10 tau_rel), tau_rel
        the 1/e relaxation time of C_h, doubled (up to `max_half_width`) until the ground
        state at the ends is below `tail_tol` of its maximum.
    tail_tol : float
        Largest allowed |psi(+-L)| / max |psi| with the default L.
    max_half_width : float
        Cap on the automatic half-width (SCS time units).
    max_iter : int
        Iteration cap of `stationary_deterministic` (convergence slows as g -> 1+: ~500
        iterations at g = 1.05).

    Returns
    -------
    float
        lambda_max in units of 1 / tau_h (the gated network's time).

    Raises
    ------
    ValueError
        If params is not a GatedRNN, alpha_z != 0 or alpha_r != 0, or dt is not > 0.
    RuntimeError
        If the stationary DMFT does not converge to a chaotic (C_h(0) > 0) solution.

    Examples
    --------
    >>> from gatedrnn import GatedRNN
    >>> round(classical_max_lyapunov(GatedRNN.classical(2.0)), 4)
    0.1125
    >>> classical_max_lyapunov(GatedRNN.classical(0.5))
    -0.5
    """
    if not isinstance(params, GatedRNN):
        raise ValueError(f"params must be a GatedRNN, got {type(params).__name__}")
    for name in ("alpha_z", "alpha_r"):
        if getattr(params, name) != 0.0:
            raise ValueError(
                f"{name} must be 0 (frozen gates) for the classical-limit MLE, "
                f"got {name}={getattr(params, name)}"
            )
    if not (np.isfinite(dt) and dt > 0):
        raise ValueError(f"dt must be finite and > 0, got {dt!r}")
    if max_lag is not None and not (np.isfinite(max_lag) and max_lag > dt):
        raise ValueError(f"max_lag must be finite and > dt, got {max_lag!r}")
    g = params.classical_gain
    s_z = params.gate_z_at_zero
    if g <= 1.0:
        return s_z * (g - 1.0)
    state = _scs_ground_state(
        g,
        dt=dt,
        max_lag=max_lag,
        tail_tol=tail_tol,
        max_half_width=max_half_width,
        max_iter=max_iter,
    )
    return s_z * (-1.0 + float(np.sqrt(1.0 - state["E_0"])))


def max_lyapunov_curve(
    params: GatedRNN,
    g_h_values,
    *,
    spacing: float = 0.1,
    dt: float = 0.05,
) -> xr.Dataset:
    """The frozen-gate DMFT maximal exponent against g_h, on a grid that resolves the transition.

    Evaluates :func:`classical_max_lyapunov` at every value of `g_h_values` and on a uniform
    grid of step `spacing` between their minimum and maximum, plus the transition gain
    g_h = 1 / sigma_r(0) itself (where the exponent is 0).

    Parameters
    ----------
    params : GatedRNN
        Frozen gates (alpha_z = alpha_r = 0); its g_h is replaced by each grid value.
    g_h_values : sequence of float
        Gains that must be on the grid (e.g. the network sweep), each > 0.
    spacing : float
        Largest step of the grid (> 0).
    dt : float
        Lag spacing of the Schrödinger problem, in SCS time units (> 0).

    Returns
    -------
    xarray.Dataset
        max_lyapunov (g_h), in 1/tau_h; relaxation_time (g_h), the 1/e time of the chaotic
        C_h in tau_h (NaN where the zero fixed point is stable); coordinate g_h and the other model parameters as
        scalar coordinates; provenance attributes.

    Raises
    ------
    ValueError
        For gates that are not frozen, an empty or non-positive `g_h_values`, or a
        non-positive `spacing`.
    """
    values = np.asarray(g_h_values, dtype=float).ravel()
    if values.size == 0 or not np.all(np.isfinite(values) & (values > 0)):
        raise ValueError(f"g_h_values must be non-empty, finite and > 0, got {g_h_values!r}")
    if not (np.isfinite(spacing) and spacing > 0):
        raise ValueError(f"spacing must be finite and > 0, got {spacing!r}")
    low, high = values.min(), values.max()
    n_steps = max(1, int(np.ceil((high - low) / spacing)))
    critical = 1.0 / params.gate_r_at_zero
    grid = np.concatenate([values, np.linspace(low, high, n_steps + 1)])
    if low < critical < high:
        grid = np.append(grid, critical)
    grid = np.unique(np.round(grid, 9))
    exponents = np.empty(grid.size)
    relaxation = np.full(grid.size, np.nan)
    start = time.perf_counter()
    for i, g_h in enumerate(grid):
        point = dataclasses.replace(params, g_h=float(g_h))
        exponents[i] = classical_max_lyapunov(point, dt=dt)
        if exponents[i] > 0:
            relaxation[i] = float(stationary_deterministic(point, dt=dt)["relaxation_time"])
        logger.info(
            "frozen-gate DMFT MLE %d/%d: g_h = %.4g -> %.6g (elapsed %.1f s)",
            i + 1, grid.size, g_h, exponents[i], time.perf_counter() - start,
        )
    coords = {
        name: value
        for name, value in params.coordinates().items()
        if name != "g_h"
    }
    coords["g_h"] = ("g_h", grid, {"long_name": PARAMETER_LONG_NAMES["g_h"], "units": "1"})
    data_vars = {
        "max_lyapunov": ("g_h", exponents, {
            "long_name": "maximal Lyapunov exponent (frozen-gate DMFT, Schrödinger problem)",
            "units": "1/tau_h"}),
        "relaxation_time": ("g_h", relaxation, {
            "long_name": "relaxation time of C_h (C_h / C_h(0) = 1/e, deterministic DMFT)",
            "units": "tau_h", "note": "NaN where the zero fixed point is stable"}),
    }
    attrs = {
        "title": "DMFT maximal Lyapunov exponent with frozen gates",
        "method": "tangent DMFT ground state; exact zero-fixed-point rate below the transition",
        **provenance(params.digest(grid=grid.tolist(), dt=dt)),
    }
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)
