"""Integrator and reset protocols of the gated network (claim C4, SPEC §3 end).

Twin design. After a burn-in from `n_states` random initial conditions, every state is copied
into twin pairs that share the couplings and the state: one copy (pulsed) receives an input
pulse u^h = amplitude * sqrt(N) * w along a random unit vector w (so each unit sees an input
of rms size `amplitude`), the other (baseline) does not. The memory of the pulse is the
readout

    m(t) = w . (h_pulsed(t) - h_baseline(t)) / sqrt(N),

the component of the twin difference along the pulse direction, in units of h per unit; it
is exactly 0 without a pulse. Trials are (state, direction) pairs, n_states * n_directions
of them, integrated together as columns of one batch (GEMMs). All copies are integrated with
the same fixed step; epoch boundaries (pulse on/off, reset on/off) fall on the step grid and
the input of a step is that of the epoch it belongs to, so a pulse of duration T delivers
exactly amplitude * T.

Protocols:

- :func:`pulse_memory`: one pulse, then free evolution; retention time = first time after
  the pulse end at which the trial-mean readout falls below 1/e of its value at the pulse end.
- :func:`pulse_train`: K identical pulses separated by gaps; the readout held after each
  pulse versus K (an integrator accumulates linearly, a leaky network saturates).
- :func:`reset_memory`: one pulse, a hold, then a transient update-gate drive u^z applied to
  both copies, which opens the gates (sigma_z -> 1); a control set of twins without the
  drive runs alongside. The memory is erased when the mean readout is within its noise level
  (n_sigma standard errors over trials).

Reference value. With frozen gates (alpha = 0) and small inputs around the zero fixed point
(g_h sigma_r(0) < 1), dh/dt = s_z(-h + g s_r J h + u) is linear, and at large N the random
projection w . exp(t s_z s_r J^h) w -> 1 (all moments tr(J^k)/N of an i.i.d. matrix vanish),
so m(t) = amplitude (exp(-s_z (t - T)) - exp(-s_z t)) for t >= T: the readout forgets at the
rate s_z = sigma_z(0), whatever g_h. The spectral edge s_z(1 - g_h s_r) sets the decay of the
norm |h_pulsed - h_baseline| instead, not of the projection (:func:`linear_pulse_response`).
"""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import scipy.linalg
import xarray as xr

from .inputs import Inputs
from .integrate import STEPPERS, DivergenceError, integrate
from .io import provenance
from .network import Network
from .progress import Progress
from .simulate import parameter_coords

__all__ = [
    "pulse_memory",
    "pulse_train",
    "reset_memory",
    "retention_time",
    "linear_pulse_response",
]


@dataclasses.dataclass(frozen=True)
class _Epoch:
    """A stretch of constant input: `steps` steps of pulse `u_h` (pulsed copies), update-gate
    drive `u_z` (every copy) and `u_z_reset` (the copies of group 0 only)."""

    steps: int
    u_h: float = 0.0
    u_z: float = 0.0
    u_z_reset: float = 0.0


@dataclasses.dataclass(frozen=True)
class _TwinRun:
    """Result of a twin integration: times (from the first epoch), readout and separation of
    shape (time, group, trial), directions w of shape (N, trial)."""

    times: np.ndarray
    readout: np.ndarray
    separation: np.ndarray
    directions: np.ndarray


# --- public protocols -----------------------------------------------------------------------


def pulse_memory(
    network: Network,
    *,
    amplitude: float = 1.0,
    pulse_duration: float = 10.0,
    write_drive: float = 0.0,
    t_max: float = 100.0,
    t_burn: float = 300.0,
    dt: float = 0.1,
    n_states: int = 4,
    n_directions: int = 4,
    seed: int = 0,
    init_scale: float = 1.0,
    method: str = "rk4",
    progress: bool = True,
) -> xr.Dataset:
    """Memory of one input pulse: readout over time and its retention time.

    Parameters
    ----------
    network : Network
    amplitude : float
        Rms per-unit size of the pulse u^h = amplitude * sqrt(N) * w (>= 0; 0 gives m = 0).
    pulse_duration : float
        Duration of the pulse in tau_h (> 0, a multiple of dt).
    write_drive : float
        Update-gate input u^z applied to every copy during the pulse (finite; default 0, a
        bare pulse). A positive drive opens the gates so that the pulse reaches the units
        that are otherwise frozen (sigma_z ~ 0 gates their input out too).
    t_max : float
        Observation window after the pulse end, in tau_h (> 0, a multiple of dt).
    t_burn : float
        Burn-in before the pulse, in tau_h (>= 0, a multiple of dt). Large alpha_z networks
        need hundreds of tau_h to settle into their quasi-frozen states (SPEC §4 end).
    dt : float
        Integration step in tau_h (> 0).
    n_states : int
        Independent initial conditions burned in (>= 1).
    n_directions : int
        Random pulse directions per state (>= 1). Trials = n_states * n_directions.
    seed : int
        Seed of the initial conditions and of the directions (>= 0).
    init_scale : float
        Standard deviation of the random initial h (> 0).
    method : {"rk4", "euler"}
    progress : bool
        Log progress (logger "gatedrnn", INFO).

    Returns
    -------
    xarray.Dataset
        readout (time, trial), separation (time, trial), readout_mean (time),
        readout_error (time), retention_time and retention_time_error (scalars, tau_h;
        inf when the mean readout stays above 1/e of its pulse-end value in the window),
        retained_fraction and its error (mean readout, averaged over the second half of the
        window, over its pulse-end value: the persistent part of the memory, which the 1/e
        time misses when a small fraction of the response is held and the rest decays fast). Coordinates: time (tau_h since the pulse onset), trial with state and
        direction, the model parameters, N and seed.

    Raises
    ------
    ValueError
        For a bad argument (the message names it).
    DivergenceError
        If the state becomes NaN or infinite.
    """
    _check_amplitude(amplitude)
    _check_finite("write_drive", write_drive)
    pulse_steps = _steps("pulse_duration", pulse_duration, dt)
    window_steps = _steps("t_max", t_max, dt)
    epochs = [_Epoch(pulse_steps, u_h=amplitude, u_z=write_drive), _Epoch(window_steps)]
    settings = dict(
        protocol="pulse_memory", amplitude=amplitude, pulse_duration=pulse_duration,
        write_drive=write_drive, t_max=t_max,
    )
    run = _run_twins(
        network, epochs, dt=dt, t_burn=t_burn, n_states=n_states, n_directions=n_directions,
        seed=seed, init_scale=init_scale, method=method, groups=("free",), progress=progress,
        label="pulse_memory",
    )
    readout = run.readout[:, 0]
    pulse_end = pulse_steps
    retention, retention_err = _retention_with_error(run.times, readout, pulse_end)
    tail = readout[pulse_end + (window_steps + 1) // 2 :].mean(axis=0)
    fraction, fraction_err = _ratio_with_error(tail, readout[pulse_end])
    data_vars = {
        **_trace_vars(run, group=0),
        "retention_time": ((), retention, {
            "long_name": "time after the pulse end for the mean readout to fall below 1/e",
            "units": "tau_h"}),
        "retention_time_error": ((), retention_err, {
            "long_name": "jackknife standard error of the retention time", "units": "tau_h"}),
        "retained_fraction": ((), fraction, {
            "long_name": "mean readout over the second half of the window over its "
                         "pulse-end value",
            "units": "1"}),
        "retained_fraction_error": ((), fraction_err, {
            "long_name": "jackknife standard error of the retained fraction", "units": "1"}),
    }
    return _dataset(network, run, data_vars, {}, settings, dt, t_burn, n_states, n_directions,
                    seed, init_scale, method, title="gated RNN pulse memory")


def pulse_train(
    network: Network,
    *,
    n_pulses: int = 8,
    gap: float = 10.0,
    amplitude: float = 1.0,
    pulse_duration: float = 10.0,
    write_drive: float = 0.0,
    t_burn: float = 300.0,
    dt: float = 0.1,
    n_states: int = 4,
    n_directions: int = 4,
    seed: int = 0,
    init_scale: float = 1.0,
    method: str = "rk4",
    progress: bool = True,
) -> xr.Dataset:
    """Accumulation of a train of identical pulses.

    Pulse k (k = 1..n_pulses) starts at (k - 1) (pulse_duration + gap); the readout held
    after pulse k is the readout at the end of the gap that follows it.

    Parameters
    ----------
    n_pulses : int
        Number of pulses K (>= 2).
    gap : float
        Time without input after each pulse, in tau_h (> 0, a multiple of dt).
    network, amplitude, pulse_duration, write_drive, t_burn, dt, n_states, n_directions,
    seed, init_scale, method, progress :
        As in :func:`pulse_memory`.

    Returns
    -------
    xarray.Dataset
        readout, separation (time, trial); held (pulse, trial) and held_mean, held_error
        (pulse); the least-squares line held_mean = slope * k + intercept (scalars), its
        r_squared, and accumulation_ratio = held_mean(K) / (K held_mean(1)) (1 for a perfect
        integrator, about 1 / (K (1 - exp(-(pulse_duration + gap) / tau))) for a leaky one
        with memory time tau).
    """
    _check_count("n_pulses", n_pulses, minimum=2)
    _check_amplitude(amplitude)
    _check_finite("write_drive", write_drive)
    pulse_steps = _steps("pulse_duration", pulse_duration, dt)
    gap_steps = _steps("gap", gap, dt)
    pulse = _Epoch(pulse_steps, u_h=amplitude, u_z=write_drive)
    epochs = [pulse, _Epoch(gap_steps)] * int(n_pulses)
    settings = dict(
        protocol="pulse_train", amplitude=amplitude, pulse_duration=pulse_duration,
        write_drive=write_drive, gap=gap, n_pulses=int(n_pulses),
    )
    run = _run_twins(
        network, epochs, dt=dt, t_burn=t_burn, n_states=n_states, n_directions=n_directions,
        seed=seed, init_scale=init_scale, method=method, groups=("free",), progress=progress,
        label="pulse_train",
    )
    readout = run.readout[:, 0]
    held_index = (pulse_steps + gap_steps) * np.arange(1, int(n_pulses) + 1)
    held = readout[held_index]
    held_mean, held_error = held.mean(axis=1), _standard_error(held, axis=1)
    count = np.arange(1, int(n_pulses) + 1, dtype=float)
    slope, intercept = np.polyfit(count, held_mean, 1)
    residual = held_mean - (slope * count + intercept)
    spread = np.sum((held_mean - held_mean.mean()) ** 2)
    r_squared = 1.0 - np.sum(residual**2) / spread if spread > 0 else np.nan
    ratio = held_mean[-1] / (count[-1] * held_mean[0]) if held_mean[0] != 0 else np.nan
    pulse_attrs = {"long_name": "readout held after each pulse", "units": "1"}
    data_vars = {
        **_trace_vars(run, group=0),
        "held": (("pulse", "trial"), held, pulse_attrs),
        "held_mean": ("pulse", held_mean, {**pulse_attrs, "long_name": "trial mean of held"}),
        "held_error": ("pulse", held_error, {
            "long_name": "standard error of held_mean over trials", "units": "1"}),
        "slope": ((), slope, {"long_name": "held readout gained per pulse (linear fit)",
                              "units": "1"}),
        "intercept": ((), intercept, {"long_name": "intercept of the linear fit", "units": "1"}),
        "r_squared": ((), r_squared, {"long_name": "coefficient of determination of the fit",
                                      "units": "1"}),
        "accumulation_ratio": ((), ratio, {
            "long_name": "held readout after K pulses over K times that after one",
            "units": "1"}),
    }
    coords = {"pulse": ("pulse", np.arange(1, int(n_pulses) + 1),
                        {"long_name": "number of pulses received", "units": "1"})}
    return _dataset(network, run, data_vars, coords, settings, dt, t_burn, n_states,
                    n_directions, seed, init_scale, method, title="gated RNN pulse train")


def reset_memory(
    network: Network,
    *,
    reset_drive: float = 10.0,
    reset_duration: float = 10.0,
    t_hold: float = 20.0,
    t_after: float = 30.0,
    n_sigma: float = 3.0,
    amplitude: float = 1.0,
    pulse_duration: float = 10.0,
    write_drive: float = 0.0,
    t_burn: float = 300.0,
    dt: float = 0.1,
    n_states: int = 4,
    n_directions: int = 4,
    seed: int = 0,
    init_scale: float = 1.0,
    method: str = "rk4",
    progress: bool = True,
) -> xr.Dataset:
    """Erasure of a held memory by a transient update-gate drive.

    Timeline (t = 0 at the pulse onset): pulse for pulse_duration, hold for t_hold, drive
    u^z = reset_drive on every unit of both copies for reset_duration, free for t_after.
    Control twins (same states and directions) skip the drive.

    Parameters
    ----------
    reset_drive : float
        Update-gate input u^z during the reset (finite; > 0 opens the gates).
    reset_duration : float
        Duration of the drive in tau_h (> 0, a multiple of dt); several tau_z so z follows.
    t_hold : float
        Time between the pulse end and the reset onset, in tau_h (>= 0, a multiple of dt).
    t_after : float
        Time after the reset, in tau_h (>= 0, a multiple of dt).
    n_sigma : float
        Erasure threshold in standard errors (> 0).
    network, amplitude, pulse_duration, write_drive, t_burn, dt, n_states, n_directions,
    seed, init_scale, method, progress :
        As in :func:`pulse_memory`.

    Returns
    -------
    xarray.Dataset
        readout, separation (time, trial) with the reset and readout_control,
        separation_control without; means and standard errors over trials; scalars
        readout_before (at the reset onset), readout_final and readout_final_control (at the
        window end) with their standard errors, threshold = n_sigma * standard error of
        readout_final, and erased (1 if |readout_final| < threshold, else 0).
    """
    _check_amplitude(amplitude)
    _check_finite("write_drive", write_drive)
    _check_finite("reset_drive", reset_drive)
    if not (n_sigma > 0 and np.isfinite(n_sigma)):
        raise ValueError(f"n_sigma must be finite and > 0, got {n_sigma!r}")
    pulse_steps = _steps("pulse_duration", pulse_duration, dt)
    hold_steps = _steps("t_hold", t_hold, dt, allow_zero=True)
    reset_steps = _steps("reset_duration", reset_duration, dt)
    after_steps = _steps("t_after", t_after, dt, allow_zero=True)
    epochs = [
        _Epoch(pulse_steps, u_h=amplitude, u_z=write_drive), _Epoch(hold_steps),
        _Epoch(reset_steps, u_z_reset=reset_drive), _Epoch(after_steps),
    ]
    settings = dict(
        protocol="reset_memory", amplitude=amplitude, pulse_duration=pulse_duration,
        write_drive=write_drive, t_hold=t_hold, reset_drive=reset_drive, reset_duration=reset_duration,
        t_after=t_after, n_sigma=n_sigma,
    )
    run = _run_twins(
        network, epochs, dt=dt, t_burn=t_burn, n_states=n_states, n_directions=n_directions,
        seed=seed, init_scale=init_scale, method=method, groups=("reset", "control"),
        progress=progress, label="reset_memory",
    )
    before_index = pulse_steps + hold_steps
    reset_final, control_final = run.readout[-1, 0], run.readout[-1, 1]
    final_mean, final_error = reset_final.mean(), _standard_error(reset_final)
    threshold = n_sigma * final_error
    control_vars = {
        f"{name}_control": value for name, value in _trace_vars(run, group=1).items()
    }
    scalar = {"units": "1"}
    data_vars = {
        **_trace_vars(run, group=0),
        **control_vars,
        "readout_before": ((), run.readout[before_index, 0].mean(), {
            **scalar, "long_name": "mean readout at the reset onset"}),
        "readout_before_error": ((), _standard_error(run.readout[before_index, 0]), {
            **scalar, "long_name": "standard error of readout_before"}),
        "readout_final": ((), final_mean, {
            **scalar, "long_name": "mean readout at the window end, with reset"}),
        "readout_final_error": ((), final_error, {
            **scalar, "long_name": "standard error of readout_final"}),
        "readout_final_control": ((), control_final.mean(), {
            **scalar, "long_name": "mean readout at the window end, without reset"}),
        "readout_final_control_error": ((), _standard_error(control_final), {
            **scalar, "long_name": "standard error of readout_final_control"}),
        "threshold": ((), threshold, {
            **scalar, "long_name": "erasure threshold: n_sigma standard errors"}),
        "erased": ((), int(abs(final_mean) < threshold), {
            **scalar, "long_name": "1 if |readout_final| < threshold, else 0"}),
    }
    return _dataset(network, run, data_vars, {}, settings, dt, t_burn, n_states, n_directions,
                    seed, init_scale, method, title="gated RNN memory reset")


def retention_time(times: np.ndarray, readout: np.ndarray, start_index: int) -> float:
    """First time after times[start_index] at which readout < readout[start_index] / e.

    Parameters
    ----------
    times : array, shape (n,)
        Increasing times (tau_h).
    readout : array, shape (n,)
        A (trial-mean) readout.
    start_index : int
        Index of the reference time (the pulse end).

    Returns
    -------
    float
        The crossing time minus times[start_index] in tau_h, linearly interpolated between
        samples; inf if the readout stays above the level; nan if readout[start_index] <= 0.
    """
    reference = readout[start_index]
    if not reference > 0:
        return np.nan
    level = reference / np.e
    after = readout[start_index:]
    below = np.flatnonzero(after < level)
    if below.size == 0:
        return np.inf
    k = below[0]
    t0, t1 = times[start_index + k - 1], times[start_index + k]
    v0, v1 = after[k - 1], after[k]
    return float(t0 + (v0 - level) / (v0 - v1) * (t1 - t0) - times[start_index])


def linear_pulse_response(
    network: Network, times: np.ndarray, direction: np.ndarray, *, amplitude: float,
    pulse_duration: float,
) -> np.ndarray:
    """Exact readout of the network linearised about h = 0 with frozen gates (alpha = 0).

    With alpha_z = alpha_r = 0, dh/dt = A h + s_z u with A = s_z(-1 + s_r J^h) near h = 0,
    and a pulse u = amplitude sqrt(N) w on [0, T) gives
    h(t) = A^{-1}(e^{A t} - e^{A (t - T)_+}) s_z u, so the readout w . h / sqrt(N) follows
    from two matrix exponentials per time (dense, small N only).

    Parameters
    ----------
    network : Network
        With alpha_z = alpha_r = 0.
    times : array, shape (n,)
        Times since the pulse onset (>= 0), tau_h.
    direction : array, shape (N,)
        Unit pulse direction w.
    amplitude, pulse_duration :
        As in :func:`pulse_memory`.

    Returns
    -------
    array, shape (n,)
        m(t) for the linear network.
    """
    p = network.params
    if not p.is_additive:
        raise ValueError("network must have frozen gates (alpha_z = alpha_r = 0)")
    s_z, s_r = p.gate_z_at_zero, p.gate_r_at_zero
    matrix = s_z * (-np.eye(network.N) + s_r * network.J_h)
    drive = s_z * amplitude * np.sqrt(network.N) * direction
    solved = np.linalg.solve(matrix, drive)
    response = np.empty(len(times))
    for k, t in enumerate(times):
        h = scipy.linalg.expm(matrix * t) @ solved - (
            scipy.linalg.expm(matrix * (t - pulse_duration)) @ solved
            if t > pulse_duration else solved
        )
        response[k] = direction @ h / np.sqrt(network.N)
    return response


# --- twin integration -----------------------------------------------------------------------


def _run_twins(
    network, epochs, *, dt, t_burn, n_states, n_directions, seed, init_scale, method, groups,
    progress, label,
) -> _TwinRun:
    """Burn in, copy each state into (baseline, pulsed) pairs per group and integrate the
    epochs. Group 0 receives the update-gate drive u_z of the epochs, other groups do not."""
    if not isinstance(network, Network):
        raise ValueError(f"network must be a Network, got {type(network).__name__}")
    if not (dt > 0 and np.isfinite(dt)):
        raise ValueError(f"dt must be finite and > 0, got {dt!r}")
    burn_steps = _steps("t_burn", t_burn, dt, allow_zero=True)
    _check_count("n_states", n_states)
    _check_count("n_directions", n_directions)
    _check_count("seed", seed, minimum=0)
    if not (init_scale > 0 and np.isfinite(init_scale)):
        raise ValueError(f"init_scale must be finite and > 0, got {init_scale!r}")
    if method not in STEPPERS:
        raise ValueError(f"method must be one of {sorted(STEPPERS)}, got {method!r}")
    N, n_trials = network.N, int(n_states) * int(n_directions)
    n_steps = sum(epoch.steps for epoch in epochs)
    context = network.describe()
    report = Progress(burn_steps * n_states + n_steps * 2 * len(groups) * n_trials,
                      f"{label} {context}", enabled=progress)

    x = network.initial_state(trials=int(n_states), scale=init_scale, seed=int(seed))
    if burn_steps:
        _, _, x = integrate(
            lambda t, s: network.vector_field(s, t), x, dt=dt, n_steps=burn_steps,
            method=method, record_every=burn_steps, observe=lambda s: s[0, :1],
            progress=lambda done: report.update(done * n_states), context=context,
        )
    directions = _directions(N, n_trials, network.seed, int(seed))
    # Columns: for each group, n_trials baseline copies then n_trials pulsed copies.
    n_copies = 2 * len(groups)
    state = np.tile(np.repeat(x, int(n_directions), axis=2), (1, 1, n_copies))
    pulse_shape = np.zeros((N, n_copies, n_trials))
    pulse_shape[:, 1::2] = np.sqrt(N) * directions[:, None, :]
    drive_shape = np.zeros((N, n_copies, n_trials))
    drive_shape[:, :2] = 1.0
    pulse_shape, drive_shape = (a.reshape(N, -1) for a in (pulse_shape, drive_shape))

    def observe(s):
        h = s[0].reshape(N, len(groups), 2, n_trials)
        difference = h[:, :, 1] - h[:, :, 0]
        readout = np.einsum("ngt,nt->gt", difference, directions) / np.sqrt(N)
        separation = np.sqrt(np.mean(difference**2, axis=0))
        return readout, separation

    step = STEPPERS[method]
    readout = np.empty((n_steps + 1, len(groups), n_trials))
    separation = np.empty_like(readout)
    readout[0], separation[0] = observe(state)
    done = 0
    for epoch in epochs:
        inputs = Inputs(
            h=epoch.u_h * pulse_shape if epoch.u_h != 0 else None,
            z=epoch.u_z + epoch.u_z_reset * drive_shape
            if (epoch.u_z, epoch.u_z_reset) != (0, 0) else None,
        )

        def rhs(t, s, inputs=inputs):
            return network.vector_field(s, t, inputs)

        for _ in range(epoch.steps):
            state = step(rhs, done * dt, state, dt)
            done += 1
            if not np.isfinite(state).all():
                raise DivergenceError(
                    f"twin integration diverged (non-finite state) at t={done * dt:.6g} after "
                    f"the burn-in (dt={dt:g}, method={method}) for {context}"
                )
            readout[done], separation[done] = observe(state)
            report.update(burn_steps * n_states + done * n_copies * n_trials)
    return _TwinRun(dt * np.arange(n_steps + 1), readout, separation, directions)


def _directions(N: int, n_trials: int, network_seed: int, seed: int) -> np.ndarray:
    """Random unit vectors, shape (N, n_trials), independent of the initial conditions."""
    rng = np.random.default_rng([network_seed, seed, 7919])
    w = rng.standard_normal((N, n_trials))
    return w / np.linalg.norm(w, axis=0)


# --- statistics -----------------------------------------------------------------------------


def _standard_error(values: np.ndarray, axis: int = -1) -> np.ndarray | float:
    n = values.shape[axis]
    if n < 2:
        return np.full(np.delete(values.shape, axis), np.nan) if values.ndim > 1 else np.nan
    return np.std(values, axis=axis, ddof=1) / np.sqrt(n)


def _jackknife(estimate, values: np.ndarray) -> tuple[float, float]:
    """estimate(mean over trials) and its leave-one-out jackknife standard error; values has
    trials on its last axis. The error is inf if a leave-one-out estimate is infinite while
    the full one is finite, nan if the full one is not finite."""
    n = values.shape[-1]
    full = estimate(values.mean(axis=-1))
    if n < 2 or not np.isfinite(full):
        return full, np.nan
    total = values.sum(axis=-1)
    partial = np.array([estimate((total - values[..., k]) / (n - 1)) for k in range(n)])
    if not np.all(np.isfinite(partial)):
        return full, np.inf
    return full, float(np.sqrt((n - 1) / n * np.sum((partial - partial.mean()) ** 2)))


def _retention_with_error(times, readout, start_index) -> tuple[float, float]:
    return _jackknife(lambda mean: retention_time(times, mean, start_index), readout)


def _ratio_with_error(numerator: np.ndarray, denominator: np.ndarray) -> tuple[float, float]:
    pair = np.stack([numerator, denominator])
    return _jackknife(lambda mean: mean[0] / mean[1] if mean[1] != 0 else np.nan, pair)


# --- datasets and checks --------------------------------------------------------------------


def _trace_vars(run: _TwinRun, group: int) -> dict:
    readout, separation = run.readout[:, group], run.separation[:, group]
    return {
        "readout": (("time", "trial"), readout, {
            "long_name": "twin difference of h along the pulse direction, per unit",
            "units": "1"}),
        "separation": (("time", "trial"), separation, {
            "long_name": "rms twin difference of h over units", "units": "1"}),
        "readout_mean": ("time", readout.mean(axis=1), {
            "long_name": "trial mean of the readout", "units": "1"}),
        "readout_error": ("time", _standard_error(readout, axis=1), {
            "long_name": "standard error of the trial-mean readout", "units": "1"}),
    }


def _dataset(network, run, data_vars, extra_coords, settings, dt, t_burn, n_states,
             n_directions, seed, init_scale, method, *, title) -> xr.Dataset:
    n_trials = int(n_states) * int(n_directions)
    coords = {
        "time": ("time", run.times, {"long_name": "time since the pulse onset",
                                     "units": "tau_h"}),
        "trial": ("trial", np.arange(n_trials), {"long_name": "trial (state, direction)",
                                                 "units": "1"}),
        "state": ("trial", np.repeat(np.arange(int(n_states)), int(n_directions)), {
            "long_name": "initial condition of the burn-in", "units": "1"}),
        "direction": ("trial", np.tile(np.arange(int(n_directions)), int(n_states)), {
            "long_name": "pulse direction index within the state", "units": "1"}),
        **extra_coords,
        **parameter_coords(network),
    }
    settings = dict(
        settings, dt=dt, t_burn=t_burn, n_states=int(n_states), n_directions=int(n_directions),
        init_seed=int(seed), init_scale=init_scale, method=method,
        zero_diagonal=network.zero_diagonal,
    )
    attrs = {
        "title": title,
        "settings": json.dumps(settings),
        **provenance(network.params.digest(N=network.N, seed=network.seed, **settings)),
    }
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def _steps(name: str, duration: float, dt: float, allow_zero: bool = False) -> int:
    """Number of steps of `duration`; ValueError unless it is a (positive) multiple of dt."""
    if not (dt > 0 and np.isfinite(dt)):
        raise ValueError(f"dt must be finite and > 0, got {dt!r}")
    bound = "finite and >= 0" if allow_zero else "finite and > 0"
    if isinstance(duration, bool) or not np.isfinite(duration) or duration < 0 or (
        duration == 0 and not allow_zero
    ):
        raise ValueError(f"{name} must be {bound}, got {duration!r}")
    steps = int(round(duration / dt))
    if abs(steps * dt - duration) > 1e-9 * max(duration, dt):
        raise ValueError(f"{name} must be a multiple of dt={dt:g}, got {duration!r}")
    return steps


def _check_count(name: str, value, minimum: int = 1) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")


def _check_finite(name: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")


def _check_amplitude(amplitude: float) -> None:
    if isinstance(amplitude, bool) or not (np.isfinite(amplitude) and amplitude >= 0):
        raise ValueError(f"amplitude must be finite and >= 0, got {amplitude!r}")
