"""Adjoint DMFT: backward growth rate of gradients (gatedrnn.dmft.adjoint, SPEC §6, C9).

Monte-Carlo tolerances as in test_dmft_tangent: `adjoint_growth_rate` reports a batch-means
standard error s from B batches of fresh-noise iterations, so (estimate - exact) / s follows
Student's t with B - 1 degrees of freedom; bounds are its quantile at a two-sided level 1e-3.
Two Monte-Carlo estimates are compared with the combined error sqrt(s1^2 + s2^2).

Measured (one core of a shared 2-core machine, defaults unless stated):

- alpha = beta = 0, g_h = 4 (exact 0.05623): kappa = 0.0560 +- 0.0007 (M = 500, dt = 0.2,
  P = 2048, seed 3; the tangent DMFT on the same settings gives 0.0560 +- 0.0007), 5 s.
- frozen biased gates g_h = 3, beta_z = 1, beta_r = -0.5 (exact 0.02555): 0.0263 +- 0.0004,
  6 s; max |C_a_h - psi_0| = 0.015 (0.009 at alpha = beta = 0).
- g_h = 4, alpha_z = 2, one sampled base solution per seed (M = 1000, 10-13 s, relaxation
  times 27.1, 25.3): kappa = 0.0448 +- 0.0006 and 0.0477 +- 0.0006 (seeds 0, 1; 51 s, 41 s),
  tangent lambda_max = 0.0448 +- 0.0007 and 0.0476 +- 0.0006 (35 s each) on the same bases
  and seeds.
- g_h = 4, alpha_r = 2, g_r = 2 (M = 400): kappa = 0.1660 +- 0.0010, lambda_max
  = 0.1657 +- 0.0014.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from gatedrnn import GatedRNN, Network
from gatedrnn.dmft import ConvergenceWarning, classical_max_lyapunov, stationary
from gatedrnn.dmft.adjoint import _adjoint_paths, _AdjointMap, adjoint_growth_rate
from gatedrnn.dmft.circle import Circle
from gatedrnn.dmft.schrodinger import _scs_ground_state
from gatedrnn.dmft.tangent import max_lyapunov
from gatedrnn.gradients import vector_jacobian_apply

from dmft_helpers import (
    NON_CONVERGING,
    QUIESCENT_CASES,
    check_growth_dataset,
    impossible_inputs,
    t_bound,
)

#: Frozen-gate points: alpha = beta = 0 (the SCS network at g = 2, time stretched by 2) and
#: one with biased gates (g = 3 sigma_r(0) = 1.87, time stretched by 1 / sigma_z(0) = 3.7).
FROZEN = {
    "symmetric": GatedRNN(g_h=4.0),
    "biased": GatedRNN(g_h=3.0, beta_z=1.0, beta_r=-0.5),
}


@pytest.fixture(scope="module")
def frozen_gates():
    """Adjoint DMFT at the frozen-gate points, cheap settings (~5 s each)."""
    return {
        name: adjoint_growth_rate(params, n_paths=500, dt=0.2, n_points=2048, seed=3)
        for name, params in FROZEN.items()
    }


# --- building blocks -------------------------------------------------------------------------


def test_adjoint_paths_solve_the_backward_equations():
    # smooth periodic coefficients and fields on a fine grid: the returned paths satisfy
    # -dp_h/dt = -(kappa + sigma_z) p_h + sigma_r phi' e_h + phi' e_g,
    # -dp_z/dt = sigma_z' xi p_h - (kappa + 1/tau_z) p_z,
    # -dp_r/dt = sigma_r' phi e_h - (kappa + 1/tau_r) p_r
    # (central differences, second order; the p_h scheme is second order too)
    params = GatedRNN(g_h=3.0, alpha_z=2.0, alpha_r=1.0, tau_z=2.0, tau_r=0.5)
    circle = Circle(4096, 0.01)
    t = circle.dt * np.arange(circle.n_points)[None, :]
    w = 2 * np.pi / circle.period
    coef = {
        "sigma_z": 0.5 + 0.3 * np.sin(3 * w * t),
        "phi_prime": 0.6 + 0.2 * np.cos(2 * w * t),
        "sigma_r_phi_prime": 0.3 + 0.1 * np.sin(w * t),
        "gain_w": 0.4 * np.cos(5 * w * t),
        "gain_v": 0.2 * np.sin(4 * w * t + 1.0),
    }
    e_h = np.cos(7 * w * t) + 0.5
    e_g = np.sin(2 * w * t)
    kappa = 0.05
    paths = _adjoint_paths(kappa, coef, e_h, e_g, params, circle)

    def minus_derivative(x):
        return -(np.roll(x, -1, axis=1) - np.roll(x, 1, axis=1)) / (2 * circle.dt)

    right = {
        "h": -(kappa + coef["sigma_z"]) * paths["h"]
        + coef["sigma_r_phi_prime"] * e_h
        + coef["phi_prime"] * e_g,
        "z": coef["gain_w"] * paths["h"] - (kappa + 1 / params.tau_z) * paths["z"],
        "r": coef["gain_v"] * e_h - (kappa + 1 / params.tau_r) * paths["r"],
    }
    for block in "hzr":
        scale = np.abs(right[block]).max()
        assert np.abs(minus_derivative(paths[block]) - right[block]).max() < 1e-4 * scale, block


def test_adjoint_map_is_homogeneous_on_common_random_numbers():
    # F(c k) = c F(k): the map is linear in the kernel scale for fixed random numbers
    params = GatedRNN(g_h=3.0, alpha_z=2.0, alpha_r=1.0, beta_r=0.5)
    circle = Circle(256, 0.2)
    c_phi = 0.4 * np.exp(-circle.lags / 5.0)
    adjoint_map = _AdjointMap(params, circle, c_phi, 0.3 * c_phi, n_paths=16)
    kernels = np.stack([np.exp(-circle.lags), 0.5 * np.exp(-circle.lags / 2.0)])
    once = adjoint_map(0.05, kernels, (0, 0), (0, 1))
    scaled = adjoint_map(0.05, 7.0 * kernels, (0, 0), (0, 1))
    assert np.abs(scaled - 7.0 * once).max() < 1e-12 * np.abs(scaled).max()
    assert once[0, 0] > 0 and once[1, 0] > 0
    # all three adjoint blocks are driven with both gates active
    assert np.all(adjoint_map.records[-1][:, 0] > 0)


# --- frozen gates: the additive (SCS) limit ---------------------------------------------------


@pytest.mark.parametrize("name", list(FROZEN))
def test_frozen_gates_give_the_scs_rate_with_time_rescaled(frozen_gates, name):
    params, ds = FROZEN[name], frozen_gates[name]
    s_z = params.gate_z_at_zero
    exact = s_z * classical_max_lyapunov(GatedRNN.classical(params.g_h * params.gate_r_at_zero))
    assert int(ds.converged) == 1 and int(ds.quiescent) == 0
    value, error = float(ds.growth_rate), float(ds.growth_rate_stderr)
    assert abs(value - exact) < t_bound() * error
    assert 0 < error < 0.03 * exact


@pytest.mark.parametrize("name", list(FROZEN))
def test_frozen_gate_adjoint_correlation_is_the_schrodinger_ground_state(frozen_gates, name):
    # With frozen gates a_z = a_r = 0 and <a_h(t) a_h(t + tau)> solves
    # ((s_z + kappa)^2 - d^2/dtau^2) C = (g s_z)^2 C_phi' C: the SCS ground state psi_0 at
    # g = g_h sigma_r(0), evaluated at the SCS lag s_z tau.
    params, ds = FROZEN[name], frozen_gates[name]
    s_z = params.gate_z_at_zero
    state = _scs_ground_state(
        params.g_h * params.gate_r_at_zero,
        dt=0.02,
        max_lag=None,
        tail_tol=1e-8,
        max_half_width=5000.0,
    )
    lags = ds.lag.values
    psi = np.interp(s_z * lags, state["lag"], state["psi"])
    measured = ds.C_a_h.values
    assert float(ds.C_a_h[0]) == pytest.approx(1.0, abs=1e-12)
    assert np.all(ds.C_a_z.values == 0.0) and np.all(ds.C_a_r.values == 0.0)
    assert np.abs(measured - psi / psi[0]).max() < 0.03  # measured 0.009 and 0.015
    assert float(ds.kernel_gate_field.max()) == 0.0


def test_frozen_gate_rate_equals_the_tangent_exponent_on_the_same_settings(frozen_gates):
    # the transposed propagator has the growth rate of the forward one
    adjoint = frozen_gates["symmetric"]
    tangent = max_lyapunov(FROZEN["symmetric"], n_paths=500, dt=0.2, n_points=2048, seed=4)
    difference = float(adjoint.growth_rate - tangent.max_lyapunov)
    error = math.hypot(float(adjoint.growth_rate_stderr), float(tangent.max_lyapunov_stderr))
    assert abs(difference) < t_bound() * error


def test_output_gate_rate_equals_the_tangent_exponent():
    # alpha_r != 0 (deterministic base, alpha_z = 0): the a_r channel and sigma_r' phi nu_h
    # are active and feed back through nu_r
    params = GatedRNN(g_h=4.0, alpha_r=2.0, g_r=2.0)
    options = dict(n_paths=400, dt=0.2, n_points=2048, seed=5)
    adjoint = adjoint_growth_rate(params, **options)
    tangent = max_lyapunov(params, **options)
    assert int(adjoint.converged) == 1 and int(tangent.converged) == 1
    assert float(adjoint.C_a_r[0]) > 0 and float(adjoint.kernel_gate_field[0]) > 0
    assert np.all(adjoint.C_a_z.values == 0.0)  # alpha_z = 0: a_z is not driven
    difference = float(adjoint.growth_rate - tangent.max_lyapunov)
    error = math.hypot(float(adjoint.growth_rate_stderr), float(tangent.max_lyapunov_stderr))
    assert abs(difference) < t_bound() * error


# --- quiescent state -------------------------------------------------------------------------


@pytest.mark.parametrize("params, expected", QUIESCENT_CASES)
def test_quiescent_state_has_the_zero_fixed_point_rate(params, expected):
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # a stable zero state is no failure
        ds = adjoint_growth_rate(params, n_points=256)
    assert int(ds.quiescent) == 1 and int(ds.converged) == 1
    assert float(ds.growth_rate) == pytest.approx(expected, abs=1e-15)
    assert float(ds.growth_rate_stderr) == 0.0
    total = float(ds.C_a_h[0] + ds.C_a_z[0] + ds.C_a_r[0])
    assert total == pytest.approx(1.0, abs=1e-12)
    for name in ("C_a_h", "C_a_z", "C_a_r"):  # a static leading mode: flat over lag
        assert np.all(ds[name].values == ds[name].values[0])


def test_quiescent_slow_gate_mode_matches_a_finite_network():
    # g_h = 1.2, tau_z = 10: the leading adjoint mode has eigenvalue -1/tau_z, a_z = v any
    # vector, and a_h solves (kappa + s_z - s_z s_r J^h^T) a_h = J^z^T v / tau_z; its weight
    # |a_h|^2 / |a|^2 self-averages to the DMFT value 0.1429 / 1.1429 = 0.125 (measured
    # 0.124-0.128 over four coupling seeds at N = 2000 with 16 vectors v).
    params = GatedRNN(g_h=1.2, tau_z=10.0)
    ds = adjoint_growth_rate(params, n_points=256)
    kappa = float(ds.growth_rate)
    N, n_vectors = 2000, 16
    network = Network(params, N=N, seed=0)
    s_z, s_r = params.gate_z_at_zero, params.gate_r_at_zero
    v = np.random.default_rng(1).standard_normal((N, n_vectors))
    a_h = np.linalg.solve(
        (kappa + s_z) * np.eye(N) - s_z * s_r * network.J_h.T, network.J_z.T @ v / params.tau_z
    )
    adjoint = np.stack([a_h, v, np.zeros((N, n_vectors))])
    pulled = vector_jacobian_apply(network, np.zeros((3, N)), adjoint)
    assert np.abs(pulled - kappa * adjoint).max() < 1e-10  # eigenvectors of D^T
    weights = (adjoint**2).sum(axis=(1, 2)) / (adjoint**2).sum()
    expected = np.array([float(ds.C_a_h[0]), float(ds.C_a_z[0]), float(ds.C_a_r[0])])
    var_h = (1 / params.tau_z) ** 2 / ((kappa + s_z) ** 2 - (params.g_h * s_r * s_z) ** 2)
    assert expected[0] == pytest.approx(var_h / (1 + var_h), rel=1e-12)  # 1/8
    assert np.abs(weights - expected).max() < 0.01  # O(1/sqrt(N n_vectors)) fluctuations


# --- dataset contract, validation, failure modes -------------------------------------------


def test_dataset_contract_and_round_trip(frozen_gates, tmp_path):
    ds = frozen_gates["symmetric"]
    kernels = ("kernel_h_field", "kernel_gate_field")
    back = check_growth_dataset(ds, "growth_rate", kernels, tmp_path / "adjoint.nc")
    assert ds.lag.attrs["units"] == "tau_h"
    np.testing.assert_array_equal(back.C_a_h.values, ds.C_a_h.values)


@pytest.mark.parametrize("options, name", impossible_inputs("kappa_guess"))
def test_rejects_impossible_inputs(options, name):
    with pytest.raises(ValueError, match=name):
        adjoint_growth_rate(GatedRNN(g_h=4.0), **options)


def test_rejects_other_params_and_bases_of_other_parameters():
    with pytest.raises(ValueError, match="params"):
        adjoint_growth_rate({"g_h": 4.0})
    base = stationary(GatedRNN(g_h=1.5), method="deterministic", dt=0.1, n_points=256)
    with pytest.raises(ValueError, match="g_h"):
        adjoint_growth_rate(GatedRNN(g_h=4.0), base=base)


def test_non_convergence_warns_and_is_flagged():
    with pytest.warns(ConvergenceWarning, match="secant"):
        ds = adjoint_growth_rate(GatedRNN.classical(2.0), **NON_CONVERGING)
    assert int(ds.converged) == 0
    assert np.isfinite(float(ds.growth_rate))


# --- gated point (slow) ----------------------------------------------------------------------


@pytest.mark.slow
def test_gated_rate_equals_the_tangent_exponent():
    # g_h = 4, alpha_z = 2: both on one sampled base solution and seed, so the base error is
    # common and the fresh-noise errors are the scale of the difference (measured 0.04478 vs
    # 0.04477). The sigma_z' xi term now acts through a_z and nu_z.
    params = GatedRNN(g_h=4.0, alpha_z=2.0)
    base = stationary(params, n_paths=1000, seed=0)
    adjoint = adjoint_growth_rate(params, base=base, seed=0)
    tangent = max_lyapunov(params, base=base, seed=0)
    assert int(adjoint.converged) == 1 and int(tangent.converged) == 1
    difference = float(adjoint.growth_rate - tangent.max_lyapunov)
    error = math.hypot(float(adjoint.growth_rate_stderr), float(tangent.max_lyapunov_stderr))
    assert abs(difference) < t_bound() * error
    assert 0.04 < float(adjoint.growth_rate) < 0.05
    # the update-gate block carries a small, non-zero share of the adjoint
    assert 0 < float(adjoint.C_a_z[0]) < 0.1
    assert np.all(adjoint.C_a_r.values == 0.0)
