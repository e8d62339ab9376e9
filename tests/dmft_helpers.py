"""Shared cases and checks of the growth-rate DMFT tests (test_dmft_tangent, test_dmft_adjoint).

`max_lyapunov` and `adjoint_growth_rate` share their solver, arguments and output layout; only
the names of the rate (``max_lyapunov`` / ``growth_rate``) and of its first guess differ.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats

from gatedrnn import GatedRNN
from gatedrnn.io import check_dataset, read_dataset, write_dataset

LEVEL = 1e-3
#: Batches of the default error estimate (n_error_blocks).
BLOCKS = 10


def t_bound(dof: int = BLOCKS - 1) -> float:
    """Two-sided Student-t quantile at LEVEL: the bound on (estimate - exact) / stderr."""
    return float(stats.t.ppf(1 - LEVEL / 2, dof))


#: (params, exact rate) at a quiescent stationary solution: the zero fixed point's rate.
QUIESCENT_CASES = [
    (GatedRNN(g_h=1.5), 0.5 * (1.5 * 0.5 - 1.0)),  # -sigma_z(0) (1 - g_h sigma_r(0))
    (GatedRNN(g_h=1.5, alpha_r=1.0, g_r=2.0), -0.125),  # alpha_r does not enter at 0
    (GatedRNN(g_h=1.5, tau_z=10.0), -0.1),  # the slow z block, eigenvalue -1/tau_z
    (GatedRNN(g_h=1.5, alpha_z=2.0), -0.125),  # sampled base: collapses onto C_h = 0
]

#: Settings on which the secant cannot converge (SCS network at g = 2).
NON_CONVERGING = dict(
    n_paths=50,
    n_points=1024,
    mu_tol=1e-12,
    max_secant=2,
    max_power_iter=3,
    n_fresh=4,
    n_discard=0,
    n_error_blocks=2,
)


def impossible_inputs(guess_name: str) -> list:
    """(options, name of the parameter the ValueError must name); `guess_name` is that of the
    first rate tried (lambda_guess, kappa_guess)."""
    return [
        (dict(n_paths=1), "n_paths"),
        (dict(n_paths=2.5), "n_paths"),
        (dict(dt=0.0), "dt"),
        (dict(dt=float("nan")), "dt"),
        (dict(n_points=15), "n_points"),
        (dict(n_points=101), "n_points"),
        (dict(seed=-1), "seed"),
        (dict(mu_tol=0.0), "mu_tol"),
        (dict(kernel_tol=-1.0), "kernel_tol"),
        ({guess_name: 0.0}, guess_name),
        (dict(max_power_iter=0), "max_power_iter"),
        (dict(max_secant=1), "max_secant"),
        (dict(history=-1), "history"),
        (dict(n_fresh=5, n_discard=2, n_error_blocks=4), "n_fresh"),
        (dict(n_error_blocks=1), "n_error_blocks"),
        (dict(base="not a dataset"), "base"),
    ]


def check_growth_dataset(ds, rate: str, kernels: tuple[str, str], path):
    """The output contract of a frozen-gate (g_h = 4) solve with n_paths = 500: attributes,
    settings, the two solver phases, normalised kernels; returns the dataset written to
    `path` and read back."""
    for name, var in {**ds.data_vars, **ds.coords}.items():
        assert "long_name" in var.attrs and "units" in var.attrs, name
    assert ds[rate].attrs["units"] == "1/tau_h"
    assert float(ds.g_h) == 4.0 and float(ds.alpha_z) == 0.0
    settings = json.loads(ds.attrs["settings"])
    assert settings["n_paths"] == 500 and settings["base_method"] == "deterministic"
    # the secant ended on |log mu| <= mu_tol; the history marks the two phases
    assert abs(float(ds.secant_log_mu[-1])) <= settings["mu_tol"]
    assert set(np.unique(ds.history_phase.values)) == {0, 1}
    assert ds.sizes["fresh"] == settings["n_fresh"]
    # the kernels are normalised covariances
    assert float(ds[kernels[0]][0] + ds[kernels[1]][0]) == pytest.approx(1.0)
    check_dataset(ds)
    back = read_dataset(write_dataset(ds, path))
    assert float(back[rate]) == float(ds[rate])
    return back
