"""Lyapunov spectra of finite gated networks by the QR (Benettin) method (SPEC §4, C5).

k tangent vectors in R^{3N} (a block of shape (3, N, k)) are propagated together with the
state by ``integrate.rk4_tangent_step`` on ``Network.vector_field_and_jacobian_apply``, whose
tangent map is the exact derivative of the discrete RK4 map; the Jacobian is applied through
GEMMs (one per coupling matrix and RK4 stage, state and tangent columns together) and never
formed. Every ``qr_interval`` the block is re-orthonormalised by a reduced QR decomposition
(signs fixed so that diag(R) > 0) and log R_ii is accumulated. After a burn-in of the state
and then of the frame, the measurement window is cut into equal blocks; the exponents are the
block means and their standard errors come from the spread of the block values (batch means).
The time averages of sigma_z and tr D along the window are fourth-order quadratures over its
step points (like the RK4 map, O(dt^4)), so sum of all 3N exponents = <tr D> holds to O(dt^4).

The QR accumulation itself, :func:`qr_exponents`, takes any ``step(t, x, V) -> (x, V)``
callable, so it can be checked on linear systems with known exponents.
"""

from __future__ import annotations

import json
from typing import Callable

import numpy as np
import xarray as xr

from .inputs import Inputs
from .integrate import DivergenceError, integrate, rk4_step, rk4_tangent_step
from .io import provenance
from .network import Network
from .progress import Progress
from .simulate import parameter_coords
from .validate import integer as _check_int
from .validate import number as _check_number

__all__ = [
    "spectrum",
    "max_exponent_twin",
    "kaplan_yorke_dimension",
    "entropy_rate",
    "qr_exponents",
    "initial_frame",
]

#: A tangent propagator: one time step (t, x, V) -> (x_new, V_new), V of shape (..., k).
TangentStep = Callable[[float, np.ndarray, np.ndarray], "tuple[np.ndarray, np.ndarray]"]


def kaplan_yorke_dimension(exponents) -> float:
    """Kaplan-Yorke (Lyapunov) dimension of a Lyapunov spectrum.

    D_KY = j + (lambda_1 + ... + lambda_j) / |lambda_{j+1}|, with the exponents sorted in
    descending order and j the largest number of them whose sum is >= 0.

    Parameters
    ----------
    exponents : array_like, shape (k,)
        Lyapunov exponents (any order; any consistent time unit), finite.

    Returns
    -------
    float
        The dimension (dimensionless): 0.0 if the largest exponent is negative; NaN if the sum
        of all k exponents is >= 0, since the dimension is then at least k and cannot be
        told from a truncated spectrum.

    Raises
    ------
    ValueError
        If `exponents` is not a non-empty 1-D array of finite numbers.

    Examples
    --------
    >>> round(kaplan_yorke_dimension([0.906, 0.0, -14.572]), 4)   # Lorenz attractor
    2.0622
    """
    lam = np.asarray(exponents, dtype=float)
    if lam.ndim != 1 or lam.size == 0:
        raise ValueError(f"exponents must be a non-empty 1-D array, got shape {lam.shape}")
    if not np.isfinite(lam).all():
        raise ValueError("exponents must be finite")
    lam = np.sort(lam)[::-1]
    cumulative = np.cumsum(lam)
    if cumulative[0] < 0:
        return 0.0
    # Sorted descending, the partial sums are concave: the non-negative ones are a prefix.
    j = int(np.count_nonzero(cumulative >= 0))
    if j == lam.size:
        return float("nan")
    return float(j + cumulative[j - 1] / abs(lam[j]))


def entropy_rate(exponents) -> float:
    """Sum of the positive Lyapunov exponents (Pesin's bound on the KS entropy rate).

    Parameters
    ----------
    exponents : array_like, shape (k,)
        Lyapunov exponents in 1/tau_h, finite. If all k are positive the spectrum may be
        truncated and the result is only a lower bound.

    Returns
    -------
    float
        Entropy rate in nats per tau_h (0.0 when no exponent is positive).

    Raises
    ------
    ValueError
        If `exponents` is not a non-empty 1-D array of finite numbers.
    """
    lam = np.asarray(exponents, dtype=float)
    if lam.ndim != 1 or lam.size == 0:
        raise ValueError(f"exponents must be a non-empty 1-D array, got shape {lam.shape}")
    if not np.isfinite(lam).all():
        raise ValueError("exponents must be finite")
    return float(lam[lam > 0].sum())


def qr_exponents(
    step: TangentStep,
    x: np.ndarray,
    frame: np.ndarray,
    *,
    dt: float,
    steps_per_qr: int,
    n_intervals: int,
    group: int = 1,
    t0: float = 0.0,
    progress: Callable[[int], None] | None = None,
    context: str = "the system",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Benettin QR accumulation of log R_ii for a generic tangent propagator.

    Parameters
    ----------
    step : callable (t, x, V) -> (x_new, V_new)
        One time step of length `dt` of the state and of the tangent block V, shape (..., k).
    x : array
        Initial state (not modified).
    frame : array, shape (..., k)
        Initial tangent block; its k columns (flattened to (-1, k)) should be orthonormal.
    dt : float
        Time step, in the time unit of the system (> 0).
    steps_per_qr : int
        Steps between re-orthonormalisations (>= 1).
    n_intervals : int
        Number of QR intervals to run (>= 0, a multiple of `group`).
    group : int
        The log R_ii of this many consecutive intervals are summed into one row (>= 1).
    t0 : float
        Time at the start.
    progress : callable, optional
        Called with the number of steps done so far after each step.
    context : str
        Description of the system for the DivergenceError message.

    Returns
    -------
    log_r : array, shape (n_intervals // group, k)
        Sums of log R_ii (dimensionless) over each group of intervals, in QR-column order.
        Divided by group * steps_per_qr * dt they are the exponents of that stretch.
    x : array
        State at the end.
    frame : array, shape of `frame`
        Orthonormal frame at the end (diag(R) > 0 convention).

    Raises
    ------
    DivergenceError
        If the state or the tangent block becomes NaN or infinite, or the frame loses rank.
    ValueError
        For impossible settings (named in the message).
    """
    if not (dt > 0 and np.isfinite(dt)):
        raise ValueError(f"dt must be finite and > 0, got {dt!r}")
    for name, value, low in (("steps_per_qr", steps_per_qr, 1), ("n_intervals", n_intervals, 0),
                             ("group", group, 1)):
        if isinstance(value, bool) or int(value) != value or value < low:
            raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    steps_per_qr, n_intervals, group = int(steps_per_qr), int(n_intervals), int(group)
    if n_intervals % group:
        raise ValueError(f"n_intervals={n_intervals} must be a multiple of group={group}")
    frame = np.ascontiguousarray(frame, dtype=float)
    if frame.ndim < 1 or frame.shape[-1] < 1:
        raise ValueError(f"frame must have shape (..., k) with k >= 1, got {frame.shape}")
    shape, k = frame.shape, frame.shape[-1]
    if frame.size // k < k:
        raise ValueError(f"frame has k={k} columns but only {frame.size // k} rows")
    log_r = np.zeros((n_intervals // group, k))
    done = 0
    for interval in range(n_intervals):
        for _ in range(steps_per_qr):
            t = t0 + done * dt
            x, frame = step(t, x, frame)
            done += 1
            if not np.isfinite(x).all():
                raise DivergenceError(
                    f"Lyapunov run diverged (non-finite state) at t={t + dt:.6g} "
                    f"(dt={dt:g}) for {context}"
                )
            if progress is not None:
                progress(done)
        flat = frame.reshape(-1, k)
        t = t0 + done * dt
        if not np.isfinite(flat).all():
            raise DivergenceError(
                f"Lyapunov run diverged (non-finite tangent vectors) at t={t:.6g} "
                f"(dt={dt:g}, QR every {steps_per_qr} steps) for {context}"
            )
        q, r = np.linalg.qr(flat, mode="reduced")
        diagonal = np.diagonal(r)
        magnitude = np.abs(diagonal)
        if not (magnitude > 0).all():
            raise DivergenceError(
                f"Lyapunov run lost rank (R_ii = 0 in QR) at t={t:.6g} for {context}"
            )
        log_r[interval // group] += np.log(magnitude)
        q *= np.where(diagonal < 0, -1.0, 1.0)
        frame = np.ascontiguousarray(q).reshape(shape)
    return log_r, x, frame


def _schedule(dt, t_burn, t_frame, t_max, interval, n_blocks, interval_name):
    """Step counts: burn-in steps, steps per interval, frame intervals, intervals per block."""
    dt = _check_number("dt", dt)
    t_burn = _check_number("t_burn", t_burn, strict=False)
    t_frame = _check_number("t_frame", t_frame, strict=False)
    t_max = _check_number("t_max", t_max)
    interval = _check_number(interval_name, interval)
    n_blocks = _check_int("n_blocks", n_blocks, 2)
    steps_per_interval = int(round(interval / dt))
    if steps_per_interval < 1 or abs(steps_per_interval * dt - interval) > 1e-9 * interval:
        raise ValueError(f"{interval_name} must be a positive multiple of dt={dt:g}, "
                         f"got {interval!r}")
    per_block = int(round(t_max / (n_blocks * interval)))
    if per_block < 1:
        raise ValueError(f"t_max={t_max:g} is shorter than n_blocks={n_blocks} x "
                         f"{interval_name}={interval:g}")
    n_burn = int(round(t_burn / dt))
    n_frame = int(round(t_frame / interval))
    return dt, n_burn, steps_per_interval, n_frame, per_block, n_blocks


def _initial_state(network, x0, init_scale, init_seed):
    if x0 is None:
        return network.initial_state(None, scale=init_scale, seed=init_seed)
    x0 = np.array(x0, dtype=float)
    if x0.shape != (3, network.N):
        raise ValueError(f"x0 must have shape (3, {network.N}), got {x0.shape}")
    if not np.isfinite(x0).all():
        raise ValueError("x0 must be finite")
    return x0


def _burn_state(network, x, n_burn, dt, inputs, report):
    if n_burn == 0:
        return x

    def rhs(t, state):
        return network.vector_field(state, t, inputs)

    _, _, x = integrate(rhs, x, dt=dt, n_steps=n_burn, record_every=n_burn,
                        observe=lambda s: s[0, :1], progress=report.update,
                        context=network.describe())
    return x


def _start_run(
    network, label, dt, t_burn, t_frame, t_max, interval, interval_name, n_blocks, x0,
    init_scale, init_seed, inputs, progress,
):
    """Validate the settings shared by `spectrum` and `max_exponent_twin`, and burn in.

    Returns (schedule, init_seed, state after the burn-in, Progress, context), where
    schedule = (dt, n_burn, steps per interval, n_frame, intervals per block, n_blocks).
    """
    schedule = _schedule(dt, t_burn, t_frame, t_max, interval, n_blocks, interval_name)
    dt, n_burn, steps, n_frame, per_block, n_blocks = schedule
    init_seed = _check_int("init_seed", init_seed, 0)
    if inputs is not None:
        inputs.check(network.N, None)
    x = _initial_state(network, x0, init_scale, init_seed)
    total_steps = n_burn + (n_frame + n_blocks * per_block) * steps
    context = network.describe()
    report = Progress(total_steps, f"{label} {context}", enabled=progress)
    x = _burn_state(network, x, n_burn, dt, inputs, report)
    return schedule, init_seed, x, report, context


def initial_frame(n_rows: int, k: int, seed) -> np.ndarray:
    """k orthonormal columns in R^{n_rows}, from Gaussian vectors drawn with `seed`.

    Row i of the (k, n_rows) Gaussian draw is column i, so the first k columns for a given
    seed do not depend on k (a leading-k run starts from the first k columns of a full one).

    Returns
    -------
    array, shape (n_rows, k), orthonormal columns with diag(R) > 0 in the QR of the draw.
    """
    draw = np.random.default_rng(seed).standard_normal((k, n_rows)).T
    q, r = np.linalg.qr(draw, mode="reduced")
    q *= np.where(np.diagonal(r) < 0, -1.0, 1.0)
    return np.ascontiguousarray(q)


def _tangent_step(
    network: Network, dt: float, inputs: Inputs | None, samples: list | None = None
) -> TangentStep:
    """The step of :func:`spectrum`: ``rk4_tangent_step`` on
    ``Network.vector_field_and_jacobian_apply`` (with buffers reused from step to step).
    With `samples`, (sum_i sigma_z(z_i), tr D) at each new step point is appended to it."""
    work = {}

    def rhs_and_jvp(t, x, tangent):
        return network.vector_field_and_jacobian_apply(x, tangent, t, inputs, work)

    def step(t, x, tangent):
        x, tangent = rk4_tangent_step(rhs_and_jvp, t, x, tangent, dt)
        if samples is not None:
            samples.append(_trace_sample(network, x))
        return x, tangent

    return step


def _trace_sample(network: Network, x: np.ndarray) -> tuple[float, float]:
    """(sum_i sigma_z(z_i), tr D) at a state x of shape (3, N)."""
    return float(network.gates(x)[0].sum()), float(network.jacobian_trace(x))


def _quadrature_weights(n_steps: int) -> np.ndarray:
    """Weights w_0..w_n with dt * sum_j w_j f(t_0 + j dt) ~ integral of f over n steps.

    Exact for cubics, so O(dt^4) for smooth f, like RK4 itself: Newton-Cotes for n <= 4,
    else Gregory's end-corrected trapezoid rule (3/8, 7/6, 23/24, 1, ..., 1, 23/24, 7/6,
    3/8), which has no parity condition on n and whose error, for a smooth integrand
    sampled along one trajectory, comes only from the ends of the window. n = 1 is the
    trapezoid rule (second order).
    """
    if n_steps < 1:
        raise ValueError(f"n_steps must be >= 1, got {n_steps!r}")
    closed = {1: [1 / 2, 1 / 2], 2: [1 / 3, 4 / 3, 1 / 3], 3: [3 / 8, 9 / 8, 9 / 8, 3 / 8],
              4: [14 / 45, 64 / 45, 24 / 45, 64 / 45, 14 / 45]}
    if n_steps in closed:
        return np.array(closed[n_steps])
    weights = np.ones(n_steps + 1)
    weights[:3] = (3 / 8, 7 / 6, 23 / 24)
    weights[-3:] = (23 / 24, 7 / 6, 3 / 8)
    return weights


def spectrum(
    network: Network,
    n_exponents: int,
    *,
    t_max: float = 1000.0,
    t_burn: float = 100.0,
    t_frame: float = 50.0,
    dt: float = 0.05,
    qr_interval: float = 0.5,
    n_blocks: int = 10,
    x0: np.ndarray | None = None,
    init_scale: float = 1.0,
    init_seed: int = 0,
    inputs: Inputs | None = None,
    progress: bool = True,
) -> xr.Dataset:
    """The leading `n_exponents` Lyapunov exponents of a network trajectory (QR method).

    Parameters
    ----------
    network : Network
    n_exponents : int
        Number k of exponents, 1 <= k <= 3N (3N gives the full spectrum).
    t_max : float
        Length of the measurement window, in tau_h (> 0); rounded to a whole number of QR
        intervals per block (the value used is in the ``settings`` attribute).
    t_burn : float
        State burn-in before the tangent vectors start, in tau_h (>= 0).
    t_frame : float
        Frame burn-in: time the tangent frame is propagated and re-orthonormalised before the
        log R_ii start to count, in tau_h (>= 0; rounded to whole QR intervals).
    dt : float
        RK4 step, in tau_h (> 0).
    qr_interval : float
        Time between QR re-orthonormalisations, in tau_h; a multiple of dt. Over one interval
        the frame's condition number grows like exp((lambda_1 - lambda_k) qr_interval).
    n_blocks : int
        Number of equal blocks of the window for batch-means errors (>= 2).
    x0 : array, shape (3, N), optional
        Initial state; default ``network.initial_state(None, init_scale, init_seed)``.
    init_scale : float
        Standard deviation of the random initial h (> 0).
    init_seed : int
        Seed of the initial state and of the initial frame (Gaussian, see `initial_frame`).
    inputs : Inputs, optional
        External drive (static channels of shape (N,)); time runs from t = 0 at the start of
        the state burn-in.
    progress : bool
        Log percent, elapsed time and ETA (logger "gatedrnn", INFO).

    Returns
    -------
    xarray.Dataset
        exponents (index), sorted descending, in 1/tau_h, with exponents_error (batch-means
        standard error); block_exponents (block, index); mle, mle_error; entropy_rate(_error)
        (sum of positive exponents, nats/tau_h); kaplan_yorke_dimension(_error) (NaN when the
        k exponents sum to >= 0); gate_z_mean (time and unit average of sigma_z along the
        measured trajectory); trace_mean (time average of tr D, 1/tau_h, exact including
        the J^h diagonal); both are fourth-order quadratures over the step points of the
        window, so that with k = 3N sum(exponents) = trace_mean up to the O(dt^4)
        discretisation, and with a zero diagonal mean(exponents) = -(gate_z_mean + 1/tau_z
        + 1/tau_r) / 3 up to the same residual divided by 3N. Coordinates: index, block,
        qr_column (the QR column each exponent came from), block_start (tau_h), the model
        parameters, N and seed.
        Attributes: settings (JSON) and provenance.

    Raises
    ------
    ValueError
        For impossible inputs (the message names the parameter).
    DivergenceError
        If the state or tangent vectors become NaN/inf (the message gives parameters and t).

    Examples
    --------
    >>> from gatedrnn import GatedRNN, Network
    >>> net = Network(GatedRNN(g_h=3.0, alpha_z=2.0), N=100, seed=1)
    >>> ds = spectrum(net, 10, t_max=200.0, progress=False)
    >>> ds.exponents.dims, ds.block_exponents.dims
    (('index',), ('block', 'index'))
    """
    if not isinstance(network, Network):
        raise ValueError(f"network must be a Network, got {type(network).__name__}")
    n_rows = 3 * network.N
    k = _check_int("n_exponents", n_exponents, 1)
    if k > n_rows:
        raise ValueError(f"n_exponents must be <= 3N = {n_rows}, got {n_exponents!r}")
    (dt, n_burn, steps_per_qr, n_frame, per_block, n_blocks), init_seed, x, report, context = (
        _start_run(
            network, f"Lyapunov spectrum (k={k})", dt, t_burn, t_frame, t_max, qr_interval,
            "qr_interval", n_blocks, x0, init_scale, init_seed, inputs, progress,
        )
    )
    n_measure = n_blocks * per_block
    frame = initial_frame(n_rows, k, [network.seed, init_seed, 1]).reshape(3, network.N, k)

    common = dict(dt=dt, steps_per_qr=steps_per_qr, context=context)
    t_start = n_burn * dt
    if n_frame:
        _, x, frame = qr_exponents(
            _tangent_step(network, dt, inputs), x, frame, n_intervals=n_frame, group=n_frame,
            t0=t_start, progress=lambda done: report.update(n_burn + done), **common)
    t_start += n_frame * steps_per_qr * dt
    offset = n_burn + n_frame * steps_per_qr
    # (sum_i sigma_z, tr D) at every step point of the window, for their time integrals.
    samples = [_trace_sample(network, x)]
    log_r, x, frame = qr_exponents(
        _tangent_step(network, dt, inputs, samples), x, frame, n_intervals=n_measure,
        group=per_block, t0=t_start, progress=lambda done: report.update(offset + done),
        **common)
    block_time = per_block * steps_per_qr * dt
    window = n_blocks * block_time
    gate_z_integral, trace_integral = dt * (_quadrature_weights(len(samples) - 1) @ samples)

    blocks = log_r / block_time
    mean = blocks.mean(axis=0)
    order = np.argsort(-mean, kind="stable")
    mean, blocks = mean[order], blocks[:, order]
    error = blocks.std(axis=0, ddof=1) / np.sqrt(n_blocks)

    def batch_error(values):
        values = np.asarray(values, dtype=float)
        return float(values.std(ddof=1) / np.sqrt(values.size))

    positive = mean > 0
    entropy_blocks = blocks[:, positive].sum(axis=1)
    ky = kaplan_yorke_dimension(mean)
    ky_blocks = [kaplan_yorke_dimension(b) for b in blocks]

    rate = "1/tau_h"
    data_vars = {
        "exponents": ("index", mean, {"long_name": "Lyapunov exponent", "units": rate}),
        "exponents_error": ("index", error, {
            "long_name": "standard error of the Lyapunov exponent (batch means)",
            "units": rate}),
        "block_exponents": (("block", "index"), blocks, {
            "long_name": "Lyapunov exponent over one block", "units": rate}),
        "mle": ((), mean[0], {"long_name": "maximal Lyapunov exponent", "units": rate}),
        "mle_error": ((), error[0], {
            "long_name": "standard error of the maximal Lyapunov exponent", "units": rate}),
        "entropy_rate": ((), entropy_rate(mean), {
            "long_name": "entropy rate (sum of positive exponents)", "units": "nat/tau_h",
            "note": "a lower bound if every computed exponent is positive"}),
        "entropy_rate_error": ((), batch_error(entropy_blocks), {
            "long_name": "standard error of the entropy rate", "units": "nat/tau_h"}),
        "kaplan_yorke_dimension": ((), ky, {
            "long_name": "Kaplan-Yorke dimension", "units": "1",
            "note": "NaN when the computed exponents sum to >= 0 (spectrum too short)"}),
        "kaplan_yorke_dimension_error": ((), batch_error(ky_blocks), {
            "long_name": "standard error of the Kaplan-Yorke dimension", "units": "1"}),
        "gate_z_mean": ((), gate_z_integral / (window * network.N), {
            "long_name": "time and unit average of the update gate sigma_z", "units": "1"}),
        "trace_mean": ((), trace_integral / window, {
            "long_name": "time average of the Jacobian trace tr D", "units": rate}),
    }
    coords = {
        "index": ("index", np.arange(k), {"long_name": "exponent index (descending)",
                                          "units": "1"}),
        "block": ("block", np.arange(n_blocks), {"long_name": "batch-means block",
                                                 "units": "1"}),
        "qr_column": ("index", order, {"long_name": "QR column of the exponent", "units": "1"}),
        "block_start": ("block", t_start + block_time * np.arange(n_blocks), {
            "long_name": "start time of the block", "units": "tau_h"}),
        **parameter_coords(network),
    }
    settings = dict(
        method="QR (Benettin), RK4 joint state+tangent", n_exponents=k, dt=dt,
        t_burn=n_burn * dt, t_frame=n_frame * steps_per_qr * dt, t_max=window,
        qr_interval=steps_per_qr * dt, n_blocks=n_blocks, init_scale=float(init_scale),
        init_seed=init_seed, x0_given=x0 is not None, zero_diagonal=network.zero_diagonal,
        inputs=inputs is not None,
    )
    attrs = {
        "title": "Lyapunov spectrum of a gated RNN",
        "settings": json.dumps(settings),
        **provenance(network.params.digest(N=network.N, seed=network.seed, **settings)),
    }
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def max_exponent_twin(
    network: Network,
    *,
    t_max: float = 1000.0,
    t_burn: float = 100.0,
    t_frame: float = 50.0,
    dt: float = 0.05,
    interval: float = 0.5,
    n_blocks: int = 10,
    separation: float = 1e-7,
    x0: np.ndarray | None = None,
    init_scale: float = 1.0,
    init_seed: int = 0,
    inputs: Inputs | None = None,
    progress: bool = True,
) -> xr.Dataset:
    """Maximal Lyapunov exponent from two nearby trajectories (cross-check of the QR MLE).

    The two trajectories are integrated together (shape (3, N, 2), one GEMM per product);
    every `interval` their separation d (Euclidean norm in R^{3N}) is measured, log(d /
    separation) accumulated, and the second one moved back to distance `separation` along
    the current separation vector. No tangent equations are used.

    Parameters
    ----------
    network : Network
    t_max, t_burn, t_frame, dt, n_blocks, x0, init_scale, init_seed, inputs, progress :
        As in :func:`spectrum` (t_frame: time the separation vector aligns before counting).
    interval : float
        Time between renormalisations, in tau_h; a multiple of dt.
    separation : float
        Distance of the twin, Euclidean norm in R^{3N} (> 0). Its relative bias is
        O(separation); round-off adds noise O(1e-16 |x| / separation).

    Returns
    -------
    xarray.Dataset
        mle, mle_error (batch means) in 1/tau_h; block_mle (block); coordinates block,
        block_start, the model parameters, N and seed; settings and provenance attributes.

    Raises
    ------
    ValueError
        For impossible inputs (the message names the parameter).
    DivergenceError
        If a trajectory becomes NaN/inf or the twins coincide.
    """
    if not isinstance(network, Network):
        raise ValueError(f"network must be a Network, got {type(network).__name__}")
    separation = _check_number("separation", separation)
    (dt, n_burn, steps, n_frame, per_block, n_blocks), init_seed, x, report, context = (
        _start_run(
            network, "twin-trajectory MLE", dt, t_burn, t_frame, t_max, interval, "interval",
            n_blocks, x0, init_scale, init_seed, inputs, progress,
        )
    )
    n_measure = n_blocks * per_block

    direction = np.random.default_rng([network.seed, init_seed, 2]).standard_normal(x.shape)
    pair = np.stack([x, x + direction * (separation / np.linalg.norm(direction))], axis=-1)

    def rhs(t, state):
        return network.vector_field(state, t, inputs)

    sums = np.zeros(n_blocks)
    done = 0
    for interval_index in range(n_frame + n_measure):
        for _ in range(steps):
            t = (n_burn + done) * dt
            pair = rk4_step(rhs, t, pair, dt)
            done += 1
            if not np.isfinite(pair).all():
                raise DivergenceError(
                    f"twin trajectories diverged (non-finite state) at t={t + dt:.6g} "
                    f"(dt={dt:g}) for {context}")
            report.update(n_burn + done)
        difference = pair[..., 1] - pair[..., 0]
        distance = np.linalg.norm(difference)
        if not distance > 0:
            raise DivergenceError(
                f"twin trajectories coincide at t={(n_burn + done) * dt:.6g} for {context}")
        pair[..., 1] = pair[..., 0] + difference * (separation / distance)
        measured = interval_index - n_frame
        if measured >= 0:
            sums[measured // per_block] += np.log(distance / separation)
    block_time = per_block * steps * dt
    blocks = sums / block_time
    rate = "1/tau_h"
    t_start = (n_burn + n_frame * steps) * dt
    data_vars = {
        "mle": ((), blocks.mean(), {
            "long_name": "maximal Lyapunov exponent (twin trajectories)", "units": rate}),
        "mle_error": ((), blocks.std(ddof=1) / np.sqrt(n_blocks), {
            "long_name": "standard error of the MLE (batch means)", "units": rate}),
        "block_mle": ("block", blocks, {"long_name": "MLE over one block", "units": rate}),
    }
    coords = {
        "block": ("block", np.arange(n_blocks), {"long_name": "batch-means block",
                                                 "units": "1"}),
        "block_start": ("block", t_start + block_time * np.arange(n_blocks), {
            "long_name": "start time of the block", "units": "tau_h"}),
        **parameter_coords(network),
    }
    settings = dict(
        method="twin trajectories, RK4", dt=dt, t_burn=n_burn * dt,
        t_frame=n_frame * steps * dt, t_max=n_blocks * block_time, interval=steps * dt,
        n_blocks=n_blocks, separation=separation, init_scale=float(init_scale),
        init_seed=init_seed, x0_given=x0 is not None, zero_diagonal=network.zero_diagonal,
        inputs=inputs is not None,
    )
    attrs = {
        "title": "maximal Lyapunov exponent of a gated RNN (twin trajectories)",
        "settings": json.dumps(settings),
        **provenance(network.params.digest(N=network.N, seed=network.seed, **settings)),
    }
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)
