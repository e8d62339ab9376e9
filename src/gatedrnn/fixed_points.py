"""Fixed points of a finite gated network, found by Newton's method from random starts (SPEC §5).

At a fixed point with sigma_z > 0 the gate currents follow from h,

    z = J^z phi(h) + u^z,   r = J^r phi(h) + u^r,

and h solves the N-dimensional root problem

    G(h) = -h + J^h (sigma_r(J^r phi(h) + u^r) phi(h)) + u^h = 0,
    dG/dh = -1 + J^h ([sigma_r phi'] + [sigma_r' phi] J^r [phi']).

G is solved by Newton's method with a backtracking line search on |G|^2 / 2 (dense N x N
Jacobian, O(N^3) per step); if that stalls, pseudo-transient continuation (implicit Euler
steps of dh/dt = G(h) with growing step size) from the same start, then scipy's MINPACK
solvers ('hybr', then 'lm') from the best point, each polished by Newton. The state (h, z, r) is returned with
the residual max|F(x)| of the full vector field F = `Network.vector_field`.

Only static inputs are supported (a time-dependent drive has no fixed points); they are read
as ``inputs.at(0.0)``.
"""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import xarray as xr
from scipy.optimize import root

from .inputs import Inputs
from .io import provenance
from .network import Network
from .nonlinearity import gate, gate_prime, phi, phi_prime
from .simulate import parameter_coords

__all__ = [
    "FixedPoint",
    "FixedPointNotFound",
    "find_fixed_point",
    "find_fixed_points",
    "fixed_point_residual",
]


class FixedPointNotFound(RuntimeError):
    """Raised when no root of the fixed-point equations is found to the requested tolerance."""


@dataclasses.dataclass(frozen=True)
class FixedPoint:
    """A (candidate) fixed point of a network.

    Attributes
    ----------
    state : ndarray, shape (3, N)
        (h, z, r) at the fixed point.
    residual : float
        max_i |F(x)_i| of the full vector field (units 1 / tau_h).
    converged : bool
        True if residual <= the tolerance asked for.
    iterations : int
        Newton steps taken (all stages together).
    method : str
        The solver that reached the root: "newton", "ptc" (pseudo-transient continuation),
        "hybr" or "lm".
    """

    state: np.ndarray
    residual: float
    converged: bool
    iterations: int
    method: str


def _static_inputs(network: Network, inputs: Inputs | None) -> tuple[np.ndarray, ...]:
    """(u^h, u^z, u^r) as arrays of shape (N,), static inputs only."""
    if inputs is None:
        return tuple(np.zeros(network.N) for _ in range(3))
    for name in ("h", "z", "r"):
        if callable(getattr(inputs, name)):
            raise ValueError(f"inputs.{name} must be static (an array), not a function of time")
    inputs.check(network.N, None)
    return tuple(np.broadcast_to(np.asarray(u, dtype=float), (network.N,)) for u in inputs.at(0.0))


def _state_from_h(network: Network, h: np.ndarray, u: tuple[np.ndarray, ...]) -> np.ndarray:
    """(h, z, r) with the gate currents at their fixed-point values, shape (3, N)."""
    gate_currents = network.J_zr @ phi(h)
    N = network.N
    return np.stack([h, gate_currents[:N] + u[1], gate_currents[N:] + u[2]])


def _residual_and_jacobian(network: Network, h: np.ndarray, u, with_jacobian: bool = True):
    """G(h) (shape (N,)) and, optionally, dG/dh (shape (N, N))."""
    p = network.params
    phi_h = phi(h)
    r = network.J_r @ phi_h + u[2]
    sigma_r = gate(r, p.alpha_r, p.beta_r)
    value = -h + network.J_h @ (sigma_r * phi_h) + u[0]
    if not with_jacobian:
        return value, None
    dphi_h = phi_prime(h)
    inner = network.J_r * dphi_h[None, :]
    inner *= (gate_prime(r, p.alpha_r, p.beta_r) * phi_h)[:, None]
    inner[np.diag_indices(network.N)] += sigma_r * dphi_h
    jacobian = network.J_h @ inner
    jacobian[np.diag_indices(network.N)] -= 1.0
    return value, jacobian


def fixed_point_residual(
    network: Network, state: np.ndarray, inputs: Inputs | None = None
) -> float:
    """max_i |F(x)_i| of the vector field at `state` (shape (3, N)), units 1 / tau_h."""
    return float(np.max(np.abs(network.vector_field(state, 0.0, inputs))))


def _newton(network, h, u, tol, max_iter):
    """Damped Newton on G(h) = 0. Returns (h, max|G|, iterations)."""
    value, jacobian = _residual_and_jacobian(network, h, u)
    norm = float(np.max(np.abs(value)))
    for iteration in range(1, max_iter + 1):
        if norm <= tol:
            return h, norm, iteration - 1
        try:
            step = np.linalg.solve(jacobian, -value)
        except np.linalg.LinAlgError:
            return h, norm, iteration
        merit = float(value @ value)
        length = 1.0
        while length > 1e-10:
            trial = h + length * step
            trial_value, _ = _residual_and_jacobian(network, trial, u, with_jacobian=False)
            # Armijo condition on |G|^2 / 2 along the Newton direction (slope -|G|^2)
            if float(trial_value @ trial_value) <= (1.0 - 1e-4 * length) * merit:
                break
            length *= 0.5
        else:
            return h, norm, iteration
        h = trial
        value, jacobian = _residual_and_jacobian(network, h, u)
        norm = float(np.max(np.abs(value)))
    return h, norm, max_iter


def _pseudo_transient(network, h, u, tol, max_iter):
    """Pseudo-transient continuation: implicit Euler steps of dh/dt = G(h) whose step size
    grows as |G| falls (switched evolution relaxation), ending in Newton's method."""
    value, jacobian = _residual_and_jacobian(network, h, u)
    norm = float(np.linalg.norm(value))
    step_size = 0.1
    identity = np.eye(network.N)
    for iteration in range(1, 4 * max_iter + 1):
        if np.max(np.abs(value)) <= tol:
            break
        try:
            step = np.linalg.solve(identity / step_size - jacobian, value)
        except np.linalg.LinAlgError:
            break
        h = h + step
        value, jacobian = _residual_and_jacobian(network, h, u)
        new_norm = float(np.linalg.norm(value))
        if not np.isfinite(new_norm):
            break
        step_size = float(np.clip(step_size * norm / max(new_norm, 1e-300), 1e-3, 1e12))
        norm = new_norm
    h, max_norm, steps = _newton(network, h, u, tol, max_iter)
    return h, max_norm, iteration + steps


def find_fixed_point(
    network: Network,
    h0: np.ndarray,
    tol: float = 1e-12,
    *,
    max_iter: int = 100,
    inputs: Inputs | None = None,
    raise_on_failure: bool = True,
) -> FixedPoint:
    """A fixed point of `network` reached from the initial activation `h0`.

    Parameters
    ----------
    network : Network
    h0 : array, shape (N,)
        Starting activation; z and r are slaved to h (see module docstring).
    tol : float
        Required max_i |G(h)_i| of the reduced equation (> 0). The returned state then has
        max|F(x)| <= tol up to rounding of the gate currents (~1e-15).
    max_iter : int
        Largest number of Newton steps per stage (>= 1).
    inputs : Inputs, optional
        Static inputs u^h, u^z, u^r.
    raise_on_failure : bool
        Raise `FixedPointNotFound` if no root is reached (default); else return the best
        point with ``converged=False``.

    Returns
    -------
    FixedPoint

    Examples
    --------
    >>> from gatedrnn import GatedRNN, Network
    >>> net = Network(GatedRNN(g_h=1.5), N=20, seed=0)
    >>> fp = find_fixed_point(net, 0.1 * np.ones(20))
    >>> bool(fp.residual < 1e-10), bool(np.abs(fp.state).max() < 1e-12)  # g_h s_r < 1: zero FP
    (True, True)
    """
    if not isinstance(network, Network):
        raise ValueError(f"network must be a Network, got {type(network).__name__}")
    h0 = np.asarray(h0, dtype=float)
    if h0.shape != (network.N,) or not np.all(np.isfinite(h0)):
        raise ValueError(f"h0 must be a finite array of shape ({network.N},), got {h0.shape}")
    if not (np.isfinite(tol) and tol > 0):
        raise ValueError(f"tol must be finite and > 0, got {tol!r}")
    if isinstance(max_iter, bool) or int(max_iter) != max_iter or max_iter < 1:
        raise ValueError(f"max_iter must be an integer >= 1, got {max_iter!r}")
    u = _static_inputs(network, inputs)

    h, norm, iterations = _newton(network, h0, u, tol, int(max_iter))
    method = "newton"
    for fallback in ("ptc", "hybr", "lm"):
        if norm <= tol:
            break
        if fallback == "ptc":
            candidate, candidate_norm, steps = _pseudo_transient(network, h0, u, tol, int(max_iter))
            iterations += steps
            if candidate_norm < norm:
                h, norm, method = candidate, candidate_norm, fallback
            continue
        solution = root(
            lambda x: _residual_and_jacobian(network, x, u, with_jacobian=False)[0],
            h,
            jac=lambda x: _residual_and_jacobian(network, x, u)[1],
            method=fallback,
        )
        candidate = np.asarray(solution.x, dtype=float)
        if np.all(np.isfinite(candidate)):
            candidate, candidate_norm, steps = _newton(network, candidate, u, tol, int(max_iter))
            iterations += steps
            if candidate_norm < norm:
                h, norm, method = candidate, candidate_norm, fallback

    state = _state_from_h(network, h, u)
    residual = fixed_point_residual(network, state, inputs)
    converged = bool(norm <= tol)
    if not converged and raise_on_failure:
        raise FixedPointNotFound(
            f"no fixed point to tol={tol:g} from the given start: best max|G(h)| = {norm:.3e} "
            f"after {iterations} Newton steps and the ptc/hybr/lm fallbacks, for {network.describe()}"
        )
    return FixedPoint(state, residual, converged, iterations, method)


def _start_scales(scale) -> np.ndarray:
    scales = np.atleast_1d(np.asarray(scale, dtype=float))
    if scales.ndim != 1 or scales.size == 0 or not np.all(np.isfinite(scales)) or np.any(scales <= 0):
        raise ValueError(f"scale must be a positive finite number or 1-d array of them, got {scale!r}")
    return scales


def _is_new(h: np.ndarray, found: list[np.ndarray], distance_tol: float) -> int:
    """Index of the fixed point in `found` within RMS distance `distance_tol` of h, or -1."""
    for index, other in enumerate(found):
        if np.sqrt(np.mean((h - other) ** 2)) <= distance_tol * max(1.0, np.sqrt(np.mean(h**2))):
            return index
    return -1


def find_fixed_points(
    network: Network,
    n_starts: int = 20,
    scale: float | np.ndarray = (0.5, 1.0, 2.0, 4.0),
    seed: int = 0,
    *,
    tol: float = 1e-12,
    distance_tol: float = 1e-6,
    max_iter: int = 100,
    inputs: Inputs | None = None,
) -> xr.Dataset:
    """Distinct fixed points of `network` from random starts, with their linear stability.

    Starts are h0 ~ N(0, scale^2) i.i.d. over units, cycling through the given scales (so a
    spread of scales explores both small and large fixed points). Roots closer than
    `distance_tol` (RMS over units, relative to max(1, RMS of h)) are merged; no symmetry
    is assumed (h -> -h is one only without biases and inputs, and sigma_r breaks it unless
    alpha_r = 0), so h and -h are reported separately when both are found.

    Parameters
    ----------
    network : Network
    n_starts : int
        Number of random starts (>= 1).
    scale : float or 1-d array of floats
        Standard deviation(s) of the starting h (> 0).
    seed : int
        Seed of the starts (independent of the coupling seed).
    tol, max_iter, inputs :
        As in `find_fixed_point`.
    distance_tol : float
        Relative RMS distance below which two roots are the same fixed point (> 0).

    Returns
    -------
    xarray.Dataset
        Over dims ``fixed_point`` (ordered by increasing q_h) and ``unit``: ``h``, ``z``,
        ``r`` (fixed_point, unit); ``residual`` (max|F(x)|); ``max_real_eigenvalue`` (of the
        3N x 3N Jacobian, via the (h, r) block reduction of `gatedrnn.spectra`);
        ``stable`` (int8, 1 if max_real_eigenvalue < 0); ``q_h`` (mean of h^2 over units);
        ``hits`` (starts that reached the fixed point); attrs n_starts and n_failed
        (starts that reached no root); model parameters, N and seed as scalar coordinates.
    """
    from .spectra import fixed_point_eigenvalues  # spectra imports nothing from here

    if isinstance(n_starts, bool) or int(n_starts) != n_starts or n_starts < 1:
        raise ValueError(f"n_starts must be an integer >= 1, got {n_starts!r}")
    if isinstance(seed, bool) or int(seed) != seed or seed < 0:
        raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
    if not (np.isfinite(distance_tol) and distance_tol > 0):
        raise ValueError(f"distance_tol must be finite and > 0, got {distance_tol!r}")
    scales = _start_scales(scale)
    rng = np.random.default_rng([network.seed, int(seed)])
    found: list[np.ndarray] = []
    results: list[FixedPoint] = []
    hits: list[int] = []
    n_failed = 0
    for start in range(int(n_starts)):
        h0 = scales[start % scales.size] * rng.standard_normal(network.N)
        fixed_point = find_fixed_point(
            network, h0, tol, max_iter=max_iter, inputs=inputs, raise_on_failure=False
        )
        if not fixed_point.converged:
            n_failed += 1
            continue
        index = _is_new(fixed_point.state[0], found, distance_tol)
        if index >= 0:
            hits[index] += 1
            continue
        found.append(fixed_point.state[0])
        results.append(fixed_point)
        hits.append(1)

    order = np.argsort([np.mean(fp.state[0] ** 2) for fp in results], kind="stable")
    results = [results[k] for k in order]
    hits = [hits[k] for k in order]
    states = np.array([fp.state for fp in results]).reshape(len(results), 3, network.N)
    max_real = np.array(
        [fixed_point_eigenvalues(network, fp.state, inputs=inputs).real.max() for fp in results]
    )
    one = {"units": "1"}
    dims = ("fixed_point", "unit")
    data_vars = {
        "h": (dims, states[:, 0], {"long_name": "activation h at the fixed point", **one}),
        "z": (dims, states[:, 1], {"long_name": "update-gate current z at the fixed point", **one}),
        "r": (dims, states[:, 2], {"long_name": "output-gate current r at the fixed point", **one}),
        "residual": (
            "fixed_point",
            np.array([fp.residual for fp in results]),
            {"long_name": "max |dx/dt| at the fixed point", "units": "1/tau_h"},
        ),
        "max_real_eigenvalue": (
            "fixed_point",
            max_real,
            {"long_name": "largest real part of the Jacobian eigenvalues", "units": "1/tau_h"},
        ),
        "stable": (
            "fixed_point",
            (max_real < 0).astype(np.int8),
            {"long_name": "linearly stable (1) or unstable (0)", **one},
        ),
        "q_h": (
            "fixed_point",
            np.mean(states[:, 0] ** 2, axis=1),
            {"long_name": "mean over units of h^2 (q_h)", **one},
        ),
        "hits": (
            "fixed_point",
            np.array(hits, dtype=np.int64),
            {"long_name": "random starts that converged to this fixed point", **one},
        ),
    }
    coords = {
        "fixed_point": (
            "fixed_point",
            np.arange(len(results)),
            {"long_name": "fixed point index (increasing q_h)", **one},
        ),
        "unit": ("unit", np.arange(network.N), {"long_name": "unit index", **one}),
        **parameter_coords(network),
    }
    settings = dict(
        n_starts=int(n_starts),
        scale=scales.tolist(),
        start_seed=int(seed),
        tol=tol,
        distance_tol=distance_tol,
        max_iter=int(max_iter),
        inputs=inputs is not None,
    )
    attrs = {
        "title": "fixed points of a finite gated network",
        "settings": json.dumps(settings),
        "n_starts": int(n_starts),
        "n_failed": int(n_failed),
        **provenance(network.params.digest(N=network.N, coupling_seed=network.seed, **settings)),
    }
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)
