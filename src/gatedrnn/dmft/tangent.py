"""Maximum Lyapunov exponent from the tangent DMFT (SPEC §4).

Linearising the single-site process around a path (h, z, r) of the stationary solution gives

    d(dh)/dt = sigma_z (-dh + d_eta_h) + sigma_z' xi dz,    xi = -h + eta_h,
    tau_z d(dz)/dt = -dz + d_eta_z,                         tau_r d(dr)/dt = -dr + d_eta_r,

with centred Gaussian fields d_eta, independent of the base fields eta, of covariances

    K_h = g_h^2 <(sigma_r phi' dh + sigma_r' phi dr)(t) (...)(t')>,
    K_z = g_z^2 <phi' dh(t) phi' dh(t')>,   K_r = g_r^2 <phi' dh(t) phi' dh(t')>.

In the chaotic state K(t, t') = e^{lambda (t + t')} k(t - t'). With dx = e^{lambda t} (u, w, v)
the rescaled tangent process is stationary:

    du/dt = -(lambda + sigma_z) u + sigma_z e_h + sigma_z' xi w,
    (1 + tau_z lambda + tau_z d/dt) w = e_z,     (1 + tau_r lambda + tau_r d/dt) v = e_r,

e ~ GP(0, k). Two kernels close the map: k_a = <phi'u phi'u> (so k_z = g_z^2 k_a,
k_r = g_r^2 k_a) and k_b = <(sigma_r phi' u + sigma_r' phi v)(...)> (k_h = g_h^2 k_b). On the
time circle of the stationary solution, one application of F_lambda: (k_a, k_b) -> (k_a', k_b')
samples e from the tapered kernels, integrates u, v, w along M base paths and re-estimates the
kernels as averaged periodograms. F_lambda is linear (homogeneous of degree one for fixed
random numbers); lambda_max is where its leading eigenvalue mu(lambda) equals 1.

Algorithm:

1. base: the stationary DMFT solution (deterministic at alpha_z = 0, sampled otherwise);
   base paths are fresh samples of the single-site process with its correlations;
2. at fixed lambda, on common random numbers (fixed base paths and fixed white noise), the
   normalised power iteration k -> F(k) / n(F(k)), n(k) = k_a(0) + k_b(0), is converged with
   Anderson acceleration; mu = n(F(k)) at the fixed point;
3. lambda is moved by a secant on log mu(lambda) until |log mu| <= mu_tol;
4. the leading eigenvalue of a *fixed* random operator is biased upwards, so the power
   iteration is continued for `n_fresh` iterations on fresh random numbers (new base paths,
   new tangent noise), and lambda is corrected by <log mu> / (-d log mu / d lambda), with the
   standard error from the spread of log mu over those iterations.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
import warnings

import numpy as np
import xarray as xr

from ..gaussian import white_spectrum
from ..io import provenance
from ..nonlinearity import gate, phi, phi_prime
from ..params import GatedRNN
from ..validate import integer, number
from .anderson import Anderson
from .circle import Circle
from .deterministic import ConvergenceWarning
from .single_site import periodic_recurrence
from .stationary import sample_single_site, stationary

__all__ = ["max_lyapunov", "periodic_linear"]

logger = logging.getLogger("gatedrnn")

#: |x| below which the step weights use their Taylor series, and its number of terms: the
#: truncation (|x|^7 / 45360) and the cancellation of the closed form (eps / |x|) are both
#: below 1e-14 there.
_SERIES_BELOW = 0.05
_SERIES_TERMS = 7

#: Largest number of samples (paths x points) in one batch of paths.
_BATCH_SAMPLES = 2**20

#: Largest memory (bytes) used to keep the base paths of the common random numbers.
_BASE_CACHE_BYTES = 400 * 2**20

#: Below this C_h(0) the stationary solution is the quiescent (zero fixed point) one.
_QUIESCENT_VARIANCE = 1e-10


# --- periodic linear ODE ---------------------------------------------------------------------


def _step_weights(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """exp(-x) and the weights of b_n, b_{n+1} in int_0^1 e^{-x(1-s)} ((1-s) b_n + s b_{n+1}) ds.

    w0(x) = int_0^1 s e^{-x s} ds = (phi1 - E) / x,  w1(x) = int_0^1 (1 - s) e^{-x s} ds
    = (1 - phi1) / x, phi1 = (1 - E) / x; a Taylor series near x = 0. Any sign of x.
    """
    growth = np.expm1(-x)
    decay = 1.0 + growth
    small = np.abs(x) < _SERIES_BELOW
    inverse = 1.0 / np.where(small, 1.0, x)
    phi1 = -growth * inverse
    w0 = (phi1 - decay) * inverse
    w1 = (1.0 - phi1) * inverse
    if small.any():
        xs = x[small]
        # w0 = sum_n (-x)^n / (n! (n + 2)),  w1 = sum_n (-x)^n / (n! (n + 1) (n + 2))
        term = np.ones_like(xs)
        s0, s1 = np.zeros_like(xs), np.zeros_like(xs)
        for n in range(_SERIES_TERMS):
            s0 += term / (n + 2)
            s1 += term / ((n + 1) * (n + 2))
            term = term * (-xs) / (n + 1)
        w0[small], w1[small] = s0, s1
    return decay, w0, w1


def periodic_linear(rate: np.ndarray, source: np.ndarray, dt: float) -> np.ndarray:
    """The periodic solution u of du/dt = -rate(t) u + source(t) on the time circle.

    Each step is integrated exactly for the rate frozen at the step average and the source
    linear over the step (second order). The rate may be negative in places; the periodic
    solution exists when the rate's integral over the period is positive along every path.

    Parameters
    ----------
    rate : array of shape (M, P)
        a(t) on the grid (1/tau_h).
    source : array of shape (M, P)
        b(t) on the grid.
    dt : float
        Grid spacing (tau_h).

    Returns
    -------
    ndarray of shape (M, P): u on the grid.

    Examples
    --------
    >>> import numpy as np
    >>> u = periodic_linear(np.full((1, 64), 2.0), np.ones((1, 64)), 0.1)  # u = b / a
    >>> bool(np.allclose(u, 0.5))
    True
    """
    x = 0.5 * (rate + np.roll(rate, -1, axis=1)) * dt
    decay, w0, w1 = _step_weights(x)
    offset = dt * (w0 * source + w1 * np.roll(source, -1, axis=1))
    return periodic_recurrence(decay, offset, float(np.abs(x).max()) if x.size else 0.0)


# --- the tangent map -------------------------------------------------------------------------


class _TangentMap:
    """F_lambda on the time circle, for base paths and tangent noise drawn from seeds.

    Parameters
    ----------
    params : GatedRNN
    circle : Circle
    c_phi, c_sigma_r_phi : arrays of shape (P // 2 + 1,)
        Base stationary correlations at all lags of the circle.
    n_paths : int
        M.
    update_gate_term : bool
        Keep sigma_z' xi dz (False only to measure its effect).
    """

    def __init__(
        self,
        params: GatedRNN,
        circle: Circle,
        c_phi: np.ndarray,
        c_sigma_r_phi: np.ndarray,
        n_paths: int,
        update_gate_term: bool = True,
    ):
        self.params = params
        self.circle = circle
        self.c_phi = c_phi
        self.c_sigma_r_phi = c_sigma_r_phi
        self.base_fields = (
            ["h"] + (["z"] if params.alpha_z != 0 else []) + (["r"] if params.alpha_r != 0 else [])
        )
        self.use_w = bool(update_gate_term) and params.alpha_z != 0 and params.g_z > 0
        self.use_v = params.alpha_r != 0 and params.g_r > 0
        # e_h (the rescaled d_eta_h), and the gate perturbations w, v where they matter
        self.tangent_fields = (
            ["e_h"] + (["w"] if self.use_w else []) + (["v"] if self.use_v else [])
        )
        n_batches = max(1, -(-n_paths * circle.n_points // _BATCH_SAMPLES))
        edges = np.linspace(0, n_paths, n_batches + 1).round().astype(int)
        self.batches = [(int(lo), int(hi)) for lo, hi in zip(edges[:-1], edges[1:]) if hi > lo]
        self.n_paths = n_paths
        n_arrays = 2 + int(params.alpha_r != 0) + int(self.use_w) + int(self.use_v)
        self._cache_ok = n_arrays * n_paths * circle.n_points * 8 <= _BASE_CACHE_BYTES
        self._cache: dict[tuple, dict[str, np.ndarray]] = {}

    def _base(self, key: tuple, k: int, cache: bool) -> dict[str, np.ndarray]:
        """Coefficients of the tangent equations along the base paths of batch k."""
        cache_key = (key, k)
        if cache_key in self._cache:
            return self._cache[cache_key]
        p = self.params
        lo, hi = self.batches[k]
        rng = np.random.default_rng([*key, k])
        white = {f: white_spectrum(rng, hi - lo, self.circle.n_points) for f in self.base_fields}
        paths = sample_single_site(p, self.circle, self.c_phi, self.c_sigma_r_phi, white)
        h = paths["h"]
        slope = phi_prime(h)
        coef = {"phi_prime": slope}
        if "z" in paths:
            coef["sigma_z"] = gate(paths["z"], p.alpha_z, p.beta_z)
            if self.use_w:
                # sigma_z' = alpha_z sigma_z (1 - sigma_z), 1 - sigma_z evaluated as sigma(-.)
                closed = gate(paths["z"], -p.alpha_z, -p.beta_z)
                coef["gain_w"] = p.alpha_z * coef["sigma_z"] * closed * (paths["eta"] - h)
        else:
            coef["sigma_z"] = np.full_like(h, p.gate_z_at_zero)
        if "r" in paths:
            sigma_r = gate(paths["r"], p.alpha_r, p.beta_r)
            coef["sigma_r_phi_prime"] = sigma_r * slope
            if self.use_v:
                closed = gate(paths["r"], -p.alpha_r, -p.beta_r)
                coef["gain_v"] = p.alpha_r * sigma_r * closed * phi(h)
        if cache and self._cache_ok:
            self._cache[cache_key] = coef
        return coef

    def __call__(
        self,
        lam: float,
        kernels: np.ndarray,
        base_key: tuple[int, ...],
        noise_key: tuple[int, ...],
        cache_base: bool = False,
    ) -> np.ndarray:
        """F_lambda(k): new kernels (k_a, k_b), shape (2, P // 2 + 1), from kernels (k_a, k_b).

        base_key and noise_key (tuples of non-negative integers) seed the base paths and the
        tangent noise; with cache_base the base paths are kept for the next call (common
        random numbers) when they fit in memory.
        """
        p, circle = self.params, self.circle
        spectra = {
            "a": circle.tapered_spectrum(kernels[0]),
            "b": circle.tapered_spectrum(kernels[1]),
        }
        # w, v: e_z, e_r through the filters 1 / (1 + tau (lambda + i omega)), exactly periodic
        amplitude = {
            "e_h": p.g_h * np.sqrt(spectra["b"]),
            "w": p.g_z * np.sqrt(spectra["a"]) / (1.0 + p.tau_z * (lam + 1j * circle.omega)),
            "v": p.g_r * np.sqrt(spectra["a"]) / (1.0 + p.tau_r * (lam + 1j * circle.omega)),
        }
        power = np.zeros((2, circle.n_lags))
        for k, (lo, hi) in enumerate(self.batches):
            coef = self._base(base_key, k, cache_base)
            rng = np.random.default_rng([*noise_key, k])
            fields = {
                f: np.fft.irfft(
                    amplitude[f] * white_spectrum(rng, hi - lo, circle.n_points),
                    n=circle.n_points,
                    axis=1,
                )
                for f in self.tangent_fields
            }
            sigma_z = coef["sigma_z"]
            source = sigma_z * fields["e_h"]
            if self.use_w:
                source += coef["gain_w"] * fields["w"]
            u = periodic_linear(lam + sigma_z, source, circle.dt)
            out_a = coef["phi_prime"] * u
            if "sigma_r_phi_prime" in coef:
                out_b = coef["sigma_r_phi_prime"] * u
            else:
                out_b = p.gate_r_at_zero * out_a
            if self.use_v:
                out_b = out_b + coef["gain_v"] * fields["v"]
            power[0] += (np.abs(np.fft.rfft(out_a, axis=1)) ** 2).sum(axis=0)
            power[1] += (np.abs(np.fft.rfft(out_b, axis=1)) ** 2).sum(axis=0)
        return circle.correlation(power / (self.n_paths * circle.n_points))


# --- the eigenvalue problem ------------------------------------------------------------------


def _norm(kernels: np.ndarray) -> float:
    """n(k) = k_a(0) + k_b(0): a linear functional, positive on covariance kernels."""
    return float(kernels[0, 0] + kernels[1, 0])


@dataclasses.dataclass
class _Trace:
    """Iteration history of the solver (one entry per evaluation of F_lambda)."""

    lam: list = dataclasses.field(default_factory=list)
    log_mu: list = dataclasses.field(default_factory=list)
    residual: list = dataclasses.field(default_factory=list)
    phase: list = dataclasses.field(default_factory=list)

    def add(self, lam: float, log_mu: float, residual: float, phase: int) -> None:
        self.lam.append(float(lam))
        self.log_mu.append(float(log_mu))
        self.residual.append(float(residual))
        self.phase.append(int(phase))


def _converge_kernel(
    tangent_map: _TangentMap,
    lam: float,
    kernels: np.ndarray,
    *,
    seed: int,
    tol: float,
    max_iter: int,
    history: int,
    trace: _Trace,
) -> tuple[np.ndarray, float, bool]:
    """Leading eigenpair of F_lambda on the common random numbers of `seed`.

    Normalised power iteration k -> F(k) / n(F(k)) with Anderson acceleration, from `kernels`
    (n = 1), until max |F(k) / n(F(k)) - k| <= tol. Returns (kernels, log mu, converged).
    """
    accelerator = Anderson(history=history)
    log_mu, converged = float("nan"), False
    for _ in range(max_iter):
        image = tangent_map(lam, kernels, (seed, 0), (seed, 1), cache_base=True)
        mu = _norm(image)
        if not (np.isfinite(mu) and mu > 0):
            raise FloatingPointError(f"tangent map gave a non-positive norm {mu!r} at lambda={lam}")
        image /= mu
        log_mu = float(np.log(mu))
        residual = float(np.abs(image - kernels).max())
        trace.add(lam, log_mu, residual, 0)
        logger.debug(
            "tangent DMFT power iteration at lambda = %.5g: log mu = %+.4e, residual %.2e",
            lam,
            log_mu,
            residual,
        )
        if residual <= tol:
            kernels, converged = image, True
            break
        kernels = accelerator.step(kernels.ravel(), image.ravel()).reshape(image.shape)
        kernels /= _norm(kernels)
    return kernels, log_mu, converged


def _secant_step(lams: list[float], log_mus: list[float], slope_guess: float) -> float:
    """Next lambda from the last two (lambda, log mu) pairs, bounded to a factor 3 and > 0."""
    lam = lams[-1]
    slope = slope_guess
    if len(lams) >= 2 and lams[-1] != lams[-2]:
        secant = (log_mus[-1] - log_mus[-2]) / (lams[-1] - lams[-2])
        if secant < 0:
            slope = secant
    new = lam - log_mus[-1] / slope
    return float(np.clip(new, lam / 3.0, 3.0 * lam))


def _quiescent_exponent(params: GatedRNN) -> float:
    """Largest real part of the Jacobian spectrum at the zero fixed point (N -> infinity).

    At h = z = r = 0 the Jacobian is block triangular: sigma_z(0) (-1 + sigma_r(0) J^h) (a
    circular law of radius g_h sigma_r(0), shifted), and -1/tau_z, -1/tau_r.
    """
    edge = params.gate_z_at_zero * (params.g_h * params.gate_r_at_zero - 1.0)
    return max(edge, -1.0 / params.tau_z, -1.0 / params.tau_r)


def _base_solution(
    params: GatedRNN,
    base: xr.Dataset | None,
    *,
    n_paths: int,
    dt: float,
    n_points: int,
    seed: int,
    stationary_options: dict | None,
) -> tuple[xr.Dataset, Circle, np.ndarray, np.ndarray, list]:
    """The stationary solution, its circle, C_phi, C_sigma_r_phi at all lags 0..P/2, and the
    warnings raised while solving it (held back: a collapse onto the quiescent solution is
    flagged by the sampler, but is the right answer when the zero fixed point is stable).

    Lags beyond those the dataset holds (by default beyond the taper start T_P / 4, where C
    is below ~e^-6 of its peak when the period fits) are set to zero.
    """
    caught: list = []
    if base is None:
        if params.alpha_z == 0:
            options = dict(method="deterministic", dt=dt, n_points=n_points)
        else:
            options = dict(method="sampling", dt=dt, n_points=n_points, n_paths=n_paths, seed=seed)
        options.update(stationary_options or {})
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            base = stationary(params, **options)
    missing = [v for v in ("C_h", "C_phi", "C_sigma_r_phi", "converged") if v not in base]
    if missing or "settings" not in base.attrs:
        raise ValueError(
            f"base must be a stationary DMFT dataset; it lacks {missing or 'settings'}"
        )
    for name, value in params.to_dict().items():
        if name in base.coords and not np.isclose(float(base[name]), value, rtol=1e-12, atol=0):
            raise ValueError(f"base was computed for {name}={float(base[name])}, not {value}")
    settings = json.loads(base.attrs["settings"])
    circle = Circle(settings["n_points"], settings["dt"], tuple(settings.get("taper", (0.5, 0.9))))
    n_known = base.sizes["lag"]
    if n_known > circle.n_lags or not np.allclose(base["lag"].values, circle.lags[:n_known]):
        raise ValueError("base lags do not match its settings (n_points, dt)")

    def full(name: str) -> np.ndarray:
        out = np.zeros(circle.n_lags)
        out[:n_known] = base[name].values
        return out

    return base, circle, full("C_phi"), full("C_sigma_r_phi"), caught


def _batch_standard_error(values: np.ndarray, n_blocks: int) -> float:
    """Standard error of the mean of a correlated series from `n_blocks` batch means."""
    blocks = np.array([b.mean() for b in np.array_split(values, n_blocks)])
    return float(blocks.std(ddof=1) / np.sqrt(blocks.size))


def max_lyapunov(
    params: GatedRNN,
    *,
    base: xr.Dataset | None = None,
    n_paths: int = 1000,
    dt: float = 0.1,
    n_points: int = 4096,
    seed: int = 0,
    lambda_guess: float | None = None,
    mu_tol: float = 1e-3,
    kernel_tol: float = 3e-4,
    max_power_iter: int = 40,
    max_secant: int = 8,
    history: int = 4,
    n_fresh: int = 22,
    n_discard: int = 2,
    n_error_blocks: int = 10,
    update_gate_term: bool = True,
    stationary_options: dict | None = None,
) -> xr.Dataset:
    """Maximum Lyapunov exponent of the gated RNN from the tangent DMFT.

    Parameters
    ----------
    params : GatedRNN
    base : Dataset, optional
        A stationary DMFT solution of `params` (from `gatedrnn.dmft.stationary`), reused as
        the base process; default: solved here (`stationary_deterministic` when
        alpha_z = 0, exact; the sampler with `n_paths`, `seed` otherwise).
    n_paths : int
        M, single-site paths per evaluation of the tangent map (>= 2). The per-iteration
        noise of log mu scales as 1 / sqrt(M).
    dt : float
        Time step of the circle and of the integration (tau_h, > 0), used when `base` is
        solved here (the circle is then that of the base solution).
    n_points : int
        Initial P of the base solution's circle (grown by its solver until the period fits).
    seed : int
        Seed of all random numbers (>= 0); independent seeds give independent estimates.
    lambda_guess : float, optional
        First lambda tried (1/tau_h, > 0); default 0.75 / relaxation time of C_h.
    mu_tol : float
        Secant stop: |log mu(lambda)| <= mu_tol on the common random numbers.
    kernel_tol : float
        Power-iteration stop: max |F(k) / n(F(k)) - k| <= kernel_tol (kernels normalised to
        n(k) = k_a(0) + k_b(0) = 1).
    max_power_iter : int
        Most evaluations of F per lambda in the power iteration.
    max_secant : int
        Most lambda values tried by the secant.
    history : int
        Anderson history of the power iteration (0: plain power iteration).
    n_fresh : int
        Power iterations on fresh random numbers (new base paths and tangent noise each) at
        the final lambda; their mean log mu corrects lambda, their spread gives the error.
    n_discard : int
        Fresh iterations dropped at the start (the kernel relaxes from the eigenvector of the
        fixed random operator); n_fresh - n_discard >= n_error_blocks.
    n_error_blocks : int
        Batches for the batch-means standard error of the mean log mu (>= 2; consecutive
        iterations are correlated through the kernel).
    update_gate_term : bool
        Keep the sigma_z' xi dz term of the tangent equations. False gives a wrong exponent
        and exists only to measure that term's effect (SPEC §4).
    stationary_options : dict, optional
        Extra keyword arguments of `gatedrnn.dmft.stationary` for the base solution.

    Returns
    -------
    xarray.Dataset
        ``max_lyapunov`` (1/tau_h): the bias-corrected exponent; ``max_lyapunov_stderr``:
        its Monte-Carlo standard error (fresh-noise iterations; at alpha_z != 0 it does not
        include the error of a sampled base solution, for which compare seeds);
        ``max_lyapunov_fixed``: the root of log mu on the common random numbers (biased);
        ``log_mu_slope`` = d log mu / d lambda (tau_h); ``fresh_log_mu`` over ``fresh``;
        the history ``history_lambda``, ``history_log_mu``, ``history_residual``,
        ``history_phase`` (0: common random numbers, 1: fresh) over ``iteration``;
        ``kernel_phi_prime_u`` and ``kernel_h_source`` (normalised tangent kernels k_a, k_b)
        over ``lag``; ``base_C_h0``, ``base_relaxation_time``; ``quiescent`` and
        ``converged`` (int8); the model parameters as scalar coordinates; settings (JSON)
        and provenance attributes. If the solver or the base solution does not converge it
        warns (`ConvergenceWarning`) and sets converged = 0.

        If the stationary solution is quiescent (C_h(0) = 0), the exponent is the exact one
        of the zero fixed point, max(sigma_z(0) (g_h sigma_r(0) - 1), -1/tau_z, -1/tau_r),
        with zero error and quiescent = 1.

    Raises
    ------
    ValueError
        For impossible inputs (the message names the parameter), or a `base` of other
        parameters.
    FloatingPointError
        If the tangent map returns a non-positive or non-finite kernel norm.

    Notes
    -----
    Measured with the defaults (one core of a shared machine):

    - alpha = beta = 0, g_h = 4 (exact: half the SCS g = 2 value, 0.05623): six seeds gave
      0.0563 +- 0.0002 (mean +- standard error; seed spread 0.0005, reported errors
      0.0003-0.0007), 20-25 s each. The root on common random numbers alone scatters
      from 0.050 to 0.059 between seeds: the fresh-noise correction is essential.
      At lambda = exact, 200 fresh iterations gave <log mu> = (-0.8 +- 7) 1e-4, with
      negligible autocorrelation between iterations (lag-1: -0.06).
    - g_h = 3, alpha_z = 2 (base P grown to 16384): four seeds gave 0.0180, 0.0190, 0.0188,
      0.0190 (reported errors 0.0003-0.0005; mean 0.0187, spread 0.0005), 1.5-3 min each
      including the base solution. Part of the spread comes from the sampled base solution
      (its relaxation time varies 32-38 between seeds), which the reported error does not
      include: at alpha_z != 0 average independent seeds. Dropping sigma_z' xi dz gives
      0.0160 (-11%).
    - g_h = 4, alpha_z = 2 (P 8192): 0.0448 +- 0.0007 and 0.0476 +- 0.0006 (seeds 0, 1),
      ~45 s each on a quiet core (base 9 s); without sigma_z' xi dz 0.0389 (-13%).
      Networks (twin MLE): N = 1000 gives 0.047, 0.038 (+- 0.003), N = 2000 0.049 +- 0.002.

    Examples
    --------
    >>> from gatedrnn import GatedRNN
    >>> ds = max_lyapunov(GatedRNN(g_h=1.5))   # zero fixed point stable
    >>> float(ds.max_lyapunov), int(ds.quiescent)
    (-0.125, 1)
    """
    problem = _prepare(
        params,
        base,
        "lambda_guess",
        lambda_guess,
        n_paths=n_paths,
        dt=dt,
        n_points=n_points,
        seed=seed,
        mu_tol=mu_tol,
        kernel_tol=kernel_tol,
        max_power_iter=max_power_iter,
        max_secant=max_secant,
        history=history,
        n_fresh=n_fresh,
        n_discard=n_discard,
        n_error_blocks=n_error_blocks,
        stationary_options=stationary_options,
        extra_settings=dict(update_gate_term=bool(update_gate_term)),
    )
    circle = problem.circle
    kernels = np.zeros((2, circle.n_lags))
    if problem.quiescent:
        result = _quiescent_result(params)
    else:
        tangent_map = _TangentMap(
            params, circle, problem.c_phi, problem.c_source, problem.n_paths, update_gate_term
        )
        result = problem.solve(tangent_map)
        kernels = result.pop("kernels")
    converged = problem.finish(result, _TANGENT)
    lag_vars = {
        "kernel_phi_prime_u": (
            kernels[0],
            {
                "long_name": "tangent kernel k_a = <phi'(h) u phi'(h) u>, u = exp(-lambda t) dh, "
                "normalised to k_a(0) + k_b(0) = 1",
                "units": "1",
            },
        ),
        "kernel_h_source": (
            kernels[1],
            {
                "long_name": "tangent kernel k_b = <(sigma_r phi' u + sigma_r' phi v)(...)> "
                "(K_h / g_h^2), same normalisation",
                "units": "1",
            },
        ),
    }
    return problem.dataset(result, converged, _TANGENT, lag_vars)


def _quiescent_result(params: GatedRNN) -> dict:
    unstable = params.g_h * params.gate_r_at_zero > 1.0
    value = _quiescent_exponent(params)
    return dict(
        value=value,
        stderr=0.0,
        fixed=value,
        slope=float("nan"),
        fresh=np.zeros(0),
        quiescent=True,
        converged=not unstable,
        reason="the stationary solution is quiescent but the zero fixed point is unstable",
    )


def _chaotic_result(
    tangent_map: _TangentMap,
    relaxation: float,
    guess: float | None,
    seed: int,
    mu_tol: float,
    kernel_tol: float,
    max_power_iter: int,
    max_secant: int,
    history: int,
    n_fresh: int,
    n_discard: int,
    n_error_blocks: int,
    trace: _Trace,
) -> dict:
    """Secant on log mu(lambda) on common random numbers, then the fresh-noise correction.

    `guess` is the first lambda tried (None: 0.75 / relaxation).
    """
    circle = tangent_map.circle
    if not np.isfinite(relaxation) or relaxation <= 0:
        relaxation = 10.0
    lam = guess if guess is not None else 0.75 / relaxation
    slope_guess = -0.25 * relaxation  # d log mu / d lambda, measured in the additive limit
    kernels = np.stack([np.exp(-circle.lags), np.exp(-circle.lags)])
    kernels /= _norm(kernels)
    lams: list[float] = []
    log_mus: list[float] = []
    inner_ok = True
    reason = ""
    for step in range(max_secant):
        kernels, log_mu, ok = _converge_kernel(
            tangent_map,
            lam,
            kernels,
            seed=seed,
            tol=kernel_tol,
            max_iter=max_power_iter,
            history=history,
            trace=trace,
        )
        inner_ok &= ok
        lams.append(lam)
        log_mus.append(log_mu)
        logger.info(
            "tangent DMFT secant step %d/%d: lambda = %.5g, log mu = %+.3e (power iteration %s)",
            step + 1,
            max_secant,
            lam,
            log_mu,
            "converged" if ok else "NOT converged",
        )
        if abs(log_mu) <= mu_tol and len(lams) >= 2:
            break
        lam = _secant_step(lams, log_mus, slope_guess)
    secant_ok = abs(log_mus[-1]) <= mu_tol
    slope = _slope(lams, log_mus, slope_guess)
    lam = lams[-1]

    fresh = []
    start = time.perf_counter()
    for i in range(n_fresh):
        image = tangent_map(lam, kernels, (seed, 2, i), (seed, 3, i))
        mu = _norm(image)
        kernels = image / mu
        fresh.append(float(np.log(mu)))
        trace.add(lam, fresh[-1], float("nan"), 1)
        logger.info(
            "tangent DMFT fresh-noise iteration %d/%d: log mu = %+.3e, elapsed %.1f s",
            i + 1,
            n_fresh,
            fresh[-1],
            time.perf_counter() - start,
        )
    fresh = np.array(fresh)
    used = fresh[n_discard:]
    mean_log_mu = float(used.mean())
    stderr_log_mu = _batch_standard_error(used, n_error_blocks)
    value = lam - mean_log_mu / slope
    stderr = stderr_log_mu / abs(slope)
    logger.info(
        "tangent DMFT fresh noise: <log mu> = %+.3e +- %.1e over %d iterations, "
        "lambda %.5g -> %.5g",
        mean_log_mu,
        stderr_log_mu,
        used.size,
        lam,
        value,
    )
    # the linear correction is trusted only within the secant's own range of lambda
    correction_ok = abs(value - lam) <= 0.5 * max(abs(lam), 1e-12)
    if not secant_ok:
        reason = f"secant: |log mu| = {abs(log_mus[-1]):.2e} > mu_tol after {len(lams)} steps"
    elif not inner_ok:
        reason = f"power iteration above kernel_tol after {max_power_iter} iterations"
    elif not correction_ok:
        reason = f"fresh-noise correction {value - lam:+.3g} too large for lambda = {lam:.3g}"
    elif not slope < 0:
        reason = f"d log mu / d lambda = {slope:.3g} is not negative"
    return dict(
        value=value,
        stderr=stderr,
        fixed=lam,
        slope=slope,
        fresh=fresh,
        quiescent=False,
        converged=secant_ok and inner_ok and correction_ok and slope < 0,
        reason=reason,
        kernels=kernels,
        secant_lambda=np.array(lams),
        secant_log_mu=np.array(log_mus),
    )


def _slope(lams: list[float], log_mus: list[float], slope_guess: float) -> float:
    """d log mu / d lambda from the two secant points closest to the last lambda."""
    order = np.argsort(np.abs(np.array(lams[:-1]) - lams[-1]))
    if not order.size:
        return slope_guess
    j = int(order[0])
    return float((log_mus[-1] - log_mus[j]) / (lams[-1] - lams[j]))


# --- setup and output, shared with the adjoint DMFT (gatedrnn.dmft.adjoint) ----------------


@dataclasses.dataclass(frozen=True)
class _Quantity:
    """Names of a growth rate solved by `_Problem`: the tangent exponent or the adjoint rate."""

    name: str  # output variable
    long_name: str  # of the output variable
    description: str  # for its standard error
    symbol: str  # the rate argument of the map ("lambda")
    log_symbol: str  # the rate in the final log line
    map_name: str  # "tangent map"
    method: str  # "tangent DMFT"
    title: str


_TANGENT = _Quantity(
    name="max_lyapunov",
    long_name="maximum Lyapunov exponent (tangent DMFT)",
    description="maximum Lyapunov exponent",
    symbol="lambda",
    log_symbol="lambda_max",
    map_name="tangent map",
    method="tangent DMFT",
    title="maximum Lyapunov exponent of the gated RNN (tangent DMFT)",
)


@dataclasses.dataclass
class _Problem:
    """Validated solver arguments, the base solution and the settings of one growth rate.

    Made by `_prepare`; `solve` runs `_chaotic_result` on a map, `finish` flags convergence
    and warns, `dataset` assembles the output.
    """

    params: GatedRNN
    circle: Circle
    c_phi: np.ndarray
    c_source: np.ndarray
    base_ok: bool
    base_warnings: list
    c_h0: float
    relaxation: float
    n_paths: int
    options: dict  # keyword arguments of _chaotic_result (guess, seed, tolerances, ...)
    settings: dict
    start: float
    trace: _Trace = dataclasses.field(default_factory=_Trace)

    @property
    def quiescent(self) -> bool:
        return self.c_h0 < _QUIESCENT_VARIANCE

    def solve(self, growth_map: _TangentMap) -> dict:
        return _chaotic_result(growth_map, self.relaxation, trace=self.trace, **self.options)

    def finish(self, result: dict, quantity: _Quantity) -> bool:
        """Overall convergence; re-raises the base warnings and warns on non-convergence
        (attributed to the caller of the public function), and logs the result."""
        # a collapse of the sampler onto C_h = 0 is flagged by it, but the quiescent exponent
        # is exact whenever the zero fixed point is stable
        converged = result["converged"] and (self.base_ok or result["quiescent"])
        if not (result["quiescent"] and result["converged"]):
            for caught in self.base_warnings:
                warnings.warn_explicit(
                    caught.message, caught.category, caught.filename, caught.lineno
                )
        if not converged:
            reason = result["reason"] if not result["converged"] else "base solution not converged"
            warnings.warn(
                f"{quantity.method} not converged ({reason}) for {self.params}",
                ConvergenceWarning,
                stacklevel=3,
            )
        logger.info(
            f"{quantity.method}: {quantity.log_symbol} = %.5g +- %.2g (fixed-noise root %.5g), "
            "%d map evaluations, %.1f s",
            result["value"],
            result["stderr"],
            result["fixed"],
            len(self.trace.lam),
            time.perf_counter() - self.start,
        )
        return converged

    def dataset(
        self,
        result: dict,
        converged: bool,
        quantity: _Quantity,
        lag_vars: dict[str, tuple[np.ndarray, dict]],
        lag_vars_last: bool = False,
    ) -> xr.Dataset:
        """The output: the rate and the solver's history, `lag_vars` (name: (values at all
        lags of the circle, attributes), cut at the taper start) before the base-solution
        variables (after them with `lag_vars_last`), coordinates and attributes."""
        circle, trace, q = self.circle, self.trace, quantity
        rate, one = "1/tau_h", "1"
        n_out = int(np.floor(circle.taper_start / circle.dt + 1e-9)) + 1
        steps = result.get("secant_lambda", np.zeros(0))
        solver_vars = {
            q.name: _scalar(result["value"], q.long_name, rate),
            f"{q.name}_stderr": _scalar(
                result["stderr"], f"Monte-Carlo standard error of the {q.description}", rate
            ),
            f"{q.name}_fixed": _scalar(
                result["fixed"],
                "root of log mu on common random numbers (before bias correction)",
                rate,
            ),
            "log_mu_slope": _scalar(
                result["slope"],
                f"d log mu / d {q.symbol} of the leading eigenvalue mu of the {q.map_name}",
                "tau_h",
            ),
            "fresh_log_mu": (
                "fresh",
                result["fresh"],
                {"long_name": "log mu of power iterations on fresh random numbers", "units": one},
            ),
            f"secant_{q.symbol}": (
                "secant_step",
                steps,
                {"long_name": f"{q.symbol} tried by the secant", "units": rate},
            ),
            "secant_log_mu": (
                "secant_step",
                result.get("secant_log_mu", np.zeros(0)),
                {"long_name": f"log mu({q.symbol}) on common random numbers", "units": one},
            ),
            f"history_{q.symbol}": (
                "iteration",
                np.array(trace.lam),
                {"long_name": f"{q.symbol} at each evaluation of the {q.map_name}", "units": rate},
            ),
            "history_log_mu": (
                "iteration",
                np.array(trace.log_mu),
                {"long_name": "log of the growth factor n(F(k)) / n(k)", "units": one},
            ),
            "history_residual": (
                "iteration",
                np.array(trace.residual),
                {
                    "long_name": "power-iteration residual max|F(k)/n(F(k)) - k| "
                    "(NaN: fresh noise)",
                    "units": one,
                },
            ),
            "history_phase": (
                "iteration",
                np.array(trace.phase, dtype=np.int8),
                {"long_name": "0: common random numbers, 1: fresh random numbers", "units": one},
            ),
        }
        base_vars = {
            "base_C_h0": _scalar(self.c_h0, "C_h(0) of the base stationary solution", one),
            "base_relaxation_time": _scalar(
                self.relaxation, "relaxation time of C_h of the base solution", "tau_h"
            ),
            "quiescent": _scalar(
                np.int8(result["quiescent"]),
                "1 if the stationary solution is the zero fixed point",
                one,
            ),
            "converged": _scalar(
                np.int8(converged), "1 if the solver and its base solution converged", one
            ),
        }
        lag = {name: ("lag", values[:n_out], attrs) for name, (values, attrs) in lag_vars.items()}
        if lag_vars_last:
            data_vars = {**solver_vars, **base_vars, **lag}
        else:
            data_vars = {**solver_vars, **lag, **base_vars}
        coords = {
            "lag": ("lag", circle.lags[:n_out], {"long_name": "lag", "units": "tau_h"}),
            "fresh": (
                "fresh",
                np.arange(result["fresh"].size),
                {"long_name": "fresh-noise iteration", "units": one},
            ),
            "secant_step": (
                "secant_step",
                np.arange(steps.size),
                {"long_name": "secant step", "units": one},
            ),
            "iteration": (
                "iteration",
                np.arange(len(trace.lam)),
                {"long_name": f"evaluation of the {q.map_name}", "units": one},
            ),
            **self.params.coordinates(),
        }
        attrs = {
            "title": q.title,
            "method": q.method,
            "settings": json.dumps(self.settings),
            **provenance(self.params.digest(method=q.method, **self.settings)),
        }
        return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def _prepare(
    params: GatedRNN,
    base: xr.Dataset | None,
    guess_name: str,
    guess: float | None,
    *,
    n_paths: int,
    dt: float,
    n_points: int,
    seed: int,
    mu_tol: float,
    kernel_tol: float,
    max_power_iter: int,
    max_secant: int,
    history: int,
    n_fresh: int,
    n_discard: int,
    n_error_blocks: int,
    stationary_options: dict | None,
    extra_settings: dict | None = None,
) -> _Problem:
    """Validate the arguments common to `max_lyapunov` and `adjoint_growth_rate` (ValueError
    naming the parameter; `guess_name` is that of the first rate tried, `guess`) and solve or
    check the base solution. `extra_settings` go into the settings before base_method."""
    if not isinstance(params, GatedRNN):
        raise ValueError(f"params must be a GatedRNN, got {type(params).__name__}")
    n_paths = integer("n_paths", n_paths, 2)
    dt = number("dt", dt)
    n_points = integer("n_points", n_points, 16)
    if n_points % 2:
        raise ValueError(f"n_points must be even, got {n_points!r}")
    seed = integer("seed", seed, 0)
    if guess is not None:
        guess = number(guess_name, guess)
    mu_tol = number("mu_tol", mu_tol)
    kernel_tol = number("kernel_tol", kernel_tol)
    max_power_iter = integer("max_power_iter", max_power_iter, 1)
    max_secant = integer("max_secant", max_secant, 2)
    history = integer("history", history, 0)
    n_error_blocks = integer("n_error_blocks", n_error_blocks, 2)
    n_discard = integer("n_discard", n_discard, 0)
    n_fresh = integer("n_fresh", n_fresh, n_discard + n_error_blocks)
    if base is not None and not isinstance(base, xr.Dataset):
        raise ValueError(f"base must be an xarray.Dataset, got {type(base).__name__}")

    start = time.perf_counter()
    base, circle, c_phi, c_source, base_warnings = _base_solution(
        params,
        base,
        n_paths=n_paths,
        dt=dt,
        n_points=n_points,
        seed=seed,
        stationary_options=stationary_options,
    )
    relaxation = float(base["relaxation_time"]) if "relaxation_time" in base else float("nan")
    options = dict(
        guess=guess,
        seed=seed,
        mu_tol=mu_tol,
        kernel_tol=kernel_tol,
        max_power_iter=max_power_iter,
        max_secant=max_secant,
        history=history,
        n_fresh=n_fresh,
        n_discard=n_discard,
        n_error_blocks=n_error_blocks,
    )
    settings = dict(
        n_paths=n_paths,
        dt=circle.dt,
        n_points=circle.n_points,
        seed=seed,
        **{guess_name: guess},
        **{k: v for k, v in options.items() if k not in ("guess", "seed")},
        **(extra_settings or {}),
        base_method=base.attrs.get("method", "unknown"),
    )
    return _Problem(
        params=params,
        circle=circle,
        c_phi=c_phi,
        c_source=c_source,
        base_ok=bool(int(base["converged"])),
        base_warnings=base_warnings,
        c_h0=float(base["C_h"][0]),
        relaxation=relaxation,
        n_paths=n_paths,
        options=options,
        settings=settings,
        start=start,
    )


def _scalar(value: float, long_name: str, units: str) -> tuple:
    return ((), value, {"long_name": long_name, "units": units})
