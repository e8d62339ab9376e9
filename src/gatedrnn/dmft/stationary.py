"""Stationary (chaotic) DMFT solution by iterated sampling of the single-site process (SPEC §2).

The single-site process is

    dh/dt = sigma_z(z) (-h + eta_h),   tau_z dz/dt = -z + eta_z,   tau_r dr/dt = -r + eta_r,

with independent centred Gaussian fields, C_{eta_h} = g_h^2 C_{sigma_r phi},
C_{eta_z} = g_z^2 C_phi, C_{eta_r} = g_r^2 C_phi. On the time circle (P points, spacing dt)
one iteration of the map (C_phi, C_{sigma_r phi}) -> (C_phi', C_{sigma_r phi}') is:

1. spectra of the tapered input correlations (negative tapering artefacts set to zero);
2. z, r sampled exactly as stationary Gaussians with spectra g_k^2 S_phi / (1 + tau_k^2 w^2)
   (the linear filters applied in the frequency domain), eta_h with spectrum
   g_h^2 S_{sigma_r phi}: x = irfft(sqrt(S) W), W white in the frequency domain;
3. M periodic h paths integrated (`integrate_periodic`, exponential second-order scheme);
4. averaged periodograms of phi(h) and sigma_r(r) phi(h) (non-negative spectra by
   construction) give the new correlations.

The white noise W is the same at every iteration (common random numbers), so the map is
deterministic and is solved with Anderson acceleration to a residual well below the
Monte-Carlo noise floor, which is estimated from the spread between batches of paths.
"""

from __future__ import annotations

import logging
import time
import warnings

import numpy as np
import xarray as xr

from ..correlation import relaxation_time
from ..gaussian import sample_stationary, white_spectrum
from ..nonlinearity import gate, phi
from ..params import GatedRNN
from .anderson import Anderson
from .circle import Circle, stationary_dataset
from .deterministic import ConvergenceWarning, stationary_deterministic
from .single_site import integrate_periodic

__all__ = ["stationary", "stationary_sampled", "sample_single_site"]

#: Largest cache of common random numbers kept in memory (bytes); beyond it they are redrawn.
_NOISE_CACHE_BYTES = 400 * 2**20


logger = logging.getLogger("gatedrnn")


class _Sampler:
    """The sampling map on a fixed set of common random numbers."""

    def __init__(
        self,
        params: GatedRNN,
        circle: Circle,
        n_paths: int,
        seed: int,
        n_batches: int,
        control_variates: bool = True,
    ):
        self.params = params
        self.control_variates = bool(control_variates)
        self.circle = circle
        self.n_paths = n_paths
        self.seed = seed
        self.fields = (
            ["h"] + (["z"] if params.alpha_z != 0 else []) + (["r"] if params.alpha_r != 0 else [])
        )
        edges = np.linspace(0, n_paths, n_batches + 1).round().astype(int)
        self.batches = [(int(lo), int(hi)) for lo, hi in zip(edges[:-1], edges[1:]) if hi > lo]
        size = len(self.fields) * n_paths * circle.n_lags * 16
        self._cache = (
            [self._draw(k) for k in range(len(self.batches))]
            if size <= _NOISE_CACHE_BYTES
            else None
        )
        self.z_filter = params.g_z**2 * circle.lowpass(params.tau_z)
        self.r_filter = params.g_r**2 * circle.lowpass(params.tau_r)

    def _draw(self, k: int) -> dict[str, np.ndarray]:
        lo, hi = self.batches[k]
        rng = np.random.default_rng([self.seed, k])
        return {f: white_spectrum(rng, hi - lo, self.circle.n_points) for f in self.fields}

    def noise(self, k: int) -> dict[str, np.ndarray]:
        return self._cache[k] if self._cache is not None else self._draw(k)

    def __call__(self, c_phi: np.ndarray, c_source: np.ndarray) -> dict[str, np.ndarray]:
        """Periodogram estimates of C_h, C_phi, C_{sigma_r phi}, with batch standard errors.

        With control variates, each frequency bin of the averaged periodograms is corrected
        by the regression on the realised white-noise powers |W_k|^2 / P - 1 of every field
        (mean exactly zero, so the estimate stays unbiased up to O(1/M) from the estimated
        coefficients). At low frequencies the periodogram of phi(h) is ~90% correlated with
        that of the drive, so this removes most of the noise that the slow mode of the map
        amplifies; corrected bins are clipped at zero (spectra stay non-negative).
        """
        p, circle = self.params, self.circle
        s_phi = circle.tapered_spectrum(c_phi)
        s_eta = p.g_h**2 * circle.tapered_spectrum(c_source)
        s_z = self.z_filter * s_phi
        s_r = self.r_filter * s_phi
        names = ("C_h", "C_phi", "C_sigma_r_phi")
        n_b, n_f, n_k = len(self.batches), len(self.fields), circle.n_lags
        power = np.zeros((len(names), n_b, n_k))  # batch sums of periodograms
        control = np.zeros((n_f, n_b, n_k))  # batch sums of |W|^2 / P - 1
        cross = np.zeros((len(names), n_f, n_k))  # sums of periodogram * control
        gram = np.zeros((n_f, n_f, n_k))  # sums of control * control
        scale = 1.0 / circle.n_points
        for k in range(n_b):
            white = self.noise(k)
            paths = _paths_from_spectra(p, circle, s_eta, s_z, s_r, white)
            h = paths["h"]
            f = phi(h)
            periodograms = [np.abs(np.fft.rfft(h, axis=1)) ** 2 * scale]
            periodograms.append(np.abs(np.fft.rfft(f, axis=1)) ** 2 * scale)
            if "r" in paths:
                sigma_r = gate(paths["r"], p.alpha_r, p.beta_r)
                periodograms.append(np.abs(np.fft.rfft(sigma_r * f, axis=1)) ** 2 * scale)
            else:
                periodograms.append(p.gate_r_at_zero**2 * periodograms[1])
            for t, value in enumerate(periodograms):
                power[t, k] = value.sum(axis=0)
            if self.control_variates:
                controls = [np.abs(white[name]) ** 2 * scale - 1.0 for name in self.fields]
                for i, ci in enumerate(controls):
                    control[i, k] = ci.sum(axis=0)
                    for t, value in enumerate(periodograms):
                        cross[t, i] += (value * ci).sum(axis=0)
                    for j in range(i, n_f):
                        gram[i, j] += (ci * controls[j]).sum(axis=0)
                        gram[j, i] = gram[i, j]
        sizes = np.array([hi - lo for lo, hi in self.batches], dtype=float)
        total = sizes.sum()
        batch_means = power / sizes[None, :, None]
        if self.control_variates:
            mean_c = control.sum(axis=1) / total  # (n_f, n_k)
            mean_p = power.sum(axis=1) / total  # (n_t, n_k)
            cov_cc = gram / total - mean_c[:, None] * mean_c[None, :]
            cov_pc = cross / total - mean_p[:, None] * mean_c[None, :]
            # per bin: b (n_t, n_f) solves cov_cc b = cov_pc
            coef = np.linalg.solve(
                np.moveaxis(cov_cc, -1, 0)[None], np.moveaxis(cov_pc, -1, 1)[..., None]
            )[
                ..., 0
            ]  # (n_t, n_k, n_f)
            batch_controls = control / sizes[None, :, None]  # (n_f, n_b, n_k)
            batch_means = batch_means - np.einsum("tkf,fbk->tbk", coef, batch_controls)
        out = {}
        self.clipped = 0
        for t, name in enumerate(names):
            mean_spectrum = (batch_means[t] * sizes[:, None]).sum(axis=0) / total
            self.clipped += int((mean_spectrum < 0).sum())
            mean = circle.correlation(np.maximum(mean_spectrum, 0.0))
            per_batch = circle.correlation(batch_means[t])
            out[name] = mean
            if n_b > 1:
                spread = np.sqrt(
                    ((per_batch - per_batch.mean(axis=0)) ** 2 * sizes[:, None]).sum(axis=0) / total
                )
                out[name + "_stderr"] = spread / np.sqrt(n_b - 1)
            else:
                out[name + "_stderr"] = np.full_like(mean, np.abs(mean[0]) / np.sqrt(self.n_paths))
        return out


def _paths_from_spectra(
    params: GatedRNN,
    circle: Circle,
    s_eta: np.ndarray,
    s_z: np.ndarray,
    s_r: np.ndarray,
    white: dict[str, np.ndarray],
) -> dict[str, np.ndarray]:
    """Single-site paths driven by fields of spectra s_eta, s_z, s_r (white noise `white`).

    Returns eta (eta_h) and h, of shape (M, P), plus z and r where `white` holds noise for
    them (gates with alpha != 0); a missing gate is frozen at sigma(0).
    """
    eta = sample_stationary(s_eta, white["h"])
    paths = {"eta": eta}
    if "z" in white:
        paths["z"] = sample_stationary(s_z, white["z"])
        rate = gate(paths["z"], params.alpha_z, params.beta_z)
    else:
        rate = params.gate_z_at_zero
    if "r" in white:
        paths["r"] = sample_stationary(s_r, white["r"])
    paths["h"] = integrate_periodic(rate, eta, circle.dt)
    return paths


def sample_single_site(
    params: GatedRNN,
    circle: Circle,
    c_phi: np.ndarray,
    c_sigma_r_phi: np.ndarray,
    white: dict[str, np.ndarray],
) -> dict[str, np.ndarray]:
    """Sample paths of the single-site process for given input correlations (one map step).

    Parameters
    ----------
    params : GatedRNN
    circle : Circle
    c_phi, c_sigma_r_phi : arrays of shape (P // 2 + 1,)
        C_phi and C_{sigma_r phi} at lags 0..P/2 (tapered by the circle before use).
    white : dict of complex arrays of shape (M, P // 2 + 1)
        `gatedrnn.gaussian.white_spectrum` noise for "h" and, where the gate has
        alpha != 0, for "z" and "r".

    Returns
    -------
    dict of arrays of shape (M, P)
        "eta" (the field eta_h), "h", and "z", "r" for the gates with noise in `white`.
    """
    s_phi = circle.tapered_spectrum(c_phi)
    s_eta = params.g_h**2 * circle.tapered_spectrum(c_sigma_r_phi)
    s_z = params.g_z**2 * circle.lowpass(params.tau_z) * s_phi
    s_r = params.g_r**2 * circle.lowpass(params.tau_r) * s_phi
    return _paths_from_spectra(params, circle, s_eta, s_z, s_r, white)


def _relaxation(circle: Circle, c_h: np.ndarray) -> float:
    if not c_h[0] > 0:
        return float("nan")
    return float(relaxation_time(xr.DataArray(c_h, dims="lag", coords={"lag": circle.lags})))


def _iterate(
    sampler: _Sampler, x: np.ndarray, tol: float, max_iter: int, history: int, mixing: float
):
    """Anderson-accelerated iteration of the sampling map from x = (C_phi, C_sigma_r_phi)."""
    n = sampler.circle.n_lags
    accelerator = Anderson(history=history, mixing=mixing)
    hist: dict[str, list] = {"residual": [], "c_h0": [], "anderson_step": [], "noise_floor": []}
    converged = False
    start = time.perf_counter()
    for _ in range(max_iter):
        est = sampler(x[:n], x[n:])
        gx = np.concatenate([est["C_phi"], est["C_sigma_r_phi"]])
        residual = max(
            float(np.abs(gx[:n] - x[:n]).max()) / max(x[0], 1e-300),
            float(np.abs(gx[n:] - x[n:]).max()) / max(x[n], 1e-300),
        )
        floor = float(est["C_phi_stderr"].max()) / max(float(est["C_phi"][0]), 1e-300)
        hist["residual"].append(residual)
        hist["c_h0"].append(float(est["C_h"][0]))
        hist["noise_floor"].append(floor)
        logger.info(
            "DMFT P=%d iteration %d/%d: residual %.3g (stop at %.3g), C_h(0) = %.4f, elapsed %.1f s",
            sampler.circle.n_points, len(hist["residual"]), max_iter, residual, tol * floor,
            float(est["C_h"][0]), time.perf_counter() - start,
        )
        if residual <= tol * floor:
            converged = True
            hist["anderson_step"].append(0)
            break
        if est["C_phi"][0] < 1e-12:
            hist["anderson_step"].append(0)
            break  # collapsed onto the quiescent solution: not a chaotic state
        x = accelerator.step(x, gx)
        hist["anderson_step"].append(int(accelerator.last_step == "anderson"))
    return est, hist, converged


def stationary_sampled(
    params: GatedRNN,
    *,
    n_paths: int = 1000,
    dt: float = 0.1,
    n_points: int = 4096,
    seed: int = 0,
    tol: float = 0.02,
    max_iter: int = 40,
    history: int = 6,
    mixing: float = 1.0,
    taper: tuple[float, float] = (0.5, 0.9),
    max_lag: float | None = None,
    initial: xr.Dataset | None = None,
    n_batches: int = 8,
    n_bins: int = 50,
    control_variates: bool = True,
    auto_period: bool = True,
    period_factor: float = 6.0,
    max_points: int = 32768,
) -> xr.Dataset:
    """Stationary DMFT correlations by iterated sampling of the single-site process.

    Parameters
    ----------
    params : GatedRNN
    n_paths : int
        M, single-site paths per iteration (>= 2). Statistical errors scale as 1/sqrt(M).
    dt : float
        Time step of the circle and of the integration (tau_h, > 0). The scheme is second
        order: dt = 0.1 biases C_h(0) by ~1e-3 relative.
    n_points : int
        P (even, >= 16); the period P dt must be >> the relaxation time (the correlations are
        tapered to zero between 0.25 and 0.45 P dt by default).
    seed : int
        Seed of the common random numbers; independent seeds give independent estimates.
    tol : float
        Stop when the relative fixed-point residual max|G(C) - C| / C(0) is below
        `tol` times the Monte-Carlo noise floor (max over lags of the standard error of
        C_phi / C_phi(0), estimated from the spread between `n_batches` batches of paths).
        The distance to the fixed point is ~ residual / (1 - mu), where mu ~ 0.95 is the
        multiplier of the slow mode of the map, hence the small default.
    max_iter : int
        Largest number of map evaluations per period (each costs one sampling of M paths).
    history, mixing : Anderson acceleration settings (`gatedrnn.dmft.anderson.Anderson`).
    taper : (float, float)
        Taper window of the correlations, fractions of T_P / 2 (see `Circle`).
    max_lag : float, optional
        Largest lag returned; default the start of the taper, T_P / 4.
    initial : Dataset, optional
        A previous solution (with C_phi and C_sigma_r_phi over the same lags); default the
        deterministic solution with alpha_z set to 0 (same beta_z).
    n_batches : int
        Batches of paths for the noise-floor (standard error) estimate (>= 2 recommended).
    n_bins : int
        Bins of the sigma_z histogram.
    control_variates : bool
        Correct each periodogram bin by regression on the realised white-noise powers
        (unbiased; ~2x smaller noise in the long-time tail, see `_Sampler.__call__`).
    auto_period : bool
        If the relaxation time tau of the solution exceeds taper_start / period_factor
        (taper_start = T_P / 4 by default), or the iteration did not converge within
        `max_iter`, double P (up to `max_points`) and solve again from the previous solution.
        If P cannot grow enough, warn and mark not converged.
    period_factor : float
        Required taper_start / tau (default 6: an exponential tail is ~e^-6 C_h(0) where the
        taper starts).
    max_points : int
        Largest P tried by `auto_period`.

    Returns
    -------
    xarray.Dataset
        As `stationary`, plus ``C_h_stderr`` and ``C_phi_stderr`` (batch standard errors at
        the final iterate, for the fixed input correlations: they do not include the
        amplification of noise by slow modes of the map, for which compare seeds; at
        alpha_z = 0 the control variates make C_h exact given the input spectra, so its
        batch error vanishes), ``period_ok`` and ``history_noise_floor``.

    Notes
    -----
    Measured on one core (g_h = 4, M = 1000, 4 seeds each):

    - alpha_z = 0 (dt 0.1, P 4096): ~2 s, 10-12 iterations; C_h(0) has a seed-to-seed
      spread of 0.9% and no bias against the deterministic solver; the relaxation time
      spreads by 5% (13.2-14.9 vs the exact 13.65).
    - alpha_z = 2 (dt 0.1, P grown to 8192): 12-30 s; C_h(0) spread ~1.3%, tau 25-27.
    - alpha_z = 5 (dt 0.2, P grown to 32768): 40-70 s; tau ~ 140-160.
    - alpha_z = 10 (dt 0.5, P grown to 65536): 115-240 s; C_h(0) 2.00-2.02, tau 1110-1250
      (3 seeds; 800-970 at M = 500: the tail is not converged in M). All correlations are
      slow (C_h(10) / C_h(0) = 0.996), so the step hardly matters: at M = 500 (3-4 seeds per
      dt) dt = 0.5, 1, 2, 4 give C_h(0) 1.97-2.05 and tau 970-1100, 670-1300, 930-1220,
      940-1130 (no trend beyond the seed spread); dt = 4 takes 7-18 s.
    - alpha_z = 20 (M = 500, dt 8, P grown to 65536-131072): 1.3-7 min, 130-220 iterations;
      C_h(0) 2.048-2.066, tau 13500-17400 (3 seeds); dt 4: C_h(0) 2.054, 2.058, tau 15400,
      11500 (2 seeds). Periods shorter than 20-40 tau did not converge (the map cycles for
      max_iter iterations before the period doubles); started from the alpha_z = 0 solution
      the period grows from P dt = 3.3e4 to 5e5-1e6.

    The long-time tail is the least accurate part: a slow mode of the self-consistency
    (multiplier ~0.95 near chaos) amplifies the low-frequency sampling noise ~20x. The
    control variates halve it; quote tails and relaxation times with the spread over seeds,
    and use `stationary_deterministic` as the reference at alpha_z = 0. Near the transition
    to chaos the slow mode is slower and the noise larger (7% in C_h(0) at M = 500 for
    g_h = 3, alpha_r = 2, beta_r = 0.5).
    """
    if not isinstance(params, GatedRNN):
        raise ValueError(f"params must be a GatedRNN, got {type(params).__name__}")
    if isinstance(n_paths, bool) or int(n_paths) != n_paths or n_paths < 2:
        raise ValueError(f"n_paths must be an integer >= 2, got {n_paths!r}")
    if isinstance(seed, bool) or int(seed) != seed or seed < 0:
        raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
    if not (np.isfinite(tol) and tol > 0):
        raise ValueError(f"tol must be finite and > 0, got {tol!r}")
    if int(max_iter) != max_iter or max_iter < 1:
        raise ValueError(f"max_iter must be an integer >= 1, got {max_iter!r}")
    if int(n_batches) != n_batches or not 1 <= n_batches <= n_paths:
        raise ValueError(f"n_batches must be an integer in [1, n_paths], got {n_batches!r}")
    if int(n_bins) != n_bins or n_bins < 1:
        raise ValueError(f"n_bins must be an integer >= 1, got {n_bins!r}")
    if not (np.isfinite(period_factor) and period_factor > 0):
        raise ValueError(f"period_factor must be finite and > 0, got {period_factor!r}")
    if int(max_points) != max_points or max_points < n_points:
        raise ValueError(f"max_points must be an integer >= n_points, got {max_points!r}")
    circle = Circle(n_points, dt, taper)
    n_paths, seed = int(n_paths), int(seed)

    if initial is None:
        with warnings.catch_warnings():  # only a starting point: its period need not fit
            warnings.simplefilter("ignore", ConvergenceWarning)
            initial = stationary_deterministic(
                params.replace(alpha_z=0.0),
                dt=dt,
                n_points=n_points,
                taper=taper,
                tol=1e-8,
                max_lag=circle.period / 2,
                auto_period=False,
                max_points=n_points,
            )
    c_phi0 = np.asarray(initial["C_phi"].values, dtype=float)
    c_src0 = np.asarray(initial["C_sigma_r_phi"].values, dtype=float)
    if c_phi0.shape != (circle.n_lags,) or c_src0.shape != (circle.n_lags,):
        raise ValueError(
            f"initial must hold C_phi and C_sigma_r_phi at all {circle.n_lags} lags 0..P/2 "
            "(pass max_lag=P*dt/2 when computing it)"
        )
    if c_phi0[0] <= 0:
        c_phi0 = 0.5 * np.exp(-0.5 * (circle.lags / 2.0) ** 2)
        c_src0 = params.gate_r_at_zero**2 * c_phi0

    history_all: dict[str, list] = {
        k: [] for k in ("residual", "c_h0", "anderson_step", "noise_floor", "n_points")
    }
    while True:
        # memory: keep one batch of paths below ~2**20 samples per array
        batches = min(max(int(n_batches), -(-n_paths * circle.n_points // 2**20)), n_paths)
        sampler = _Sampler(params, circle, n_paths, seed, batches, control_variates)
        est, hist, converged = _iterate(
            sampler, np.concatenate([c_phi0, c_src0]), tol, int(max_iter), history, mixing
        )
        for key, values in hist.items():
            history_all[key].extend(values)
        history_all["n_points"].extend([circle.n_points] * len(hist["residual"]))
        tau = _relaxation(circle, est["C_h"])
        period_ok = (
            bool(np.isfinite(tau) and period_factor * tau <= circle.taper_start)
            or est["C_h"][0] <= 0
        )
        if (period_ok and converged) or not auto_period or 2 * circle.n_points > max_points:
            break
        # a period too short for the slow tail can also make the map cycle without
        # converging (seen at alpha_z = 20: tau = 150 on P dt = 4096, > 10^4 on longer ones)
        new = (
            circle.grown(tau, period_factor, max_points)
            if not period_ok
            else Circle(2 * circle.n_points, circle.dt, circle.taper)
        )
        c_phi0, c_src0 = (circle.carry(est[name], new) for name in ("C_phi", "C_sigma_r_phi"))
        circle = new
    if not converged:
        warnings.warn(
            f"sampled DMFT not converged after {len(hist['residual'])} iterations (residual "
            f"{hist['residual'][-1]:.2e} > tol * noise floor = {tol * hist['noise_floor'][-1]:.2e}) "
            f"for {params}",
            ConvergenceWarning,
            stacklevel=2,
        )
    if not period_ok:
        warnings.warn(
            f"sampled DMFT: period P dt = {circle.period:g} too short for relaxation time "
            f"{tau:.3g} (need taper start {circle.taper_start:g} >= {period_factor} * tau); "
            f"raise max_points or dt; marked not converged, for {params}",
            ConvergenceWarning,
            stacklevel=2,
        )
    one = {"units": "1"}
    settings = dict(
        n_paths=n_paths,
        dt=dt,
        n_points=circle.n_points,
        seed=seed,
        tol=tol,
        max_iter=int(max_iter),
        auto_period=bool(auto_period),
        period_factor=period_factor,
        max_points=int(max_points),
        history=int(history),
        mixing=mixing,
        taper=list(taper),
        n_batches=int(n_batches),
        control_variates=bool(control_variates),
        iterations=len(history_all["residual"]),
    )
    ds = stationary_dataset(
        params,
        circle,
        est,
        history_all,
        converged=converged and period_ok,
        method="sampling",
        settings=settings,
        max_lag=max_lag,
        n_bins=n_bins,
    )
    n_out = ds.sizes["lag"]
    ds["C_h_stderr"] = (
        "lag",
        est["C_h_stderr"][:n_out],
        {"long_name": "batch standard error of C_h", **one},
    )
    ds["C_phi_stderr"] = (
        "lag",
        est["C_phi_stderr"][:n_out],
        {"long_name": "batch standard error of C_phi", **one},
    )

    ds["period_ok"] = (
        (),
        np.int8(period_ok),
        {"long_name": "1 if the period is >> the relaxation time", **one},
    )
    return ds


def stationary(params: GatedRNN, method: str = "sampling", **options) -> xr.Dataset:
    """Stationary (chaotic-state) DMFT correlation functions of the gated RNN.

    Parameters
    ----------
    params : GatedRNN
    method : {"sampling", "deterministic"}
        "sampling": iterated sampling of the single-site process (any parameters), see
        `stationary_sampled` for the options. "deterministic": the noise-free closed
        equations, valid only for alpha_z = 0, see `stationary_deterministic`.
    **options
        Keyword arguments of the chosen solver.

    Returns
    -------
    xarray.Dataset
        ``C_h``, ``C_z``, ``C_r``, ``C_phi``, ``C_sigma_r_phi`` over ``lag`` (tau_h);
        ``sigma_z_density`` over ``sigma_z_bin`` (exact density of sigma_z(z), z Gaussian);
        ``relaxation_time`` (lag where C_h / C_h(0) = 1/e); ``spectrum_min`` over
        ``correlation`` (min / max of each power spectrum; >= 0 for a valid solution);
        ``converged`` (int8) and the convergence history ``history_*`` over ``iteration``;
        model parameters as scalar coordinates; settings and provenance attributes.
        If the solver does not converge it warns (`ConvergenceWarning`) and sets
        converged = 0.

    Examples
    --------
    >>> from gatedrnn import GatedRNN
    >>> ds = stationary(GatedRNN(g_h=4.0), method="deterministic", n_points=4096)
    >>> round(float(ds.C_h[0]), 3)
    1.925
    """
    if method == "sampling":
        return stationary_sampled(params, **options)
    if method == "deterministic":
        return stationary_deterministic(params, **options)
    raise ValueError(f"method must be 'sampling' or 'deterministic', got {method!r}")
