"""Fixed points of finite networks: residuals, the zero fixed point's stability, the dataset."""

import numpy as np
import pytest

from gatedrnn import GatedRNN, Inputs, Network
from gatedrnn.fixed_points import (
    FixedPointNotFound,
    find_fixed_point,
    find_fixed_points,
    fixed_point_residual,
)
from gatedrnn.io import check_dataset, read_dataset, write_dataset

from model_helpers import GATED


def test_every_returned_fixed_point_solves_the_full_vector_field():
    net = Network(GATED, 40, seed=2)
    ds = find_fixed_points(net, n_starts=12, seed=1)
    assert ds.sizes["fixed_point"] >= 2  # the zero fixed point and at least one other
    for k in range(ds.sizes["fixed_point"]):
        x = np.stack([ds.h[k].values, ds.z[k].values, ds.r[k].values])
        assert np.max(np.abs(net.vector_field(x))) < 1e-10
        assert float(ds.residual[k]) < 1e-10


def test_single_fixed_point_with_static_inputs_solves_the_vector_field():
    net = Network(GATED, 30, seed=5)
    rng = np.random.default_rng(0)
    inputs = Inputs(h=rng.normal(0, 0.5, 30), z=rng.normal(0, 0.5, 30), r=rng.normal(0, 0.5, 30))
    fp = find_fixed_point(net, rng.normal(0, 1.0, 30), inputs=inputs)
    assert fp.converged and fp.state.shape == (3, 30)
    assert fixed_point_residual(net, fp.state, inputs) < 1e-10
    assert fp.residual == pytest.approx(fixed_point_residual(net, fp.state, inputs), abs=1e-300)


@pytest.mark.parametrize("beta_r", [0.0, 0.8])
def test_zero_fixed_point_is_stable_below_and_unstable_above_1_plus_exp_beta_r(beta_r):
    threshold = 1.0 + np.exp(beta_r)
    for factor, stable in ((0.8, 1), (1.25, 0)):
        params = GATED.replace(g_h=factor * threshold, beta_r=beta_r)
        ds = find_fixed_points(Network(params, 50, seed=3), n_starts=6, scale=(1e-3, 0.5), seed=0)
        zero = ds.where(ds.q_h < 1e-20, drop=True)
        assert zero.sizes["fixed_point"] == 1
        assert int(zero.stable[0]) == stable
        # finite-N edge: s_z (g_h s_r - 1) within the circular-law edge fluctuations
        s_z, s_r = params.gate_z_at_zero, params.gate_r_at_zero
        assert float(zero.max_real_eigenvalue[0]) == pytest.approx(
            s_z * (params.g_h * s_r - 1), abs=0.6 * s_z * params.g_h * s_r
        )


def test_below_threshold_every_start_reaches_the_zero_fixed_point():
    params = GatedRNN(g_h=1.5, alpha_z=2.0, alpha_r=1.0)
    ds = find_fixed_points(Network(params, 40, seed=0), n_starts=5, scale=(0.3, 3.0))
    assert ds.sizes["fixed_point"] == 1
    assert float(ds.q_h[0]) < 1e-20 and int(ds.stable[0]) == 1
    assert int(ds.hits[0]) == 5 and ds.attrs["n_failed"] == 0


def test_non_convergence_raises_or_is_flagged():
    net = Network(GATED, 20, seed=1)
    h0 = np.random.default_rng(0).normal(0, 2.0, 20)
    with pytest.raises(FixedPointNotFound, match="tol=1e-300"):
        find_fixed_point(net, h0, tol=1e-300, max_iter=3)
    fp = find_fixed_point(net, h0, tol=1e-300, max_iter=3, raise_on_failure=False)
    assert not fp.converged


def test_dataset_has_units_and_round_trips(tmp_path):
    net = Network(GATED, 25, seed=4)
    ds = find_fixed_points(net, n_starts=4, seed=2)
    check_dataset(ds)
    assert set(ds.h.dims) == {"fixed_point", "unit"}
    assert float(ds.N) == 25 and float(ds.g_h) == GATED.g_h
    back = read_dataset(write_dataset(ds, tmp_path / "fp.nc"))
    np.testing.assert_array_equal(back.h.values, ds.h.values)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(n_starts=0), "n_starts"),
        (dict(scale=-1.0), "scale"),
        (dict(seed=-2), "seed"),
        (dict(distance_tol=0.0), "distance_tol"),
    ],
)
def test_find_fixed_points_rejects_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        find_fixed_points(Network(GATED, 10, seed=0), **kwargs)


@pytest.mark.parametrize(
    "kwargs, name",
    [(dict(h0=np.zeros(9)), "h0"), (dict(tol=0.0), "tol"), (dict(max_iter=0), "max_iter")],
)
def test_find_fixed_point_rejects_bad_input(kwargs, name):
    arguments = dict(h0=np.zeros(10), **{k: v for k, v in kwargs.items() if k != "h0"})
    if "h0" in kwargs:
        arguments["h0"] = kwargs["h0"]
    with pytest.raises(ValueError, match=name):
        find_fixed_point(Network(GATED, 10, seed=0), **arguments)


def test_time_dependent_inputs_are_rejected():
    net = Network(GATED, 10, seed=0)
    with pytest.raises(ValueError, match="inputs.h"):
        find_fixed_point(net, np.zeros(10), inputs=Inputs(h=lambda t: np.zeros(10)))
