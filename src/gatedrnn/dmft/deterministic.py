"""Deterministic stationary DMFT for alpha_z = 0 (SPEC §2, §5): no sampling noise.

With a frozen update gate (sigma_z = s_z = sigma_z(0)), h and r are Gaussian and independent
at each site, and the stationary correlations close:

    (1 - s_z^-2 d^2/dtau^2) C_h = g_h^2 C_{sigma_r} C_phi,
    (1 - tau_r^2 d^2/dtau^2) C_r = g_r^2 C_phi,

with C_phi(tau) = E[phi(x) phi(y)], x, y ~ N(0, C_h(0)) with covariance C_h(tau), and
C_{sigma_r}(tau) the same average of sigma_r over C_r. On the time circle these are
multiplications of spectra; C_h -> C_h' is iterated with Anderson acceleration. The bivariate
averages use an adaptive Chebyshev interpolant in the covariance over fine trapezoid rules
(`gatedrnn.gaussian.bivariate_interpolant`), accurate to ~1e-12.
"""

from __future__ import annotations

import warnings

import numpy as np
import xarray as xr

from ..correlation import relaxation_time
from ..gaussian import bivariate_interpolant
from ..nonlinearity import gate, phi, phi_prime
from ..params import GatedRNN
from .anderson import Anderson
from .circle import Circle, stationary_dataset
from .classical import scs_variance

__all__ = ["stationary_deterministic", "ConvergenceWarning"]


class ConvergenceWarning(UserWarning):
    """A DMFT solver stopped before meeting its tolerance (the result is marked converged=0)."""


def _gate_spacing(alpha: float, variance: float) -> float:
    """Trapezoid spacing resolving sigma(alpha x) (tanh slope alpha / 2) at this variance."""
    slope = max(abs(alpha) / 2.0, 1.0)
    return min(0.08, 0.25 / (slope * np.sqrt(max(variance, 1e-300))))


def _initial_guess(params: GatedRNN, lags: np.ndarray) -> np.ndarray:
    """A starting C_h(lag) near the chaotic solution.

    With frozen gates (alpha_r = 0, so the network is SCS at g = g_h sigma_r(0)) and g > 1:
    q sech^2(k tau) with the SCS variance q and decay rate k = 0.3 (g - 1) sigma_z(0) (the
    measured near-critical width, capped at sigma_z(0)); a broad bump otherwise. The bump
    alone collapses onto the trivial solution C_h = 0 for g < ~1.08 at alpha_r = 0; with an
    output gate the chaotic branch can lie far above the SCS one, where the bump is better.
    """
    g = params.g_h * params.gate_r_at_zero
    if params.alpha_r == 0.0 and g > 1.0:
        rate = min(0.3 * (g - 1.0), 1.0) * params.gate_z_at_zero
        return scs_variance(g) * phi_prime(rate * lags)
    q0 = max(params.g_h**2 * params.gate_r_at_zero**2, 1.0)
    width = 2.0 / params.gate_z_at_zero
    return q0 * np.exp(-0.5 * (lags / width) ** 2)


class _Map:
    """The closed map C_h -> C_h' of the alpha_z = 0 DMFT."""

    def __init__(self, params: GatedRNN, circle: Circle):
        self.params = params
        self.circle = circle
        s_z = params.gate_z_at_zero
        self.h_filter = params.g_h**2 * circle.lowpass(1.0 / s_z)
        self.r_filter = params.g_r**2 * circle.lowpass(params.tau_r)
        self.sigma_r = lambda x: gate(x, params.alpha_r, params.beta_r)

    def parts(self, c_h: np.ndarray) -> dict[str, np.ndarray]:
        circle, params = self.circle, self.params
        q = max(float(c_h[0]), 0.0)
        c_phi = bivariate_interpolant(phi, q, spacing=min(0.08, 0.25 / np.sqrt(max(q, 1e-300))))(
            c_h
        )
        if params.alpha_r == 0.0:
            c_sigma_r = np.full_like(c_phi, params.gate_r_at_zero**2)
        else:
            c_r = circle.correlation(self.r_filter * circle.tapered_spectrum(c_phi))
            q_r = float(c_r[0])
            c_sigma_r = bivariate_interpolant(
                self.sigma_r, q_r, spacing=_gate_spacing(params.alpha_r, q_r)
            )(c_r)
        c_source = c_sigma_r * c_phi
        c_h_new = circle.correlation(self.h_filter * circle.tapered_spectrum(c_source))
        return {"C_h": c_h_new, "C_phi": c_phi, "C_sigma_r_phi": c_source}

    def __call__(self, c_h: np.ndarray) -> np.ndarray:
        return self.parts(c_h)["C_h"]


def stationary_deterministic(
    params: GatedRNN,
    *,
    dt: float = 0.05,
    n_points: int = 8192,
    tol: float = 1e-11,
    max_iter: int = 300,
    history: int = 6,
    mixing: float = 1.0,
    taper: tuple[float, float] = (0.5, 0.9),
    max_lag: float | None = None,
    initial: np.ndarray | None = None,
    n_bins: int = 50,
    auto_period: bool = True,
    period_factor: float = 6.0,
    max_points: int = 65536,
) -> xr.Dataset:
    """Stationary DMFT correlations at alpha_z = 0, solved deterministically.

    Parameters
    ----------
    params : GatedRNN
        Must have alpha_z = 0 (otherwise h is not Gaussian; use the sampler).
    dt : float
        Lag spacing in units of tau_h (> 0). The spectra decay faster than any power, so
        dt = 0.05 resolves C_h(0) to ~1e-9 relative in the SCS limit.
    n_points : int
        P, points on the time circle (even); the period P dt must be >> the relaxation time.
    tol : float
        Stop when max |C_h' - C_h| <= tol * C_h(0).
    max_iter : int
        Largest number of map evaluations.
    history, mixing : Anderson acceleration settings (see `Anderson`).
    taper : (float, float)
        Window of `Circle` applied to source correlations (fractions of T_P / 2).
    max_lag : float, optional
        Largest lag returned (default: the start of the taper, T_P / 4).
    initial : array, optional
        Initial C_h at lags 0..P/2; default a Gaussian bump of the SCS variance.
    n_bins : int
        Bins of the sigma_z histogram.
    auto_period, period_factor, max_points :
        As in `stationary_sampled`: P is doubled (up to `max_points`) until the taper
        starts beyond `period_factor` relaxation times; otherwise the result is marked
        not converged, with a warning.

    Returns
    -------
    xarray.Dataset
        See `gatedrnn.dmft.stationary`.

    Examples
    --------
    >>> from gatedrnn import GatedRNN
    >>> from gatedrnn.dmft import scs_variance
    >>> ds = stationary_deterministic(GatedRNN.classical(2.0), n_points=4096)
    >>> bool(abs(ds.C_h[0] / scs_variance(2.0) - 1) < 1e-6)
    True
    """
    if not isinstance(params, GatedRNN):
        raise ValueError(f"params must be a GatedRNN, got {type(params).__name__}")
    if params.alpha_z != 0.0:
        raise ValueError(
            f"alpha_z must be 0 for the deterministic solver (h is non-Gaussian otherwise), "
            f"got alpha_z={params.alpha_z}; use stationary(params, method='sampling')"
        )
    if not (np.isfinite(tol) and tol > 0):
        raise ValueError(f"tol must be finite and > 0, got {tol!r}")
    if int(max_iter) != max_iter or max_iter < 1:
        raise ValueError(f"max_iter must be an integer >= 1, got {max_iter!r}")
    if int(n_bins) != n_bins or n_bins < 1:
        raise ValueError(f"n_bins must be an integer >= 1, got {n_bins!r}")
    if not (np.isfinite(period_factor) and period_factor > 0):
        raise ValueError(f"period_factor must be finite and > 0, got {period_factor!r}")
    if int(max_points) != max_points or max_points < n_points:
        raise ValueError(f"max_points must be an integer >= n_points, got {max_points!r}")
    circle = Circle(n_points, dt, taper)
    if initial is None:
        x = _initial_guess(params, circle.lags)
    else:
        x = np.asarray(initial, dtype=float)
        if x.shape != (circle.n_lags,):
            raise ValueError(f"initial must have shape ({circle.n_lags},), got {x.shape}")
    residuals, c_h0, kinds, points = [], [], [], []
    while True:
        solver = _Map(params, circle)
        accelerator = Anderson(history=history, mixing=mixing)
        converged = False
        for _ in range(int(max_iter)):
            gx = solver(x)
            scale = max(float(x[0]), 1e-300)
            residual = float(np.abs(gx - x).max()) / scale
            residuals.append(residual)
            c_h0.append(float(gx[0]))
            points.append(circle.n_points)
            if residual <= tol or float(gx[0]) < 1e-14:
                x = gx
                converged = True
                kinds.append(0)
                break
            x = accelerator.step(x, gx)
            kinds.append(int(accelerator.last_step == "anderson"))
        tau = (
            float(relaxation_time(xr.DataArray(x, dims="lag", coords={"lag": circle.lags})))
            if x[0] > 0
            else 0.0
        )
        period_ok = bool(period_factor * tau <= circle.taper_start)
        if period_ok or not auto_period or 2 * circle.n_points > max_points:
            break
        new = circle.grown(tau, period_factor, max_points)
        x = circle.carry(x, new)
        circle = new
    if not converged:
        warnings.warn(
            f"deterministic DMFT not converged after {max_iter} iterations "
            f"(residual {residuals[-1]:.2e} > tol {tol:.1e}) for {params}",
            ConvergenceWarning,
            stacklevel=2,
        )
    if not period_ok:
        warnings.warn(
            f"deterministic DMFT: period {circle.period:g} too short for relaxation time "
            f"{tau:.3g}; raise max_points; marked not converged, for {params}",
            ConvergenceWarning,
            stacklevel=2,
        )
    parts = solver.parts(x)
    parts["C_h"] = x if converged else parts["C_h"]
    settings = dict(
        dt=dt,
        n_points=circle.n_points,
        auto_period=bool(auto_period),
        period_factor=period_factor,
        max_points=int(max_points),
        tol=tol,
        max_iter=int(max_iter),
        history=int(history),
        mixing=mixing,
        taper=list(taper),
        iterations=len(residuals),
    )
    return stationary_dataset(
        params,
        circle,
        parts,
        {"residual": residuals, "c_h0": c_h0, "anderson_step": kinds, "n_points": points},
        converged=converged and period_ok,
        method="deterministic",
        settings=settings,
        max_lag=max_lag,
        n_bins=n_bins,
    )
