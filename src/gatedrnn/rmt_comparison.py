"""A finite network's Jacobian spectrum against the random-matrix prediction (SPEC §3).

One function per kind of state: along a chaotic trajectory (`trajectory_comparison`) and
at a fixed point (`fixed_point_comparison`). Each returns the eigenvalues, the predicted
support boundary rho(M(lambda)) = 1 computed with the network's own unit averages, the
measured and predicted right edges, the fraction of eigenvalues outside the boundary, and
the fraction of eigenvalues near 0 against its frozen-unit prediction P(sigma_z < eps) / 3.
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from .fixed_points import find_fixed_points
from .integrate import integrate
from .io import provenance
from .network import Network
from .nonlinearity import gate
from .rmt import boundary, network_site_averages, near_zero_fraction_prediction
from .simulate import parameter_coords
from .spectra import fixed_point_eigenvalues, jacobian_eigenvalues, near_zero_fraction
from .validate import integer, number

__all__ = ["trajectory_comparison", "fixed_point_comparison"]


def _trajectory_states(network, t_burn, n_samples, sample_interval, dt, init_scale, init_seed):
    """States (n_samples, 3, N) every sample_interval after a burn-in t_burn."""
    x = network.initial_state(None, init_scale, init_seed)
    steps_burn = int(round(t_burn / dt))
    steps_between = max(1, int(round(sample_interval / dt)))
    states, times = [], []
    t = 0.0
    for sample in range(n_samples):
        n_steps = steps_burn if sample == 0 else steps_between
        _, _, x = integrate(
            lambda time, state: network.vector_field(state, time), x, dt=dt, n_steps=n_steps,
            t0=t, record_every=max(1, n_steps), context=network.describe(),
        )
        t += n_steps * dt
        states.append(x.copy())
        times.append(t)
    return np.array(states), np.array(times)


def _comparison_dataset(network, eigenvalues, states, eps, n_angles, kind, times, settings):
    averages = network_site_averages(network, states)
    support = boundary(averages, network.params, n_angles)
    measured_edge = eigenvalues.real.max(axis=1)
    sigma_z = gate(states[:, 1], network.params.alpha_z, network.params.beta_z)
    rate, one = {"units": "1/tau_h"}, {"units": "1"}
    data_vars = {
        "eig_real": (("sample", "index"), eigenvalues.real,
                     {"long_name": "real part of a Jacobian eigenvalue", **rate}),
        "eig_imag": (("sample", "index"), eigenvalues.imag,
                     {"long_name": "imaginary part of a Jacobian eigenvalue", **rate}),
        "right_edge": ("sample", measured_edge,
                       {"long_name": "largest real part of the eigenvalues", **rate}),
        "right_edge_predicted": ((), support.right_edge, {
            "long_name": "right edge of the predicted support (network's own unit averages)",
            **rate}),
        "fraction_outside": ((), support.fraction_outside(eigenvalues), {
            "long_name": "fraction of eigenvalues outside the predicted boundary", **one}),
        "boundary_real": ("angle", support.real,
                          {"long_name": "Re lambda on the predicted boundary", **rate}),
        "boundary_imag": ("angle", support.imag,
                          {"long_name": "Im lambda on the predicted boundary", **rate}),
        "near_zero_fraction": ("epsilon", near_zero_fraction(eigenvalues, eps), {
            "long_name": "fraction of eigenvalues with |lambda| < epsilon", **one}),
        "near_zero_predicted": ("epsilon", near_zero_fraction_prediction(sigma_z, eps), {
            "long_name": "frozen-unit prediction P(sigma_z < epsilon) / 3 (approximation)",
            **one}),
        "mean_sigma_z": ((), float(sigma_z.mean()), {
            "long_name": "average update gate over units and samples", **one}),
        "q_h": ((), float((states[:, 0] ** 2).mean()), {
            "long_name": "mean squared h over units and samples", **one}),
    }
    coords = {
        "sample": ("sample", np.arange(eigenvalues.shape[0]), {"long_name": "state index", **one}),
        "index": ("index", np.arange(eigenvalues.shape[1]),
                  {"long_name": "eigenvalue index (decreasing real part)", **one}),
        "angle": ("angle", support.angle, {"long_name": "ray angle of the boundary", "units": "rad"}),
        "epsilon": ("epsilon", np.asarray(eps, dtype=float),
                    {"long_name": "radius around 0", **rate}),
        "time": ("sample", np.asarray(times, dtype=float),
                 {"long_name": "time of the state", "units": "tau_h"}),
        **parameter_coords(network),
    }
    attrs = {
        "title": f"Jacobian spectrum of a finite gated network against RMT ({kind})",
        "kind": kind,
        "settings": json.dumps(settings),
        **provenance(network.params.digest(N=network.N, seed=network.seed, **settings)),
    }
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def trajectory_comparison(
    network: Network,
    *,
    eps=(0.001, 0.01, 0.03, 0.1),
    t_burn: float = 200.0,
    n_samples: int = 2,
    sample_interval: float = 20.0,
    dt: float = 0.1,
    n_angles: int = 128,
    init_scale: float = 1.0,
    init_seed: int = 0,
) -> xr.Dataset:
    """Dense Jacobian spectra at states of a trajectory and the RMT boundary (T) of SPEC §3.

    Parameters
    ----------
    network : Network
    eps : sequence of float
        Radii (1/tau_h, > 0) of the near-zero fractions.
    t_burn : float
        Time before the first state (tau_h, >= 0).
    n_samples : int
        States at which the 3N x 3N Jacobian is diagonalised (>= 1; O((3N)^3) each).
    sample_interval : float
        Time between states (tau_h, > 0).
    dt : float
        RK4 step (tau_h, > 0).
    n_angles : int
        Rays of the predicted boundary.
    init_scale, init_seed :
        Initial h ~ N(0, init_scale^2), seed of the draw.

    Returns
    -------
    xarray.Dataset
        eig_real, eig_imag (sample, index); right_edge (sample) measured; right_edge_predicted,
        fraction_outside; boundary_real, boundary_imag (angle); near_zero_fraction,
        near_zero_predicted (epsilon); mean_sigma_z, q_h; coordinates time (sample), model
        parameters, N, seed. The prediction uses the unit averages of the same states.
    """
    if not isinstance(network, Network):
        raise ValueError(f"network must be a Network, got {type(network).__name__}")
    t_burn = number("t_burn", t_burn, strict=False)
    sample_interval = number("sample_interval", sample_interval)
    dt = number("dt", dt)
    n_samples = integer("n_samples", n_samples, 1)
    eps = np.atleast_1d(np.asarray(eps, dtype=float))
    states, times = _trajectory_states(
        network, t_burn, int(n_samples), sample_interval, dt, init_scale, init_seed
    )
    eigenvalues = np.array([jacobian_eigenvalues(network, x) for x in states])
    settings = dict(kind="trajectory", t_burn=t_burn, n_samples=int(n_samples),
                    sample_interval=sample_interval, dt=dt, n_angles=int(n_angles),
                    init_scale=float(init_scale), init_seed=int(init_seed))
    return _comparison_dataset(network, eigenvalues, states, eps, n_angles, "trajectory",
                               times, settings)


def fixed_point_comparison(
    network: Network,
    *,
    eps=(0.001, 0.01, 0.03, 0.1),
    n_starts: int = 8,
    seed: int = 0,
    n_angles: int = 128,
) -> xr.Dataset:
    """Spectrum at a nontrivial fixed point found by Newton, against the boundary (F).

    Of the distinct nontrivial fixed points found, the one with the largest variance q_h is
    used (Newton fixed points have a smaller variance than the static DMFT's, SPEC §3); the
    boundary uses its own unit averages.

    Parameters
    ----------
    network : Network
    eps : sequence of float
        Radii (1/tau_h, > 0) of the near-zero fractions.
    n_starts : int
        Random starts of the root finder (see `gatedrnn.fixed_points.find_fixed_points`).
    seed : int
        Seed of the starts.
    n_angles : int
        Rays of the predicted boundary.

    Returns
    -------
    xarray.Dataset
        As `trajectory_comparison`, with one sample (the fixed point; time NaN) and the
        number of nontrivial fixed points found in the ``settings`` attribute.

    Raises
    ------
    RuntimeError
        If no nontrivial fixed point is found.
    """
    found = find_fixed_points(network, n_starts=n_starts, seed=seed)
    nontrivial = found.where(found["q_h"] > 1e-12, drop=True)
    if nontrivial.sizes.get("fixed_point", 0) == 0:
        raise RuntimeError(
            f"no nontrivial fixed point found from {n_starts} starts for {network.describe()}"
        )
    chosen = nontrivial.isel(fixed_point=int(np.argmax(nontrivial["q_h"].values)))
    state = np.stack([chosen[name].values for name in ("h", "z", "r")])
    eigenvalues = fixed_point_eigenvalues(network, state)[None, :]
    eps = np.atleast_1d(np.asarray(eps, dtype=float))
    settings = dict(kind="fixed_point", n_starts=int(n_starts), start_seed=int(seed),
                    n_angles=int(n_angles), n_found=int(nontrivial.sizes["fixed_point"]))
    return _comparison_dataset(network, eigenvalues, state[None], eps, n_angles, "fixed_point",
                               [np.nan], settings)
