"""Integrators: exact tangent steps, convergence orders, divergence, record bookkeeping."""

import re

import numpy as np
import pytest

import gatedrnn
from gatedrnn import GatedRNN, Inputs, Network, simulate
from gatedrnn.integrate import (
    euler_step,
    euler_tangent_step,
    integrate,
    rk4_step,
    rk4_tangent_step,
)

from model_helpers import FD_STEP, GATED

STEP_PAIRS = {"rk4": (rk4_step, rk4_tangent_step), "euler": (euler_step, euler_tangent_step)}


def assert_close(actual, expected, rtol):
    """Agreement to rtol relative to the largest entry (entries near zero carry no precision)."""
    np.testing.assert_allclose(actual, expected, rtol=0, atol=rtol * np.max(np.abs(expected)))


@pytest.fixture
def driven_network():
    """A gated network with a time-dependent drive (so the stage times matter)."""
    N = 30
    net = Network(GATED, N, seed=6)
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=N), rng.normal(size=N)
    inputs = Inputs(h=lambda t: np.sin(3.0 * t) * a, r=lambda t: np.cos(2.0 * t) * b)

    def rhs(t, x):
        return net.vector_field(x, t, inputs)

    def rhs_and_jvp(t, x, tangent):
        return net.vector_field_and_jacobian_apply(x, tangent, t, inputs)

    return net, rhs, rhs_and_jvp, rng


@pytest.mark.parametrize("method", ["rk4", "euler"])
@pytest.mark.parametrize("trials", [None, 3])
def test_tangent_step_is_the_derivative_of_the_step_map(driven_network, method, trials):
    net, rhs, rhs_and_jvp, rng = driven_network
    step, tangent_step = STEP_PAIRS[method]
    t, dt, k = 0.7, 0.1, 3
    x = net.initial_state(trials=trials, scale=1.5, seed=4)
    tangent = rng.normal(size=x.shape + (k,))
    x_new, tangent_new = tangent_step(rhs_and_jvp, t, x, tangent, dt)
    # the state part is the same arithmetic as the plain step
    assert_close(x_new, step(rhs, t, x, dt), 1e-15)
    assert tangent_new.shape == tangent.shape
    for j in range(k):
        plus = step(rhs, t, x + FD_STEP * tangent[..., j], dt)
        minus = step(rhs, t, x - FD_STEP * tangent[..., j], dt)
        # central differences with h = 1e-6: O(h^2) + O(eps/h) ~ 1e-10 relative
        assert_close(tangent_new[..., j], (plus - minus) / (2 * FD_STEP), 1e-6)


def test_rk4_tangent_step_of_a_linear_system_is_the_rk4_polynomial():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(6, 6))
    dt = 0.3
    z = dt * A
    propagator = np.eye(6) + z + z @ z / 2 + z @ z @ z / 6 + z @ z @ z @ z / 24
    x, tangent = rng.normal(size=6), rng.normal(size=(6, 2))
    x_new, tangent_new = rk4_tangent_step(lambda t, s, v: (A @ s, A @ v), 0.0, x, tangent, dt)
    # exact identity; rounding of a few 6x6 products
    assert_close(x_new, propagator @ x, 1e-13)
    assert_close(tangent_new, propagator @ tangent, 1e-13)
    assert_close(rk4_step(lambda t, s: A @ s, 0.0, x, dt), propagator @ x, 1e-13)


def final_state(rhs, x0, T, dt, method):
    n_steps = int(round(T / dt))
    return integrate(rhs, x0, dt=dt, n_steps=n_steps, record_every=n_steps, method=method)[2]


@pytest.fixture(scope="module")
def convergence_problem():
    net = Network(GATED, 100, seed=3)
    x0 = net.initial_state(trials=2, seed=1)

    def rhs(t, x):
        return net.vector_field(x, t)

    T = 5.0
    reference = final_state(rhs, x0, T, 0.05 / 16, "rk4")
    return rhs, x0, T, reference


def test_rk4_error_falls_sixteenfold_when_the_step_halves(convergence_problem):
    rhs, x0, T, reference = convergence_problem
    errors = [
        np.max(np.abs(final_state(rhs, x0, T, dt, "rk4") - reference)) for dt in (0.05, 0.025)
    ]
    # reference error ~ errors[1] / 16**3 ~ 1e-11, far below the measured errors (~1e-7, 3e-8)
    assert errors[1] > 1e-3 * errors[0] > 1e-12
    # ratio = 16 (1 + c dt + ...); measured 17.2, 16.5, 16.2 at dt = 0.1, 0.05, 0.025 (c ~ 0.6):
    # +-9% at dt = 0.05 allows |c| up to ~2 and still excludes orders 3 (8x) and 5 (32x)
    assert 14.5 < errors[0] / errors[1] < 17.5


def test_euler_error_halves_when_the_step_halves(convergence_problem):
    rhs, x0, T, reference = convergence_problem
    errors = [
        np.max(np.abs(final_state(rhs, x0, T, dt, "euler") - reference)) for dt in (0.01, 0.005)
    ]
    # ratio = 2 (1 + c dt); measured 1.996 at dt = 0.01: +-5% allows |c| up to 5
    assert 1.9 < errors[0] / errors[1] < 2.1


def test_a_diverging_simulation_raises_divergence_error_with_time_and_parameters():
    net = Network(GatedRNN(g_h=3.0, alpha_z=2.0), 20, seed=3)
    dt, t_max = 10.0, 5000.0
    with (
        np.errstate(over="ignore", invalid="ignore"),
        pytest.raises(gatedrnn.DivergenceError) as info,
    ):
        simulate(net, t_max, dt=dt, progress=False)
    assert isinstance(info.value, FloatingPointError)
    message = str(info.value)
    for part in ("g_h=3", "alpha_z=2", "N=20", "seed=3", "dt=10", "method=rk4"):
        assert part in message
    time = float(re.search(r"at t=([-+0-9.e]+)", message).group(1))
    assert 0 < time <= t_max and time % dt == 0


def test_divergence_is_reported_at_the_first_non_finite_step():
    def rhs(t, x):
        return np.full_like(x, np.nan if t > 0.25 else 1.0)

    with pytest.raises(gatedrnn.DivergenceError, match=r"at t=0\.4 \(step 4 of 10.*for toy"):
        integrate(rhs, np.zeros(2), dt=0.1, n_steps=10, method="euler", context="toy")


def test_records_every_mth_step_at_the_right_times(driven_network):
    net, rhs, _, _ = driven_network
    x0 = net.initial_state(trials=2, seed=1)
    x0_copy = x0.copy()
    calls = []
    times, records, x_final = integrate(
        rhs, x0, dt=0.1, n_steps=10, t0=2.0, record_every=3, progress=calls.append
    )
    full_times, full_records, full_final = integrate(rhs, x0, dt=0.1, n_steps=10, t0=2.0)
    np.testing.assert_array_equal(x0, x0_copy)
    # t0 + dt * m * k, one rounding each
    np.testing.assert_allclose(times, [2.0, 2.3, 2.6, 2.9], rtol=1e-15)
    np.testing.assert_allclose(full_times, 2.0 + 0.1 * np.arange(11), rtol=1e-15)
    assert records.shape == (4,) + x0.shape and full_records.shape == (11,) + x0.shape
    np.testing.assert_array_equal(records, full_records[::3])
    np.testing.assert_array_equal(x_final, full_final)
    np.testing.assert_array_equal(full_records[-1], full_final)
    np.testing.assert_array_equal(records[0], x0)
    assert calls == list(range(1, 11))


def test_observe_and_zero_steps():
    x0 = np.arange(6.0).reshape(3, 2)
    times, records, x_final = integrate(
        lambda t, x: -x, x0, dt=0.5, n_steps=0, t0=1.0, observe=lambda x: x.sum(axis=0)
    )
    np.testing.assert_array_equal(times, [1.0])
    np.testing.assert_array_equal(records, [[6.0, 9.0]])
    np.testing.assert_array_equal(x_final, x0)


def test_simulate_time_axis_with_burn_in_and_record_interval():
    net = Network(GATED, 20, seed=1)
    kwargs = dict(dt=0.1, trials=2, progress=False)
    ds = simulate(net, 2.0, t_burn=1.0, record_every=5, record_units=5, **kwargs)
    full = simulate(net, 3.0, **kwargs)
    # n_burn * dt + m * dt * k, one or two roundings
    np.testing.assert_allclose(ds["time"].values, [1.0, 1.5, 2.0, 2.5, 3.0], rtol=1e-15)
    assert ds.sizes == {"time": 5, "unit": 5, "trial": 2}
    # the same steps, split into burn-in and recording; rounding only
    for name in "hzr":
        assert_close(ds[name].values, full[name].values[10::5, :5], 1e-14)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"dt": 0.0}, "dt"),
        ({"dt": -0.1}, "dt"),
        ({"dt": np.nan}, "dt"),
        ({"dt": np.inf}, "dt"),
        ({"method": "rk45"}, "method"),
        ({"record_every": 0}, "record_every"),
        ({"record_every": 2.5}, "record_every"),
        ({"n_steps": -1}, "n_steps"),
        ({"n_steps": 1.5}, "n_steps"),
    ],
)
def test_bad_integration_settings_raise(kwargs, name):
    arguments = {"dt": 0.1, "n_steps": 3, **kwargs}
    with pytest.raises(ValueError, match=rf"^{name} must"):
        integrate(lambda t, x: -x, np.ones(2), **arguments)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"dt": 0.0}, "dt"),
        ({"dt": np.nan}, "dt"),
        ({"t_max": 0.0}, "t_max"),
        ({"t_max": np.inf}, "t_max"),
        ({"t_burn": -1.0}, "t_burn"),
        ({"trials": 0}, "trials"),
        ({"method": "midpoint"}, "method"),
        ({"record_units": 0}, "record_units"),
        ({"record_units": 11}, "record_units"),
        ({"x0": np.zeros((3, 10))}, "x0"),
    ],
)
def test_bad_simulation_settings_raise(kwargs, name):
    arguments = {"t_max": 1.0, "progress": False, **kwargs}
    with pytest.raises(ValueError, match=rf"^{name} must"):
        simulate(Network(GATED, 10, seed=0), **arguments)
