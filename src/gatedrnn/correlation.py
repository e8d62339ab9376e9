"""Population autocorrelation functions and relaxation times of recorded trajectories."""

from __future__ import annotations

import numpy as np
import xarray as xr

__all__ = ["autocorrelation", "relaxation_time", "integrated_time"]


def autocorrelation(x: xr.DataArray, max_lag: float) -> xr.DataArray:
    """Population autocorrelation C(tau) = (1/N) sum_i <x_i(t) x_i(t + tau)>_t per trial.

    The raw second moment (no mean subtracted), as in the DMFT; the time average uses the
    T - tau overlapping pairs at each lag (unbiased), computed by zero-padded FFT.

    Parameters
    ----------
    x : DataArray with dims (time, unit, trial)
        Equally spaced in time.
    max_lag : float
        Largest lag, in the units of the time coordinate; at most half the record length.

    Returns
    -------
    DataArray with dims (lag, trial)
    """
    if tuple(x.dims) != ("time", "unit", "trial"):
        raise ValueError(f"x must have dims (time, unit, trial), got {x.dims}")
    times = x["time"].values
    if times.size < 2:
        raise ValueError("x needs at least two time points")
    interval = float(times[1] - times[0])
    n_time = times.size
    n_lags = int(round(max_lag / interval)) + 1
    if not 1 <= n_lags <= n_time // 2 + 1:
        raise ValueError(
            f"max_lag must be in [0, {interval * (n_time // 2):g}] (half the record), got {max_lag!r}"
        )
    values = x.values
    n_fft = 1 << int(np.ceil(np.log2(2 * n_time)))
    spectrum = np.fft.rfft(values, n=n_fft, axis=0)
    raw = np.fft.irfft(np.abs(spectrum) ** 2, n=n_fft, axis=0)[:n_lags]
    pairs = (n_time - np.arange(n_lags))[:, None, None]
    correlation = (raw / pairs).mean(axis=1)
    return xr.DataArray(
        correlation,
        dims=("lag", "trial"),
        coords={
            "lag": ("lag", interval * np.arange(n_lags), {"long_name": "lag", "units": "tau_h"}),
            "trial": x["trial"].values,
        },
        attrs={"long_name": f"population autocorrelation of {x.name}", "units": "1"},
    )


def relaxation_time(correlation: xr.DataArray, level: float = np.exp(-1.0)) -> xr.DataArray:
    """First lag at which C(tau) / C(0) falls to `level` (linear interpolation).

    Returns +inf where C never falls to `level` within the lags given (the relaxation time
    is then longer than the largest lag).

    Parameters
    ----------
    correlation : DataArray with a `lag` dim (first value 0)
    level : float in (0, 1)
    """
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level!r}")
    normalised = correlation / correlation.isel(lag=0)
    lags = correlation["lag"].values

    def first_crossing(c: np.ndarray) -> float:
        below = np.nonzero(c <= level)[0]
        if below.size == 0:
            return np.inf
        k = below[0]
        if k == 0:
            return 0.0
        fraction = (c[k - 1] - level) / (c[k - 1] - c[k])
        return lags[k - 1] + fraction * (lags[k] - lags[k - 1])

    result = xr.apply_ufunc(
        first_crossing, normalised, input_core_dims=[["lag"]], vectorize=True
    )
    result.attrs = {"long_name": f"relaxation time (C/C(0) = {level:.3g})", "units": "tau_h"}
    return result


def integrated_time(correlation: xr.DataArray) -> xr.DataArray:
    """Integrated correlation time: the integral of C(tau) / C(0) over the lags given.

    Finite for any record; when C has not decayed within the largest lag it is a lower
    bound of the true integral (at most the largest lag). Trapezoid rule on the lag grid.

    Parameters
    ----------
    correlation : DataArray with a `lag` dim (first value 0)
    """
    normalised = correlation / correlation.isel(lag=0)
    result = normalised.integrate("lag")
    result.attrs = {
        "long_name": "integrated correlation time (integral of C/C(0) up to the largest lag)",
        "units": "tau_h",
    }
    return result
