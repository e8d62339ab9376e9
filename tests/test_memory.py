"""Integrator and reset protocols (claim C4): twin pulses, pulse trains, update-gate reset."""

import json

import numpy as np
import pytest
import xarray as xr

from gatedrnn import DivergenceError, GatedRNN, Network
from gatedrnn.io import check_dataset, read_dataset, write_dataset
from gatedrnn.memory import (
    _directions,
    linear_pulse_response,
    pulse_memory,
    pulse_train,
    reset_memory,
    retention_time,
)

GATED = GatedRNN(g_h=3.0, alpha_z=5.0)
QUICK = dict(t_burn=2.0, dt=0.1, n_states=2, n_directions=3, progress=False)


@pytest.fixture(scope="module")
def small_network():
    return Network(GATED, 40, seed=2)


# --- structure ----------------------------------------------------------------------------


def test_pulse_memory_dataset_layout(small_network):
    ds = pulse_memory(small_network, pulse_duration=1.0, t_max=3.0, seed=4, **QUICK)
    assert ds.sizes == {"time": 41, "trial": 6}
    for name in ("readout", "separation"):
        assert ds[name].dims == ("time", "trial")
    for name in ("readout_mean", "readout_error"):
        assert ds[name].dims == ("time",)
    for name in ("retention_time", "retention_time_error", "retained_fraction"):
        assert ds[name].ndim == 0
    assert ds["retention_time"].attrs["units"] == "tau_h"
    np.testing.assert_allclose(ds["time"].values, 0.1 * np.arange(41), rtol=0, atol=1e-12)
    np.testing.assert_array_equal(ds["state"].values, [0, 0, 0, 1, 1, 1])
    np.testing.assert_array_equal(ds["direction"].values, [0, 1, 2, 0, 1, 2])
    for name, value in {**GATED.to_dict(), "N": 40, "seed": 2}.items():
        assert ds[name].item() == value
    settings = json.loads(ds.attrs["settings"])
    assert settings["protocol"] == "pulse_memory" and settings["init_seed"] == 4
    check_dataset(ds)
    np.testing.assert_array_equal(ds["readout_mean"].values, ds["readout"].mean("trial").values)


def test_pulse_memory_round_trips_through_netcdf_and_is_reproducible(small_network, tmp_path):
    ds = pulse_memory(small_network, pulse_duration=1.0, t_max=2.0, **QUICK)
    xr.testing.assert_identical(read_dataset(write_dataset(ds, tmp_path / "m.nc")), ds)
    again = pulse_memory(small_network, pulse_duration=1.0, t_max=2.0, **QUICK)
    np.testing.assert_array_equal(again["readout"].values, ds["readout"].values)


def test_zero_amplitude_gives_an_identically_zero_readout(small_network):
    # both twins see the same state and the same inputs: their difference is exactly 0
    ds = pulse_memory(small_network, amplitude=0.0, pulse_duration=1.0, t_max=5.0, **QUICK)
    np.testing.assert_array_equal(ds["readout"].values, 0.0)
    np.testing.assert_array_equal(ds["separation"].values, 0.0)
    assert np.isnan(ds["retention_time"].item())
    train = pulse_train(small_network, amplitude=0.0, n_pulses=2, pulse_duration=0.5, gap=0.5,
                        **QUICK)
    np.testing.assert_array_equal(train["held"].values, 0.0)


def test_readout_is_the_projection_of_the_twin_difference(small_network):
    """Without recurrence to speak of (first step), the pulse adds dt sigma_z u along w."""
    ds = pulse_memory(small_network, amplitude=1e-6, pulse_duration=0.1, t_max=0.1, t_burn=0.0,
                      dt=0.1, n_states=1, n_directions=2, progress=False)
    x0 = small_network.initial_state(trials=1, seed=0)
    sigma_z = small_network.gates(x0)[0][:, 0]
    w = _directions(40, 2, small_network.seed, 0)
    first_order = 1e-6 * np.sqrt(40) * 0.1 * (w * sigma_z[:, None] * w).sum(axis=0) / np.sqrt(40)
    # next order: (dt^2 / 2) sigma_z (-1 + J^h sigma_r phi') sigma_z u, i.e. a relative
    # -dt sigma_z / 2 (<= 5%) plus a J^h projection of O(g_h dt / (2 sqrt(N))) (~2%)
    np.testing.assert_allclose(ds["readout"].isel(time=1).values, first_order, rtol=0.1)
    assert np.all(ds["readout"].isel(time=0).values == 0.0)


def test_retention_time_interpolates_the_first_crossing():
    times = 0.5 * np.arange(21)
    decay = np.exp(-(times - 1.0) / 2.5)
    start = 2  # t = 1
    # linear interpolation of a convex function crosses late, by at most dt^2 f''/(8|f'|)
    bias = 0.5**2 / (8 * 2.5)
    assert 2.5 <= retention_time(times, decay, start) <= 2.5 + bias
    assert retention_time(times, np.ones(21), start) == np.inf
    assert np.isnan(retention_time(times, -decay, start))


# --- closed forms in the linear, frozen-gate regime ---------------------------------------


def test_readout_equals_the_exact_linear_response_of_a_finite_network():
    """alpha = 0, g_h sigma_r(0) = 0.5: after the burn-in h ~ 1e-10, and a 1e-4 pulse sees the
    linear network dh/dt = s_z(-h + s_r J h + u), solved exactly with matrix exponentials."""
    network = Network(GatedRNN(g_h=1.0), 60, seed=3)
    times, errors = None, []
    for dt in (0.1, 0.05):
        ds = pulse_memory(network, amplitude=1e-4, pulse_duration=2.0, t_max=10.0, t_burn=100.0,
                          dt=dt, n_states=1, n_directions=3, progress=False)
        every = int(round(0.5 / dt))
        times = ds["time"].values[::every]
        w = _directions(60, 3, network.seed, 0)
        exact = np.stack([
            linear_pulse_response(network, times, w[:, k], amplitude=1e-4, pulse_duration=2.0)
            for k in range(3)
        ], axis=1)
        errors.append(np.abs(ds["readout"].values[::every] - exact).max() / np.abs(exact).max())
    # RK4 global error O(dt^4): ~4e-8 at dt = 0.1 for rates |lambda| <~ 0.75; the tanh cubic
    # term adds (1e-4)^2 / 3 relative, the residual h (< 1e-9) less.
    assert errors[0] < 1e-6
    assert errors[1] < errors[0] / 8  # halving dt cuts the error by ~2^4: it is discretisation


@pytest.mark.parametrize("g_h, beta_z", [(0.5, 0.0), (1.5, 0.0), (1.5, 1.0), (1.5, -1.0)])
def test_linear_retention_time_is_one_over_the_update_gate_not_the_spectral_edge(g_h, beta_z):
    """Large-N linear network: E_w[w . exp(a J) w] = tr(exp(a J)) / N -> 1, so the mean readout
    decays as exp(-s_z t) whatever g_h: retention 1/s_z (the spectral edge s_z(1 - g_h s_r)
    would give 2.7 to 15 here)."""
    params = GatedRNN(g_h=g_h, beta_z=beta_z)
    s_z = params.gate_z_at_zero
    ds = pulse_memory(Network(params, 400, seed=2), amplitude=0.01, pulse_duration=2.0,
                      t_max=14.0, t_burn=0.0, init_scale=1e-6, n_states=1, n_directions=16,
                      progress=False)
    # direction-to-direction fluctuations, O(N^-1/2), are in the jackknife error; the
    # trace bias tr(J^k)/N = O(1/N) is below it at N = 400
    error = ds["retention_time_error"].item()
    assert error < 0.02 / s_z
    assert abs(ds["retention_time"].item() - 1.0 / s_z) < 4 * error
    end = ds["readout"].sel(time=2.0, method="nearest")
    expected = 0.01 * (1.0 - np.exp(-2.0 * s_z))
    standard_error = end.std().item() / np.sqrt(end.size)
    assert abs(end.mean().item() - expected) < 4 * standard_error + 1e-3 * expected


# --- gated memory and reset (finite networks, C4) -----------------------------------------


@pytest.mark.slow
def test_large_alpha_z_holds_a_persistent_part_of_the_pulse():
    """g_h = 3: at alpha_z = 0 the readout decays like exp(-t/2) (chaotic, no memory); at
    alpha_z = 20 the network has frozen into a marginally stable state and a part of the
    pulse stays in the units whose gates were ajar. The pulse is written with the gates
    opened (write_drive), since a closed gate blocks the input as well as the decay."""
    fractions = {}
    for alpha_z in (0.0, 20.0):
        network = Network(GatedRNN(g_h=3.0, alpha_z=alpha_z), 200, seed=1)
        ds = pulse_memory(network, amplitude=1.0, pulse_duration=10.0, write_drive=2.0,
                          t_max=100.0, t_burn=300.0, n_states=8, progress=False)
        fractions[alpha_z] = ds["retained_fraction"].item(), ds["retained_fraction_error"].item()
    (free, free_error), (gated, gated_error) = fractions[0.0], fractions[20.0]
    # measured (N = 200, 32 trials): free 0.025 +- 0.012, gated 0.078 +- 0.016
    assert abs(free) < 4 * free_error
    assert gated > 4 * gated_error


@pytest.mark.slow
def test_update_gate_drive_erases_the_memory():
    network = Network(GatedRNN(g_h=3.0, alpha_z=20.0), 200, seed=1)
    ds = reset_memory(network, reset_drive=10.0, reset_duration=10.0, t_hold=20.0, t_after=30.0,
                      amplitude=1.0, pulse_duration=10.0, write_drive=2.0, t_burn=300.0,
                      n_directions=8, progress=False)
    control, control_error = ds["readout_final_control"].item(), ds["readout_final_control_error"].item()
    assert control > 4 * control_error  # without the drive the memory is still there
    assert ds["erased"].item() == 1
    assert abs(ds["readout_final"].item()) < ds["threshold"].item()


# --- argument checks ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "function, name, value",
    [
        (pulse_memory, "amplitude", -1.0),
        (pulse_memory, "amplitude", np.nan),
        (pulse_memory, "pulse_duration", 0.0),
        (pulse_memory, "pulse_duration", 0.15),
        (pulse_memory, "t_max", -1.0),
        (pulse_memory, "t_burn", 0.05),
        (pulse_memory, "dt", 0.0),
        (pulse_memory, "n_states", 0),
        (pulse_memory, "n_directions", 1.5),
        (pulse_memory, "seed", -1),
        (pulse_memory, "init_scale", 0.0),
        (pulse_memory, "method", "bogus"),
        (pulse_memory, "write_drive", np.inf),
        (pulse_train, "n_pulses", 1),
        (pulse_train, "gap", 0.0),
        (reset_memory, "reset_drive", np.nan),
        (reset_memory, "reset_duration", 0.0),
        (reset_memory, "t_hold", -0.1),
        (reset_memory, "n_sigma", 0.0),
    ],
)
def test_bad_arguments_raise_value_errors_naming_them(small_network, function, name, value):
    kwargs = {**QUICK, "t_burn": 0.0, name: value}
    with pytest.raises(ValueError, match=name):
        function(small_network, **kwargs)


def test_a_network_is_required():
    with pytest.raises(ValueError, match="network"):
        pulse_memory(GATED, **QUICK)
    with pytest.raises(ValueError, match="frozen gates"):
        linear_pulse_response(Network(GATED, 5), np.zeros(1), np.ones(5), amplitude=1.0,
                              pulse_duration=1.0)


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning", "ignore:invalid:RuntimeWarning")
def test_a_diverging_run_raises_divergence_error(small_network):
    with pytest.raises(DivergenceError, match="N=40"):
        pulse_memory(small_network, amplitude=1e308, pulse_duration=1.0, t_max=1.0, **QUICK)
