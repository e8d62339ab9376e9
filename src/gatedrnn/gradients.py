"""Adjoint sensitivity of finite gated networks: exact gradients of the RK4 trajectory (SPEC §6).

The forward trajectory is the one :func:`gatedrnn.integrate.rk4_step` computes with the
network's vector field, and the gradients are those of that discrete trajectory (the *discrete*
adjoint): they agree with finite differences of the computed loss to rounding, whatever dt.
The state is never integrated backwards. For each RK4 step

    X1 = x,  X2 = x + dt/2 k1,  X3 = x + dt/2 k2,  X4 = x + dt k3,   k_s = f(t_s, X_s),
    x' = x + dt/6 (k1 + 2 k2 + 2 k3 + k4)

the cotangent a' = dL/dx' is pulled back stage by stage, from the last to the first,

    kbar_s = b_s dt a' (+ the stage's share of later stages),  b = (1/6, 1/3, 1/3, 1/6),
    Xbar_s = D(X_s)^T kbar_s + b_s dt grad l(X_s)   (running loss, if any),
    kbar_{s-1} += c_s Xbar_s,  c = (-, dt/2, dt/2, dt),      a = a' + sum_s Xbar_s,

and each stage adds (df/dtheta at X_s)^T kbar_s to the parameter gradients. D^T is applied
with the transposed couplings (SPEC §6; kbar = (c_h, c_z, c_r)):

    nu_h = J^h^T (sigma_z c_h),   nu_g = J^z^T c_z / tau_z + J^r^T c_r / tau_r
    (D^T c)_h = -sigma_z c_h + phi' (sigma_r nu_h + nu_g)
    (D^T c)_z = sigma_z' xi c_h - c_z / tau_z
    (D^T c)_r = sigma_r' phi nu_h - c_r / tau_r

two GEMMs per stage (J^h^T and [J^z; J^r]^T, trials as columns), never a dense 3N x 3N matrix.
The coupling gradients, sums over stages of outer products (sigma_z c_h)(sigma_r phi)^T and
(c_z / tau_z, c_r / tau_r)(phi)^T, are collected column by column and added as GEMMs.

Memory: every `checkpoint_every`-th state (default ceil(sqrt(n_steps))) is kept in the forward
pass; the backward pass recomputes one segment at a time from its checkpoint, keeping for each
of its steps the four stage states, xi and the gate rates (6 N x trials numbers per stage).
The last segment is kept from the forward pass itself, so ``store_trajectory=True`` (one
segment: everything kept) does no recomputation. Both give bit-identical results. Arrays held:
3 N trials ceil(n/k) (checkpoints) + 24 N trials k (tape) + 5 N 128 (GEMM columns) float64
numbers besides the 3 N^2 gradients: 27 N trials sqrt(n), i.e. O(sqrt(n)) states, at the
default k, and ~24 N trials n with the whole trajectory.

The adjoint a_n = dL/dx(t_n) is recorded at every grid time (its h, z, r block norms). For a
final-state loss a_n = Phi(T, t_n)^T dL/dx(T), Phi the derivative of the RK4 map from t_n to
T, so in the chaotic phase |a_n| grows backwards at the maximal Lyapunov exponent (C9).

Losses: L = final_loss(x(T)) + integral of running_loss(x(t), t) dt over [t0, T]. The integral
is integrated as an extra state component by the same RK4 steps, i.e.

    L_run = sum_n dt/6 [l(X1) + 2 l(X2) + 2 l(X3) + l(X4)]      (stage states of step n),

an O(dt^4) quadrature consistent with the forward scheme; its gradient is exact.
"""

from __future__ import annotations

import dataclasses
import json
import math
import numbers
import types
from typing import Any, Callable, Mapping

import numpy as np
import xarray as xr
from scipy.special import expit

from .inputs import Inputs
from .integrate import DivergenceError, rk4_step
from .io import provenance
from .network import Network
from .nonlinearity import gate, phi, phi_prime

__all__ = [
    "StateLoss",
    "linear_readout",
    "squared_error",
    "vector_jacobian_apply",
    "AdjointResult",
    "adjoint_gradients",
    "adjoint_norm_dataset",
    "GRADIENT_NAMES",
]

#: Keys of :attr:`AdjointResult.gradients`.
GRADIENT_NAMES = (
    "J_h", "J_z", "J_r", "g_h", "g_z", "g_r",
    "alpha_z", "beta_z", "alpha_r", "beta_r", "tau_z", "tau_r",
    "u_h", "u_z", "u_r", "x0",
)

#: RK4 weights b_s and the offsets c_s of the stage states X_s = x + c_s dt k_{s-1}.
_RK4_WEIGHTS = (1.0 / 6.0, 1.0 / 3.0, 1.0 / 3.0, 1.0 / 6.0)
_RK4_OFFSETS = (0.0, 0.5, 0.5, 1.0)

#: Stage columns collected before the coupling-gradient GEMMs are done (per trial column).
_GEMM_COLUMNS = 128


# --- losses -----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class StateLoss:
    """A loss l(x, t) on the state, with its gradient.

    Parameters
    ----------
    value : callable (x, t) -> float
        The loss of a state x (shape (3, N), or (3, N, trials) for a batch: the sum over
        trials) at time t (tau_h).
    gradient : callable (x, t) -> array of x.shape
        dl/dx at (x, t).
    name : str
        A short description, kept in the result's settings.

    Examples
    --------
    A readout of unit 0 of h, with a weight that grows in time:

    >>> def gradient(x, t):
    ...     g = np.zeros_like(x)
    ...     g[0, 0] = t
    ...     return g
    >>> loss = StateLoss(lambda x, t: t * float(np.sum(x[0, 0])), gradient, name="h_0 t")
    """

    value: Callable[[np.ndarray, float], float]
    gradient: Callable[[np.ndarray, float], np.ndarray]
    name: str = "custom"


def _like(array: np.ndarray, x: np.ndarray) -> np.ndarray:
    """A (3, N) array broadcast against a (3, N, trials) state (trailing trial axis)."""
    return array[..., None] if array.ndim == x.ndim - 1 else array


def linear_readout(weights: np.ndarray) -> StateLoss:
    """l(x) = sum(weights * x): a linear readout of the state (summed over trials).

    Parameters
    ----------
    weights : array, shape (3, N) (shared by all trials) or (3, N, trials)
        Readout weights of h, z and r (zeros select blocks).
    """
    w = np.array(weights, dtype=float)
    if w.ndim not in (2, 3) or w.shape[0] != 3 or not np.isfinite(w).all():
        raise ValueError(f"weights must be a finite array of shape (3, N[, trials]), got {w.shape}")
    return StateLoss(
        value=lambda x, t: float(np.sum(_like(w, x) * x)),
        gradient=lambda x, t: np.broadcast_to(_like(w, x), x.shape).copy(),
        name="linear_readout",
    )


def squared_error(target: np.ndarray) -> StateLoss:
    """l(x) = |x - target|^2 / 2 (summed over units, blocks and trials).

    Parameters
    ----------
    target : array, shape (3, N) (shared by all trials) or (3, N, trials)
    """
    y = np.array(target, dtype=float)
    if y.ndim not in (2, 3) or y.shape[0] != 3 or not np.isfinite(y).all():
        raise ValueError(f"target must be a finite array of shape (3, N[, trials]), got {y.shape}")
    return StateLoss(
        value=lambda x, t: 0.5 * float(np.sum((x - _like(y, x)) ** 2)),
        gradient=lambda x, t: x - _like(y, x),
        name="squared_error",
    )


# --- the vector field and its transpose -------------------------------------------------------


def _aligned_inputs(inputs: Inputs | None, t: float, state_ndim: int) -> tuple:
    """(u^h, u^z, u^r) at t, per-unit arrays given a trailing axis for batched states."""
    if inputs is None:
        return 0.0, 0.0, 0.0
    return tuple(
        u[:, None] if np.ndim(u) == 1 and state_ndim == 2 else u for u in inputs.at(t)
    )


def _field_and_xi(network: Network, x: np.ndarray, t: float, inputs: Inputs | None):
    """(dx/dt, xi) at x of shape (3, N, trials); the arithmetic of Network.vector_field.

    xi = -h + J^h (sigma_r phi(h)) + u^h is the bracket that the update gate multiplies.
    """
    p, N = network.params, network.N
    h, z, r = x
    u_h, u_z, u_r = _aligned_inputs(inputs, t, h.ndim)
    phi_h = phi(h)
    sigma_z = gate(z, p.alpha_z, p.beta_z)
    sigma_r = gate(r, p.alpha_r, p.beta_r)
    recurrent = (network.J_h @ (sigma_r * phi_h).reshape(N, -1)).reshape(h.shape)
    gate_currents = (network.J_zr @ phi_h.reshape(N, -1)).reshape((2 * N,) + h.shape[1:])
    xi = -h + recurrent + u_h
    derivative = np.empty_like(x)
    derivative[0] = sigma_z * xi
    derivative[1] = (-z + gate_currents[:N] + u_z) / p.tau_z
    derivative[2] = (-r + gate_currents[N:] + u_r) / p.tau_r
    return derivative, xi


@dataclasses.dataclass
class _Linearisation:
    """The elementwise factors of D(x) and df/dtheta at one state, each shape (N, ...)."""

    z: np.ndarray
    r: np.ndarray
    sigma_z: np.ndarray
    slope_z: np.ndarray  # sigma_z (1 - sigma_z) = d sigma_z / d(alpha_z z - beta_z)
    sigma_r: np.ndarray
    slope_r: np.ndarray
    phi: np.ndarray
    dphi: np.ndarray
    xi: np.ndarray


def _linearise(network: Network, x: np.ndarray, xi: np.ndarray) -> _Linearisation:
    p = network.params
    h, z, r = x
    argument_z = p.alpha_z * z - p.beta_z
    argument_r = p.alpha_r * r - p.beta_r
    sigma_z, sigma_r = expit(argument_z), expit(argument_r)
    return _Linearisation(
        z=z, r=r,
        sigma_z=sigma_z, slope_z=sigma_z * expit(-argument_z),
        sigma_r=sigma_r, slope_r=sigma_r * expit(-argument_r),
        phi=phi(h), dphi=phi_prime(h), xi=xi,
    )


def _pullback(network: Network, lin: _Linearisation, cotangent: np.ndarray):
    """D(x)^T cotangent by two GEMMs, and the intermediates the parameter gradients need.

    Parameters
    ----------
    lin : factors at x, arrays broadcastable against cotangent[0]
    cotangent : array, shape (3, N, ...)

    Returns
    -------
    pulled : array of cotangent.shape, D^T cotangent
    weighted_h : sigma_z c_h, shape (N, ...)
    weighted_gates : (c_z / tau_z, c_r / tau_r) stacked, shape (2N, ...)
    nu_h : J^h^T (sigma_z c_h), shape (N, ...)
    """
    p, N = network.params, network.N
    c_h = cotangent[0]
    shape = c_h.shape
    weighted_h = lin.sigma_z * c_h
    weighted_gates = np.concatenate([cotangent[1] / p.tau_z, cotangent[2] / p.tau_r])
    nu_h = (network.J_h.T @ weighted_h.reshape(N, -1)).reshape(shape)
    nu_gates = (network.J_zr.T @ weighted_gates.reshape(2 * N, -1)).reshape(shape)
    pulled = np.empty(cotangent.shape)
    pulled[0] = lin.dphi * (lin.sigma_r * nu_h + nu_gates) - weighted_h
    pulled[1] = (p.alpha_z * lin.slope_z * lin.xi) * c_h - weighted_gates[:N]
    pulled[2] = (p.alpha_r * lin.slope_r * lin.phi) * nu_h - weighted_gates[N:]
    return pulled, weighted_h, weighted_gates, nu_h


def vector_jacobian_apply(
    network: Network,
    x: np.ndarray,
    cotangent: np.ndarray,
    t: float = 0.0,
    inputs: Inputs | None = None,
) -> np.ndarray:
    """D(x)^T applied to cotangent vectors, by GEMMs with the transposed couplings.

    The transpose of :meth:`Network.jacobian_apply`: <c, D v> = <D^T c, v> for every v.

    Parameters
    ----------
    network : Network
    x : array, shape (3, N) or (3, N, trials)
        State(s) at which D is taken.
    cotangent : array, shape x.shape or x.shape + (k,)
        One cotangent per trajectory, or k of them.
    t : float
        Time (tau_h), for time-dependent inputs (u^h enters D through xi).
    inputs : Inputs, optional

    Returns
    -------
    array, shape cotangent.shape
    """
    x = np.asarray(x, dtype=float)
    cotangent = np.asarray(cotangent, dtype=float)
    if x.ndim not in (2, 3) or x.shape[:2] != (3, network.N):
        raise ValueError(f"x must have shape (3, {network.N}[, trials]), got {x.shape}")
    if cotangent.shape not in (x.shape, x.shape + cotangent.shape[-1:]):
        raise ValueError(f"cotangent must have shape {x.shape} or {x.shape} + (k,), "
                         f"got {cotangent.shape}")
    _, xi = _field_and_xi(network, x, t, inputs)
    lin = _linearise(network, x, xi)
    if cotangent.ndim == x.ndim + 1:
        lin = _Linearisation(
            **{field.name: getattr(lin, field.name)[..., None] for field in dataclasses.fields(lin)})
    return _pullback(network, lin, cotangent)[0]


# --- forward pass with a tape -----------------------------------------------------------------


class _Tape:
    """Stage states, xi and gate rates of consecutive RK4 steps of one segment."""

    def __init__(self, n_steps: int, N: int, trials: int):
        self.states = np.empty((n_steps, 4, 3, N, trials))
        self.xi = np.empty((n_steps, 4, N, trials))
        self.gate_rates = np.empty((n_steps, 4, 2, N, trials))

    @property
    def nbytes(self) -> int:
        return self.states.nbytes + self.xi.nbytes + self.gate_rates.nbytes


class _RecordingField:
    """The right-hand side rk4_step calls, writing each stage into a tape row when asked,
    and evaluating the running loss at the stage states when asked."""

    def __init__(self, network: Network, inputs: Inputs | None, to_user: Callable):
        self.network, self.inputs, self.to_user = network, inputs, to_user
        self.row: tuple[_Tape, int] | None = None
        self.running_loss: StateLoss | None = None
        self.stage = 0
        self.loss_values = [0.0] * 4

    def start_step(self, row, running_loss) -> None:
        self.row, self.running_loss, self.stage = row, running_loss, 0

    def __call__(self, t: float, x: np.ndarray) -> np.ndarray:
        derivative, xi = _field_and_xi(self.network, x, t, self.inputs)
        if self.row is not None:
            tape, index = self.row
            tape.states[index, self.stage] = x
            tape.xi[index, self.stage] = xi
            tape.gate_rates[index, self.stage] = derivative[1:]
        if self.running_loss is not None:
            self.loss_values[self.stage] = float(self.running_loss.value(self.to_user(x), t))
        self.stage += 1
        return derivative


# --- parameter gradients ----------------------------------------------------------------------


class _ParameterGradients:
    """Accumulates (df/dtheta)^T kbar over stages; coupling outer products as chunked GEMMs.

    Stages are flushed in a fixed order of arrival, independent of the segment layout, so the
    result does not depend on the checkpoint interval.
    """

    def __init__(self, network: Network, trials: int, n_stages: int):
        N = network.N
        self.network, self.trials = network, trials
        self.capacity = min(max(1, _GEMM_COLUMNS // trials), n_stages)
        columns = self.capacity * trials
        self.weighted_h = np.empty((N, columns))
        self.gated_phi = np.empty((N, columns))
        self.weighted_gates = np.empty((2 * N, columns))
        self.phi = np.empty((N, columns))
        self.filled = 0
        self.J_h = np.zeros((N, N))
        self.J_zr = np.zeros((2 * N, N))
        self.scalars = dict.fromkeys(
            ("alpha_z", "beta_z", "alpha_r", "beta_r", "tau_z", "tau_r"), 0.0)
        self.inputs = {name: np.zeros(N) for name in ("u_h", "u_z", "u_r")}

    @property
    def nbytes(self) -> int:
        buffers = (self.weighted_h, self.gated_phi, self.weighted_gates, self.phi)
        return sum(buffer.nbytes for buffer in buffers)

    def add(self, lin, cotangent, gate_rates, weighted_h, weighted_gates, nu_h) -> None:
        N = self.network.N
        block = slice(self.filled * self.trials, (self.filled + 1) * self.trials)
        self.weighted_h[:, block] = weighted_h
        self.gated_phi[:, block] = lin.sigma_r * lin.phi
        self.weighted_gates[:, block] = weighted_gates
        self.phi[:, block] = lin.phi
        self.filled += 1
        if self.filled == self.capacity:
            self.flush()
        # f_h = sigma_z xi: d sigma_z / d alpha_z = z slope_z, d sigma_z / d beta_z = -slope_z
        through_z = cotangent[0] * lin.xi * lin.slope_z
        # f_h = sigma_z (J^h (sigma_r phi) + ...): its transpose brings nu_h to unit j
        through_r = nu_h * lin.slope_r * lin.phi
        s = self.scalars
        s["alpha_z"] += float(np.vdot(through_z, lin.z))
        s["beta_z"] -= float(through_z.sum())
        s["alpha_r"] += float(np.vdot(through_r, lin.r))
        s["beta_r"] -= float(through_r.sum())
        # f_z = q_z / tau_z: d f_z / d tau_z = -f_z / tau_z (weighted_gates holds c / tau)
        s["tau_z"] -= float(np.vdot(weighted_gates[:N], gate_rates[0]))
        s["tau_r"] -= float(np.vdot(weighted_gates[N:], gate_rates[1]))

    def flush(self) -> None:
        """Add the collected stages: coupling outer products as GEMMs, input sums."""
        N, used = self.network.N, slice(0, self.filled * self.trials)
        if self.filled:
            self.J_h += self.weighted_h[:, used] @ self.gated_phi[:, used].T
            self.J_zr += self.weighted_gates[:, used] @ self.phi[:, used].T
            self.inputs["u_h"] += self.weighted_h[:, used].sum(axis=1)
            self.inputs["u_z"] += self.weighted_gates[:N, used].sum(axis=1)
            self.inputs["u_r"] += self.weighted_gates[N:, used].sum(axis=1)
        self.filled = 0


def _gain_gradient(network: Network, name: str, coupling_gradient: np.ndarray) -> float:
    """dL/dg for couplings J = g * Jhat with Jhat fixed: sum(Jhat * dL/dJ)."""
    gain = getattr(network.params, f"g_{name}")
    if gain > 0:
        return float(np.vdot(getattr(network, f"J_{name}"), coupling_gradient)) / gain
    unit_gains = network.params.replace(g_h=1.0, g_z=1.0, g_r=1.0)
    unit = Network(unit_gains, network.N, network.seed, network.zero_diagonal)
    return float(np.vdot(getattr(unit, f"J_{name}"), coupling_gradient))


# --- the adjoint pass -------------------------------------------------------------------------


def _step_adjoint(network, tape, row, t, dt, adjoint, gradients, running_loss, to_user):
    """dL/dx_n from dL/dx_{n+1} through one RK4 step (the transposed stage recursion)."""
    stage_cotangents = [(b * dt) * adjoint for b in _RK4_WEIGHTS]
    previous = adjoint.copy()
    for s in (3, 2, 1, 0):
        state = tape.states[row, s]
        lin = _linearise(network, state, tape.xi[row, s])
        pulled, weighted_h, weighted_gates, nu_h = _pullback(network, lin, stage_cotangents[s])
        gradients.add(lin, stage_cotangents[s], tape.gate_rates[row, s], weighted_h,
                      weighted_gates, nu_h)
        if running_loss is not None:
            t_stage = t + _RK4_OFFSETS[s] * dt
            source = np.asarray(running_loss.gradient(to_user(state), t_stage), dtype=float)
            pulled += (_RK4_WEIGHTS[s] * dt) * source.reshape(pulled.shape)
        previous += pulled
        if s > 0:
            stage_cotangents[s - 1] += (_RK4_OFFSETS[s] * dt) * pulled
    return previous


def _block_norms(adjoint: np.ndarray) -> np.ndarray:
    """|a_h|, |a_z|, |a_r| per trial, shape (3, trials)."""
    return np.sqrt(np.einsum("bnk,bnk->bk", adjoint, adjoint))


@dataclasses.dataclass(frozen=True)
class AdjointResult:
    """Loss, gradients and adjoint-norm history of one :func:`adjoint_gradients` run.

    Attributes
    ----------
    loss : float
        L = final_loss(x(T)) + running-loss quadrature, summed over trials.
    gradients : mapping str -> float or array (read-only)
        dL/dtheta: ``J_h``, ``J_z``, ``J_r`` (N, N); ``g_h``, ``g_z``, ``g_r`` (normalised
        couplings fixed); ``alpha_z``, ``beta_z``, ``alpha_r``, ``beta_r``, ``tau_z``,
        ``tau_r`` (floats); ``u_h``, ``u_z``, ``u_r`` (N,): a static shift of each input
        channel shared by all trials and times; ``x0``: shape of x0.
    times : array, shape (n_steps + 1,)
        Grid times t0 + n dt (tau_h).
    adjoint_block_norms : array, shape (n_steps + 1, 3[, trials])
        |dL/dh(t_n)|, |dL/dz(t_n)|, |dL/dr(t_n)| (Euclidean, per trial), the discrete adjoint
        a_n = dL/dx_n at every grid time.
    x_final : array, shape of x0
        State at the final time.
    checkpoint_every : int
        Steps per stored state (n_steps when the whole trajectory was kept).
    memory_bytes : mapping str -> int
        Arrays held by the adjoint pass: ``checkpoints``, ``tape`` (one segment),
        ``gemm_buffers``, ``total``.
    settings : mapping
        dt, t0, n_steps, trials, and the loss names.
    """

    loss: float
    gradients: Mapping[str, Any]
    times: np.ndarray
    adjoint_block_norms: np.ndarray
    x_final: np.ndarray
    checkpoint_every: int
    memory_bytes: Mapping[str, int]
    settings: Mapping[str, Any]

    @property
    def adjoint_norm(self) -> np.ndarray:
        """|dL/dx(t_n)|, shape (n_steps + 1[, trials])."""
        return np.sqrt(np.sum(self.adjoint_block_norms**2, axis=1))


def _check_loss(loss, name: str) -> None:
    if loss is not None and not (callable(getattr(loss, "value", None))
                                 and callable(getattr(loss, "gradient", None))):
        raise ValueError(f"{name} must have callable value(x, t) and gradient(x, t) "
                         f"(e.g. a StateLoss), got {type(loss).__name__}")


def _check_arguments(network, x0, dt, n_steps, t0, checkpoint_every, final_loss, running_loss):
    if not isinstance(network, Network):
        raise ValueError(f"network must be a Network, got {type(network).__name__}")
    if x0.ndim not in (2, 3) or x0.shape[:2] != (3, network.N):
        raise ValueError(f"x0 must have shape (3, {network.N}) or (3, {network.N}, trials), "
                         f"got {x0.shape}")
    if not np.isfinite(x0).all():
        raise ValueError("x0 must be finite")
    if isinstance(dt, bool) or not (isinstance(dt, numbers.Real) and dt > 0
                                    and math.isfinite(dt)):
        raise ValueError(f"dt must be finite and > 0, got {dt!r}")
    if isinstance(n_steps, bool) or not isinstance(n_steps, (int, np.integer)) or n_steps < 1:
        raise ValueError(f"n_steps must be an integer >= 1, got {n_steps!r}")
    if not math.isfinite(t0):
        raise ValueError(f"t0 must be finite, got {t0!r}")
    if checkpoint_every is not None and (
        isinstance(checkpoint_every, bool)
        or not isinstance(checkpoint_every, (int, np.integer))
        or checkpoint_every < 1
    ):
        raise ValueError(f"checkpoint_every must be None or an integer >= 1, "
                         f"got {checkpoint_every!r}")
    if final_loss is None and running_loss is None:
        raise ValueError("final_loss and running_loss are both None: give at least one loss")
    _check_loss(final_loss, "final_loss")
    _check_loss(running_loss, "running_loss")


def adjoint_gradients(
    network: Network,
    x0: np.ndarray,
    *,
    dt: float,
    n_steps: int,
    t0: float = 0.0,
    inputs: Inputs | None = None,
    final_loss: StateLoss | None = None,
    running_loss: StateLoss | None = None,
    checkpoint_every: int | None = None,
    store_trajectory: bool = False,
) -> AdjointResult:
    """Exact gradients of a loss on an RK4 trajectory, by the discrete adjoint method.

    Parameters
    ----------
    network : Network
    x0 : array, shape (3, N) or (3, N, trials)
        Initial state (a batch shares the couplings; losses are summed over trials).
    dt : float
        RK4 step (tau_h, > 0).
    n_steps : int
        Number of steps (>= 1); the horizon is T = t0 + n_steps dt.
    t0 : float
        Initial time (tau_h), seen by time-dependent inputs and losses.
    inputs : Inputs, optional
        External drive, as in :func:`gatedrnn.simulate`.
    final_loss : StateLoss, optional
        l_T(x(T), T).
    running_loss : StateLoss, optional
        l(x(t), t), integrated over [t0, T] with the RK4 stage rule (module docstring).
        At least one of the two losses is required. Any object with ``value(x, t)`` and
        ``gradient(x, t)`` works; x has the shape of x0.
    checkpoint_every : int, optional
        Keep every k-th state and recompute the segments between them on the backward pass;
        default k = ceil(sqrt(n_steps)). Peak memory ~ (24 k + 3 n_steps / k) N trials
        float64 numbers besides the 3 N^2 gradient (O(sqrt(n_steps)) states at the default).
    store_trajectory : bool
        Keep the whole forward pass (k = n_steps): no recomputation, O(n_steps) memory.

    Returns
    -------
    AdjointResult

    Raises
    ------
    ValueError
        For impossible arguments (the message names the argument).
    DivergenceError
        If the forward state (or the adjoint) becomes NaN or infinite.

    Examples
    --------
    >>> from gatedrnn import GatedRNN
    >>> net = Network(GatedRNN(g_h=3.0, alpha_z=2.0), N=50, seed=0)
    >>> x0 = net.initial_state()
    >>> w = np.zeros((3, 50)); w[0] = 1.0 / 50
    >>> result = adjoint_gradients(net, x0, dt=0.05, n_steps=200, final_loss=linear_readout(w))
    >>> result.gradients["J_h"].shape, result.adjoint_norm.shape
    ((50, 50), (201,))
    """
    x0 = np.asarray(x0, dtype=float)
    _check_arguments(network, x0, dt, n_steps, t0, checkpoint_every, final_loss, running_loss)
    single = x0.ndim == 2
    trials = 1 if single else x0.shape[2]
    if inputs is not None:
        inputs.check(network.N, None if single else trials)
    n_steps = int(n_steps)
    if store_trajectory:
        every = n_steps
    elif checkpoint_every is None:
        every = math.isqrt(n_steps - 1) + 1  # ceil(sqrt(n_steps))
    else:
        every = min(int(checkpoint_every), n_steps)

    def to_user(x):
        return x[..., 0] if single else x

    x_start = x0[..., None] if single else x0.copy()
    n_segments = -(-n_steps // every)
    last_start = (n_segments - 1) * every
    checkpoints = np.empty((n_segments, 3, network.N, trials))
    tape = _Tape(every, network.N, trials)
    field = _RecordingField(network, inputs, to_user)

    loss, x_final = _forward(network, x_start, dt, n_steps, t0, every, last_start,
                             checkpoints, tape, field, running_loss)
    t_end = t0 + n_steps * dt
    adjoint = np.zeros_like(x_final)
    if final_loss is not None:
        loss += float(final_loss.value(to_user(x_final), t_end))
        adjoint += _user_gradient(final_loss, to_user(x_final), t_end, "final_loss")

    gradients = _ParameterGradients(network, trials, 4 * n_steps)
    norms = np.empty((n_steps + 1, 3, trials))
    norms[n_steps] = _block_norms(adjoint)
    for segment in range(n_segments - 1, -1, -1):
        start = segment * every
        stop = min(start + every, n_steps)
        if segment != n_segments - 1:
            x = checkpoints[segment]
            for i in range(start, stop):
                field.start_step((tape, i - start), None)
                x = rk4_step(field, t0 + i * dt, x, dt)
        for i in range(stop - 1, start - 1, -1):
            adjoint = _step_adjoint(network, tape, i - start, t0 + i * dt, dt, adjoint,
                                    gradients, running_loss, to_user)
            norms[i] = _block_norms(adjoint)
            if not np.isfinite(norms[i]).all():
                raise DivergenceError(
                    f"adjoint diverged (non-finite) at t={t0 + i * dt:.6g} (step {i} of "
                    f"{n_steps}, dt={dt:g}, method=rk4) for {network.describe()}")
    gradients.flush()

    memory = {"checkpoints": checkpoints.nbytes, "tape": tape.nbytes,
              "gemm_buffers": gradients.nbytes}
    memory["total"] = sum(memory.values())
    result_gradients = _collect(network, gradients, to_user(adjoint))
    settings = dict(dt=float(dt), t0=float(t0), n_steps=n_steps, trials=None if single else trials,
                    final_loss=getattr(final_loss, "name", type(final_loss).__name__)
                    if final_loss is not None else "none",
                    running_loss=getattr(running_loss, "name", type(running_loss).__name__)
                    if running_loss is not None else "none")
    return AdjointResult(
        loss=loss,
        gradients=types.MappingProxyType(result_gradients),
        times=_read_only(t0 + dt * np.arange(n_steps + 1)),
        adjoint_block_norms=_read_only(norms[..., 0] if single else norms),
        x_final=_read_only(to_user(x_final).copy()),
        checkpoint_every=every,
        memory_bytes=types.MappingProxyType(memory),
        settings=types.MappingProxyType(settings),
    )


def _forward(network, x, dt, n_steps, t0, every, last_start, checkpoints, tape, field,
             running_loss):
    """RK4 from x over n_steps: checkpoints, the last segment's tape, the running loss."""
    loss = 0.0
    for i in range(n_steps):
        t = t0 + i * dt
        if i % every == 0:
            checkpoints[i // every] = x
        field.start_step((tape, i - last_start) if i >= last_start else None, running_loss)
        x = rk4_step(field, t, x, dt)
        if running_loss is not None:
            v = field.loss_values
            loss += (dt / 6.0) * (v[0] + 2.0 * (v[1] + v[2]) + v[3])
        if not np.isfinite(x).all():
            raise DivergenceError(
                f"integration diverged (non-finite state) at t={t + dt:.6g} (step {i + 1} of "
                f"{n_steps}, dt={dt:g}, method=rk4) for {network.describe()}")
    return loss, x


def _user_gradient(loss, x, t, name) -> np.ndarray:
    gradient = np.asarray(loss.gradient(x, t), dtype=float)
    if gradient.shape != x.shape:
        raise ValueError(f"{name}.gradient returned shape {gradient.shape}, expected {x.shape}")
    return gradient.reshape(x.shape[:2] + (-1,))


def _collect(network: Network, gradients: _ParameterGradients, x0_gradient) -> dict:
    N = network.N
    J_z, J_r = gradients.J_zr[:N], gradients.J_zr[N:]  # views: no copies of N^2 arrays
    result = {
        "J_h": gradients.J_h, "J_z": J_z, "J_r": J_r,
        "g_h": _gain_gradient(network, "h", gradients.J_h),
        "g_z": _gain_gradient(network, "z", J_z),
        "g_r": _gain_gradient(network, "r", J_r),
        **gradients.scalars,
        **gradients.inputs,
        "x0": x0_gradient.copy(),
    }
    return {name: _read_only(result[name]) if isinstance(result[name], np.ndarray)
            else result[name] for name in GRADIENT_NAMES}


def _read_only(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


# --- datasets ---------------------------------------------------------------------------------


def adjoint_norm_dataset(result: AdjointResult, network: Network | None = None) -> xr.Dataset:
    """The adjoint-norm history of a result as a Dataset (dims ``time`` [, ``trial``]).

    Parameters
    ----------
    result : AdjointResult
    network : Network, optional
        Adds the model parameters, N and seed as scalar coordinates, and provenance attrs.

    Returns
    -------
    xarray.Dataset
        ``adjoint_norm`` |dL/dx(t)| and ``adjoint_norm_h``, ``_z``, ``_r`` per block, in units
        of the loss per unit state; coordinate ``time`` (tau_h).
    """
    single = result.adjoint_block_norms.ndim == 2
    dims = ("time",) if single else ("time", "trial")
    units = "1" if result.settings["running_loss"] == "none" else "tau_h"
    data_vars = {"adjoint_norm": (dims, np.array(result.adjoint_norm), {
        "long_name": "adjoint norm |dL/dx(t)|", "units": units})}
    for index, block in enumerate("hzr"):
        data_vars[f"adjoint_norm_{block}"] = (
            dims, np.array(result.adjoint_block_norms[:, index]),
            {"long_name": f"adjoint norm of the {block} block |dL/d{block}(t)|", "units": units},
        )
    coords = {"time": ("time", np.array(result.times), {"long_name": "time", "units": "tau_h"})}
    if not single:
        trials = result.adjoint_block_norms.shape[-1]
        coords["trial"] = ("trial", np.arange(trials),
                           {"long_name": "initial condition", "units": "1"})
    settings = {**result.settings, "checkpoint_every": result.checkpoint_every}
    attrs = {"title": "gated RNN adjoint-norm history", "settings": json.dumps(settings),
             "loss": repr(result.loss)}
    if network is not None:
        from .simulate import parameter_coords

        coords.update(parameter_coords(network))
        attrs.update(provenance(network.params.digest(N=network.N, seed=network.seed,
                                                      **settings)))
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)
