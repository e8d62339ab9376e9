"""Stationary correlation functions on a time circle, and the dataset they are returned in.

Time is periodic with P points of spacing dt (period T_P = P dt). A stationary correlation
C(tau) is stored at lags 0, dt, ..., (P/2) dt (it is even on the circle) and its power
spectrum is the real DFT S_k = sum_n C(n dt) exp(-2 pi i k n / P), k = 0..P/2, so that
Gaussian paths x = irfft(sqrt(S) W) with complex white W (see
`gatedrnn.gaussian.white_spectrum`) have exactly the covariance C. A linear filter
tau dx/dt = -x + y multiplies spectra by 1 / (1 + tau^2 omega_k^2), omega_k = 2 pi k / T_P.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import xarray as xr
from scipy.special import logit, ndtr

from ..correlation import relaxation_time
from ..io import provenance
from ..params import GatedRNN

__all__ = ["Circle", "sigma_z_histogram", "stationary_dataset"]


class Circle:
    """The time circle: `n_points` samples of spacing `dt`.

    Parameters
    ----------
    n_points : int
        P, even and >= 16.
    dt : float
        Spacing in units of tau_h (> 0).
    taper : (float, float)
        Correlations are multiplied by a window that is 1 up to lag taper[0] * T_P / 2 and
        falls as cos^2 to zero at taper[1] * T_P / 2 (0 < taper[0] < taper[1] <= 1).
    """

    def __init__(self, n_points: int, dt: float, taper: tuple[float, float] = (0.5, 0.9)):
        if int(n_points) != n_points or n_points < 16 or n_points % 2:
            raise ValueError(f"n_points must be an even integer >= 16, got {n_points!r}")
        if not (np.isfinite(dt) and dt > 0):
            raise ValueError(f"dt must be finite and > 0, got {dt!r}")
        start, stop = taper
        if not 0 < start < stop <= 1:
            raise ValueError(f"taper must satisfy 0 < taper[0] < taper[1] <= 1, got {taper!r}")
        self.n_points = int(n_points)
        self.dt = float(dt)
        self.taper = (start, stop)
        self.period = self.n_points * self.dt
        self.n_lags = self.n_points // 2 + 1
        self.lags = self.dt * np.arange(self.n_lags)
        self.omega = 2 * np.pi * np.arange(self.n_lags) / self.period
        half = self.period / 2
        self.taper_start = start * half
        x = np.clip((self.lags - start * half) / ((stop - start) * half), 0.0, 1.0)
        self.window = np.cos(0.5 * np.pi * x) ** 2

    def grown(self, relaxation: float, period_factor: float, max_points: int) -> Circle:
        """The circle with P doubled until the taper starts at least `period_factor` times
        `relaxation` out (inf: as far as allowed), P at most `max_points`; same dt, taper."""
        points = self.n_points
        required = period_factor * min(relaxation, 1e300)
        while points < max_points and Circle(points, self.dt, self.taper).taper_start < required:
            points *= 2
        return Circle(min(points, int(max_points)), self.dt, self.taper)

    def carry(self, correlation: np.ndarray, new: Circle) -> np.ndarray:
        """A tapered correlation moved onto the lags of another circle (zero beyond)."""
        return np.interp(new.lags, self.lags, self.window * correlation, right=0.0)

    def spectrum(self, correlation: np.ndarray) -> np.ndarray:
        """Real DFT of an even correlation given at lags 0..P/2 (last axis)."""
        c = np.asarray(correlation, dtype=float)
        full = np.concatenate([c, c[..., -2:0:-1]], axis=-1)
        return np.fft.rfft(full, axis=-1).real

    def correlation(self, spectrum: np.ndarray) -> np.ndarray:
        """Inverse of `spectrum`: the correlation at lags 0..P/2."""
        return np.fft.irfft(spectrum, n=self.n_points, axis=-1)[..., : self.n_lags]

    def tapered_spectrum(self, correlation: np.ndarray) -> np.ndarray:
        """Spectrum of the tapered correlation, negative values (tapering artefacts) set to 0."""
        return np.maximum(self.spectrum(self.window * correlation), 0.0)

    def lowpass(self, tau: float) -> np.ndarray:
        """Power transfer 1 / (1 + tau^2 omega^2) of tau dx/dt = -x + y."""
        return 1.0 / (1.0 + (tau * self.omega) ** 2)


def sigma_z_histogram(
    params: GatedRNN, variance_z: float, n_bins: int
) -> tuple[np.ndarray, np.ndarray]:
    """Exact probability density of sigma_z(z) for z ~ N(0, variance_z), on n_bins in [0, 1]."""
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    a, b = params.alpha_z, params.beta_z
    if a == 0.0 or variance_z <= 0.0:
        value = 1.0 / (1.0 + np.exp(b))
        cdf = (edges >= value).astype(float)
        cdf[-1] = 1.0
    else:
        with np.errstate(divide="ignore"):
            threshold = (logit(edges) + b) / (a * np.sqrt(variance_z))  # sigma_z <= e  <=>  ...
        cdf = ndtr(threshold) if a > 0 else 1.0 - ndtr(threshold)
        cdf[0], cdf[-1] = 0.0, 1.0
    return 0.5 * (edges[1:] + edges[:-1]), np.diff(cdf) * n_bins


def stationary_dataset(
    params: GatedRNN,
    circle: Circle,
    correlations: dict[str, np.ndarray],
    history: dict[str, np.ndarray],
    *,
    converged: bool,
    method: str,
    settings: dict,
    max_lag: float | None,
    n_bins: int = 50,
    extra_vars: dict | None = None,
) -> xr.Dataset:
    """Assemble the stationary DMFT dataset from correlations at lags 0..P/2.

    `correlations` holds C_h, C_phi and C_sigma_r_phi; C_z and C_r are computed from C_phi
    exactly (they are Gaussian): C_k = g_k^2 lowpass(tau_k) * C_phi in the frequency domain.
    """
    c_phi = correlations["C_phi"]
    s_phi = circle.tapered_spectrum(c_phi)
    c_z = circle.correlation(params.g_z**2 * circle.lowpass(params.tau_z) * s_phi)
    c_r = circle.correlation(params.g_r**2 * circle.lowpass(params.tau_r) * s_phi)
    full = {
        "C_h": correlations["C_h"],
        "C_z": c_z,
        "C_r": c_r,
        "C_phi": c_phi,
        "C_sigma_r_phi": correlations["C_sigma_r_phi"],
    }
    long_names = {
        "C_h": "autocorrelation of h",
        "C_z": "autocorrelation of the update-gate current z",
        "C_r": "autocorrelation of the output-gate current r",
        "C_phi": "autocorrelation of phi(h)",
        "C_sigma_r_phi": "autocorrelation of sigma_r(r) phi(h)",
    }
    if max_lag is None:
        max_lag = circle.taper_start
    n_out = int(np.floor(max_lag / circle.dt + 1e-9)) + 1
    if not 1 <= n_out <= circle.n_lags:
        raise ValueError(f"max_lag must be in [0, T_P/2 = {circle.period / 2:g}], got {max_lag!r}")
    one = {"units": "1"}
    data_vars: dict = {}
    spectrum_min = []
    for name, value in full.items():
        data_vars[name] = ("lag", value[:n_out], {"long_name": long_names[name], **one})
        spectrum = circle.spectrum(value)
        spectrum_min.append(spectrum.min() / max(np.abs(spectrum).max(), 1e-300))
    if min(spectrum_min) < -1e-8:
        warnings.warn(
            f"a stationary correlation has a negative power spectrum (min/max = "
            f"{min(spectrum_min):.2e}): not a valid solution, for {params}",
            RuntimeWarning,
            stacklevel=3,
        )
    data_vars["spectrum_min"] = (
        "correlation",
        np.array(spectrum_min),
        {"long_name": "min over frequency of the power spectrum / its max (>= 0 if valid)", **one},
    )
    centres, density = sigma_z_histogram(params, float(c_z[0]), n_bins)
    data_vars["sigma_z_density"] = (
        "sigma_z_bin",
        density,
        {"long_name": "stationary probability density of the update gate sigma_z(z)", **one},
    )
    lag_coord = ("lag", circle.lags[:n_out], {"long_name": "lag", "units": "tau_h"})
    c_h = xr.DataArray(full["C_h"], dims="lag", coords={"lag": circle.lags})
    tau = relaxation_time(c_h) if full["C_h"][0] > 0 else xr.DataArray(np.nan)
    data_vars["relaxation_time"] = (
        (),
        float(tau),
        {"long_name": "relaxation time of C_h (C_h / C_h(0) = 1/e)", "units": "tau_h"},
    )
    history_names = {
        "residual": ("fixed-point residual max|G(C) - C| / C(0)", "1"),
        "c_h0": ("C_h(0) at each iteration", "1"),
        "anderson_step": ("1 if the step was an Anderson step, 0 if damped", "1"),
        "noise_floor": ("max batch standard error of C_phi / C_phi(0)", "1"),
        "n_points": ("points P on the time circle", "1"),
    }
    for name, value in history.items():
        long_name, units = history_names.get(name, (name, "1"))
        data_vars[f"history_{name}"] = (
            "iteration",
            np.asarray(value),
            {"long_name": long_name, "units": units},
        )
    data_vars["converged"] = (
        (),
        np.int8(converged),
        {"long_name": "1 if the solver converged", **one},
    )
    data_vars.update(extra_vars or {})
    coords = {
        "lag": lag_coord,
        "correlation": ("correlation", list(full), {"long_name": "correlation function", **one}),
        "sigma_z_bin": ("sigma_z_bin", centres, {"long_name": "bin centre of sigma_z", **one}),
        "iteration": (
            "iteration",
            np.arange(len(next(iter(history.values()))) if history else 0),
            {"long_name": "solver iteration", **one},
        ),
        **params.coordinates(),
    }
    attrs = {
        "title": f"stationary DMFT of the gated RNN ({method})",
        "method": method,
        "settings": json.dumps(settings),
        **provenance(params.digest(method=method, **settings)),
    }
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)
