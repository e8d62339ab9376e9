"""Network: couplings, vector field, the classical limit (C1), Jacobian operator and matrix."""

import numpy as np
import pytest

from gatedrnn import GatedRNN, Inputs, Network, simulate

from model_helpers import FD_STEP, GATED



def assert_close(actual, expected, rtol):
    """Agreement to rtol relative to the largest entry (entries near zero carry no precision)."""
    np.testing.assert_allclose(actual, expected, rtol=0, atol=rtol * np.max(np.abs(expected)))


def random_state(N, rng, trials=None):
    shape = (N,) if trials is None else (N, trials)
    return np.stack(
        [rng.normal(0, 1.5, shape), rng.normal(0, 0.5, shape), rng.normal(0, 0.7, shape)]
    )


def naive_vector_field(net, x, u=(0.0, 0.0, 0.0)):
    """SPEC §1 written out with the naive logistic function, for a single state (3, N)."""
    p = net.params
    h, z, r = x
    sigma_z = 1.0 / (1.0 + np.exp(-p.alpha_z * z + p.beta_z))
    sigma_r = 1.0 / (1.0 + np.exp(-p.alpha_r * r + p.beta_r))
    return np.stack(
        [
            sigma_z * (-h + net.J_h @ (sigma_r * np.tanh(h)) + u[0]),
            (-z + net.J_z @ np.tanh(h) + u[1]) / p.tau_z,
            (-r + net.J_r @ np.tanh(h) + u[2]) / p.tau_r,
        ]
    )


def central_difference(function, x, direction):
    return (function(x + FD_STEP * direction) - function(x - FD_STEP * direction)) / (2 * FD_STEP)


# --- couplings ------------------------------------------------------------------------------


def test_couplings_are_reproducible_from_params_N_and_seed():
    a, b = Network(GATED, 50, seed=3), Network(GATED, 50, seed=3)
    np.testing.assert_array_equal(a.J_h, b.J_h)
    np.testing.assert_array_equal(a.J_zr, b.J_zr)
    c = Network(GATED, 50, seed=4)
    assert not np.any(a.J_h == c.J_h) and not np.any(a.J_zr == c.J_zr)


def test_coupling_statistics_match_the_gains():
    N = 200
    net = Network(GatedRNN(g_h=3.0, g_z=0.5, g_r=2.0), N, seed=11)
    n = N * N
    for matrix, gain in ((net.J_h, 3.0), (net.J_z, 0.5), (net.J_r, 2.0)):
        assert matrix.shape == (N, N)
        variance = gain**2 / N
        # n * mean(J^2) / variance ~ chi^2_n: relative standard deviation sqrt(2/n); 5 sigma
        assert np.mean(matrix**2) == pytest.approx(variance, rel=5 * np.sqrt(2 / n))
        # the sample mean has standard deviation sqrt(variance / n); 5 sigma
        assert abs(np.mean(matrix)) < 5 * np.sqrt(variance / n)
    # independent blocks: sample correlation has standard deviation 1/sqrt(n); 5 sigma
    for first, second in ((net.J_h, net.J_z), (net.J_h, net.J_r), (net.J_z, net.J_r)):
        assert abs(np.corrcoef(first.ravel(), second.ravel())[0, 1]) < 5 / np.sqrt(n)


def test_J_h_is_drawn_first_so_its_normalised_entries_do_not_depend_on_the_gains():
    a = Network(GatedRNN(g_h=3.0), 40, seed=2)
    b = Network(GatedRNN(g_h=1.25, g_z=7.0, g_r=0.1), 40, seed=2)
    # one rounding in each product z * (g / sqrt(N)) and one in the division back
    np.testing.assert_allclose(a.J_h / 3.0, b.J_h / 1.25, rtol=1e-15, atol=0)
    np.testing.assert_allclose(a.J_z, b.J_z / 7.0, rtol=1e-15, atol=0)
    np.testing.assert_allclose(a.J_r, b.J_r / 0.1, rtol=1e-15, atol=0)


def test_zero_diagonal_zeros_only_the_diagonals():
    full = Network(GATED, 30, seed=1)
    zeroed = Network(GATED, 30, seed=1, zero_diagonal=True)
    off_diagonal = ~np.eye(30, dtype=bool)
    for name in ("J_h", "J_z", "J_r"):
        np.testing.assert_array_equal(np.diag(getattr(zeroed, name)), np.zeros(30))
        np.testing.assert_array_equal(
            getattr(zeroed, name)[off_diagonal], getattr(full, name)[off_diagonal]
        )
    assert np.all(np.diag(full.J_h) != 0)


def test_initial_state_puts_the_gates_at_their_input_currents():
    net = Network(GATED, 30, seed=1)
    x = net.initial_state(trials=3, scale=2.0, seed=5)
    assert x.shape == (3, 30, 3)
    np.testing.assert_array_equal(x, net.initial_state(trials=3, scale=2.0, seed=5))
    assert not np.any(x[0] == net.initial_state(trials=3, scale=2.0, seed=6)[0])
    # same GEMM as the reference up to summation order
    assert_close(x[1], net.J_z @ np.tanh(x[0]), 1e-13)
    assert_close(x[2], net.J_r @ np.tanh(x[0]), 1e-13)
    assert net.initial_state().shape == (3, 30)


# --- vector field -------------------------------------------------------------------------


def test_vector_field_matches_the_spec_equations():
    rng = np.random.default_rng(0)
    net = Network(GATED, 60, seed=7)
    x = random_state(60, rng)
    u = tuple(rng.normal(size=60) for _ in range(3))
    # the same arithmetic up to summation order and expit vs the naive logistic function
    assert_close(net.vector_field(x, inputs=Inputs(*u)), naive_vector_field(net, x, u), 1e-13)
    batch = random_state(60, rng, trials=3)
    batched = net.vector_field(batch, inputs=Inputs(*u))
    for trial in range(3):
        assert_close(batched[..., trial], naive_vector_field(net, batch[..., trial], u), 1e-13)


def test_frozen_gates_reduce_to_the_classical_network_with_rescaled_gain_and_time():
    N, seed = 100, 5
    params = GatedRNN(g_h=3.0, g_z=1.3, g_r=0.6, beta_z=0.3, beta_r=-0.7, tau_z=2.0, tau_r=0.5)
    s_z, s_r = params.gate_z_at_zero, params.gate_r_at_zero
    gated = Network(params, N, seed)
    classical = Network(GatedRNN.classical(params.g_h * s_r), N, seed)
    rng = np.random.default_rng(1)
    x = np.stack([rng.normal(0, 1.5, N), rng.normal(0, 10, N), rng.normal(0, 10, N)])
    np.testing.assert_array_equal(classical.gates(x)[0], np.ones(N))
    np.testing.assert_array_equal(classical.gates(x)[1], np.ones(N))
    # same normalised couplings; the gains are multiplied in a different order (rounding)
    assert_close(gated.vector_field(x)[0], s_z * classical.vector_field(x)[0], 1e-13)


def test_symmetric_gates_at_twice_the_gain_run_the_classical_network_at_half_speed():
    N, trials = 100, 2
    gated = Network(GatedRNN(g_h=4.0), N, seed=9)
    classical = Network(GatedRNN.classical(2.0), N, seed=9)
    x0 = np.zeros((3, N, trials))
    x0[0] = np.random.default_rng(3).normal(0.0, 1.0, (N, trials))
    slow = simulate(gated, 20.0, dt=0.05, x0=x0, trials=trials, progress=False)
    fast = simulate(classical, 10.0, dt=0.025, x0=x0, trials=trials, progress=False)
    np.testing.assert_allclose(slow["time"].values, 2.0 * fast["time"].values, rtol=1e-15)
    # the two RK4 maps differ only by powers of two: rounding level, far from the O(1) chaos
    assert_close(slow["h"].values, fast["h"].values, 1e-10)
    assert np.std(slow["h"].values[-1]) > 0.3  # the trajectory is chaotic, not decayed


def test_time_dependent_inputs_enter_at_the_given_time():
    N = 40
    net = Network(GATED, N, seed=2)
    rng = np.random.default_rng(4)
    x = random_state(N, rng, trials=2)
    a, b, c = rng.normal(size=N), rng.normal(size=N), rng.normal(size=N)
    inputs = Inputs(h=lambda t: t * a, z=lambda t: np.sin(t) * b, r=lambda t: t**2 * c)
    t = 1.7
    difference = net.vector_field(x, t, inputs) - net.vector_field(x, t)
    sigma_z = net.gates(x)[0]
    expected = np.stack(
        [
            sigma_z * (t * a)[:, None],
            np.broadcast_to((np.sin(t) * b / GATED.tau_z)[:, None], (N, 2)),
            np.broadcast_to((t**2 * c / GATED.tau_r)[:, None], (N, 2)),
        ]
    )
    # a difference of two O(10) fields: rounding of the larger terms
    np.testing.assert_allclose(difference, expected, rtol=0, atol=1e-13 * 30)
    single = x[..., 0]
    np.testing.assert_array_equal(
        net.jacobian(single, t, inputs), net.jacobian(single, inputs=Inputs(h=t * a))
    )


# --- Jacobian -----------------------------------------------------------------------------


@pytest.fixture
def gated_setup():
    N = 40
    net = Network(GATED, N, seed=21)
    rng = np.random.default_rng(8)
    inputs = Inputs(h=rng.normal(0, 0.5, N), z=rng.normal(0, 0.5, N), r=rng.normal(0, 0.5, N))
    return net, inputs, rng


def test_jacobian_apply_matches_finite_differences_for_a_single_state(gated_setup):
    net, inputs, rng = gated_setup
    x = random_state(net.N, rng)
    tangent = rng.normal(size=x.shape + (4,))
    jv = net.jacobian_apply(x, tangent, inputs=inputs)
    assert jv.shape == tangent.shape
    for j in range(4):
        difference = central_difference(
            lambda s: net.vector_field(s, inputs=inputs), x, tangent[..., j]
        )
        # central differences with h = 1e-6: O(h^2) + O(eps/h) ~ 1e-10 relative
        assert_close(jv[..., j], difference, 1e-6)


def test_jacobian_apply_matches_finite_differences_for_a_batch(gated_setup):
    net, _, rng = gated_setup
    trials, k = 3, 2
    inputs = Inputs(h=rng.normal(0, 0.5, (net.N, trials)), z=rng.normal(0, 0.5, net.N))
    x = random_state(net.N, rng, trials=trials)
    tangent = rng.normal(size=x.shape + (k,))
    jv = net.jacobian_apply(x, tangent, inputs=inputs)
    assert jv.shape == (3, net.N, trials, k)
    for j in range(k):
        difference = central_difference(
            lambda s: net.vector_field(s, inputs=inputs), x, tangent[..., j]
        )
        # central differences with h = 1e-6: O(h^2) + O(eps/h) ~ 1e-10 relative
        assert_close(jv[..., j], difference, 1e-6)
    for trial in range(trials):
        single_inputs = Inputs(h=inputs.h[:, trial], z=inputs.z)
        single = net.jacobian_apply(x[..., trial], tangent[:, :, trial], inputs=single_inputs)
        # the batch is the same arithmetic with the trials as extra GEMM columns
        assert_close(jv[:, :, trial], single, 1e-13)


def test_vector_field_and_jacobian_apply_agrees_with_the_separate_calls(gated_setup):
    net, inputs, rng = gated_setup
    x = random_state(net.N, rng, trials=2)
    tangent = rng.normal(size=x.shape + (3,))
    f, jv = net.vector_field_and_jacobian_apply(x, tangent, 0.5, inputs)
    np.testing.assert_array_equal(f, net.vector_field(x, 0.5, inputs))
    np.testing.assert_array_equal(jv, net.jacobian_apply(x, tangent, 0.5, inputs))


def test_dense_jacobian_equals_jacobian_apply_on_the_identity(gated_setup):
    net, inputs, rng = gated_setup
    x = random_state(net.N, rng)
    dense = net.jacobian(x, inputs=inputs)
    n = 3 * net.N
    assert dense.shape == (n, n)
    applied = net.jacobian_apply(x, np.eye(n).reshape(3, net.N, n), inputs=inputs).reshape(n, n)
    # the same products, with the diagonal -sigma_z added before or after a multiplication
    assert_close(dense, applied, 1e-13)


@pytest.mark.parametrize("zero_diagonal", [True, False])
def test_jacobian_trace_identity(gated_setup, zero_diagonal):
    _, inputs, rng = gated_setup
    N = 60
    net = Network(GATED, N, seed=4, zero_diagonal=zero_diagonal)
    x = random_state(N, rng)
    sigma_z, sigma_r = net.gates(x)
    expected = -np.sum(sigma_z) - N / GATED.tau_z - N / GATED.tau_r
    diagonal_coupling = np.sum(sigma_z * np.diag(net.J_h) * sigma_r / np.cosh(x[0]) ** 2)
    if zero_diagonal:
        assert diagonal_coupling == 0.0
    else:
        assert abs(diagonal_coupling) > 0.05  # the correction is resolved by the check below
        expected += diagonal_coupling
    # a sum of 3N terms of size <= 2: rounding
    assert np.trace(net.jacobian(x)) == pytest.approx(expected, rel=1e-12)


# --- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"N": 0}, "N"),
        ({"N": 2.5}, "N"),
        ({"N": True}, "N"),
        ({"seed": -1}, "seed"),
        ({"seed": 1.5}, "seed"),
        ({"params": {"g_h": 2.0}}, "params"),
    ],
)
def test_bad_network_arguments_raise(kwargs, name):
    arguments = {"params": GATED, "N": 10, "seed": 0, **kwargs}
    with pytest.raises(ValueError, match=rf"^{name} must"):
        Network(**arguments)


@pytest.mark.parametrize("shape", [(3, 11), (2, 10), (3,), (30,), (30, 2), (4, 10, 2)])
def test_states_of_the_wrong_shape_raise(shape):
    net = Network(GATED, 10, seed=0)
    with pytest.raises(ValueError, match="x must have shape"):
        net.vector_field(np.zeros(shape))
    with pytest.raises(ValueError, match="x must have shape"):
        net.jacobian(np.zeros(shape))


def test_dense_jacobian_rejects_a_batch_and_jacobian_apply_a_bad_tangent():
    net = Network(GATED, 10, seed=0)
    with pytest.raises(ValueError, match="x must have shape"):
        net.jacobian(np.zeros((3, 10, 2)))
    with pytest.raises(ValueError, match="tangent must have shape"):
        net.jacobian_apply(np.zeros((3, 10)), np.zeros((3, 10)))
    with pytest.raises(ValueError, match="tangent must have shape"):
        net.jacobian_apply(np.zeros((3, 10, 2)), np.zeros((3, 10, 3, 4)))


def test_bad_initial_state_arguments_raise():
    net = Network(GATED, 10, seed=0)
    for kwargs in ({"scale": 0.0}, {"scale": np.nan}, {"trials": 0}, {"trials": 1.5}):
        with pytest.raises(ValueError):
            net.initial_state(**kwargs)


@pytest.mark.parametrize("channel", ["h", "z", "r"])
def test_inputs_with_a_wrong_shape_raise_naming_the_channel(channel):
    N, trials = 10, 3
    Inputs(**{channel: np.zeros(N)}).check(N, trials)
    Inputs(**{channel: np.zeros((N, trials))}).check(N, trials)
    Inputs(**{channel: lambda t: np.zeros(N + 5)}).check(N, trials)  # callables are not evaluated
    for shape in [(N + 1,), (N, trials + 1), (trials, N), ()]:
        with pytest.raises(ValueError, match=rf"u\^{channel} has shape"):
            Inputs(**{channel: np.zeros(shape)}).check(N, trials)
    with pytest.raises(ValueError, match=rf"u\^{channel} has shape"):
        Inputs(**{channel: np.zeros((N, 1))}).check(N, None)
    with pytest.raises(ValueError, match=rf"u\^{channel} has shape"):
        simulate(
            Network(GATED, N, seed=0),
            0.1,
            trials=trials,
            inputs=Inputs(**{channel: np.zeros(N + 1)}),
            progress=False,
        )
