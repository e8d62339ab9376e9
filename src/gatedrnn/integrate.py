"""Fixed-step integrators, batched over trials, for states and for state + tangent pairs.

A right-hand side is a function rhs(t, x) -> dx/dt on arrays of any shape. The joint step
integrates (x, V) with dV/dt = D(x) V by the same Runge-Kutta scheme, which makes V_new the
exact derivative of the discrete map x -> x_new applied to V (not an approximation of the
continuous-time tangent flow).
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from scipy.linalg.blas import daxpy as _axpy

__all__ = [
    "DivergenceError",
    "STEPPERS",
    "TANGENT_STEPPERS",
    "euler_step",
    "rk4_step",
    "euler_tangent_step",
    "rk4_tangent_step",
    "integrate",
]

Rhs = Callable[[float, np.ndarray], np.ndarray]
RhsAndJvp = Callable[[float, np.ndarray, np.ndarray], "tuple[np.ndarray, np.ndarray]"]


class DivergenceError(FloatingPointError):
    """The state became NaN or infinite during an integration."""


def euler_step(rhs: Rhs, t: float, x: np.ndarray, dt: float) -> np.ndarray:
    """One explicit Euler step: x + dt f(t, x)."""
    return x + dt * rhs(t, x)


def rk4_step(rhs: Rhs, t: float, x: np.ndarray, dt: float) -> np.ndarray:
    """One classical fourth-order Runge-Kutta step."""
    half = 0.5 * dt
    k1 = rhs(t, x)
    k2 = rhs(t + half, x + half * k1)
    k3 = rhs(t + half, x + half * k2)
    k4 = rhs(t + dt, x + dt * k3)
    return x + (dt / 6.0) * (k1 + 2.0 * (k2 + k3) + k4)


def euler_tangent_step(
    rhs_and_jvp: RhsAndJvp, t: float, x: np.ndarray, tangent: np.ndarray, dt: float
) -> tuple[np.ndarray, np.ndarray]:
    """Euler step of x and its exact derivative applied to the tangent block."""
    f, jv = rhs_and_jvp(t, x, tangent)
    return x + dt * f, tangent + dt * jv


def rk4_tangent_step(
    rhs_and_jvp: RhsAndJvp, t: float, x: np.ndarray, tangent: np.ndarray, dt: float
) -> tuple[np.ndarray, np.ndarray]:
    """RK4 step of x and its exact derivative applied to the tangent block.

    Parameters
    ----------
    rhs_and_jvp : callable (t, x, V) -> (f(t, x), D(t, x) V)
    x : array, state
    tangent : array, shape x.shape + (k,)

    Notes
    -----
    The state is updated with the same arithmetic as :func:`rk4_step`. The tangent block,
    usually much larger, is accumulated in place, V + (dt/6) g1 + (dt/3) g2 + (dt/3) g3 +
    (dt/6) g4, and the stage blocks V + c g share one buffer: two full-size arrays per step
    besides the ones `rhs_and_jvp` returns, which are not modified. Each g is used up before
    the next call, so `rhs_and_jvp` may return the same buffer every time (as
    ``Network.vector_field_and_jacobian_apply`` with `work` does); it must not keep its tangent
    argument beyond the call, since the next stage overwrites it.
    """
    half = 0.5 * dt
    f1, g1 = rhs_and_jvp(t, x, tangent)
    tangent_new = np.array(tangent, dtype=np.result_type(tangent, g1), order="C")
    stage = np.empty_like(tangent_new)
    _add_scaled(tangent_new, dt / 6.0, g1)
    _shifted(stage, tangent, half, g1)
    f2, g2 = rhs_and_jvp(t + half, x + half * f1, stage)
    _add_scaled(tangent_new, dt / 3.0, g2)
    _shifted(stage, tangent, half, g2)
    f3, g3 = rhs_and_jvp(t + half, x + half * f2, stage)
    _add_scaled(tangent_new, dt / 3.0, g3)
    _shifted(stage, tangent, dt, g3)
    f4, g4 = rhs_and_jvp(t + dt, x + dt * f3, stage)
    _add_scaled(tangent_new, dt / 6.0, g4)
    return x + (dt / 6.0) * (f1 + 2.0 * (f2 + f3) + f4), tangent_new


def _add_scaled(y: np.ndarray, a: float, v: np.ndarray) -> None:
    """y += a v in place, in one pass (BLAS axpy) when both are contiguous float64."""
    if (
        y.dtype == v.dtype == np.float64
        and y.shape == v.shape
        and y.flags.c_contiguous
        and v.flags.c_contiguous
        and y.size < 2**31
    ):
        _axpy(v.reshape(-1), y.reshape(-1), a=a)
    else:
        y += a * v


def _shifted(out: np.ndarray, base: np.ndarray, a: float, v: np.ndarray) -> None:
    """out = base + a v, without temporaries (`v` may be `out` itself)."""
    np.multiply(v, a, out=out)
    out += base


STEPPERS = {"rk4": rk4_step, "euler": euler_step}
TANGENT_STEPPERS = {"rk4": rk4_tangent_step, "euler": euler_tangent_step}


def integrate(
    rhs: Rhs,
    x0: np.ndarray,
    *,
    dt: float,
    n_steps: int,
    t0: float = 0.0,
    method: str = "rk4",
    record_every: int = 1,
    observe: Callable[[np.ndarray], np.ndarray] | None = None,
    progress: Callable[[int], None] | None = None,
    context: str = "",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Integrate dx/dt = rhs(t, x) with a fixed step, recording every `record_every` steps.

    Parameters
    ----------
    rhs : callable (t, x) -> dx/dt
    x0 : array
        Initial state (not modified).
    dt : float
        Time step (> 0).
    n_steps : int
        Number of steps (>= 0).
    t0 : float
        Initial time.
    method : {"rk4", "euler"}
    record_every : int
        Record the state at steps 0, m, 2m, ... (m >= 1).
    observe : callable x -> array, optional
        What to record (default: a copy of x).
    progress : callable, optional
        Called with the number of steps done after each step (e.g. ``Progress.update``).
    context : str
        Description of the system, included in the DivergenceError message.

    Returns
    -------
    times : array, shape (n_records,)
    records : array, shape (n_records,) + observe(x).shape
    x_final : array, the state after n_steps

    Raises
    ------
    DivergenceError
        If the state becomes NaN or infinite; the message gives the time and `context`.
    """
    if method not in STEPPERS:
        raise ValueError(f"method must be one of {sorted(STEPPERS)}, got {method!r}")
    if not (dt > 0 and np.isfinite(dt)):
        raise ValueError(f"dt must be finite and > 0, got {dt!r}")
    if n_steps < 0 or int(n_steps) != n_steps:
        raise ValueError(f"n_steps must be an integer >= 0, got {n_steps!r}")
    if record_every < 1 or int(record_every) != record_every:
        raise ValueError(f"record_every must be an integer >= 1, got {record_every!r}")
    step = STEPPERS[method]
    observe = observe if observe is not None else np.copy
    x = np.array(x0, dtype=float)
    n_records = int(n_steps) // int(record_every) + 1
    first = np.asarray(observe(x))
    records = np.empty((n_records,) + first.shape)
    records[0] = first
    times = t0 + dt * record_every * np.arange(n_records)
    for i in range(1, int(n_steps) + 1):
        t = t0 + (i - 1) * dt
        x = step(rhs, t, x, dt)
        if not np.isfinite(x).all():
            raise DivergenceError(
                f"integration diverged (non-finite state) at t={t + dt:.6g} "
                f"(step {i} of {n_steps}, dt={dt:g}, method={method}) for {context}"
            )
        if i % record_every == 0:
            records[i // record_every] = observe(x)
        if progress is not None:
            progress(i)
    return times, records, x
