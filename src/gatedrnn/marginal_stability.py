"""Classes of the (g_h, alpha_z) phase diagram: quiescent, marginally stable, active (SPEC §3, §5).

At alpha_r = 0 the zero fixed point loses stability at g_h = 1 + e^beta_r for every alpha_z
(the Jacobian at 0 involves z only through sigma_z(0)). What alpha_z changes is the state a
network reaches from order-one initial conditions: closed update gates (sigma_z ~ 0) freeze
their units, so a finite fraction of the Jacobian's eigenvalues sits near 0 — marginal
stability — on both sides of that line. A network is classified from its Jacobian spectrum
along the trajectory (`gatedrnn.rmt_comparison.trajectory_comparison`).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .validate import number

__all__ = ["classify_networks"]


def classify_networks(
    phase: xr.Dataset, marginal_fraction: float, quiescent_q_h: float
) -> xr.Dataset:
    """Quiescent / marginally stable / active networks of a (g_h, alpha_z) sweep.

    Parameters
    ----------
    phase : xarray.Dataset
        Merged `trajectory_comparison` results with ``q_h`` and ``near_zero_fraction``
        (one ``epsilon``) over dims including g_h, alpha_z, seed.
    marginal_fraction : float
        Fraction of eigenvalues with |lambda| < epsilon at or above which a (non-quiescent)
        network counts as marginally stable, in (0, 1].
    quiescent_q_h : float
        Mean h^2 over units and sampled states below which a network counts as quiescent
        (> 0).

    Returns
    -------
    xarray.Dataset
        Boolean ``quiescent``, ``marginal``, ``active`` (exactly one is true per network) and
        ``near_zero_fraction`` (the single epsilon selected), over the sweep dims.

    Raises
    ------
    ValueError
        If a threshold is out of range or the dataset has several epsilons.
    """
    marginal_fraction = number("marginal_fraction", marginal_fraction)
    if marginal_fraction > 1:
        raise ValueError(f"marginal_fraction must be <= 1, got {marginal_fraction!r}")
    quiescent_q_h = number("quiescent_q_h", quiescent_q_h)
    fraction = phase["near_zero_fraction"]
    if "epsilon" in fraction.dims:
        if fraction.sizes["epsilon"] != 1:
            raise ValueError(
                f"phase must hold one epsilon, got {fraction['epsilon'].values.tolist()}"
            )
        fraction = fraction.isel(epsilon=0, drop=True)
    quiescent = phase["q_h"] < quiescent_q_h
    marginal = ~quiescent & (fraction >= marginal_fraction)
    active = ~quiescent & ~marginal
    one = {"units": "1"}
    return xr.Dataset(
        {
            "quiescent": (quiescent.dims, quiescent.values, {
                "long_name": f"mean h^2 below {quiescent_q_h:g}", **one}),
            "marginal": (marginal.dims, marginal.values, {
                "long_name": f"not quiescent, near-zero eigenvalue fraction >= {marginal_fraction:g}",
                **one}),
            "active": (active.dims, active.values, {
                "long_name": "neither quiescent nor marginally stable", **one}),
            "near_zero_fraction": (fraction.dims, np.asarray(fraction.values), {
                "long_name": "fraction of Jacobian eigenvalues near 0", **one}),
        },
        coords={name: phase[name] for name in quiescent.dims},
    )
