"""Simulations of finite gated networks, returned as xarray Datasets."""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from .inputs import Inputs
from .integrate import integrate
from .io import provenance
from .network import Network
from .params import PARAMETER_LONG_NAMES, GatedRNN
from .progress import Progress

__all__ = ["simulate", "parameter_coords", "params_from_coords"]


def parameter_coords(network: Network) -> dict[str, tuple]:
    """The model parameters, N and seed of a network, as scalar coordinates with attrs."""
    extra = {
        name: ((), value, {"long_name": PARAMETER_LONG_NAMES[name], "units": "1"})
        for name, value in (("N", network.N), ("seed", network.seed))
    }
    return {**network.params.coordinates(), **extra}


def params_from_coords(ds: xr.Dataset) -> GatedRNN:
    """The GatedRNN whose fields are scalar coordinates of `ds` (e.g. one sweep point)."""
    missing = [name for name in GatedRNN.__dataclass_fields__ if name not in ds.coords]
    if missing:
        raise ValueError(f"dataset lacks the parameter coordinates {missing}")
    if any(ds[name].size != 1 for name in GatedRNN.__dataclass_fields__):
        raise ValueError("select a single parameter point before calling params_from_coords")
    return GatedRNN(**{name: float(ds[name]) for name in GatedRNN.__dataclass_fields__})


def simulate(
    network: Network,
    t_max: float,
    *,
    dt: float = 0.05,
    t_burn: float = 0.0,
    record_every: int = 1,
    trials: int = 1,
    x0: np.ndarray | None = None,
    init_scale: float = 1.0,
    init_seed: int = 0,
    inputs: Inputs | None = None,
    method: str = "rk4",
    record_units: int | None = None,
    progress: bool = True,
) -> xr.Dataset:
    """Integrate a network from a random (or given) state and record h, z, r.

    Parameters
    ----------
    network : Network
    t_max : float
        Recorded duration after the burn-in, in units of tau_h (> 0).
    dt : float
        Integration step (> 0).
    t_burn : float
        Duration integrated before recording starts (>= 0).
    record_every : int
        Record every m-th step (the record interval is m * dt).
    trials : int
        Independent initial conditions integrated together (their products are GEMMs).
    x0 : array of shape (3, N, trials), optional
        Initial state; default `network.initial_state(trials, init_scale, init_seed)`.
    init_scale, init_seed :
        Standard deviation of the random initial h, and its seed.
    inputs : Inputs, optional
        External drive; time-dependent inputs see the absolute time (t = 0 at the start of
        the burn-in).
    method : {"rk4", "euler"}
    record_units : int, optional
        Record only the first this many units (default all N).
    progress : bool
        Log percent, elapsed time and ETA (logger "gatedrnn", INFO).

    Returns
    -------
    xarray.Dataset
        h, z, r with dims (time, unit, trial); coords time (tau_h), unit, trial, and the
        model parameters, N and seed as scalar coordinates; provenance attributes.

    Raises
    ------
    DivergenceError
        If the state becomes NaN or infinite (message names the parameters and time).
    """
    if not (t_max > 0 and np.isfinite(t_max)):
        raise ValueError(f"t_max must be finite and > 0, got {t_max!r}")
    if not (t_burn >= 0 and np.isfinite(t_burn)):
        raise ValueError(f"t_burn must be finite and >= 0, got {t_burn!r}")
    if not (dt > 0 and np.isfinite(dt)):
        raise ValueError(f"dt must be finite and > 0, got {dt!r}")
    if int(trials) != trials or trials < 1:
        raise ValueError(f"trials must be an integer >= 1, got {trials!r}")
    n_units = network.N if record_units is None else int(record_units)
    if not 1 <= n_units <= network.N:
        raise ValueError(f"record_units must be in [1, N={network.N}], got {record_units!r}")
    if x0 is None:
        x0 = network.initial_state(trials=int(trials), scale=init_scale, seed=init_seed)
    elif np.shape(x0) != (3, network.N, trials):
        raise ValueError(f"x0 must have shape (3, {network.N}, {trials}), got {np.shape(x0)}")
    if inputs is not None:
        inputs.check(network.N, int(trials))

    n_burn = int(round(t_burn / dt))
    n_steps = int(round(t_max / dt))
    report = Progress(n_burn + n_steps, f"simulate {network.describe()}", enabled=progress)

    def rhs(t, x):
        return network.vector_field(x, t, inputs)

    common = dict(dt=dt, method=method, context=network.describe())
    x = x0
    if n_burn:
        _, _, x = integrate(
            rhs, x, n_steps=n_burn, record_every=n_burn, observe=lambda s: s[0, :1],
            progress=report.update, **common,
        )
    times, records, _ = integrate(
        rhs, x, n_steps=n_steps, t0=n_burn * dt, record_every=record_every,
        observe=lambda s: s[:, :n_units], progress=lambda done: report.update(n_burn + done), **common,
    )
    dims = ("time", "unit", "trial")
    long_names = {"h": "activation h", "z": "update-gate current z", "r": "output-gate current r"}
    data_vars = {
        name: (dims, records[:, k], {"long_name": long_names[name], "units": "1"})
        for k, name in enumerate("hzr")
    }
    coords = {
        "time": ("time", times, {"long_name": "time", "units": "tau_h"}),
        "unit": ("unit", np.arange(n_units), {"long_name": "unit index", "units": "1"}),
        "trial": ("trial", np.arange(int(trials)), {"long_name": "initial condition", "units": "1"}),
        **parameter_coords(network),
    }
    settings = dict(
        dt=dt, t_burn=t_burn, t_max=t_max, record_every=int(record_every), trials=int(trials),
        init_scale=init_scale, init_seed=init_seed, method=method,
        zero_diagonal=network.zero_diagonal, inputs=inputs is not None,
    )
    attrs = {
        "title": "gated RNN simulation",
        "settings": json.dumps(settings),
        **provenance(network.params.digest(N=network.N, seed=network.seed, **settings)),
    }
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)

