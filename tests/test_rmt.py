"""Predicted support of Jacobian spectra: circular-law limits, rho(M) = 1 vs conditions (F)/(T),
stability at lambda = 0, and agreement with finite-network fixed-point spectra."""

import numpy as np
import pytest

from gatedrnn import GatedRNN, Network
from gatedrnn import rmt
from gatedrnn.dmft import static, stationary
from gatedrnn.fixed_points import find_fixed_points
from gatedrnn.spectra import fixed_point_eigenvalues

from model_helpers import GATED


def random_samples(n, seed=0, scale=(1.2, 0.8, 0.9, 1.5)):
    rng = np.random.default_rng(seed)
    return [s * rng.standard_normal(n) for s in scale]


@pytest.mark.parametrize("beta_z, beta_r", [(0.0, 0.0), (0.7, -0.4)])
def test_frozen_gates_give_the_circular_law(beta_z, beta_r):
    """alpha_z = alpha_r = 0: |lambda + s_z| = s_z g_h s_r sqrt(<phi'^2>) exactly."""
    params = GatedRNN(g_h=3.0, g_r=1.7, beta_z=beta_z, beta_r=beta_r, tau_z=0.6, tau_r=1.4)
    h, z, r, xi = random_samples(2000)
    averages = rmt.site_averages(h, z, r, params, xi=xi)
    curve = rmt.boundary(averages, params, n_angles=32)
    s_z, s_r = params.gate_z_at_zero, params.gate_r_at_zero
    radius = s_z * params.g_h * s_r * np.sqrt(np.mean(np.cosh(h) ** -4))
    assert curve.centre == pytest.approx(-s_z, abs=1e-14)
    np.testing.assert_allclose(curve.radius, radius, rtol=1e-10)
    assert curve.right_edge == pytest.approx(radius - s_z, abs=1e-9)


def test_zero_fixed_point_disk_equals_the_static_boundary_of_the_trivial_branch():
    params = GATED.replace(g_h=1.5)
    disk = rmt.zero_fixed_point_spectrum(params)
    s_z, s_r = params.gate_z_at_zero, params.gate_r_at_zero
    assert (disk.centre, disk.radius) == pytest.approx((-s_z, s_z * params.g_h * s_r), rel=1e-15)
    assert disk.point_eigenvalues == (-1 / params.tau_z, -1 / params.tau_r)
    curve = rmt.fixed_point_boundary(params, branch=0, n_angles=16)
    np.testing.assert_allclose(curve.radius, disk.radius, rtol=1e-10)
    assert curve.right_edge == pytest.approx(disk.right_edge, abs=1e-9)


@pytest.mark.parametrize("alpha_z", [0.0, 5.0])
def test_rho_M_boundary_is_condition_F_at_static_fixed_points(alpha_z):
    params = GATED.replace(alpha_z=alpha_z)
    solution = static(params)
    branch = int(solution.sizes["branch"]) - 1
    assert branch >= 1  # a nontrivial branch exists at g_h = 3
    curve = rmt.fixed_point_boundary(params, solution, branch=branch, n_angles=24)
    delta_h = float(solution.delta_h[branch])
    condition_f = rmt.fixed_point_condition(params, delta_h, curve.curve)
    np.testing.assert_allclose(condition_f, 1.0, rtol=1e-8)
    averages = rmt.static_site_averages(params, delta_h)
    np.testing.assert_allclose(rmt.trajectory_condition(averages, params, curve.curve), 1.0, rtol=1e-9)


@pytest.mark.parametrize("alpha_z", [0.0, 2.0, 20.0])
def test_stability_at_lambda_zero_is_the_static_margin_for_any_update_gate(alpha_z):
    """At lambda = 0, sigma_z^2 / |0 + sigma_z|^2 = 1: condition (F) is the static margin
    g_h^2 <phi'^2>(<sigma_r^2> + g_r^2 <sigma_r'^2><phi^2>) whatever alpha_z, and rho(M(0)) - 1
    has its sign (rho solves rho^2 = g_h^2 a rho + g_h^2 g_r^2 c d, which is 1 iff the margin is)."""
    params = GATED.replace(alpha_z=alpha_z)
    solution = static(params)
    for branch in range(solution.sizes["branch"]):
        point = solution.isel(branch=branch)
        margin = float(point.stability_margin)
        averages = rmt.static_site_averages(params, float(point.delta_h))
        assert float(rmt.trajectory_condition(averages, params, 0.0)) == pytest.approx(margin, rel=1e-10)
        rho = float(rmt.spectral_radius(averages, params, 0.0))
        assert np.sign(rho - 1.0) == np.sign(margin - 1.0) and abs(margin - 1.0) > 1e-3


def test_rho_M_boundary_is_condition_T_when_sigma_r_is_independent():
    """With r independent of (h, z, xi) (exact product samples), det(1 - M) = 0 reduces to (T)."""
    params = GATED
    h, z, _, xi = random_samples(300, seed=1)
    r = random_samples(40, seed=2)[2]
    grid = np.meshgrid(np.arange(300), np.arange(40), indexing="ij")
    first, second = (g.ravel() for g in grid)
    averages = rmt.site_averages(h[first], z[first], r[second], params, xi=xi[first])
    curve = rmt.boundary(averages, params, n_angles=24)
    np.testing.assert_allclose(rmt.trajectory_condition(averages, params, curve.curve), 1.0, rtol=1e-9)
    np.testing.assert_allclose(rmt.spectral_radius(averages, params, curve.curve), 1.0, rtol=1e-9)
    # and the xi term matters: dropping it moves the boundary
    no_drift = rmt.site_averages(h[first], z[first], r[second], params)
    assert rmt.boundary(no_drift, params, n_angles=24).right_edge < curve.right_edge - 1e-3


def test_boundary_contains_and_fraction_outside():
    params = GatedRNN(g_h=2.0)
    averages = rmt.site_averages(np.zeros(4), np.zeros(4), np.zeros(4), params)
    curve = rmt.boundary(averages, params, n_angles=64)  # disk centre -0.5, radius 0.5
    points = np.array([-0.5, -0.1 + 0.1j, 0.1, -1.2])
    np.testing.assert_array_equal(curve.contains(points), [True, True, False, False])
    assert curve.fraction_outside(points) == 0.5
    ds = curve.to_dataset(params, source="test")
    assert float(ds.right_edge) == pytest.approx(0.0, abs=1e-9)
    for name in ds.data_vars:
        assert {"long_name", "units"} <= set(ds[name].attrs)


def test_fixed_point_spectra_of_a_finite_network_lie_inside_their_own_boundary():
    """(F) with the network's own unit averages at Newton fixed points (SPEC §3).

    N = 150, where the circular-law edge fluctuates by ~0.5 / sqrt(N) ~ 4% of the radius
    R ~ 1.9 (one standard deviation ~0.08). Measured over 4 fixed points (2 seeds): the
    predicted right edge lies 0.06-0.13 to the right of max Re lambda and 2 of 450
    eigenvalues fall outside. Bounds: edge offset < 0.1 R (~2.4 sd), < 2% outside.
    """
    N = 150
    params = GATED
    net = Network(params, N, seed=0)
    ds = find_fixed_points(net, n_starts=4, scale=(1.0, 2.0), seed=0)
    nontrivial = [k for k in range(ds.sizes["fixed_point"]) if float(ds.q_h[k]) > 0.1]
    assert nontrivial
    for k in nontrivial:
        x = np.stack([ds.h[k].values, ds.z[k].values, ds.r[k].values])
        eigenvalues = fixed_point_eigenvalues(net, x)
        averages = rmt.network_site_averages(net, x)
        curve = rmt.boundary(averages, params, n_angles=128)
        assert eigenvalues.real.max() == pytest.approx(curve.right_edge, abs=0.1 * curve.radius.max())
        assert curve.fraction_outside(eigenvalues) < 0.02


def test_dmft_site_samples_reproduce_the_stationary_variance_and_circle():
    params = GatedRNN(g_h=4.0)
    solution = stationary(params, method="deterministic", n_points=4096)
    samples = rmt.dmft_site_samples(solution, n_paths=200, seed=0)
    c_h0 = float(solution.C_h[0])
    # 200 paths x ~80 samples; samples along a path are correlated over ~tau_relax: ~5% error
    assert np.var(samples["h"]) == pytest.approx(c_h0, rel=0.1)
    averages = rmt.site_averages(params=params, **samples)
    curve = rmt.boundary(averages, params, n_angles=16)
    radius = 0.5 * 4.0 * 0.5 * np.sqrt(np.mean(np.cosh(samples["h"]) ** -4))
    np.testing.assert_allclose(curve.radius, radius, rtol=1e-9)


def test_near_zero_fraction_prediction():
    sigma_z = np.array([0.001, 0.02, 0.2, 0.5])
    np.testing.assert_allclose(
        rmt.near_zero_fraction_prediction(sigma_z, [0.01, 0.1, 1.0]), [1 / 12, 2 / 12, 4 / 12]
    )
    np.testing.assert_allclose(
        rmt.near_zero_fraction_prediction(sigma_z, 0.01, weights=[3.0, 1.0, 0.0, 0.0]), [0.25]
    )


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: rmt.zero_fixed_point_spectrum("g_h=3"), "params"),
        (lambda: rmt.static_site_averages(GATED, -1.0), "delta_h"),
        (lambda: rmt.site_averages(np.ones(3), np.ones(2), np.ones(3), GATED), "h, z, r"),
        (lambda: rmt.near_zero_fraction_prediction([0.1], -0.5), "eps"),
        (lambda: rmt.fixed_point_boundary(GATED.replace(g_h=1.0), branch=3), "branch"),
        (
            lambda: rmt.boundary(rmt.static_site_averages(GATED, 0.0), GATED, n_angles=4),
            "n_angles",
        ),
        (
            lambda: rmt.boundary(rmt.static_site_averages(GATED, 0.0), GATED, centre=5.0),
            "centre",
        ),
    ],
)
def test_bad_input_raises_value_error_naming_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()
