"""Bistability and input-induced chaos in finite networks with an output gate (SPEC §5, C7).

With a strong output gate (alpha_r g_r large, beta_r = 0, alpha_z = 0) three gains separate
(`gatedrnn.transition.critical_gains`): fixed points proliferate first (g_h ~ 1.63 at
alpha_r = 20), a chaotic attractor appears abruptly with a finite MLE (~1.76, MLE ~ 0.09)
while the zero fixed point is still stable, and the zero fixed point loses stability only at
g_0 = 1 + e^beta_r (= 2). Between the chaos onset and g_0 a finite network is bistable:
quiescent (h -> 0) from small initial conditions, chaotic from large ones, and a transient
input can kick a quiescent network onto the chaotic attractor. This module measures the three
finite-network faces of that picture:

- :func:`fixed_point_census`: fixed points found by Newton's method from random starts
  (`gatedrnn.fixed_points.find_fixed_points`), counted and classified (proliferation made
  visible);
- :func:`attractor_survey`: trials from small and large initial conditions integrated
  together; per trial the variance q_h(t) = mean_i h_i(t)^2, whether it decayed to the zero
  fixed point, and its maximal Lyapunov exponent over the tail of the run; the survival of
  the large-init trials versus time (near the onset finite networks are metastable: their
  chaos dies after some hundreds of tau_h, SPEC §5);
- :func:`input_induced_chaos`: a pulse u^h applied to the quiescent network, then free
  evolution; whether each trial ends on the chaotic attractor.

Classification. A trial is *active* at time t when q_h(t) > `q_threshold` and *quiescent*
otherwise. The threshold sits between the decaying quiescent state (q_h -> 0 exponentially)
and the chaotic attractor (q_h of order the DMFT variance, ~0.3 or more at alpha_r = 20), so
the default 1e-2 lies below every q_h(t) seen on the chaotic attractor (N >= 200) and above
the unstable (separatrix) DMFT branch at g_h <= 1.85. Activity, not the sign of the MLE, is the
per-time survival criterion, because a local exponent over a short window is too noisy to
tell chaos from a slow transient. Its bias: a trajectory that leaves the chaotic attractor
decays linearly near h = 0 at the slow rate sigma_z(0)(1 - g_h sigma_r(0)) (times the
finite-N spectral edge), so it still counts as active for ~log(q_chaos / q_threshold) / (2 x
that rate) after its chaos has died (tens of tau_h at g_h = 1.85), and a network decaying
slowly to 0 (alpha_r = 0 just below g_h = 2) counts as active for as long. Active is also not
chaotic on a stable nonzero fixed point (finite networks have a few, SPEC §5 census). Whether the active trials are chaotic is checked
separately: every trial carries one tangent vector (QR with k = 1, the exact derivative of
the RK4 map, batched over trials) and its MLE over the last `mle_window` is reported; a trial
ends *chaotic* when it is active at the end and its MLE exceeds `n_sigma` batch-means errors
above 0.

Trials are columns of one batch (the coupling products are GEMMs); all epochs fall on the
step grid, so a pulse of duration T delivers exactly amplitude * T.
"""

from __future__ import annotations

import dataclasses
import json
import time

import numpy as np
import xarray as xr

from .fixed_points import find_fixed_points
from .inputs import Inputs
from .integrate import DivergenceError, integrate, rk4_tangent_step
from .io import provenance
from .network import Network
from .progress import Progress
from .simulate import parameter_coords
from .validate import integer, number

__all__ = ["fixed_point_census", "attractor_survey", "input_induced_chaos", "chaotic_mle_by_size"]

#: Initial conditions of the attractor survey, in the order of the ``init`` dimension.
_INITS = ("small", "large")


# --- fixed-point census ---------------------------------------------------------------------


def fixed_point_census(
    network: Network,
    n_starts: int = 40,
    *,
    scale: float | tuple = (0.5, 1.0, 2.0, 4.0),
    seed: int = 0,
    zero_tol: float = 1e-6,
    tol: float = 1e-12,
    distance_tol: float = 1e-6,
    max_iter: int = 100,
    progress: bool = True,
) -> xr.Dataset:
    """Count and classify the fixed points found by Newton's method from random starts.

    A census is a lower bound on the number of fixed points: past proliferation there are
    exponentially many, and the starts find the ones with large basins. ``n_found_once``
    (fixed points reached by a single start) says how far from saturation it is: when most
    are found once, more starts would find more.

    Cost: each Newton step factorises an N x N matrix (O(N^3)); the defaults (N ~ 100,
    40 starts) take 1-5 s on one core at alpha_r = 20 (more past the zero-FP gain, where
    more starts fail and run the fallbacks).

    Parameters
    ----------
    network : Network
        Without inputs (the zero state is then always a fixed point).
    n_starts : int
        Random starts (>= 1), h0 ~ N(0, scale^2) per unit, cycling through `scale`.
    scale : float or tuple of float
        Standard deviation(s) of the starting h (> 0).
    seed : int
        Seed of the starts (>= 0), independent of the coupling seed.
    zero_tol : float
        A fixed point with rms(h) < zero_tol is the zero fixed point (> 0).
    tol, distance_tol, max_iter :
        As in `gatedrnn.fixed_points.find_fixed_points`.
    progress : bool
        Log the elapsed time (logger "gatedrnn", INFO).

    Returns
    -------
    xarray.Dataset
        Over dim ``fixed_point`` (increasing q_h): q_h (mean over units of h^2), stable
        (int8), max_real_eigenvalue (1/tau_h), hits, residual, is_zero (int8). Scalars:
        n_fixed_points, n_stable, n_nonzero, n_nonzero_stable, n_found_once, n_failed,
        n_starts, zero_found (int8), zero_stable (int8; -1 if not found),
        zero_max_real_eigenvalue (1/tau_h; NaN if not found), max_q_h (largest q_h found, 0
        if only the zero fixed point). Model parameters, N and seed as scalar coordinates;
        settings (JSON) and provenance attributes.

    Raises
    ------
    ValueError
        For a bad argument (the message names it).

    Examples
    --------
    >>> from gatedrnn import GatedRNN, Network
    >>> census = fixed_point_census(Network(GatedRNN(g_h=1.5, alpha_r=20.0), 60, seed=0),
    ...                             n_starts=8, progress=False)
    >>> int(census.n_fixed_points), int(census.zero_stable)
    (1, 1)
    """
    _check_network(network)
    n_starts = integer("n_starts", n_starts, 1)
    seed = integer("seed", seed, 0)
    zero_tol = number("zero_tol", zero_tol)
    start = time.perf_counter()
    found = find_fixed_points(
        network, n_starts, scale, seed, tol=tol, distance_tol=distance_tol, max_iter=max_iter
    )
    rms = np.sqrt(found["q_h"].values)
    is_zero = rms < zero_tol
    stable = found["stable"].values.astype(bool)
    hits = found["hits"].values
    max_real = found["max_real_eigenvalue"].values
    zero_index = np.flatnonzero(is_zero)
    one = {"units": "1"}
    per_point = {
        name: found[name] for name in ("q_h", "stable", "max_real_eigenvalue", "hits", "residual")
    }
    data_vars = {
        **{name: (("fixed_point",), value.values, value.attrs) for name, value in per_point.items()},
        "is_zero": ("fixed_point", is_zero.astype(np.int8),
                    {"long_name": f"1 if rms(h) < {zero_tol:g} (the zero fixed point)", **one}),
        "n_fixed_points": _scalar(int(is_zero.size), "distinct fixed points found"),
        "n_stable": _scalar(int(stable.sum()), "linearly stable fixed points found"),
        "n_nonzero": _scalar(int((~is_zero).sum()), "nonzero fixed points found"),
        "n_nonzero_stable": _scalar(int((stable & ~is_zero).sum()),
                                    "linearly stable nonzero fixed points found"),
        "n_found_once": _scalar(int((hits == 1).sum()), "fixed points reached by one start only"),
        "n_failed": _scalar(int(found.attrs["n_failed"]), "starts that reached no fixed point"),
        "n_starts": _scalar(n_starts, "random starts"),
        "zero_found": _scalar(np.int8(zero_index.size > 0), "1 if the zero fixed point was found"),
        "zero_stable": _scalar(
            np.int8(stable[zero_index[0]]) if zero_index.size else np.int8(-1),
            "1 if the zero fixed point is linearly stable, 0 if not, -1 if not found"),
        "zero_max_real_eigenvalue": _scalar(
            float(max_real[zero_index[0]]) if zero_index.size else np.nan,
            "largest real part of the Jacobian eigenvalues at the zero fixed point", "1/tau_h"),
        "max_q_h": _scalar(float(found["q_h"].max()) if is_zero.size else np.nan,
                           "largest q_h among the fixed points found"),
    }
    coords = {
        "fixed_point": found["fixed_point"].variable,
        **parameter_coords(network),
    }
    settings = json.loads(found.attrs["settings"])
    settings.update(zero_tol=zero_tol, zero_diagonal=network.zero_diagonal)
    elapsed = time.perf_counter() - start
    if progress:
        Progress(1, f"fixed_point_census {network.describe()}").update(1)
    attrs = {
        "title": "census of the fixed points of a finite gated network",
        "settings": json.dumps(settings),
        "elapsed_s": f"{elapsed:.1f}",
        **provenance(network.params.digest(N=network.N, seed=network.seed, kind="census",
                                           **settings)),
    }
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


# --- attractor survey -----------------------------------------------------------------------


def attractor_survey(
    network: Network,
    *,
    n_trials: int = 8,
    small_scale: float = 0.01,
    large_scale: float = 2.0,
    t_max: float = 500.0,
    dt: float = 0.1,
    record_interval: float = 1.0,
    qr_interval: float = 1.0,
    mle_window: float = 200.0,
    n_blocks: int = 10,
    q_threshold: float = 1e-2,
    n_sigma: float = 3.0,
    seed: int = 0,
    progress: bool = True,
) -> xr.Dataset:
    """Attractors reached from small and large initial conditions, with their MLEs.

    `n_trials` initial states h ~ N(0, small_scale^2) and as many h ~ N(0, large_scale^2)
    (z, r slaved to h as in `Network.initial_state`) are integrated together with RK4 for
    `t_max`, each with one tangent vector.

    Parameters
    ----------
    network : Network
    n_trials : int
        Trials per initial-condition scale (>= 1).
    small_scale, large_scale : float
        Standard deviation of the initial h, per unit (> 0).
    t_max : float
        Duration in tau_h (> 0, a multiple of record_interval and of qr_interval).
    dt : float
        RK4 step in tau_h (> 0).
    record_interval : float
        Time between records of q_h, in tau_h (a multiple of dt).
    qr_interval : float
        Time between renormalisations of the tangent vectors, in tau_h (a multiple of dt).
    mle_window : float
        Tail of the run over which the MLE is averaged, in tau_h (a multiple of
        n_blocks * qr_interval, <= t_max); the tangent vectors align during the rest.
    n_blocks : int
        Blocks of the window for the batch-means error of each trial's MLE (>= 2).
    q_threshold : float
        q_h above which a trial is active (not quiescent), > 0.
    n_sigma : float
        A trial is chaotic at the end if active and mle > n_sigma * mle_error (> 0).
    seed : int
        Seed of the initial conditions and tangent vectors (>= 0).
    progress : bool
        Log progress (logger "gatedrnn", INFO).

    Returns
    -------
    xarray.Dataset
        q_h (time, init, trial); active (time, init, trial, int8); survival (time, init:
        fraction of trials active); final_q_h, quiescent, mle, mle_error, chaotic (init,
        trial); block_mle (block, init, trial); per init: fraction_quiescent,
        fraction_chaotic, mle_chaotic_mean and mle_chaotic_error (mean over the chaotic
        trials and its standard error; NaN if none), death_time (init, trial: first time
        after which the trial stays quiescent, NaN if active at the end). Coordinates time
        (tau_h), init ("small", "large"), init_scale (init), trial, block, block_start, the
        model parameters, N and seed.

    Raises
    ------
    ValueError
        For a bad argument (the message names it).
    DivergenceError
        If a state or tangent vector becomes NaN or infinite.

    Examples
    --------
    >>> from gatedrnn import GatedRNN, Network
    >>> net = Network(GatedRNN(g_h=1.2, alpha_r=20.0), 50, seed=0)
    >>> ds = attractor_survey(net, n_trials=2, t_max=20.0, mle_window=10.0, n_blocks=2,
    ...                       progress=False)
    >>> ds.q_h.dims, ds.quiescent.values.tolist()
    (('time', 'init', 'trial'), [[1, 1], [1, 1]])
    """
    _check_network(network)
    n_trials = integer("n_trials", n_trials, 1)
    scales = np.array([number("small_scale", small_scale),
                       number("large_scale", large_scale)])
    seed = integer("seed", seed, 0)
    schedule = _Schedule.make(dt, t_max, record_interval, qr_interval, mle_window, n_blocks)
    q_threshold = number("q_threshold", q_threshold)
    n_sigma = number("n_sigma", n_sigma)

    x0 = np.concatenate(
        [network.initial_state(n_trials, scale=s, seed=seed + 1000 * k)
         for k, s in enumerate(scales)], axis=2)
    run = _integrate_batch(network, x0, [_Epoch(schedule.n_steps)], schedule,
                           tangent_seed=[network.seed, seed, 3], progress=progress,
                           label="attractor_survey")
    shape = (len(_INITS), n_trials)
    q_h = run.q_h.reshape((-1,) + shape)
    active = q_h > q_threshold
    blocks = run.block_mle.reshape((-1,) + shape)
    mle, mle_error = _batch_means(blocks)
    quiescent = ~active[-1]
    chaotic = active[-1] & (mle > n_sigma * mle_error)
    data_vars = {
        **_time_vars(q_h, active, ("time", "init", "trial"), q_threshold),
        "survival": (("time", "init"), active.mean(axis=2), {
            "long_name": f"fraction of trials with q_h > {q_threshold:g}", "units": "1"}),
        "final_q_h": (("init", "trial"), q_h[-1], {
            "long_name": "mean over units of h^2 at the end", "units": "1"}),
        "quiescent": (("init", "trial"), quiescent.astype(np.int8), {
            "long_name": f"1 if q_h <= {q_threshold:g} at the end (decayed to the zero "
                         f"fixed point)", "units": "1"}),
        "death_time": (("init", "trial"), _death_time(run.times, active), {
            "long_name": "time after which the trial stays quiescent (NaN: active at the end)",
            "units": "tau_h"}),
        **_mle_vars(blocks, mle, mle_error, chaotic, ("init", "trial"), n_sigma),
        "fraction_quiescent": ("init", quiescent.mean(axis=1), {
            "long_name": "fraction of trials quiescent at the end", "units": "1"}),
        "fraction_chaotic": ("init", chaotic.mean(axis=1), {
            "long_name": "fraction of trials chaotic at the end", "units": "1"}),
        **_chaotic_mean_vars(mle, chaotic, "init"),
    }
    coords = {
        **_time_coords(run, schedule, "time since the start"),
        "init": ("init", list(_INITS), {"long_name": "initial-condition scale", "units": "1"}),
        "init_scale": ("init", scales, {
            "long_name": "standard deviation of the initial h", "units": "1"}),
        "trial": ("trial", np.arange(n_trials), {"long_name": "trial", "units": "1"}),
        **parameter_coords(network),
    }
    settings = dict(
        protocol="attractor_survey", n_trials=n_trials, small_scale=float(scales[0]),
        large_scale=float(scales[1]), q_threshold=q_threshold, n_sigma=n_sigma,
        init_seed=seed, **schedule.settings(), zero_diagonal=network.zero_diagonal,
    )
    return _dataset(network, data_vars, coords, settings, "attractors of a gated RNN from "
                    "small and large initial conditions")


# --- input-induced chaos --------------------------------------------------------------------


def chaotic_mle_by_size(surveys: list[xr.Dataset], g_h: float) -> xr.DataArray:
    """Per-network mean MLE of the chaotic large-init trials at one g_h, over network sizes.

    Parameters
    ----------
    surveys : list of Dataset
        Merged `attractor_survey` results (with ``mle_chaotic_mean`` over g_h, seed, init),
        each with N as a scalar coordinate or a dimension.
    g_h : float
        A gain present in every survey.

    Returns
    -------
    xarray.DataArray
        Dims (N, seed), N sorted; NaN where a network had no chaotic trial.
    """
    parts = []
    for survey in surveys:
        values = survey["mle_chaotic_mean"].sel(init="large", g_h=g_h, drop=True)
        parts.append(values if "N" in values.dims else values.expand_dims(N=[int(survey["N"])]))
    return xr.concat(parts, dim="N", coords="minimal", compat="override").sortby("N")


def input_induced_chaos(
    network: Network,
    amplitude: float = 1.0,
    pulse_duration: float = 10.0,
    *,
    t_after: float = 300.0,
    n_trials: int = 8,
    init_scale: float = 0.0,
    t_burn: float = 0.0,
    dt: float = 0.1,
    record_interval: float = 1.0,
    qr_interval: float = 1.0,
    mle_window: float = 100.0,
    n_blocks: int = 10,
    q_threshold: float = 1e-2,
    n_sigma: float = 3.0,
    seed: int = 0,
    progress: bool = True,
) -> xr.Dataset:
    """Kick a quiescent network with a transient input pulse and watch where it ends.

    The start is the zero fixed point (init_scale = 0) or, with init_scale > 0, the state
    reached after `t_burn` from h ~ N(0, init_scale^2). Each trial gets its own pulse
    u^h = amplitude * sqrt(N) * w along a random unit vector w (rms `amplitude` per unit),
    on for `pulse_duration`, then `t_after` of free evolution.

    Parameters
    ----------
    network : Network
    amplitude : float
        Rms per-unit size of the pulse (>= 0; 0 leaves the zero state exactly at 0).
    pulse_duration : float
        In tau_h (> 0, a multiple of qr_interval and record_interval).
    t_after : float
        Free evolution after the pulse, in tau_h (> 0, a multiple of qr_interval and
        record_interval, >= mle_window).
    n_trials : int
        Pulses (directions), integrated together (>= 1).
    init_scale : float
        0 (default): start exactly at the zero state. > 0: random start, then burn-in.
    t_burn : float
        Burn-in before the pulse, in tau_h (>= 0; only with init_scale > 0).
    dt, record_interval, qr_interval, n_blocks, q_threshold, n_sigma, seed, progress :
        As in :func:`attractor_survey`.
    mle_window : float
        Tail of the free evolution over which the MLE is averaged, in tau_h.

    Returns
    -------
    xarray.Dataset
        q_h, active (time, trial); survival (time: fraction active); final_q_h, mle,
        mle_error, chaotic (trial); block_mle (block, trial); min_q_after (trial: smallest
        q_h after the pulse end) and stayed_active (trial: min_q_after > q_threshold);
        scalars fraction_chaotic, mle_chaotic_mean, mle_chaotic_error, pulse_end (tau_h).
        Coordinates time (tau_h since the pulse onset), trial, block, block_start, the model
        parameters, N and seed.

    Raises
    ------
    ValueError
        For a bad argument (the message names it).
    DivergenceError
        If a state or tangent vector becomes NaN or infinite.
    """
    _check_network(network)
    if isinstance(amplitude, bool) or not (np.isfinite(amplitude) and amplitude >= 0):
        raise ValueError(f"amplitude must be finite and >= 0, got {amplitude!r}")
    n_trials = integer("n_trials", n_trials, 1)
    init_scale = number("init_scale", init_scale, strict=False)
    t_burn = number("t_burn", t_burn, strict=False)
    if t_burn > 0 and init_scale == 0:
        raise ValueError("t_burn must be 0 when init_scale = 0 (the zero state is a fixed point)")
    seed = integer("seed", seed, 0)
    pulse_duration = number("pulse_duration", pulse_duration)
    t_after = number("t_after", t_after)
    dt = number("dt", dt)
    for name, interval in (("record_interval", record_interval), ("qr_interval", qr_interval)):
        ratio = pulse_duration / number(name, interval)
        if abs(ratio - round(ratio)) > 1e-9 * max(ratio, 1.0):
            raise ValueError(f"pulse_duration must be a multiple of {name}={interval:g}, "
                             f"got {pulse_duration!r}")
    schedule = _Schedule.make(dt, pulse_duration + t_after, record_interval, qr_interval,
                              mle_window, n_blocks)
    pulse_steps = schedule.steps_of("pulse_duration", pulse_duration)
    if schedule.window_steps > schedule.n_steps - pulse_steps:
        raise ValueError(f"mle_window must be <= t_after={t_after:g}, got {mle_window!r}")
    q_threshold = number("q_threshold", q_threshold)
    n_sigma = number("n_sigma", n_sigma)

    x0 = _quiescent_start(network, n_trials, init_scale, t_burn, dt, seed, progress)
    directions = np.random.default_rng([network.seed, seed, 11]).standard_normal(
        (network.N, n_trials))
    directions /= np.linalg.norm(directions, axis=0)
    pulse = amplitude * np.sqrt(network.N) * directions
    epochs = [_Epoch(pulse_steps, Inputs(h=pulse)), _Epoch(schedule.n_steps - pulse_steps)]
    run = _integrate_batch(network, x0, epochs, schedule, tangent_seed=[network.seed, seed, 13],
                           progress=progress, label="input_induced_chaos")
    active = run.q_h > q_threshold
    mle, mle_error = _batch_means(run.block_mle)
    chaotic = active[-1] & (mle > n_sigma * mle_error)
    min_q_after = run.q_h[run.times >= pulse_duration - 1e-9].min(axis=0)
    data_vars = {
        **_time_vars(run.q_h, active, ("time", "trial"), q_threshold),
        "survival": ("time", active.mean(axis=1), {
            "long_name": f"fraction of trials with q_h > {q_threshold:g}", "units": "1"}),
        "final_q_h": ("trial", run.q_h[-1], {
            "long_name": "mean over units of h^2 at the end", "units": "1"}),
        "min_q_after": ("trial", min_q_after, {
            "long_name": "smallest q_h after the pulse end", "units": "1"}),
        "stayed_active": ("trial", (min_q_after > q_threshold).astype(np.int8), {
            "long_name": f"1 if q_h > {q_threshold:g} at every record after the pulse end",
            "units": "1"}),
        **_mle_vars(run.block_mle, mle, mle_error, chaotic, ("trial",), n_sigma),
        "fraction_chaotic": ((), float(chaotic.mean()), {
            "long_name": "fraction of kicked trials chaotic at the end", "units": "1"}),
        **_chaotic_mean_vars(mle[None], chaotic[None], None),
        "pulse_end": _scalar(float(pulse_duration), "end of the pulse", "tau_h"),
    }
    coords = {
        **_time_coords(run, schedule, "time since the pulse onset"),
        "trial": ("trial", np.arange(n_trials), {"long_name": "pulse direction", "units": "1"}),
        **parameter_coords(network),
    }
    settings = dict(
        protocol="input_induced_chaos", amplitude=float(amplitude),
        pulse_duration=float(pulse_duration), t_after=float(t_after), n_trials=n_trials,
        init_scale=init_scale, t_burn=t_burn, q_threshold=q_threshold, n_sigma=n_sigma,
        init_seed=seed, **schedule.settings(), zero_diagonal=network.zero_diagonal,
    )
    return _dataset(network, data_vars, coords, settings,
                    "input-induced chaos in a quiescent gated RNN")


# --- batched integration with one tangent vector per trial ----------------------------------


@dataclasses.dataclass(frozen=True)
class _Epoch:
    """`steps` RK4 steps with constant inputs (None: no input)."""

    steps: int
    inputs: Inputs | None = None


@dataclasses.dataclass(frozen=True)
class _Schedule:
    """Step counts of a run: total steps, steps per record and per QR interval, and the MLE
    window (its steps and blocks)."""

    dt: float
    n_steps: int
    record_steps: int
    qr_steps: int
    window_steps: int
    n_blocks: int

    @classmethod
    def make(cls, dt, t_max, record_interval, qr_interval, mle_window, n_blocks) -> _Schedule:
        dt = number("dt", dt)
        record_steps = _multiple("record_interval", record_interval, dt)
        qr_steps = _multiple("qr_interval", qr_interval, dt)
        n_steps = _multiple("t_max", t_max, dt)
        n_blocks = integer("n_blocks", n_blocks, 2)
        window_steps = _multiple("mle_window", mle_window, dt)
        for name, steps in (("record_interval", record_steps), ("qr_interval", qr_steps)):
            if n_steps % steps:
                raise ValueError(f"{name}={steps * dt:g} must divide t_max={n_steps * dt:g}")
        if window_steps % (n_blocks * qr_steps):
            raise ValueError(f"mle_window must be a multiple of n_blocks * qr_interval = "
                             f"{n_blocks * qr_steps * dt:g}, got {mle_window!r}")
        if window_steps > n_steps:
            raise ValueError(f"mle_window must be <= t_max={n_steps * dt:g}, got {mle_window!r}")
        return cls(dt, n_steps, record_steps, qr_steps, window_steps, n_blocks)

    def steps_of(self, name: str, duration: float) -> int:
        steps = _multiple(name, duration, self.dt)
        for interval, label in ((self.record_steps, "record_interval"),
                                (self.qr_steps, "qr_interval")):
            if steps % interval:
                raise ValueError(f"{name} must be a multiple of {label}="
                                 f"{interval * self.dt:g}, got {duration!r}")
        return steps

    def settings(self) -> dict:
        return dict(dt=self.dt, t_max=self.n_steps * self.dt,
                    record_interval=self.record_steps * self.dt,
                    qr_interval=self.qr_steps * self.dt,
                    mle_window=self.window_steps * self.dt, n_blocks=self.n_blocks,
                    method="rk4 + one tangent vector per trial (QR, k = 1)")


@dataclasses.dataclass(frozen=True)
class _BatchRun:
    """times (n_records,), q_h (n_records, trials), block_mle (n_blocks, trials) in 1/tau_h,
    block_start (n_blocks,) in tau_h."""

    times: np.ndarray
    q_h: np.ndarray
    block_mle: np.ndarray
    block_start: np.ndarray


def _integrate_batch(network, x0, epochs, schedule, *, tangent_seed, progress, label):
    """RK4 on the batch x0 (3, N, trials) with one tangent vector per trial; q_h recorded
    every record_steps; log growth of the tangent summed per block of the MLE window."""
    N, trials = network.N, x0.shape[2]
    tangent = np.random.default_rng(tangent_seed).standard_normal(x0.shape + (1,))
    tangent /= np.sqrt(np.sum(tangent**2, axis=(0, 1), keepdims=True))
    window_start = schedule.n_steps - schedule.window_steps
    block_steps = schedule.window_steps // schedule.n_blocks
    log_growth = np.zeros((schedule.n_blocks, trials))
    q_h = np.empty((schedule.n_steps // schedule.record_steps + 1, trials))
    q_h[0] = np.mean(x0[0] ** 2, axis=0)
    report = Progress(schedule.n_steps, f"{label} {network.describe()}", enabled=progress)
    context = network.describe()
    x, done, work = np.array(x0, dtype=float), 0, {}
    for epoch in epochs:
        def rhs_and_jvp(t, state, vectors, inputs=epoch.inputs):
            return network.vector_field_and_jacobian_apply(state, vectors, t, inputs, work)

        for _ in range(epoch.steps):
            x, tangent = rk4_tangent_step(rhs_and_jvp, done * schedule.dt, x, tangent,
                                          schedule.dt)
            done += 1
            if done % schedule.qr_steps == 0:
                norm = np.sqrt(np.sum(tangent**2, axis=(0, 1, 3)))
                if not (np.isfinite(x).all() and np.all(np.isfinite(norm) & (norm > 0))):
                    raise DivergenceError(
                        f"{label} diverged (non-finite state or tangent) at "
                        f"t={done * schedule.dt:.6g} (dt={schedule.dt:g}) for {context}")
                tangent /= norm[None, None, :, None]
                if done > window_start:
                    log_growth[(done - window_start - 1) // block_steps] += np.log(norm)
            if done % schedule.record_steps == 0:
                q_h[done // schedule.record_steps] = np.mean(x[0] ** 2, axis=0)
            report.update(done)
    if not np.isfinite(x).all():
        raise DivergenceError(f"{label} diverged (non-finite state) for {context}")
    times = schedule.dt * schedule.record_steps * np.arange(q_h.shape[0])
    block_start = schedule.dt * (window_start + block_steps * np.arange(schedule.n_blocks))
    return _BatchRun(times, q_h, log_growth / (block_steps * schedule.dt), block_start)


def _quiescent_start(network, n_trials, init_scale, t_burn, dt, seed, progress):
    """The zero state, or the state after t_burn from h ~ N(0, init_scale^2), (3, N, trials)."""
    if init_scale == 0:
        return np.zeros((3, network.N, n_trials))
    x = network.initial_state(n_trials, scale=init_scale, seed=seed)
    if t_burn > 0:
        burn = _multiple("t_burn", t_burn, dt)
        report = Progress(burn, f"burn-in {network.describe()}", enabled=progress)
        _, _, x = integrate(lambda t, s: network.vector_field(s, t), x, dt=dt, n_steps=burn,
                            record_every=burn, observe=lambda s: s[0, :1],
                            progress=report.update, context=network.describe())
    return x


# --- statistics and dataset pieces ----------------------------------------------------------


def _batch_means(blocks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean over blocks (axis 0) and its batch-means standard error."""
    return blocks.mean(axis=0), blocks.std(axis=0, ddof=1) / np.sqrt(blocks.shape[0])


def _death_time(times: np.ndarray, active: np.ndarray) -> np.ndarray:
    """First record time after which each trial stays inactive; NaN if active at the end.

    active has shape (time, ...); 0 for a trial never active."""
    last_active = active.shape[0] - 1 - np.argmax(active[::-1], axis=0)
    ever = active.any(axis=0)
    death = np.where(ever, times[np.minimum(last_active + 1, times.size - 1)], 0.0)
    return np.where(active[-1], np.nan, death)


def _time_vars(q_h, active, dims, q_threshold) -> dict:
    return {
        "q_h": (dims, q_h, {"long_name": "mean over units of h^2 (q_h)", "units": "1"}),
        "active": (dims, active.astype(np.int8), {
            "long_name": f"1 if q_h > {q_threshold:g} (not quiescent)", "units": "1"}),
    }


def _mle_vars(blocks, mle, mle_error, chaotic, dims, n_sigma) -> dict:
    rate = "1/tau_h"
    return {
        "block_mle": (("block",) + dims, blocks, {
            "long_name": "maximal Lyapunov exponent over one block of the window",
            "units": rate}),
        "mle": (dims, mle, {"long_name": "maximal Lyapunov exponent over the window",
                            "units": rate}),
        "mle_error": (dims, mle_error, {
            "long_name": "batch-means standard error of mle", "units": rate}),
        "chaotic": (dims, chaotic.astype(np.int8), {
            "long_name": f"1 if active at the end and mle > {n_sigma:g} mle_error",
            "units": "1"}),
    }


def _chaotic_mean_vars(mle, chaotic, dim) -> dict:
    """Mean MLE of the chaotic trials (rows of mle / chaotic) and its standard error."""
    means, errors = [], []
    for values, mask in zip(mle, chaotic):
        chosen = values[mask]
        means.append(chosen.mean() if chosen.size else np.nan)
        errors.append(chosen.std(ddof=1) / np.sqrt(chosen.size) if chosen.size > 1 else np.nan)
    dims = () if dim is None else (dim,)
    pick = (lambda v: float(v[0])) if dim is None else np.array
    rate = "1/tau_h"
    return {
        "mle_chaotic_mean": (dims, pick(means), {
            "long_name": "mean MLE of the chaotic trials (NaN if none)", "units": rate}),
        "mle_chaotic_error": (dims, pick(errors), {
            "long_name": "standard error of mle_chaotic_mean over trials", "units": rate}),
    }


def _time_coords(run: _BatchRun, schedule: _Schedule, time_name: str) -> dict:
    return {
        "time": ("time", run.times, {"long_name": time_name, "units": "tau_h"}),
        "block": ("block", np.arange(schedule.n_blocks), {
            "long_name": "block of the MLE window", "units": "1"}),
        "block_start": ("block", run.block_start, {
            "long_name": "start time of the block", "units": "tau_h"}),
    }


def _dataset(network, data_vars, coords, settings, title) -> xr.Dataset:
    attrs = {
        "title": title,
        "settings": json.dumps(settings),
        **provenance(network.params.digest(N=network.N, seed=network.seed, **settings)),
    }
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def _scalar(value, long_name: str, units: str = "1") -> tuple:
    return ((), value, {"long_name": long_name, "units": units})


# --- checks ---------------------------------------------------------------------------------


def _check_network(network) -> None:
    if not isinstance(network, Network):
        raise ValueError(f"network must be a Network, got {type(network).__name__}")


def _multiple(name: str, duration, dt: float) -> int:
    """Steps in `duration` (> 0), which must be a whole multiple of dt."""
    duration = number(name, duration)
    steps = int(round(duration / dt))
    if steps < 1 or abs(steps * dt - duration) > 1e-9 * max(duration, dt):
        raise ValueError(f"{name} must be a positive multiple of dt={dt:g}, got {duration!r}")
    return steps
