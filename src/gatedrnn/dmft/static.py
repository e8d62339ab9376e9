"""Static DMFT: the fixed-point (time-independent) solutions and their stability (SPEC §2, §5).

At a fixed point of a typical network (sigma_z > 0, so h = eta_h) the three currents are
independent centred Gaussians across units with variances

    Delta_h = g_h^2 <sigma_r^2>_{Delta_r} <phi^2>_{Delta_h},
    Delta_z = g_z^2 <phi^2>_{Delta_h},   Delta_r = g_r^2 <phi^2>_{Delta_h},

where <.>_D averages over N(0, D). The update gate does not enter. Eliminating Delta_r
leaves one equation for Delta_h, F(Delta_h) = 0 with

    F(D) = g_h^2 <sigma_r^2>_{g_r^2 Q(D)} Q(D) / D - 1,   Q(D) = <phi^2>_D,

(the trivial root D = 0 divided out). Its roots are bracketed on a logarithmic grid and
refined with Brent's method. A branch is stable (SPEC §5) iff

    g_h^2 <phi'^2>_{Delta_h} (<sigma_r^2>_{Delta_r} + g_r^2 <sigma_r'^2>_{Delta_r} <phi^2>_{Delta_h}) < 1,

which at Delta = 0 reads g_h sigma_r(0) < 1.
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr
from scipy.optimize import brentq

from ..gaussian import gaussian_average
from ..io import provenance
from ..nonlinearity import gate, gate_prime, phi, phi_prime
from ..params import GatedRNN

__all__ = ["static", "static_residual"]


def _averages(params: GatedRNN, delta_h: float) -> dict[str, float]:
    """The Gaussian averages entering the static equations at a given Delta_h."""
    q_phi = float(gaussian_average(lambda x: phi(x) ** 2, delta_h))
    delta_r = params.g_r**2 * q_phi
    a, b = params.alpha_r, params.beta_r
    return {
        "phi2": q_phi,
        "phi_prime2": float(gaussian_average(lambda x: phi_prime(x) ** 2, delta_h)),
        "delta_r": delta_r,
        "sigma_r2": float(gaussian_average(lambda x: gate(x, a, b) ** 2, delta_r)),
        "sigma_r_prime2": float(gaussian_average(lambda x: gate_prime(x, a, b) ** 2, delta_r)),
    }


def static_residual(params: GatedRNN, delta_h: float) -> float:
    """g_h^2 <sigma_r^2>_{Delta_r} <phi^2>_{Delta_h} - Delta_h with Delta_r = g_r^2 <phi^2>.

    Zero on every static solution (units of h^2).
    """
    avg = _averages(params, delta_h)
    return params.g_h**2 * avg["sigma_r2"] * avg["phi2"] - delta_h


def _reduced(params: GatedRNN, delta_h: float) -> float:
    avg = _averages(params, delta_h)
    return params.g_h**2 * avg["sigma_r2"] * avg["phi2"] / delta_h - 1.0


def _margin(params: GatedRNN, delta_h: float) -> float:
    if delta_h == 0.0:
        return (params.g_h * params.gate_r_at_zero) ** 2
    avg = _averages(params, delta_h)
    return (
        params.g_h**2
        * avg["phi_prime2"]
        * (avg["sigma_r2"] + params.g_r**2 * avg["sigma_r_prime2"] * avg["phi2"])
    )


def static(
    params: GatedRNN,
    *,
    delta_min: float = 1e-8,
    n_grid: int = 400,
    xtol: float = 1e-14,
) -> xr.Dataset:
    """All solutions of the static DMFT: the trivial one and every nontrivial branch.

    Parameters
    ----------
    params : GatedRNN
    delta_min : float
        Smallest Delta_h scanned (> 0); branches with Delta_h below it (within ~delta_min of
        the zero-fixed-point threshold) are not resolved. The largest is 1.01 g_h^2, an upper
        bound of every solution since <phi^2> < 1 and sigma_r^2 < 1.
    n_grid : int
        Points of the logarithmic scan grid (>= 10). Two roots closer than one grid step
        (a branch pair just past a saddle-node) can be missed.
    xtol : float
        Absolute tolerance of Brent's method on Delta_h; relative tolerance is 4 eps.

    Returns
    -------
    xarray.Dataset
        Over dim ``branch`` (0 = trivial, then increasing Delta_h): ``delta_h``,
        ``delta_z``, ``delta_r`` (variances, units "1"), ``stable`` (int8, 1 if the fixed
        point is stable), ``stability_margin`` (left side of the stability criterion,
        < 1 stable), ``residual`` (g_h^2 <sigma_r^2><phi^2> - Delta_h); model parameters as
        scalar coordinates; provenance attributes.

    Examples
    --------
    >>> from gatedrnn import GatedRNN
    >>> ds = static(GatedRNN(g_h=3.0))
    >>> int(ds.sizes["branch"]), [int(s) for s in ds.stable]
    (2, [0, 0])
    """
    if not isinstance(params, GatedRNN):
        raise ValueError(f"params must be a GatedRNN, got {type(params).__name__}")
    if not (np.isfinite(delta_min) and delta_min > 0):
        raise ValueError(f"delta_min must be finite and > 0, got {delta_min!r}")
    if int(n_grid) != n_grid or n_grid < 10:
        raise ValueError(f"n_grid must be an integer >= 10, got {n_grid!r}")
    if not (np.isfinite(xtol) and xtol > 0):
        raise ValueError(f"xtol must be finite and > 0, got {xtol!r}")

    roots = [0.0]
    delta_max = 1.01 * params.g_h**2
    if params.g_h > 0 and delta_max > delta_min:
        grid = np.geomspace(delta_min, delta_max, int(n_grid))
        values = np.array([_reduced(params, d) for d in grid])
        for k in np.nonzero(np.sign(values[:-1]) * np.sign(values[1:]) <= 0)[0]:
            lo, hi = grid[k], grid[k + 1]
            if values[k] == 0.0:
                root = lo
            elif values[k + 1] == 0.0:
                continue  # found as the left end of the next interval
            else:
                root = brentq(
                    lambda d: _reduced(params, d), lo, hi, xtol=xtol, rtol=4 * np.finfo(float).eps
                )
            roots.append(float(root))

    delta_h = np.array(roots)
    phi2 = np.array([float(gaussian_average(lambda x: phi(x) ** 2, d)) for d in delta_h])
    margin = np.array([_margin(params, d) for d in delta_h])
    residual = np.array([static_residual(params, d) for d in delta_h])
    one = {"units": "1"}
    data_vars = {
        "delta_h": ("branch", delta_h, {"long_name": "static variance of h (Delta_h)", **one}),
        "delta_z": (
            "branch",
            params.g_z**2 * phi2,
            {"long_name": "static variance of z (Delta_z)", **one},
        ),
        "delta_r": (
            "branch",
            params.g_r**2 * phi2,
            {"long_name": "static variance of r (Delta_r)", **one},
        ),
        "stable": (
            "branch",
            (margin < 1.0).astype(np.int8),
            {"long_name": "fixed point stable (1) or unstable (0)", **one},
        ),
        "stability_margin": (
            "branch",
            margin,
            {
                "long_name": "g_h^2 <phi'^2> (<sigma_r^2> + g_r^2 <sigma_r'^2> <phi^2>); stable if < 1",
                **one,
            },
        ),
        "residual": (
            "branch",
            residual,
            {"long_name": "g_h^2 <sigma_r^2> <phi^2> - Delta_h (zero on a solution)", **one},
        ),
    }
    coords = {
        "branch": (
            "branch",
            np.arange(delta_h.size),
            {"long_name": "solution branch (0 = trivial)", **one},
        ),
        **params.coordinates(),
    }
    settings = dict(delta_min=delta_min, n_grid=int(n_grid), xtol=xtol)
    attrs = {
        "title": "static DMFT solutions of the gated RNN",
        "settings": json.dumps(settings),
        **provenance(params.digest(**settings)),
    }
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)
