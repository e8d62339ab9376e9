"""Jacobian eigenvalues of finite networks: dense vs finite differences, the fixed-point block
reduction, the zero fixed point's circular law, and the dataset."""

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from gatedrnn import GatedRNN, Network
from gatedrnn.fixed_points import find_fixed_points
from gatedrnn.io import check_dataset, read_dataset, write_dataset
from gatedrnn.spectra import (
    eigenvalue_dataset,
    eigenvalue_density,
    fixed_point_eigenvalues,
    jacobian_eigenvalues,
    near_zero_fraction,
    reduced_fixed_point_jacobian,
    trajectory_eigenvalues,
)

from model_helpers import FD_STEP, GATED


def random_state(N, rng):
    return np.stack([rng.normal(0, 1.5, N), rng.normal(0, 0.5, N), rng.normal(0, 0.7, N)])


def max_matched_distance(first, second):
    """Largest |first_i - second_pi(i)| under the best one-to-one matching."""
    cost = np.abs(first[:, None] - second[None, :])
    rows, cols = linear_sum_assignment(cost)
    return cost[rows, cols].max()


def fixed_point_states(net, n_starts=8):
    ds = find_fixed_points(net, n_starts=n_starts, seed=3)
    return [np.stack([ds.h[k].values, ds.z[k].values, ds.r[k].values]) for k in range(ds.sizes["fixed_point"])]


def test_dense_eigenvalues_equal_those_of_a_central_difference_jacobian():
    N = 8
    net = Network(GATED, N, seed=7)
    x = random_state(N, np.random.default_rng(1))
    columns = []
    for k in range(3 * N):
        direction = np.zeros(3 * N)
        direction[k] = 1.0
        direction = direction.reshape(3, N)
        columns.append(
            (net.vector_field(x + FD_STEP * direction) - net.vector_field(x - FD_STEP * direction)).ravel()
            / (2 * FD_STEP)
        )
    finite_difference = np.linalg.eigvals(np.array(columns).T)
    eigenvalues = jacobian_eigenvalues(net, x)
    assert eigenvalues.shape == (3 * N,)
    # entries agree to ~1e-9 (FD_STEP^2 truncation + eps / FD_STEP rounding); eigenvalues of
    # this well-separated spectrum move by at most a few times that
    assert max_matched_distance(eigenvalues, finite_difference) < 1e-7
    assert np.all(np.diff(eigenvalues.real) <= 0)  # ordered by decreasing real part


def test_eigenvalues_sum_to_the_trace():
    net = Network(GATED, 20, seed=3)
    x = random_state(20, np.random.default_rng(2))
    assert jacobian_eigenvalues(net, x).sum().real == pytest.approx(net.jacobian_trace(x), rel=1e-12)


def test_block_reduced_fixed_point_eigenvalues_equal_the_dense_ones():
    net = Network(GATED, 30, seed=2)
    states = fixed_point_states(net)
    assert len(states) >= 2
    for x in states:
        reduced = fixed_point_eigenvalues(net, x)
        dense = jacobian_eigenvalues(net, x)
        scale = np.abs(dense).max()
        # both from LAPACK on matrices that agree to ~1e-12 (the residual xi of the root)
        assert max_matched_distance(reduced, dense) < 1e-9 * scale
        assert np.sum(reduced == -1.0 / GATED.tau_z) >= net.N
        dense_block = net.jacobian(x)
        keep = np.r_[0 : net.N, 2 * net.N : 3 * net.N]
        np.testing.assert_allclose(
            reduced_fixed_point_jacobian(net, x), dense_block[np.ix_(keep, keep)], rtol=0, atol=1e-14
        )


def test_block_reduction_refuses_a_state_that_is_not_a_fixed_point():
    net = Network(GATED, 10, seed=0)
    with pytest.raises(ValueError, match="not a fixed point"):
        fixed_point_eigenvalues(net, random_state(10, np.random.default_rng(0)))


def test_zero_fixed_point_spectrum_edge_matches_the_circular_law_at_large_N():
    """Right edge s_z (g_h s_r - 1) and radius s_z g_h s_r of the disk at N = 1000.

    Measured for real Ginibre matrices at N = 1000 (12 seeds, radius 1): max Re lambda - 1 has
    mean -0.005 and standard deviation 0.016; max |lambda| - 1 has mean +0.021, std 0.009.
    Bounds below are about 5 standard deviations per seed.
    """
    N = 1000
    params = GatedRNN(g_h=3.0, alpha_z=5.0, beta_z=0.4, alpha_r=2.0, beta_r=0.5, tau_z=2.0, tau_r=0.5)
    s_z, s_r = params.gate_z_at_zero, params.gate_r_at_zero
    radius = s_z * params.g_h * s_r
    for seed in range(3):
        net = Network(params, N, seed=seed)
        eigenvalues = fixed_point_eigenvalues(net, np.zeros((3, N)))
        disk = eigenvalues[np.abs(eigenvalues + 1 / params.tau_r) > 1e-9]
        disk = disk[disk != -1 / params.tau_z]
        assert disk.size == N  # the r and z blocks are exactly -1/tau_r, -1/tau_z at h = 0
        assert (disk.real.max() - (radius - s_z)) / radius == pytest.approx(-0.005, abs=0.08)
        assert np.abs(disk + s_z).max() / radius - 1 == pytest.approx(0.021, abs=0.045)


def test_trajectory_eigenvalues_shape_and_near_zero_fraction():
    net = Network(GATED, 6, seed=1)
    rng = np.random.default_rng(3)
    states = np.array([random_state(6, rng) for _ in range(3)])
    eigenvalues = trajectory_eigenvalues(net, states)
    assert eigenvalues.shape == (3, 18)
    np.testing.assert_array_equal(eigenvalues[1], jacobian_eigenvalues(net, states[1]))
    values = np.array([0.005, -0.02j, 0.5, 2.0 + 0.1j])
    np.testing.assert_array_equal(near_zero_fraction(values, [0.01, 0.1, 1.0, 10.0]), [0.25, 0.5, 0.75, 1.0])
    with pytest.raises(ValueError, match="eps"):
        near_zero_fraction(values, [-0.1])
    with pytest.raises(ValueError, match="states"):
        trajectory_eigenvalues(net, states[0])


def test_eigenvalue_density_is_normalised():
    values = np.random.default_rng(0).normal(size=500) + 1j * np.random.default_rng(1).normal(size=500)
    density, real_edges, imag_edges = eigenvalue_density(values, 20, 30)
    area = np.diff(real_edges)[:, None] * np.diff(imag_edges)[None, :]
    assert density.shape == (20, 30)
    assert (density * area).sum() == pytest.approx(1.0, rel=1e-12)


def test_eigenvalue_dataset_has_units_and_round_trips(tmp_path):
    net = Network(GATED, 5, seed=1)
    states = np.array([random_state(5, np.random.default_rng(k)) for k in range(2)])
    eigenvalues = trajectory_eigenvalues(net, states)
    ds = eigenvalue_dataset(net, eigenvalues, times=np.array([0.0, 1.0]), eps=[0.1, 1.0])
    check_dataset(ds)
    assert ds.eig_real.dims == ("sample", "index") and ds.sizes["index"] == 15
    back = read_dataset(write_dataset(ds, tmp_path / "eig.nc"))
    np.testing.assert_array_equal(back.eig_real.values + 1j * back.eig_imag.values, eigenvalues)
    with pytest.raises(ValueError, match="times"):
        eigenvalue_dataset(net, eigenvalues, times=np.zeros(3))
