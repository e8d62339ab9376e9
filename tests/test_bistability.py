"""Bistability and input-induced chaos of finite networks with an output gate (claim C7).

Reference gains at alpha_r = 20, beta_r = 0, g_r = 1, alpha_z = 0 (`gatedrnn.transition`):
proliferation 1.628, chaos onset 1.759 (MLE 0.091), zero-fixed-point instability 2.
"""

import json

import numpy as np
import pytest
import xarray as xr

from gatedrnn import GatedRNN, Network
from gatedrnn.bistability import attractor_survey, fixed_point_census, input_induced_chaos
from gatedrnn.io import check_dataset, read_dataset, write_dataset

STRONG_GATE = GatedRNN(g_h=1.85, alpha_r=20.0)
QUICK_SURVEY = dict(n_trials=2, t_max=20.0, mle_window=10.0, n_blocks=2, progress=False)
QUICK_KICK = dict(t_after=10.0, n_trials=2, mle_window=10.0, n_blocks=2, progress=False)


@pytest.fixture(scope="module")
def small_network():
    return Network(STRONG_GATE, 40, seed=3)


# --- structure ----------------------------------------------------------------------------


def test_survey_dataset_layout_and_round_trip(small_network, tmp_path):
    ds = attractor_survey(small_network, **QUICK_SURVEY)
    assert ds.sizes == {"time": 21, "init": 2, "trial": 2, "block": 2}
    assert ds["q_h"].dims == ("time", "init", "trial")
    assert ds["survival"].dims == ("time", "init")
    assert ds["block_mle"].dims == ("block", "init", "trial")
    assert list(ds["init"].values) == ["small", "large"]
    np.testing.assert_array_equal(ds["init_scale"].values, [0.01, 2.0])
    np.testing.assert_array_equal(ds["block_start"].values, [10.0, 15.0])
    for name, value in {**STRONG_GATE.to_dict(), "N": 40, "seed": 3}.items():
        assert ds[name].item() == value
    assert json.loads(ds.attrs["settings"])["protocol"] == "attractor_survey"
    check_dataset(ds)
    # the MLE is the mean of its blocks; survival the trial mean of `active`
    np.testing.assert_allclose(ds["mle"].values, ds["block_mle"].mean("block").values,
                               rtol=1e-12)
    np.testing.assert_array_equal(ds["survival"].values, ds["active"].mean("trial").values)
    # q_h at t = 0 is that of the initial states, h ~ N(0, scale^2)
    x0 = small_network.initial_state(2, scale=2.0, seed=1000)
    np.testing.assert_allclose(ds["q_h"].isel(time=0).sel(init="large").values,
                               np.mean(x0[0] ** 2, axis=0), rtol=1e-12)
    xr.testing.assert_identical(read_dataset(write_dataset(ds, tmp_path / "s.nc")), ds)
    again = attractor_survey(small_network, **QUICK_SURVEY)
    np.testing.assert_array_equal(again["q_h"].values, ds["q_h"].values)


def test_kick_dataset_layout(small_network):
    ds = input_induced_chaos(small_network, 0.5, 2.0, **QUICK_KICK)
    assert ds.sizes == {"time": 13, "trial": 2, "block": 2}
    assert ds["q_h"].dims == ("time", "trial") and ds["fraction_chaotic"].ndim == 0
    assert ds["pulse_end"].item() == 2.0 and ds["pulse_end"].attrs["units"] == "tau_h"
    check_dataset(ds)


def test_census_layout_and_counts_are_consistent():
    net = Network(GatedRNN(g_h=2.1, alpha_r=20.0), 40, seed=0)
    census = fixed_point_census(net, 12, progress=False)
    check_dataset(census)
    n = census.sizes["fixed_point"]
    assert int(census["n_fixed_points"]) == n
    assert int(census["n_stable"]) == int(census["stable"].sum())
    assert int(census["n_nonzero"]) == n - int(census["is_zero"].sum())
    assert int(census["hits"].sum()) + int(census["n_failed"]) == 12
    assert np.all(np.diff(census["q_h"].values) >= 0)
    assert np.all(census["residual"].values < 1e-10)


# --- exact statements -----------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_census_finds_only_the_stable_zero_fixed_point_at_low_gain(seed):
    """g_h = 1.2 < proliferation gain 1.628 < g_0 = 2. (At g_h = 1.5, N = 100, seed 0 also
    has a small nonzero fixed point, q_h = 0.008: finite-N, below the DMFT threshold.)"""
    net = Network(GatedRNN(g_h=1.2, alpha_r=20.0), 60, seed=seed)
    census = fixed_point_census(net, 12, progress=False)
    assert int(census["n_fixed_points"]) == 1
    assert int(census["zero_found"]) == 1 and int(census["zero_stable"]) == 1
    assert int(census["n_failed"]) == 0
    # at h = 0 the Jacobian's h block is sigma_z(0)(-1 + sigma_r(0) J^h): the edge is
    # 0.5 (-1 + 0.6 rho(J^h)), rho ~ 1 + O(N^-1/2), so about -0.2
    assert -0.3 < float(census["zero_max_real_eigenvalue"]) < -0.1


def test_census_past_proliferation_finds_nonzero_fixed_points():
    """Measured at N = 100, 40 starts, seeds 0-2: 4-12 nonzero fixed points at g_h = 1.85-2.1."""
    census = fixed_point_census(Network(GatedRNN(g_h=2.1, alpha_r=20.0), 100, seed=0), 40,
                                progress=False)
    assert int(census["n_nonzero"]) >= 4
    assert float(census["max_q_h"]) > 0.3  # the DMFT upper static branch has Delta_h = 0.65


def test_zero_amplitude_pulse_leaves_the_zero_state_exactly_at_zero(small_network):
    ds = input_induced_chaos(small_network, 0.0, 2.0, **QUICK_KICK)
    np.testing.assert_array_equal(ds["q_h"].values, 0.0)
    assert int(ds["chaotic"].sum()) == 0 and float(ds["fraction_chaotic"]) == 0.0


def test_small_initial_conditions_grow_above_the_zero_fixed_point_gain():
    """alpha_r = 0, g_h = 2.5: the zero fixed point is unstable (g_h sigma_r(0) = 1.25 > 1),
    so small-init trials (q_h = 1e-4 at t = 0) leave h = 0 and reach the SCS chaotic state
    at g = 1.25 (measured final q_h 0.2-0.4). Its MLE is close to 0 (SCS near the edge of
    chaos, halved by s_z = 1/2; measured |mle| < 0.002 at N = 200), so only the growth is
    asserted."""
    net = Network(GatedRNN(g_h=2.5), 200, seed=0)
    ds = attractor_survey(net, n_trials=4, t_max=200.0, mle_window=100.0, progress=False)
    small = ds.sel(init="small")
    assert int(small["quiescent"].sum()) == 0
    assert np.all(small["final_q_h"].values > 0.1)
    assert np.all(small["active"].isel(time=slice(100, None)).values == 1)


def test_decay_rate_of_small_trials_is_the_zero_fixed_point_edge():
    """Below every transition the tangent vector aligns with the slowest mode of h = 0, so
    every small- and large-init MLE equals the census' zero-fixed-point edge, to the
    batch-means noise of a decaying (noise-free) run."""
    net = Network(GatedRNN(g_h=1.2, alpha_r=20.0), 60, seed=1)
    edge = float(fixed_point_census(net, 4, progress=False)["zero_max_real_eigenvalue"])
    ds = attractor_survey(net, n_trials=2, t_max=200.0, mle_window=100.0, progress=False)
    np.testing.assert_allclose(ds["mle"].values, edge, rtol=0.02)
    assert int(ds["quiescent"].sum()) == 4


# --- bistability and input-induced chaos ----------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1])
def test_bistability_between_the_chaos_onset_and_the_zero_fixed_point_gain(seed):
    """alpha_r = 20, g_h = 1.85 (onset 1.759 < g_h < g_0 = 2), N = 500, 100 tau_h: every
    small-init trial decays to h = 0, most large-init ones are chaotic.

    N = 500, not 200: at N = 200 the chaos at g_h = 1.85 is transient on the scale of
    100 tau_h (measured, 8 trials per seed: large-init survival 7/8 and 8/8 at t = 100 for
    init seed 0, but 3/6 and 2/6 for init seeds 0/1 with 6 trials; every trial dead by
    t = 500, death times 83-443 tau_h). At N = 500: 7/8 chaotic at t = 500."""
    net = Network(STRONG_GATE, 500, seed=seed)
    ds = attractor_survey(net, n_trials=4, t_max=100.0, mle_window=50.0, n_blocks=5, seed=seed,
                          progress=False)
    assert float(ds["fraction_quiescent"].sel(init="small")) == 1.0
    assert np.all(ds["mle"].sel(init="small").values < 0)
    assert float(ds["fraction_chaotic"].sel(init="large")) >= 3 / 4
    # DMFT MLE on the chaotic branch at g_h = 1.85: 0.130; measured at N = 500 0.121 +- 0.003
    # (t = 500) with single-trial spread ~0.01, 50 tau_h windows add ~0.01 of noise
    mean = float(ds["mle_chaotic_mean"].sel(init="large"))
    np.testing.assert_allclose(mean, 0.130, rtol=0.25)


def test_a_pulse_kicks_the_quiescent_network_into_chaos_only_with_an_output_gate():
    """g_h = 1.85, N = 500, pulse amplitude 0.5 for 10 tau_h from h = 0. With alpha_r = 20
    (bistable) the kicked trials are chaotic 60 tau_h after the pulse (measured 8/8 at
    300 tau_h, MLE 0.118); with alpha_r = 0 the same network is below its transition
    (g_0 = 2, the zero fixed point is the only attractor) and every trial decays (measured
    MLE -0.055 to -0.059, q_h < 1e-2 within 50 tau_h of the pulse end)."""
    kick = dict(amplitude=0.5, pulse_duration=10.0, t_after=60.0, n_trials=4,
                mle_window=50.0, n_blocks=5, progress=False)
    gated = input_induced_chaos(Network(STRONG_GATE, 500, seed=0), **kick)
    frozen = input_induced_chaos(Network(STRONG_GATE.replace(alpha_r=0.0), 500, seed=0), **kick)
    assert float(gated["fraction_chaotic"]) >= 3 / 4
    assert int(gated["stayed_active"].sum()) >= 3
    assert float(frozen["fraction_chaotic"]) == 0.0
    assert np.all(frozen["mle"].values < 0)
    assert np.all(frozen["final_q_h"].values < 1e-2)
    # the pulse itself drives both networks well away from 0
    assert np.all(gated["q_h"].sel(time=10.0).values > 0.3)
    assert np.all(frozen["q_h"].sel(time=10.0).values > 0.3)


@pytest.mark.slow
def test_chaos_persists_at_larger_n():
    """N = 500, g_h = 1.85, t = 300: measured 8/8 large-init trials active at t = 300 and
    7/8 chaotic at t = 500, MLE 0.121 +- 0.003 vs the DMFT 0.130."""
    net = Network(STRONG_GATE, 500, seed=0)
    ds = attractor_survey(net, n_trials=4, t_max=300.0, mle_window=100.0, progress=False)
    assert float(ds["fraction_quiescent"].sel(init="small")) == 1.0
    assert float(ds["fraction_chaotic"].sel(init="large")) >= 3 / 4
    np.testing.assert_allclose(float(ds["mle_chaotic_mean"].sel(init="large")), 0.130,
                               rtol=0.2)


# --- bad inputs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(n_trials=0), "n_trials"),
        (dict(small_scale=-1.0), "small_scale"),
        (dict(large_scale=np.nan), "large_scale"),
        (dict(t_max=10.05), "t_max"),
        (dict(dt=0.0), "dt"),
        (dict(mle_window=7.0, n_blocks=2), "mle_window"),
        (dict(t_max=10.0, mle_window=20.0), "mle_window"),
        (dict(n_blocks=1), "n_blocks"),
        (dict(q_threshold=0.0), "q_threshold"),
        (dict(n_sigma=-1.0), "n_sigma"),
        (dict(seed=-1), "seed"),
        (dict(record_interval=0.25), "record_interval"),
    ],
)
def test_survey_rejects_bad_arguments(small_network, kwargs, name):
    settings = {**QUICK_SURVEY, **kwargs}
    with pytest.raises(ValueError, match=name):
        attractor_survey(small_network, **settings)


@pytest.mark.parametrize(
    "args, kwargs, name",
    [
        ((-0.1, 2.0), {}, "amplitude"),
        ((0.5, 0.0), {}, "pulse_duration"),
        ((0.5, 2.5), {}, "pulse_duration"),
        ((0.5, 2.0), dict(t_after=5.0), "mle_window"),
        ((0.5, 2.0), dict(t_burn=10.0), "t_burn"),
        ((0.5, 2.0), dict(init_scale=-1.0), "init_scale"),
    ],
)
def test_kick_rejects_bad_arguments(small_network, args, kwargs, name):
    with pytest.raises(ValueError, match=name):
        input_induced_chaos(small_network, *args, **{**QUICK_KICK, **kwargs})


def test_census_rejects_bad_arguments(small_network):
    with pytest.raises(ValueError, match="n_starts"):
        fixed_point_census(small_network, 0, progress=False)
    with pytest.raises(ValueError, match="zero_tol"):
        fixed_point_census(small_network, 2, zero_tol=0.0, progress=False)
    with pytest.raises(ValueError, match="network"):
        fixed_point_census("net", 2, progress=False)
