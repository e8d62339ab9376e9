"""Growth or decay of gradients backwards in time in finite networks (SPEC §6, claim C9).

The gradient of a readout of the final state x(T) with respect to an earlier state x(t) is
the adjoint a(t) = dL/dx(t). Backwards from T its norm grows (chaos) or decays (stable
dynamics) like exp(rate (T - t)); for a generic readout the rate is the maximal Lyapunov
exponent of the trajectory, since a(t) = Phi(T, t)^T a(T) and the transposed propagator has
the same singular values as the forward one.
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from .gradients import adjoint_gradients, linear_readout
from .integrate import integrate
from .io import provenance
from .network import Network
from .progress import Progress
from .simulate import parameter_coords
from .validate import integer, number

__all__ = ["backward_growth"]


def backward_growth(
    network: Network,
    *,
    t_burn: float = 200.0,
    horizon: float = 200.0,
    dt: float = 0.1,
    trials: int = 4,
    fit_skip: float = 20.0,
    record_every: int = 10,
    init_scale: float = 1.0,
    init_seed: int = 0,
    progress: bool = True,
) -> xr.Dataset:
    """Adjoint norm |dL/dx(t)| backwards from T for a random linear readout L = w . h(T).

    Parameters
    ----------
    network : Network
    t_burn : float
        Forward time before the loss window starts (tau_h, >= 0).
    horizon : float
        Length T - t0 of the window over which gradients are propagated (tau_h, > 0).
    dt : float
        RK4 step (tau_h, > 0); gradients are exact for the discrete trajectory.
    trials : int
        Independent initial conditions (batched; >= 2 for an error bar).
    fit_skip : float
        Backward time excluded from the fit while a(t) aligns with the leading direction
        (tau_h, >= 0, < horizon).
    record_every : int
        Keep every k-th grid time of the norm history (>= 1).
    init_scale, init_seed :
        Initial h ~ N(0, init_scale^2) per unit, seed of the draw (and of the readout w).
    progress : bool
        Log the stages (logger "gatedrnn").

    Returns
    -------
    xarray.Dataset
        log_adjoint_norm (backward_time, trial): log |a(T - s)| - log |a(T)|;
        growth_rate (trial): least-squares slope of log_adjoint_norm against s over
        s in [fit_skip, horizon] (1/tau_h; > 0: gradients explode backwards, < 0: vanish);
        growth_rate_mean and growth_rate_error (standard error over trials). Coordinates:
        backward_time s (tau_h), trial, model parameters, N and seed.
    """
    if not isinstance(network, Network):
        raise ValueError(f"network must be a Network, got {type(network).__name__}")
    t_burn = number("t_burn", t_burn, strict=False)
    horizon, dt = number("horizon", horizon), number("dt", dt)
    fit_skip = number("fit_skip", fit_skip, strict=False)
    if fit_skip >= horizon:
        raise ValueError(f"fit_skip must be < horizon = {horizon}, got {fit_skip!r}")
    trials, record_every = integer("trials", trials, 2), integer("record_every", record_every, 1)
    n_steps = int(round(horizon / dt))
    report = Progress(3, f"backward gradient growth ({network.describe()})", every=1 / 3, enabled=progress)

    x0 = network.initial_state(trials, init_scale, init_seed)
    _, _, x_start = integrate(
        lambda t, x: network.vector_field(x, t), x0, dt=dt, n_steps=int(round(t_burn / dt)),
        record_every=max(1, int(round(t_burn / dt))), context=network.describe(),
    )
    report.update(1)
    rng = np.random.default_rng([network.seed, int(init_seed), 7])
    weights = np.zeros((3, network.N, trials))
    weights[0] = rng.standard_normal((network.N, trials))
    weights[0] /= np.linalg.norm(weights[0], axis=0)
    result = adjoint_gradients(
        network, x_start, dt=dt, n_steps=n_steps, t0=t_burn, final_loss=linear_readout(weights)
    )
    report.update(2)
    norm = np.asarray(result.adjoint_norm)[::-1]  # index k: backward time k dt
    log_norm = np.log(norm) - np.log(norm[0])
    backward = dt * np.arange(n_steps + 1)
    fitted = backward >= fit_skip
    slopes = np.polyfit(backward[fitted], log_norm[fitted], 1)[0]
    report.update(3)

    rate = {"units": "1/tau_h"}
    kept = slice(0, None, record_every)
    data_vars = {
        "log_adjoint_norm": (("backward_time", "trial"), log_norm[kept], {
            "long_name": "log |dL/dx(T - s)| - log |dL/dx(T)|", "units": "1"}),
        "growth_rate": ("trial", slopes, {
            "long_name": "backward growth rate of the adjoint norm (fit)", **rate}),
        "growth_rate_mean": ((), float(slopes.mean()), {
            "long_name": "trial mean of the backward growth rate", **rate}),
        "growth_rate_error": ((), float(slopes.std(ddof=1) / np.sqrt(trials)), {
            "long_name": "standard error of growth_rate_mean over trials", **rate}),
    }
    coords = {
        "backward_time": ("backward_time", backward[kept], {
            "long_name": "time before the final state, s = T - t", "units": "tau_h"}),
        "trial": ("trial", np.arange(trials), {"long_name": "initial condition", "units": "1"}),
        **parameter_coords(network),
    }
    settings = dict(t_burn=t_burn, horizon=n_steps * dt, dt=dt, trials=trials,
                    fit_skip=fit_skip, record_every=record_every, init_scale=float(init_scale),
                    init_seed=int(init_seed), loss="random unit readout of h(T)",
                    method="discrete adjoint of RK4 (gatedrnn.gradients)")
    attrs = {
        "title": "gated RNN gradient norm backwards in time",
        "settings": json.dumps(settings),
        **provenance(network.params.digest(N=network.N, seed=network.seed, **settings)),
    }
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)
