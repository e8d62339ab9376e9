"""Adjoint gradients: finite differences for every parameter kind, exact linear identities,
checkpointing, the adjoint-norm history against dense tangent propagation, validation."""

import numpy as np
import pytest
from scipy.linalg import expm

import gatedrnn
from gatedrnn import GatedRNN, Inputs, Network
from gatedrnn.gradients import (
    GRADIENT_NAMES,
    StateLoss,
    adjoint_gradients,
    adjoint_norm_dataset,
    linear_readout,
    squared_error,
    vector_jacobian_apply,
)
from gatedrnn.integrate import rk4_step, rk4_tangent_step
from gatedrnn.io import check_dataset

from model_helpers import GATED

N, SEED, DT, N_STEPS = 6, 3, 0.05, 40

#: Step of the five-point central difference: error O(h^4) + O(eps/h) ~ 1e-11 relative here.
STENCIL_STEP = 1e-4


def assert_close(actual, expected, rtol):
    """Agreement to rtol relative to the largest entry (entries near zero carry no precision)."""
    np.testing.assert_allclose(actual, expected, rtol=0, atol=rtol * np.max(np.abs(expected)))


def five_point_derivative(function, step=STENCIL_STEP):
    """d/de function(e) at e = 0 by the fourth-order central stencil."""
    return (
        -function(2 * step) + 8 * function(step) - 8 * function(-step) + function(-2 * step)
    ) / (12 * step)


def reference_loss(network, x0, inputs, final_loss, running_loss, n_steps=N_STEPS, dt=DT,
                   t0=0.0):
    """The loss written out with the library's rk4_step and Network.vector_field: the final
    loss plus the RK4 stage quadrature of the running loss (independent of gradients.py)."""
    stage_values = []

    def rhs(t, x):
        if running_loss is not None:
            stage_values.append(running_loss.value(x, t))
        return network.vector_field(x, t, inputs)

    x, total = x0, 0.0
    for i in range(n_steps):
        stage_values.clear()
        x = rk4_step(rhs, t0 + i * dt, x, dt)
        if running_loss is not None:
            v = stage_values
            total += (dt / 6.0) * (v[0] + 2.0 * (v[1] + v[2]) + v[3])
    if final_loss is not None:
        total += final_loss.value(x, t0 + n_steps * dt)
    return total


@pytest.fixture(scope="module")
def problem():
    """A fully gated 6-unit network with a static input on every channel."""
    rng = np.random.default_rng(11)
    inputs = Inputs(h=rng.normal(0, 0.5, N), z=rng.normal(0, 0.5, N), r=rng.normal(0, 0.5, N))
    network = Network(GATED, N, seed=SEED)
    x0 = network.initial_state(scale=1.5, seed=2)
    losses = {
        "final": (squared_error(rng.normal(size=(3, N))), None),
        "running": (None, linear_readout(rng.normal(size=(3, N)))),
    }
    results = {
        kind: adjoint_gradients(network, x0, dt=DT, n_steps=N_STEPS, inputs=inputs,
                                final_loss=final, running_loss=running)
        for kind, (final, running) in losses.items()
    }
    return network, x0, inputs, losses, results


def perturbed_loss(problem, kind, parameter, index):
    """e -> the reference loss with parameter (entry `index`) shifted by e."""
    network, x0, inputs, losses, _ = problem
    final, running = losses[kind]

    def loss(e):
        net, x, u = network, x0, inputs
        if parameter in ("J_h", "J_z", "J_r"):
            net = Network(GATED, N, seed=SEED)
            getattr(net, parameter)[index] += e
        elif parameter == "x0":
            x = x0.copy()
            x[index] += e
        elif parameter in ("u_h", "u_z", "u_r"):
            channels = {"h": inputs.h, "z": inputs.z, "r": inputs.r}
            channels[parameter[-1]] = channels[parameter[-1]] + e * np.eye(N)[index]
            u = Inputs(**channels)
        else:
            shifted = GATED.replace(**{parameter: getattr(GATED, parameter) + e})
            net = Network(shifted, N, seed=SEED)
        return reference_loss(net, x, u, final, running)

    return loss


ENTRIES = {
    "J_h": [(0, 1), (2, 2), (5, 3)],
    "J_z": [(0, 1), (4, 4), (5, 3)],
    "J_r": [(1, 0), (3, 3), (2, 5)],
    "x0": [(0, 0), (0, 4), (1, 2), (1, 5), (2, 1), (2, 3)],
    "u_h": [1, 4],
    "u_z": [0, 3],
    "u_r": [2, 5],
    **{name: [None] for name in
       ("alpha_z", "beta_z", "alpha_r", "beta_r", "tau_z", "tau_r", "g_h", "g_z", "g_r")},
}


def test_the_loss_is_the_reference_loss_of_the_rk4_trajectory(problem):
    network, x0, inputs, losses, results = problem
    for kind, (final, running) in losses.items():
        # the same arithmetic; the quadrature sums in the same order
        assert results[kind].loss == pytest.approx(
            reference_loss(network, x0, inputs, final, running), rel=1e-14)


@pytest.mark.parametrize("kind", ["final", "running"])
@pytest.mark.parametrize("parameter", list(ENTRIES))
def test_adjoint_gradients_equal_finite_differences(problem, kind, parameter):
    result = problem[4][kind]
    for index in ENTRIES[parameter]:
        adjoint = result.gradients[parameter]
        adjoint = adjoint if index is None else adjoint[index]
        difference = five_point_derivative(perturbed_loss(problem, kind, parameter, index))
        # measured agreement 1e-13 to 1e-9 relative (stencil truncation and rounding)
        assert adjoint == pytest.approx(difference, rel=1e-6, abs=1e-10)


def test_time_dependent_inputs_and_losses_see_the_stage_times():
    network = Network(GATED, N, seed=SEED)
    rng = np.random.default_rng(12)
    a, b, w = rng.normal(size=N), rng.normal(size=N), rng.normal(size=(3, N))
    inputs = Inputs(h=lambda t: np.sin(3.0 * t) * a, r=lambda t: np.cos(2.0 * t) * b)
    running = StateLoss(lambda x, t: np.cos(t) * float(np.sum(w * x)),
                        lambda x, t: np.cos(t) * w)
    final = StateLoss(lambda x, t: t * float(np.sum(x[0] ** 2)),
                      lambda x, t: t * np.stack([2 * x[0], 0 * x[1], 0 * x[2]]))
    x0, t0 = network.initial_state(scale=1.5, seed=3), 0.7
    result = adjoint_gradients(network, x0, dt=DT, n_steps=N_STEPS, t0=t0, inputs=inputs,
                               final_loss=final, running_loss=running, checkpoint_every=6)
    assert result.loss == pytest.approx(
        reference_loss(network, x0, inputs, final, running, t0=t0), rel=1e-14)
    for index in [(0, 2), (1, 4), (2, 0)]:
        def loss(e):
            x = x0.copy()
            x[index] += e
            return reference_loss(network, x, inputs, final, running, t0=t0)

        # five-point stencil: ~1e-10 relative
        assert result.gradients["x0"][index] == pytest.approx(
            five_point_derivative(loss), rel=1e-6, abs=1e-10)

    def alpha_loss(e):
        shifted = Network(GATED.replace(alpha_r=GATED.alpha_r + e), N, seed=SEED)
        return reference_loss(shifted, x0, inputs, final, running, t0=t0)

    assert result.gradients["alpha_r"] == pytest.approx(five_point_derivative(alpha_loss),
                                                        rel=1e-6)


def test_gain_gradient_at_zero_gain_uses_the_normalised_couplings():
    params = GATED.replace(g_h=0.0)
    network = Network(params, N, seed=SEED)
    x0 = network.initial_state(scale=1.5, seed=2)
    w = np.random.default_rng(0).normal(size=(3, N))
    result = adjoint_gradients(network, x0, dt=DT, n_steps=N_STEPS,
                               final_loss=linear_readout(w))

    def loss(g):
        return reference_loss(Network(params.replace(g_h=g), N, SEED), x0, None,
                              linear_readout(w), None)

    step = 1e-5  # one-sided second-order stencil (g_h >= 0): O(h^2) + O(eps/h) ~ 1e-10
    difference = (-3 * loss(0.0) + 4 * loss(step) - loss(2 * step)) / (2 * step)
    assert result.gradients["g_h"] == pytest.approx(difference, rel=1e-6)


# --- exact identities ----------------------------------------------------------------------


def rk4_polynomial(A, dt):
    z = dt * A
    z2 = z @ z
    return np.eye(len(A)) + z + z2 / 2 + z2 @ z / 6 + z2 @ z2 / 24


def test_at_the_zero_fixed_point_the_adjoint_is_the_transposed_rk4_polynomial():
    """x = 0 is a fixed point without inputs; the RK4 stages all sit there, so the step map's
    derivative is exactly P = 1 + dt D + ... + (dt D)^4 / 24 with D the dense Jacobian at 0."""
    network = Network(GATED, N, seed=SEED)
    x0 = np.zeros((3, N))
    w = np.random.default_rng(1).normal(size=(3, N))
    n_steps, dt = 30, 0.1
    result = adjoint_gradients(network, x0, dt=dt, n_steps=n_steps,
                               final_loss=linear_readout(w))
    np.testing.assert_array_equal(result.x_final, x0)
    D = network.jacobian(x0)
    P = rk4_polynomial(D, dt)
    expected = np.linalg.matrix_power(P.T, n_steps) @ w.ravel()
    # 30 products of 18 x 18 matrices with norm ~ 1: rounding
    assert_close(result.gradients["x0"].ravel(), expected, 1e-12)
    norms = [np.linalg.norm(np.linalg.matrix_power(P.T, n_steps - m) @ w.ravel())
             for m in range(n_steps + 1)]
    np.testing.assert_allclose(result.adjoint_norm, norms, rtol=1e-12)
    # the parameters act through phi(h) = 0 and xi = 0 only
    for name in ("J_h", "J_z", "J_r", "alpha_z", "beta_r", "tau_z"):
        np.testing.assert_array_equal(result.gradients[name], 0.0)


def test_at_the_zero_fixed_point_the_gradient_converges_to_the_matrix_exponential():
    network = Network(GATED, N, seed=SEED)
    w = np.random.default_rng(1).normal(size=(3, N))
    exact = expm(network.jacobian(np.zeros((3, N))).T * 3.0) @ w.ravel()
    errors = []
    for dt in (0.1, 0.05):
        result = adjoint_gradients(network, np.zeros((3, N)), dt=dt, n_steps=round(3.0 / dt),
                                   final_loss=linear_readout(w))
        errors.append(np.max(np.abs(result.gradients["x0"].ravel() - exact)))
    # fourth order: ratio 16 (1 + O(dt)); measured 15.7
    assert 14 < errors[0] / errors[1] < 18


def test_running_loss_at_the_zero_fixed_point_is_rk4_on_the_augmented_linear_system():
    """L = int w.x dt is the last component of d(x, L)/dt = [[D, 0], [w^T, 0]] (x, L), a
    linear system whose RK4 map is the polynomial of the augmented matrix."""
    network = Network(GATED, N, seed=SEED)
    w = np.random.default_rng(2).normal(size=(3, N))
    n_steps, dt = 25, 0.1
    result = adjoint_gradients(network, np.zeros((3, N)), dt=dt, n_steps=n_steps,
                               running_loss=linear_readout(w))
    augmented = np.zeros((3 * N + 1, 3 * N + 1))
    augmented[:-1, :-1] = network.jacobian(np.zeros((3, N)))
    augmented[-1, :-1] = w.ravel()
    propagator = np.linalg.matrix_power(rk4_polynomial(augmented, dt), n_steps)
    # rounding of 25 products of 19 x 19 matrices
    assert_close(result.gradients["x0"].ravel(), propagator[-1, :-1], 1e-12)


def test_adjoint_norm_history_is_the_transposed_tangent_propagator(problem):
    """|a(t_m)| = |Phi(T, t_m)^T dL/dx(T)| with Phi the product of dense RK4 step derivatives
    (identity tangent block through rk4_tangent_step)."""
    network, _, inputs, _, _ = problem
    n = 3 * N
    x0 = network.initial_state(scale=1.5, seed=4)
    target = np.random.default_rng(5).normal(size=(3, N))
    n_steps = 25
    result = adjoint_gradients(network, x0, dt=DT, n_steps=n_steps, inputs=inputs,
                               final_loss=squared_error(target), checkpoint_every=4)

    def rhs_and_jvp(t, x, tangent):
        return network.vector_field_and_jacobian_apply(x, tangent, t, inputs)

    x, steps = x0, []
    for i in range(n_steps):
        x, block = rk4_tangent_step(rhs_and_jvp, i * DT, x, np.eye(n).reshape(3, N, n), DT)
        steps.append(block.reshape(n, n))
    adjoint = (x - target).ravel()
    expected = [adjoint]
    for step in reversed(steps):
        adjoint = step.T @ adjoint
        expected.append(adjoint)
    expected = np.array(expected[::-1]).reshape(n_steps + 1, 3, N)
    # the same products summed in another order: rounding (the norms are O(1) to O(10))
    np.testing.assert_allclose(result.adjoint_block_norms, np.linalg.norm(expected, axis=2),
                               rtol=1e-12)
    assert_close(result.gradients["x0"], expected[0], 1e-12)
    np.testing.assert_allclose(result.times, DT * np.arange(n_steps + 1), rtol=1e-15)


def test_vector_jacobian_apply_is_the_transpose_of_the_jacobian(problem):
    network, _, inputs, _, _ = problem
    rng = np.random.default_rng(6)
    x = network.initial_state(scale=1.5, seed=7)
    cotangent = rng.normal(size=(3, N))
    dense = network.jacobian(x, 0.3, inputs)
    # one 18 x 18 product against GEMMs in another order
    assert_close(vector_jacobian_apply(network, x, cotangent, 0.3, inputs).ravel(),
                 dense.T @ cotangent.ravel(), 1e-13)
    batch = network.initial_state(trials=2, scale=1.5, seed=8)
    cotangents, tangents = rng.normal(size=(3, N, 2, 4)), rng.normal(size=(3, N, 2, 3))
    pulled = vector_jacobian_apply(network, batch, cotangents, 0.3, inputs)
    pushed = network.jacobian_apply(batch, tangents, 0.3, inputs)
    assert pulled.shape == cotangents.shape
    # <c, D v> = <D^T c, v> per trial, for every pair: sums of ~50 O(1) terms
    assert_close(np.einsum("bnkc,bnkv->kcv", pulled, tangents),
                 np.einsum("bnkc,bnkv->kcv", cotangents, pushed), 1e-13)


# --- batches and checkpointing ------------------------------------------------------------


@pytest.fixture(scope="module")
def batch_problem(problem):
    network, _, inputs, _, _ = problem
    x0 = network.initial_state(trials=3, scale=1.5, seed=9)
    rng = np.random.default_rng(10)
    losses = dict(final_loss=squared_error(rng.normal(size=(3, N))),
                  running_loss=linear_readout(rng.normal(size=(3, N))))
    return network, x0, inputs, losses


def run(batch_problem, n_steps=N_STEPS, **options):
    network, x0, inputs, losses = batch_problem
    return adjoint_gradients(network, x0, dt=DT, n_steps=n_steps, inputs=inputs, **losses,
                             **options)


def test_a_batch_is_the_sum_of_its_trials(batch_problem):
    network, x0, inputs, losses = batch_problem
    batch = run(batch_problem)
    singles = [
        adjoint_gradients(network, x0[..., k], dt=DT, n_steps=N_STEPS, inputs=inputs, **losses)
        for k in range(3)
    ]
    # GEMMs with 1 or 3 columns, sums in another order: rounding
    assert batch.loss == pytest.approx(sum(s.loss for s in singles), rel=1e-13)
    for name in GRADIENT_NAMES:
        if name == "x0":
            expected = np.stack([s.gradients["x0"] for s in singles], axis=-1)
        else:
            expected = sum(np.asarray(s.gradients[name]) for s in singles)
        assert_close(np.asarray(batch.gradients[name]), expected, 1e-12)
    assert_close(batch.adjoint_block_norms,
                 np.stack([s.adjoint_block_norms for s in singles], axis=-1), 1e-12)


def test_forward_pass_is_the_library_trajectory(batch_problem):
    network, x0, inputs, _ = batch_problem
    x = x0
    for i in range(N_STEPS):
        x = rk4_step(lambda t, s: network.vector_field(s, t, inputs), i * DT, x, DT)
    np.testing.assert_array_equal(run(batch_problem).x_final, x)


def test_checkpointed_and_stored_trajectories_give_bit_identical_gradients(batch_problem):
    n_steps = 50
    full = run(batch_problem, n_steps, store_trajectory=True)
    assert full.checkpoint_every == n_steps
    default = run(batch_problem, n_steps)
    assert default.checkpoint_every == 8  # ceil(sqrt(50))
    for result in (default, run(batch_problem, n_steps, checkpoint_every=1),
                   run(batch_problem, n_steps, checkpoint_every=13)):
        assert result.loss == full.loss
        for name in GRADIENT_NAMES:
            np.testing.assert_array_equal(result.gradients[name], full.gradients[name])
        np.testing.assert_array_equal(result.adjoint_block_norms, full.adjoint_block_norms)
    state_bytes = 3 * N * 3 * 8
    # 50 states of 4 stages x 6 N numbers vs 7 checkpoints + 8 steps of tape
    assert full.memory_bytes["tape"] == 50 * 4 * 6 * N * 3 * 8
    assert default.memory_bytes["checkpoints"] == 7 * state_bytes
    assert default.memory_bytes["tape"] == 8 * 4 * 2 * state_bytes
    assert default.memory_bytes["total"] < full.memory_bytes["total"]


# --- results --------------------------------------------------------------------------------


def test_result_is_read_only_and_complete(problem):
    result = problem[4]["final"]
    assert tuple(result.gradients) == GRADIENT_NAMES
    assert result.gradients["J_h"].shape == (N, N) and result.gradients["x0"].shape == (3, N)
    assert result.gradients["u_h"].shape == (N,) and isinstance(result.gradients["tau_z"], float)
    with pytest.raises(TypeError):
        result.gradients["J_h"] = 0
    with pytest.raises(ValueError):
        result.gradients["J_h"][0, 0] = 1.0
    with pytest.raises(AttributeError):
        result.loss = 0.0


def test_adjoint_norm_dataset(problem, batch_problem):
    network, _, _, _, results = problem
    ds = adjoint_norm_dataset(results["final"], network)
    check_dataset(ds)
    assert ds["adjoint_norm"].dims == ("time",)
    assert ds.sizes["time"] == N_STEPS + 1
    assert ds["time"].attrs["units"] == "tau_h"
    np.testing.assert_array_equal(ds["adjoint_norm"].values, results["final"].adjoint_norm)
    np.testing.assert_array_equal(ds["adjoint_norm_z"].values,
                                  results["final"].adjoint_block_norms[:, 1])
    assert float(ds["alpha_z"]) == GATED.alpha_z and int(ds["N"]) == N
    batch = adjoint_norm_dataset(run(batch_problem))
    check_dataset(batch)
    assert batch["adjoint_norm"].dims == ("time", "trial") and batch.sizes["trial"] == 3
    assert batch["adjoint_norm"].attrs["units"] == "tau_h"  # a time-integrated loss


# --- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, name",
    [
        ({"dt": 0.0}, "dt"),
        ({"dt": np.nan}, "dt"),
        ({"dt": -0.1}, "dt"),
        ({"n_steps": 0}, "n_steps"),
        ({"n_steps": 2.5}, "n_steps"),
        ({"n_steps": True}, "n_steps"),
        ({"checkpoint_every": 0}, "checkpoint_every"),
        ({"checkpoint_every": 1.5}, "checkpoint_every"),
        ({"x0": np.zeros((3, N + 1))}, "x0"),
        ({"x0": np.zeros((2, N))}, "x0"),
        ({"x0": np.full((3, N), np.nan)}, "x0"),
        ({"t0": np.inf}, "t0"),
        ({"network": "net"}, "network"),
        ({"final_loss": None}, "final_loss and running_loss"),
        ({"final_loss": lambda x, t: 0.0}, "final_loss"),
        ({"running_loss": object()}, "running_loss"),
    ],
)
def test_bad_arguments_raise_naming_the_argument(problem, change, name):
    network = problem[0]
    arguments = dict(network=network, x0=np.zeros((3, N)), dt=0.1, n_steps=5,
                     final_loss=linear_readout(np.ones((3, N))))
    arguments.update(change)
    with pytest.raises(ValueError, match=rf"^{name}"):
        adjoint_gradients(**arguments)


def test_bad_losses_and_inputs_raise():
    with pytest.raises(ValueError, match="^weights"):
        linear_readout(np.ones(N))
    with pytest.raises(ValueError, match="^target"):
        squared_error(np.full((3, N), np.inf))
    network = Network(GATED, N, seed=SEED)
    wrong = StateLoss(lambda x, t: 0.0, lambda x, t: np.zeros(3 * N))
    with pytest.raises(ValueError, match=r"final_loss.gradient returned shape"):
        adjoint_gradients(network, np.zeros((3, N)), dt=0.1, n_steps=3, final_loss=wrong)
    with pytest.raises(ValueError, match=r"u\^h has shape"):
        adjoint_gradients(network, np.zeros((3, N)), dt=0.1, n_steps=3,
                          inputs=Inputs(h=np.zeros(N + 1)),
                          final_loss=linear_readout(np.ones((3, N))))


def test_a_diverging_forward_pass_raises_divergence_error():
    network = Network(GatedRNN(g_h=3.0, alpha_z=2.0), 20, seed=3)
    with (
        np.errstate(over="ignore", invalid="ignore"),
        pytest.raises(gatedrnn.DivergenceError, match=r"integration diverged .*g_h=3.*N=20"),
    ):
        adjoint_gradients(network, network.initial_state(), dt=10.0, n_steps=500,
                          final_loss=linear_readout(np.ones((3, 20))))
