"""A network's Jacobian spectrum against the RMT prediction: the job-level functions."""

from __future__ import annotations

import numpy as np
import pytest

from gatedrnn import GatedRNN, Network
from gatedrnn.rmt_comparison import fixed_point_comparison, trajectory_comparison


def test_frozen_gates_give_a_circle_containing_the_cloud():
    params = GatedRNN(g_h=3.0)
    ds = trajectory_comparison(Network(params, N=120, seed=2), t_burn=30.0, n_samples=2,
                               sample_interval=5.0, n_angles=64)
    assert ds.sizes["index"] == 360 and ds.sizes["sample"] == 2
    centre = complex(-params.gate_z_at_zero)
    radii = np.abs(ds["boundary_real"] + 1j * ds["boundary_imag"] - centre)
    np.testing.assert_allclose(radii, radii[0], rtol=1e-9)
    assert float(ds["right_edge_predicted"]) == pytest.approx(-0.5 + float(radii[0]), abs=1e-9)
    # finite-N edge fluctuations ~ N^(-1/2) of the radius; a few eigenvalues may lie outside
    assert float(ds["fraction_outside"]) < 0.03
    assert np.all(ds["near_zero_predicted"] == 0.0)
    assert float(ds["mean_sigma_z"]) == 0.5


def test_fixed_point_has_the_exact_z_block_and_the_right_shape():
    params = GatedRNN(g_h=3.0, alpha_z=5.0, tau_z=2.0)
    network = Network(params, N=40, seed=0)
    ds = fixed_point_comparison(network, n_starts=6, n_angles=32)
    eigenvalues = ds["eig_real"].values[0] + 1j * ds["eig_imag"].values[0]
    assert np.sum(np.isclose(eigenvalues, -1.0 / params.tau_z, atol=1e-12)) >= network.N
    assert float(ds["q_h"]) > 0.01
    assert np.isnan(ds["time"].values).all()


def test_bad_arguments_name_the_parameter():
    network = Network(GatedRNN(g_h=3.0), N=10, seed=0)
    for name, value in (("t_burn", -1.0), ("sample_interval", 0.0), ("dt", np.nan), ("n_samples", 0)):
        with pytest.raises(ValueError, match=name):
            trajectory_comparison(network, **{name: value})
