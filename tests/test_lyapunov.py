"""Lyapunov spectra (SPEC §4): exact identities first, then limits and cross-checks.

Tolerances come from one of three sources, named at each assertion:
- round-off (identities that hold exactly for the discrete RK4 map),
- the order of the RK4 discretisation (checked by halving dt),
- batch-means standard errors of the time averages.
"""

from __future__ import annotations

import json
import logging
import math

import numpy as np
import pytest

from gatedrnn import DivergenceError, GatedRNN, Inputs, Network
from gatedrnn.integrate import rk4_tangent_step
from gatedrnn.io import check_dataset, read_dataset, write_dataset
from gatedrnn.lyapunov import (
    _quadrature_weights,
    _tangent_step,
    entropy_rate,
    initial_frame,
    kaplan_yorke_dimension,
    max_exponent_twin,
    qr_exponents,
    spectrum,
)

GATED = GatedRNN(g_h=3.0, alpha_z=2.0, alpha_r=1.0)
QUIET = dict(t_burn=20.0, t_frame=10.0, progress=False)


def by_column(ds):
    """Exponents in QR-column order (undo the descending sort)."""
    return ds.exponents.values[np.argsort(ds.qr_column.values)]


@pytest.fixture(scope="module")
def full_spectra():
    """Full 3N spectra of a small gated network at dt and dt/2, with and without diagonal."""
    runs = {}
    for zero_diagonal in (True, False):
        net = Network(GATED, N=20, seed=1, zero_diagonal=zero_diagonal)
        for dt in (0.1, 0.05):
            runs[zero_diagonal, dt] = spectrum(net, 60, t_max=100.0, dt=dt, qr_interval=0.5,
                                               **QUIET)
    return runs


# --- (a) trace identity -------------------------------------------------------------------


@pytest.mark.parametrize("zero_diagonal", [True, False])
def test_sum_of_full_spectrum_equals_time_averaged_trace(full_spectra, zero_diagonal):
    """sum_i lambda_i = <tr D>_t along the same trajectory, up to the O(dt^4) RK4 error.

    The sum of all 3N log R_ii over the window is log|det| of the product of the RK4 tangent
    maps, exactly. Each log det M_n and the RK4 quadrature of tr D that gives trace_mean
    approximate the same integral of tr D over a step with local error O(dt^5), so the
    residual r(dt) = sum - trace is C dt^4 with C a time average of the local error: halving
    dt must divide it by 2^4 (observed order 4 +- 0.5, the spread allowing for C being
    averaged over different chaotic windows).
    """
    residual = {}
    for dt in (0.1, 0.05):
        ds = full_spectra[zero_diagonal, dt]
        assert ds.sizes["index"] == 60
        residual[dt] = float(ds.exponents.sum() - ds.trace_mean)
    order = math.log2(residual[0.1] / residual[0.05])
    assert 3.5 < order < 4.5, residual
    # Richardson: the extrapolated residual r(dt/2) - (r(dt) - r(dt/2)) / 15 is higher order.
    extrapolated = residual[0.05] - (residual[0.1] - residual[0.05]) / 15
    assert abs(extrapolated) < 0.25 * abs(residual[0.05])


@pytest.mark.parametrize("n_steps", [2, 3, 4, 5, 6, 7, 10, 101])
def test_window_quadrature_is_fourth_order(n_steps):
    """trace_mean and gate_z_mean integrate over the step points with weights exact for
    cubics (round-off), so the error on a smooth function falls 2^4-fold when dt halves."""
    weights = _quadrature_weights(n_steps)
    t = np.linspace(0.0, 1.0, n_steps + 1)
    dt = 1.0 / n_steps
    for degree in range(4):
        assert dt * weights @ t**degree == pytest.approx(1 / (degree + 1), abs=1e-14)
    if n_steps >= 10:
        fine = _quadrature_weights(2 * n_steps)
        errors = [abs(h * w @ np.exp(np.linspace(0.0, 1.0, w.size)) - (math.e - 1))
                  for h, w in ((dt, weights), (dt / 2, fine))]
        # error ratio 16 (1 - c dt), measured 14.6 at dt = 0.1 and 15.9 at dt = 0.01;
        # orders 3 and 5 would give 8 and 32
        assert 14 < errors[0] / errors[1] < 17


@pytest.mark.parametrize("zero_diagonal", [True, False])
def test_jacobian_trace_without_the_dense_matrix(zero_diagonal):
    """Network.jacobian_trace (what trace_mean integrates) = trace of Network.jacobian."""
    net = Network(GATED, N=15, seed=2, zero_diagonal=zero_diagonal)
    x = net.initial_state(3, seed=1)
    traces = net.jacobian_trace(x)
    assert traces.shape == (3,)
    for trial in range(3):
        dense = np.trace(net.jacobian(x[..., trial]))
        # a sum of 3N terms of size <= 2: rounding
        assert traces[trial] == pytest.approx(dense, rel=1e-12)
        assert net.jacobian_trace(x[..., trial]) == pytest.approx(dense, rel=1e-12)


def test_mean_of_full_spectrum_with_zero_diagonal(full_spectra):
    """SPEC §1: mean of the 3N exponents = -(<sigma_z> + 1/tau_z + 1/tau_r) / 3 (zero diagonal).

    With J_ii = 0, tr D = -sum_i sigma_z - N/tau_z - N/tau_r exactly, so the two sides differ
    only by the RK4 residual of the trace identity divided by 3N.
    """
    p, N = GATED, 20
    for dt in (0.1, 0.05):
        ds = full_spectra[True, dt]
        gate_z, trace = float(ds.gate_z_mean), float(ds.trace_mean)
        assert trace == pytest.approx(-N * (gate_z + 1 / p.tau_z + 1 / p.tau_r), rel=1e-13)
        predicted = -(gate_z + 1 / p.tau_z + 1 / p.tau_r) / 3
        residual = float(ds.exponents.sum()) - trace
        assert float(ds.exponents.mean()) - predicted == pytest.approx(
            residual / (3 * N), abs=1e-12)
    # With the diagonal kept the SPEC formula is off by sum_i sigma_z sigma_r phi' J_ii,
    # which trace_mean includes: N terms of standard deviation <= g_h / sqrt(N) (J_ii ~
    # N(0, g_h^2/N), 0 < sigma_z sigma_r phi' < 1), so |offset| < 3 g_h (3 sigma), O(1/N)
    # in the mean exponent.
    kept = full_spectra[False, 0.05]
    offset = float(kept.trace_mean) + N * (float(kept.gate_z_mean) + 2.0)
    assert offset != 0.0
    assert abs(offset) < 3 * GATED.g_h


# --- (b) leading k = top k of the full spectrum ----------------------------------------------


def test_leading_k_equals_top_of_full_spectrum(full_spectra):
    """Same trajectory and seeds: the first k QR columns of the full run are the k-run.

    The first k columns of Q and R in a QR decomposition depend only on the first k columns
    of the matrix, and the initial frame of the k-run is the first k columns of the full one
    (`initial_frame`), so the identity is exact up to round-off.
    """
    net = Network(GATED, N=20, seed=1, zero_diagonal=True)
    k = 7
    lead = spectrum(net, k, t_max=100.0, dt=0.05, qr_interval=0.5, **QUIET)
    full = full_spectra[True, 0.05]
    np.testing.assert_allclose(by_column(lead), by_column(full)[:k], rtol=0, atol=1e-10)
    # Sorted, and within batch-means errors (trivially, given the above).
    top = full.exponents.values[:k]
    error = np.hypot(lead.exponents_error.values, full.exponents_error.values[:k])
    assert np.all(np.abs(lead.exponents.values - top) <= 3 * error + 1e-10)
    assert np.all(np.diff(lead.exponents.values) <= 0)


def test_initial_frame_prefix_and_orthonormality():
    a, b = initial_frame(30, 4, 7), initial_frame(30, 30, 7)
    np.testing.assert_allclose(a, b[:, :4], atol=1e-13)
    np.testing.assert_allclose(b.T @ b, np.eye(30), atol=1e-13)


# --- (c) QR machinery on linear systems with known exponents ---------------------------------


def rk4_factor(z):
    """Stability polynomial of RK4: the discrete map of dx/dt = A x is P(dt A)."""
    return 1 + z + z**2 / 2 + z**3 / 6 + z**4 / 24


def linear_step(A, dt):
    def rhs_and_jvp(t, x, V):
        return A @ x, A @ V

    return lambda t, x, V: rk4_tangent_step(rhs_and_jvp, t, x, V, dt)


def test_qr_exponents_of_a_non_normal_linear_system():
    """Constant A = S diag(lam) S^-1: the exponents of the RK4 map are log|P(dt lam)| / dt.

    After a frame burn-in T_f the frame is aligned up to exp(-gap T_f) (gap = 0.2, T_f = 150:
    1e-13), so the window average equals the exact values up to that over T (round-off).
    """
    lam = np.array([0.3, 0.1, -0.1, -0.5, -1.0, -2.0])
    rng = np.random.default_rng(5)
    S = np.eye(6) + 0.5 * rng.standard_normal((6, 6))
    A = S @ np.diag(lam) @ np.linalg.inv(S)
    dt, k = 0.05, 5
    step = linear_step(A, dt)
    x, frame = np.zeros(6), initial_frame(6, k, 0)
    _, x, frame = qr_exponents(step, x, frame, dt=dt, steps_per_qr=10, n_intervals=300, group=300)
    log_r, _, frame = qr_exponents(step, x, frame, dt=dt, steps_per_qr=10, n_intervals=100,
                                   group=25)
    window = 100 * 10 * dt
    exact = np.log(np.abs(rk4_factor(dt * lam[:k]))) / dt
    np.testing.assert_allclose(log_r.sum(axis=0) / window, exact, rtol=0, atol=1e-10)
    # Blocks too: the per-block values are stationary for a constant map.
    np.testing.assert_allclose(log_r / (25 * 10 * dt), np.tile(exact, (4, 1)), atol=1e-10)
    np.testing.assert_allclose(frame.T @ frame, np.eye(k), atol=1e-12)
    # The continuous-time exponents, up to the RK4 error: log P(z) = z - z^5/120 (1 + O(z)),
    # |z| = dt |lam| <= 0.1 here, so the O(z) factor is below 1.1.
    assert np.all(np.abs(exact - lam[:k]) <= 1.1 * dt**4 * np.abs(lam[:k]) ** 5 / 120 + 1e-15)


def test_qr_exponents_of_a_complex_pair():
    """A rotating pair with growth a: the two exponents sum to 2 log|P(dt(a + ib))| / dt.

    Individually they oscillate in a non-normal basis (O(1/T) each); the sum is exact.
    """
    a, b = 0.2, 1.3
    block = np.array([[a, -b, 0.0], [b, a, 0.0], [0.0, 0.0, -1.0]])
    rng = np.random.default_rng(1)
    S = np.eye(3) + 0.4 * rng.standard_normal((3, 3))
    A = S @ block @ np.linalg.inv(S)
    dt = 0.05
    step = linear_step(A, dt)
    _, x, frame = qr_exponents(step, np.zeros(3), initial_frame(3, 3, 1), dt=dt, steps_per_qr=10,
                               n_intervals=100)
    log_r, _, _ = qr_exponents(step, x, frame, dt=dt, steps_per_qr=10, n_intervals=400,
                               group=400)
    exponents = log_r[0] / (400 * 10 * dt)
    pair = 2 * np.log(abs(rk4_factor(dt * (a + 1j * b)))) / dt
    assert exponents[0] + exponents[1] == pytest.approx(pair, abs=1e-10)
    assert exponents[2] == pytest.approx(np.log(rk4_factor(-dt)) / dt, abs=1e-10)
    assert abs(exponents[0] - exponents[1]) < 5.0 / (400 * 10 * dt)


def test_qr_exponents_checks_its_arguments():
    step = linear_step(np.eye(2), 0.1)
    frame = np.eye(2)
    for name, kwargs in [("dt", dict(dt=0.0)), ("steps_per_qr", dict(steps_per_qr=0)),
                         ("n_intervals", dict(n_intervals=-1)), ("group", dict(group=0))]:
        args = {**dict(dt=0.1, steps_per_qr=1, n_intervals=2), **kwargs}
        with pytest.raises(ValueError, match=name):
            qr_exponents(step, np.zeros(2), frame, **args)
    with pytest.raises(ValueError, match="group"):
        qr_exponents(step, np.zeros(2), frame, dt=0.1, steps_per_qr=1, n_intervals=3, group=2)
    with pytest.raises(ValueError, match="frame"):
        qr_exponents(step, np.zeros(2), np.ones((2, 3)), dt=0.1, steps_per_qr=1, n_intervals=1)


# --- (d) QR accumulation = direct NumPy computation on the dense tangent maps -----------------


def dense_rk4_tangent_map(net, x, dt):
    """(x_new, M): the RK4 step and its derivative, from the dense Jacobian (independent code)."""
    f, D = net.vector_field, net.jacobian
    eye = np.eye(3 * net.N)
    half = 0.5 * dt
    f1, K1 = f(x), D(x)
    x2 = x + half * f1
    f2, K2 = f(x2), D(x2) @ (eye + half * K1)
    x3 = x + half * f2
    f3, K3 = f(x3), D(x3) @ (eye + half * K2)
    x4 = x + dt * f3
    f4, K4 = f(x4), D(x4) @ (eye + dt * K3)
    x_new = x + dt / 6 * (f1 + 2 * (f2 + f3) + f4)
    return x_new, eye + dt / 6 * (K1 + 2 * (K2 + K3) + K4)


def test_qr_accumulation_equals_qr_of_the_dense_tangent_product():
    """log R_ii accumulated with re-orthonormalisation = log|R_ii| of QR(M_n ... M_1 Q0).

    QR of a product factorises into the product of the interval R's, so the two agree up to
    round-off times the condition number of the product (exponent spread ~3 over T = 4).
    The sum equals log|det| of the product = sum_n log|det M_n|.
    """
    net = Network(GATED, N=4, seed=3)
    dt, steps_per_qr, n_intervals = 0.05, 5, 16
    x0 = net.initial_state(None, seed=2)

    step = _tangent_step(net, dt, None)  # the step that spectrum() uses
    q0 = initial_frame(12, 12, 4)
    log_r, x_end, _ = qr_exponents(step, x0, q0.reshape(3, 4, 12), dt=dt,
                                   steps_per_qr=steps_per_qr, n_intervals=n_intervals,
                                   group=n_intervals)
    product, x, log_det = q0.copy(), x0.copy(), 0.0
    for _ in range(steps_per_qr * n_intervals):
        x, M = dense_rk4_tangent_map(net, x, dt)
        product = M @ product
        log_det += np.linalg.slogdet(M)[1]
    np.testing.assert_allclose(x, x_end, rtol=0, atol=1e-12)
    r = np.linalg.qr(product, mode="r")
    np.testing.assert_allclose(log_r[0], np.log(np.abs(np.diagonal(r))), rtol=0, atol=1e-9)
    assert log_r[0].sum() == pytest.approx(log_det, abs=1e-9)
    assert log_r[0].sum() == pytest.approx(np.log(np.linalg.svd(product, compute_uv=False)).sum(),
                                           abs=1e-9)


@pytest.mark.parametrize("case", ["plain", "static input", "driven"])
def test_spectrum_step_reuses_buffers_without_changing_results(case):
    """spectrum()'s step = rk4_tangent_step on Network.vector_field_and_jacobian_apply with
    buffers kept from call to call (`work`): the same arithmetic as with new arrays at every
    call, so bit for bit, and neither its input nor an earlier result is overwritten."""
    params = GatedRNN(g_h=3.0, g_z=1.3, g_r=0.7, alpha_z=2.0, beta_z=0.5, alpha_r=1.5,
                      beta_r=-0.3, tau_z=2.0, tau_r=0.5)
    net = Network(params, N=30, seed=4)
    rng = np.random.default_rng(0)
    inputs = {
        "plain": None,
        "static input": Inputs(h=0.3 * rng.standard_normal(30), z=0.2 * rng.standard_normal(30),
                               r=-0.1 * np.ones(30)),
        "driven": Inputs(h=lambda t: np.full(30, np.sin(3 * t)), z=lambda t: np.full(30, t)),
    }[case]
    dt, k = 0.05, 5
    x = net.initial_state(None, seed=1)
    V = rng.standard_normal((3, 30, k))
    step = _tangent_step(net, dt, inputs)

    def rhs_and_jvp(t, state, tangent):
        return net.vector_field_and_jacobian_apply(state, tangent, t, inputs)

    for t in (0.0, 0.35, 1.2):
        V_before = V.copy()
        x_new, V_new = step(t, x, V)
        np.testing.assert_array_equal(V, V_before)  # also: the previous result is intact
        x_ref, V_ref = rk4_tangent_step(rhs_and_jvp, t, x, V, dt)
        np.testing.assert_array_equal(x_new, x_ref)
        np.testing.assert_array_equal(V_new, V_ref)
        x, V = x_new, V_new
    # Tangent columns are independent: a one-column block gives the first column (round-off:
    # the products have other widths).
    x1, V1 = _tangent_step(net, dt, inputs)(0.0, x, V[..., :1])
    np.testing.assert_allclose(V1[..., 0], step(0.0, x, V)[1][..., 0], rtol=1e-12, atol=1e-13)


# --- (e) classical limit ----------------------------------------------------------------------


def test_frozen_gates_halve_the_classical_exponent():
    """alpha = beta = 0, g_h = 4: dh/dt = (1/2)(-h + (J^h/2) phi(h)), i.e. SCS at g = 2 with
    time stretched by 2. J^h of the gated network is exactly 2 J^h of GatedRNN.classical(2.0)
    (same seed), so RK4 at dt on the gated network and at dt/2 on the classical one give the
    same h trajectory and the same h-block tangent map; both tangent maps are block
    triangular (sigma' = 0) with z, r slaved to h.

    The k = 1 accumulated log R_11 then differ only by boundary terms
    (1/2) log(1 + rho^2) at the start and end of the window, rho = |(dz, dr)| / |dh| <~
    ||J_zr||_2 (the slaved gate currents are J_zr phi' dh filtered with unit gain): the MLEs
    agree to log(1 + ||J_zr||^2) / T.
    """
    N, seed, dt, T = 100, 3, 0.1, 400.0
    gated = Network(GatedRNN(g_h=4.0), N=N, seed=seed)
    classical = Network(GatedRNN.classical(2.0), N=N, seed=seed)
    np.testing.assert_array_equal(gated.J_h, 2 * classical.J_h)
    common = dict(progress=False, n_blocks=10)
    g = spectrum(gated, 1, t_max=T, t_burn=100.0, t_frame=20.0, dt=dt, qr_interval=1.0,
                 **common)
    c = spectrum(classical, 1, t_max=T / 2, t_burn=50.0, t_frame=10.0, dt=dt / 2,
                 qr_interval=0.5, **common)
    bound = math.log1p(np.linalg.norm(gated.J_zr, 2) ** 2) / T
    assert float(g.mle) == pytest.approx(float(c.mle) / 2, abs=bound)


@pytest.mark.slow
def test_classical_network_mle_matches_scs_value():
    """SCS at g = 2: lambda_max = 0.1125 from the Schrodinger problem (SPEC §4: ~0.11).

    Three coupling seeds (5, 6, 7) at N = 1000, T = 400 each; their spread, which contains
    the batch-means error and the network-to-network variability, gives the standard error of
    the mean. Finite networks sit below the N -> infinity value. The allowance for that bias
    is an independent measurement (seeds 0-4, T = 500, dt = 0.1): mean 0.1048 +- 0.0021 at
    N = 1000, i.e. a bias of 0.008 +- 0.002; we allow 0.010 (bias + 1 s.e.). For the trend:
    N = 200 gives 0.03-0.07, N = 500 0.088 +- 0.009 (4 seeds), N = 2000 0.107 +- 0.004.
    """
    values = []
    for seed in (5, 6, 7):
        net = Network(GatedRNN.classical(2.0), N=1000, seed=seed)
        ds = spectrum(net, 1, t_max=400.0, t_burn=100.0, t_frame=20.0, dt=0.1, qr_interval=1.0,
                      progress=False)
        assert float(ds.mle) > 5 * float(ds.mle_error)  # chaotic
        values.append(float(ds.mle))
    mean = np.mean(values)
    sem = np.std(values, ddof=1) / np.sqrt(len(values))
    assert abs(mean - 0.1125) < 3 * sem + 0.010, values


# --- (f) twin trajectories --------------------------------------------------------------------


def test_twin_trajectory_mle_agrees_with_qr_mle():
    """Two nearby trajectories renormalised every interval measure the same leading exponent
    of the same RK4 map (up to O(separation)); same trajectory and window, so they agree well
    within the batch-means errors."""
    net = Network(GatedRNN.classical(2.0), N=200, seed=1)
    common = dict(t_max=300.0, t_burn=50.0, t_frame=30.0, dt=0.1, progress=False)
    qr = spectrum(net, 1, qr_interval=0.5, **common)
    twin = max_exponent_twin(net, interval=0.5, **common)
    assert float(qr.mle) > 3 * float(qr.mle_error)  # chaotic, so the check has teeth
    error = math.hypot(float(qr.mle_error), float(twin.mle_error))
    assert abs(float(qr.mle) - float(twin.mle)) < 2 * error
    np.testing.assert_array_equal(qr.block_start.values, twin.block_start.values)
    check_dataset(twin)


# --- (g) Kaplan-Yorke, entropy, datasets, errors ----------------------------------------------


@pytest.mark.parametrize(
    "exponents, expected",
    [
        ([0.906, 0.0, -14.572], 2.0 + 0.906 / 14.572),  # Lorenz
        ([-14.572, 0.906, 0.0], 2.0 + 0.906 / 14.572),  # any order
        ([1.0, -1.0, -2.0], 2.0),  # partial sum exactly zero
        ([0.5, -1.0], 1.5),
        ([0.1, 0.05, -0.1, -0.2], 3.25),
        ([-0.1, -0.2], 0.0),
        ([0.0, -1.0], 1.0),
        ([0.3, 0.1], float("nan")),  # truncated: sum never negative
    ],
)
def test_kaplan_yorke_dimension(exponents, expected):
    value = kaplan_yorke_dimension(exponents)
    if math.isnan(expected):
        assert math.isnan(value)
    else:
        assert value == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize("bad", [[], [[0.1, -1.0]], [0.1, float("nan")], [float("inf"), -1]])
def test_kaplan_yorke_and_entropy_reject_bad_spectra(bad):
    with pytest.raises(ValueError, match="exponents"):
        kaplan_yorke_dimension(bad)
    with pytest.raises(ValueError, match="exponents"):
        entropy_rate(bad)


def test_entropy_rate():
    assert entropy_rate([0.3, 0.1, -0.2]) == pytest.approx(0.4)
    assert entropy_rate([-0.3, -1.0]) == 0.0


def test_dataset_contents_and_round_trip(full_spectra, tmp_path):
    ds = full_spectra[True, 0.05]
    check_dataset(ds)
    assert np.all(np.diff(ds.exponents.values) <= 0)
    assert ds.block_exponents.dims == ("block", "index")
    np.testing.assert_allclose(ds.block_exponents.mean("block"), ds.exponents, atol=1e-14)
    expected_error = ds.block_exponents.std("block", ddof=1) / np.sqrt(ds.sizes["block"])
    np.testing.assert_allclose(ds.exponents_error, expected_error, rtol=1e-12)
    assert float(ds.mle) == float(ds.exponents[0])
    positive = ds.exponents.values[ds.exponents.values > 0]
    assert float(ds.entropy_rate) == pytest.approx(positive.sum())
    assert float(ds.kaplan_yorke_dimension) == pytest.approx(
        kaplan_yorke_dimension(ds.exponents.values))
    for name in ("g_h", "alpha_z", "tau_r", "N", "seed"):
        assert ds.coords[name].ndim == 0
    assert int(ds.N) == 20 and int(ds.seed) == 1
    settings = json.loads(ds.attrs["settings"])
    assert settings["t_max"] == pytest.approx(100.0) and settings["n_exponents"] == 60
    for key in ("params_hash", "git_commit", "created", "gatedrnn_version"):
        assert isinstance(ds.attrs[key], str)
    back = read_dataset(write_dataset(ds, tmp_path / "spectrum.nc"))
    np.testing.assert_array_equal(back.exponents.values, ds.exponents.values)


def test_runs_are_reproducible_and_log_progress(caplog):
    net = Network(GATED, N=10, seed=2)
    kwargs = dict(t_max=20.0, t_burn=5.0, t_frame=2.0, dt=0.1, n_blocks=4)
    with caplog.at_level(logging.INFO, logger="gatedrnn"):
        a = spectrum(net, 3, **kwargs)
    assert any("Lyapunov spectrum" in r.getMessage() and "ETA" in r.getMessage()
               for r in caplog.records)
    b = spectrum(net, 3, progress=False, **kwargs)
    np.testing.assert_array_equal(a.block_exponents.values, b.block_exponents.values)
    c = spectrum(net, 3, progress=False, init_seed=1, **kwargs)
    assert not np.array_equal(a.exponents.values, c.exponents.values)


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("n_exponents", dict(n_exponents=0)),
        ("n_exponents", dict(n_exponents=31)),
        ("n_exponents", dict(n_exponents=2.5)),
        ("dt", dict(dt=0.0)),
        ("dt", dict(dt=float("nan"))),
        ("t_max", dict(t_max=-1.0)),
        ("t_max", dict(t_max=1.0)),  # shorter than n_blocks x qr_interval
        ("t_burn", dict(t_burn=-1.0)),
        ("t_frame", dict(t_frame=-0.5)),
        ("qr_interval", dict(qr_interval=0.0)),
        ("qr_interval", dict(qr_interval=0.07)),  # not a multiple of dt
        ("n_blocks", dict(n_blocks=1)),
        ("init_seed", dict(init_seed=-1)),
        ("x0", dict(x0=np.zeros((3, 9)))),
        ("x0", dict(x0=np.full((3, 10), np.nan))),
        ("network", dict(network="net")),
    ],
)
def test_spectrum_rejects_impossible_inputs(name, kwargs):
    args = dict(network=Network(GATED, N=10, seed=0), n_exponents=3, t_max=10.0, dt=0.05,
                progress=False)
    args.update(kwargs)
    with pytest.raises(ValueError, match=name):
        spectrum(args.pop("network"), args.pop("n_exponents"), **args)


@pytest.mark.parametrize("name, kwargs", [("separation", dict(separation=0.0)),
                                          ("interval", dict(interval=0.03)),
                                          ("n_blocks", dict(n_blocks=0))])
def test_twin_rejects_impossible_inputs(name, kwargs):
    with pytest.raises(ValueError, match=name):
        max_exponent_twin(Network(GATED, N=10, seed=0), t_max=10.0, progress=False, **kwargs)


def test_divergence_names_parameters_and_time():
    """A fast gate (tau_z = 0.01) with dt = 0.5 puts RK4 far outside its stability region."""
    net = Network(GatedRNN(g_h=2.0, tau_z=0.01), N=10, seed=0)
    with pytest.raises(DivergenceError, match=r"t=.*tau_z=0\.01.*N=10, seed=0"):
        spectrum(net, 2, t_max=50.0, t_burn=0.0, t_frame=0.0, dt=0.5, qr_interval=0.5,
                 progress=False)
    with pytest.raises(DivergenceError, match=r"t=.*N=10"):
        max_exponent_twin(net, t_max=50.0, t_burn=0.0, dt=0.5, interval=0.5, progress=False)
