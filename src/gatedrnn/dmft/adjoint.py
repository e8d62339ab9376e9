"""Growth rate of gradients backwards in time from the adjoint DMFT (SPEC §6, claim C9).

The adjoint a = (a_h, a_z, a_r) = dL/dx(t) of a loss on the final state obeys
-da/dt = D^T a backwards from T. The transposed couplings give, at large N, centred Gaussian
fields nu_h = J^h^T (sigma_z a_h), nu_z = J^z^T a_z, nu_r = J^r^T a_r, independent of each
other and of the forward fields, of covariances g_h^2 <sigma_z a_h sigma_z a_h>,
g_z^2 <a_z a_z>, g_r^2 <a_r a_r>, and the single-site adjoint process

    -da_h/dt = -sigma_z a_h + sigma_r phi' nu_h + phi' (nu_z / tau_z + nu_r / tau_r),
    -da_z/dt = sigma_z' xi a_h - a_z / tau_z,      xi = -h + eta_h,
    -da_r/dt = sigma_r' phi nu_h - a_r / tau_r,

runs backwards along a path (h, z, r) of the stationary forward process (the rows of D^T of
SPEC §1, as applied by `gatedrnn.gradients.vector_jacobian_apply`). With the loss far in the
future the adjoint grows as a(t) = e^{kappa (T - t)} (p_h, p_z, p_r)(t), with p stationary:
in backward time s = T - t,

    dp_h/ds = -(kappa + sigma_z) p_h + phi' (sigma_r e_h + e_g),
    dp_z/ds = sigma_z' xi p_h - (kappa + 1/tau_z) p_z,
    dp_r/ds = sigma_r' phi e_h - (kappa + 1/tau_r) p_r,

with e_h ~ GP(0, g_h^2 k_A) and e_g ~ GP(0, k_B) (the sum nu_z / tau_z + nu_r / tau_r,
rescaled), where the two kernels close the map:

    k_A = <sigma_z p_h sigma_z p_h>,
    k_B = (g_z / tau_z)^2 <p_z p_z> + (g_r / tau_r)^2 <p_r p_r>.

The map (k_A, k_B) -> (k_A', k_B') on the time circle is linear; kappa is where its leading
eigenvalue equals 1. It has the structure of the tangent map of `gatedrnn.dmft.tangent`, and
is solved by the same machinery: power iteration with Anderson acceleration at fixed kappa on
common random numbers, a secant on log mu(kappa), and a final correction from iterations on
fresh random numbers (the leading eigenvalue of a fixed random operator is biased upwards).
The base paths are those of the tangent map for the same seed.

Backward time on the circle: the base coefficients are reversed in time and p_h is integrated
forwards in s with `periodic_linear`; p_z and p_r, whose rates are constant, are filtered
exactly in the frequency domain, P(omega) = SRC(omega) / (kappa + 1/tau - i omega) in forward
time. Periodograms are invariant under time reversal.

The transposed propagator has the singular values of the forward one, so kappa equals the
maximal Lyapunov exponent; in the frozen-gate limit (alpha_z = alpha_r = 0) the kernel
<p_h p_h> is the ground state of the SCS Schrödinger problem at g = g_h sigma_r(0) with time
rescaled by sigma_z(0), like the tangent kernel.
"""

from __future__ import annotations

import collections

import numpy as np
import xarray as xr

from ..gaussian import white_spectrum
from ..params import GatedRNN
from .circle import Circle
from .tangent import _prepare, _quiescent_exponent, _Quantity, _TangentMap, periodic_linear
from .tangent import _quiescent_result as _tangent_quiescent_result

__all__ = ["adjoint_growth_rate"]

#: The three adjoint blocks, in the order of the `records` of the adjoint map.
_BLOCKS = ("h", "z", "r")

_ADJOINT = _Quantity(
    name="growth_rate",
    long_name="backward growth rate kappa of the adjoint (gradient) norm",
    description="backward growth rate",
    symbol="kappa",
    log_symbol="kappa",
    map_name="adjoint map",
    method="adjoint DMFT",
    title="backward growth rate of gradients in the gated RNN (adjoint DMFT)",
)


# --- the adjoint single-site process ---------------------------------------------------------


def _backward_filter(source: np.ndarray, rate: float, circle: Circle) -> np.ndarray:
    """Periodic solution p of -dp/dt = source - rate p (constant rate > 0), shape (M, P).

    Exact for the trigonometric interpolant of `source`: P(omega) = S(omega) / (rate - i omega).
    """
    spectrum = np.fft.rfft(source, axis=1) / (rate - 1j * circle.omega)
    return np.fft.irfft(spectrum, n=circle.n_points, axis=1)


def _adjoint_paths(
    kappa: float,
    coef: dict[str, np.ndarray],
    e_h: np.ndarray,
    e_g: np.ndarray | None,
    params: GatedRNN,
    circle: Circle,
) -> dict[str, np.ndarray]:
    """The rescaled adjoint (p_h, p_z, p_r) along base paths, in forward time t.

    Parameters
    ----------
    kappa : float
        Backward growth rate factored out (1/tau_h).
    coef : dict of arrays of shape (M, P)
        Base-path coefficients in forward time, as made by `_TangentMap._base`: "sigma_z",
        "phi_prime", optionally "sigma_r_phi_prime" (else sigma_r(0) phi'), "gain_w"
        (sigma_z' xi) and "gain_v" (sigma_r' phi).
    e_h, e_g : arrays of shape (M, P)
        The rescaled transposed-coupling fields e^{-kappa s} nu_h and
        e^{-kappa s} (nu_z / tau_z + nu_r / tau_r); e_g None when zero.
    params : GatedRNN
    circle : Circle

    Returns
    -------
    dict of arrays of shape (M, P)
        "h" (p_h) always; "z" (p_z) where "gain_w" is given, "r" (p_r) where "gain_v" is.
    """
    if "sigma_r_phi_prime" in coef:
        source = coef["sigma_r_phi_prime"] * e_h
    else:
        source = params.gate_r_at_zero * coef["phi_prime"] * e_h
    if e_g is not None:
        source = source + coef["phi_prime"] * e_g
    reverse = np.s_[:, ::-1]
    p_h = periodic_linear((kappa + coef["sigma_z"])[reverse], source[reverse], circle.dt)[reverse]
    paths = {"h": p_h}
    if "gain_w" in coef:
        paths["z"] = _backward_filter(coef["gain_w"] * p_h, kappa + 1.0 / params.tau_z, circle)
    if "gain_v" in coef:
        paths["r"] = _backward_filter(coef["gain_v"] * e_h, kappa + 1.0 / params.tau_r, circle)
    return paths


class _AdjointMap(_TangentMap):
    """F_kappa: (k_A, k_B) -> (k_A', k_B') of the adjoint process on the time circle.

    Reuses the base paths and coefficients of `_TangentMap` (same seeds, same paths; the
    sigma_z' xi and sigma_r' phi coefficients are those of its w and v channels, present when
    alpha_z g_z != 0 and alpha_r g_r != 0). Each call also appends the periodograms of p_h,
    p_z, p_r (shape (3, P // 2 + 1), correlations at lags 0..P/2, zero for an absent block)
    to `records`, which keeps the last `keep` calls.

    Parameters
    ----------
    params : GatedRNN
    circle : Circle
    c_phi, c_sigma_r_phi : arrays of shape (P // 2 + 1,)
        Base stationary correlations at all lags of the circle.
    n_paths : int
        M.
    keep : int
        Number of calls whose adjoint correlations are kept in `records`.
    """

    def __init__(
        self,
        params: GatedRNN,
        circle: Circle,
        c_phi: np.ndarray,
        c_sigma_r_phi: np.ndarray,
        n_paths: int,
        keep: int = 1,
    ):
        super().__init__(params, circle, c_phi, c_sigma_r_phi, n_paths, update_gate_term=True)
        self.gate_weights = {
            "z": (params.g_z / params.tau_z) ** 2,
            "r": (params.g_r / params.tau_r) ** 2,
        }
        self.records: collections.deque = collections.deque(maxlen=keep)

    def __call__(
        self,
        lam: float,
        kernels: np.ndarray,
        base_key: tuple[int, ...],
        noise_key: tuple[int, ...],
        cache_base: bool = False,
    ) -> np.ndarray:
        """F_kappa(k) at kappa = lam: new kernels (k_A, k_B), shape (2, P // 2 + 1).

        Same calling convention as `_TangentMap.__call__` (so the tangent solver drives it).
        """
        p, circle = self.params, self.circle
        amplitude_h = p.g_h * np.sqrt(circle.tapered_spectrum(kernels[0]))
        amplitude_g = np.sqrt(circle.tapered_spectrum(kernels[1]))
        has_gate_field = self.use_w or self.use_v
        power = np.zeros((len(_BLOCKS) + 1, circle.n_lags))  # p_h, p_z, p_r, sigma_z p_h
        for k, (lo, hi) in enumerate(self.batches):
            coef = self._base(base_key, k, cache_base)
            rng = np.random.default_rng([*noise_key, k])

            def field(amplitude: np.ndarray) -> np.ndarray:
                white = white_spectrum(rng, hi - lo, circle.n_points)
                return np.fft.irfft(amplitude * white, n=circle.n_points, axis=1)

            e_h = field(amplitude_h)
            e_g = field(amplitude_g) if has_gate_field else None
            paths = _adjoint_paths(lam, coef, e_h, e_g, p, circle)
            for i, block in enumerate(_BLOCKS):
                if block in paths:
                    power[i] += (np.abs(np.fft.rfft(paths[block], axis=1)) ** 2).sum(axis=0)
            weighted = coef["sigma_z"] * paths["h"]
            power[-1] += (np.abs(np.fft.rfft(weighted, axis=1)) ** 2).sum(axis=0)
        correlations = circle.correlation(power / (self.n_paths * circle.n_points))
        self.records.append(correlations[:3])
        k_b = self.gate_weights["z"] * correlations[1] + self.gate_weights["r"] * correlations[2]
        return np.stack([correlations[3], k_b])


# --- quiescent state -------------------------------------------------------------------------


def _quiescent_variances(params: GatedRNN) -> np.ndarray:
    """<p_h^2>, <p_z^2>, <p_r^2> of the leading adjoint mode at the zero fixed point, sum 1.

    There D^T is block upper triangular with phi' = 1 and sigma_z' xi = sigma_r' phi = 0, and
    the adjoint aligns with a static leading eigenvector. If the circular-law edge
    sigma_z(0) (g_h sigma_r(0) - 1) leads, only a_h is non-zero. Otherwise a gate block
    leads (rate -1/tau_z or -1/tau_r; both, with equal weights, where they tie: the split of
    a degenerate eigenspace is arbitrary) and drives a_h through (kappa + s_z) p_h =
    s_r e_h + e_g, so that <p_h^2> ((kappa + s_z)^2 - (g_h s_r s_z)^2) = k_B.
    """
    kappa = _quiescent_exponent(params)
    s_z, s_r = params.gate_z_at_zero, params.gate_r_at_zero
    edge = s_z * (params.g_h * s_r - 1.0)
    if edge >= kappa:
        return np.array([1.0, 0.0, 0.0])
    var_z = float(-1.0 / params.tau_z == kappa)
    var_r = float(-1.0 / params.tau_r == kappa)
    k_b = (params.g_z / params.tau_z) ** 2 * var_z + (params.g_r / params.tau_r) ** 2 * var_r
    var_h = k_b / ((kappa + s_z) ** 2 - (params.g_h * s_r * s_z) ** 2)
    variances = np.array([var_h, var_z, var_r])
    return variances / variances.sum()


def _quiescent_result(params: GatedRNN, circle: Circle) -> dict:
    """The tangent DMFT's quiescent result, with the kernels and correlations of the leading
    static adjoint mode."""
    variances = _quiescent_variances(params)
    flat = np.ones(circle.n_lags)
    gate_weight = np.array(
        [0.0, (params.g_z / params.tau_z) ** 2, (params.g_r / params.tau_r) ** 2]
    )
    kernels = np.stack(
        [params.gate_z_at_zero**2 * variances[0] * flat, float(gate_weight @ variances) * flat]
    )
    return dict(
        _tangent_quiescent_result(params),
        kernels=kernels / (kernels[0, 0] + kernels[1, 0]),
        correlations=variances[:, None] * flat,
    )


# --- chaotic state ---------------------------------------------------------------------------


def _mean_correlations(adjoint_map: _AdjointMap, n_used: int) -> np.ndarray:
    """Adjoint correlations averaged over the last `n_used` calls, each normalised to
    C_h(0) + C_z(0) + C_r(0) = 1; shape (3, P // 2 + 1). Blocks that do not feed back
    (alpha g = 0 with alpha != 0) are NaN."""
    records = list(adjoint_map.records)[-n_used:]
    mean = np.mean([r / r[:, 0].sum() for r in records], axis=0)
    p = adjoint_map.params
    if p.alpha_z != 0 and not adjoint_map.use_w:
        mean[1] = np.nan
    if p.alpha_r != 0 and not adjoint_map.use_v:
        mean[2] = np.nan
    return mean


def adjoint_growth_rate(
    params: GatedRNN,
    *,
    base: xr.Dataset | None = None,
    n_paths: int = 1000,
    dt: float = 0.1,
    n_points: int = 4096,
    seed: int = 0,
    kappa_guess: float | None = None,
    mu_tol: float = 1e-3,
    kernel_tol: float = 3e-4,
    max_power_iter: int = 40,
    max_secant: int = 8,
    history: int = 4,
    n_fresh: int = 22,
    n_discard: int = 2,
    n_error_blocks: int = 10,
    stationary_options: dict | None = None,
) -> xr.Dataset:
    """Backward growth rate of gradients and adjoint correlations from the adjoint DMFT.

    The adjoint a(t) = dL/dx(t) of a loss at a far final time T grows backwards as
    e^{kappa (T - t)}; kappa is where the leading eigenvalue of the adjoint kernel map equals
    one (see the module notes). kappa > 0: gradients explode backwards (chaos); < 0: vanish.

    Parameters
    ----------
    params : GatedRNN
    base : Dataset, optional
        A stationary DMFT solution of `params` (from `gatedrnn.dmft.stationary`), reused as
        the base process; default: solved here (`stationary_deterministic` when
        alpha_z = 0, exact; the sampler with `n_paths`, `seed` otherwise).
    n_paths : int
        M, single-site paths per evaluation of the adjoint map (>= 2). The per-iteration
        noise of log mu scales as 1 / sqrt(M).
    dt : float
        Time step of the circle and of the integration (tau_h, > 0), used when `base` is
        solved here (the circle is then that of the base solution).
    n_points : int
        Initial P (even, >= 16) of the base solution's circle (grown by its solver until the
        period fits).
    seed : int
        Seed of all random numbers (>= 0). The base paths are those of
        `gatedrnn.dmft.max_lyapunov` with the same seed and base.
    kappa_guess : float, optional
        First kappa tried (1/tau_h, > 0); default 0.75 / relaxation time of C_h.
    mu_tol : float
        Secant stop: |log mu(kappa)| <= mu_tol on the common random numbers (> 0).
    kernel_tol : float
        Power-iteration stop: max |F(k) / n(F(k)) - k| <= kernel_tol, kernels normalised to
        n(k) = k_A(0) + k_B(0) = 1 (> 0).
    max_power_iter : int
        Most evaluations of the map per kappa in the power iteration (>= 1).
    max_secant : int
        Most kappa values tried by the secant (>= 2).
    history : int
        Anderson history of the power iteration (>= 0; 0: plain power iteration).
    n_fresh : int
        Power iterations on fresh random numbers at the final kappa; their mean log mu
        corrects kappa, their spread gives the error, and their adjoint correlations are
        averaged for the output (>= n_discard + n_error_blocks).
    n_discard : int
        Fresh iterations dropped at the start (>= 0).
    n_error_blocks : int
        Batches for the batch-means standard error of the mean log mu (>= 2).
    stationary_options : dict, optional
        Extra keyword arguments of `gatedrnn.dmft.stationary` for the base solution.

    Returns
    -------
    xarray.Dataset
        ``growth_rate`` (1/tau_h): the bias-corrected kappa; ``growth_rate_stderr``: its
        Monte-Carlo standard error (fresh-noise iterations; at alpha_z != 0 it does not
        include the error of a sampled base solution, for which compare seeds);
        ``growth_rate_fixed``: the root on common random numbers (biased);
        ``log_mu_slope`` = d log mu / d kappa (tau_h); ``fresh_log_mu`` over ``fresh``;
        ``secant_kappa``, ``secant_log_mu`` over ``secant_step``; the history
        ``history_kappa``, ``history_log_mu``, ``history_residual``, ``history_phase`` over
        ``iteration``; over ``lag`` (tau_h, up to the taper start): ``C_a_h``, ``C_a_z``,
        ``C_a_r``, the autocorrelations <p(t) p(t + tau)> of the rescaled adjoint
        p = e^{-kappa (T - t)} a, normalised to C_a_h(0) + C_a_z(0) + C_a_r(0) = 1 and
        averaged over the fresh iterations used (NaN for a gate block that does not feed
        back, alpha != 0 with g = 0), and the field kernels ``kernel_h_field`` (k_A) and
        ``kernel_gate_field`` (k_B), normalised to k_A(0) + k_B(0) = 1; ``base_C_h0``,
        ``base_relaxation_time``; ``quiescent`` and ``converged`` (int8); the model
        parameters as scalar coordinates; settings (JSON) and provenance attributes. If the
        solver or the base solution does not converge it warns (`ConvergenceWarning`) and
        sets converged = 0.

        If the stationary solution is quiescent (C_h(0) = 0), kappa is the exact rate of the
        zero fixed point, max(sigma_z(0) (g_h sigma_r(0) - 1), -1/tau_z, -1/tau_r), with
        zero error, quiescent = 1, and lag-independent correlations of the leading static
        adjoint mode.

    Raises
    ------
    ValueError
        For impossible inputs (the message names the parameter), or a `base` of other
        parameters.
    FloatingPointError
        If the adjoint map returns a non-positive or non-finite kernel norm.

    Notes
    -----
    Measured (one core of a shared machine):

    - alpha = beta = 0, g_h = 4 (exact: half the SCS g = 2 value, 0.05623), M = 500,
      dt = 0.2, P = 2048: 0.0560 +- 0.0007, 4-5 s. Biased frozen gates (g_h = 3,
      beta_z = 1, beta_r = -0.5; exact 0.02555): 0.0263 +- 0.0004, 6 s.
    - g_h = 4, alpha_z = 2, defaults, on the base solution of the same seed (M = 1000,
      10-13 s): seed 0 0.0448 +- 0.0006 (51 s), seed 1 0.0477 +- 0.0006 (41 s); the tangent
      DMFT on the same bases gives 0.0448 +- 0.0007 and 0.0476 +- 0.0006. The a_z block
      holds ~1.3% of the adjoint norm there.

    Examples
    --------
    >>> from gatedrnn import GatedRNN
    >>> ds = adjoint_growth_rate(GatedRNN(g_h=1.5))   # zero fixed point stable
    >>> float(ds.growth_rate), int(ds.quiescent)
    (-0.125, 1)
    """
    problem = _prepare(
        params,
        base,
        "kappa_guess",
        kappa_guess,
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
    )
    circle = problem.circle
    if problem.quiescent:
        result = _quiescent_result(params, circle)
    else:
        n_fresh, n_discard = problem.options["n_fresh"], problem.options["n_discard"]
        adjoint_map = _AdjointMap(
            params, circle, problem.c_phi, problem.c_source, problem.n_paths, keep=n_fresh
        )
        result = problem.solve(adjoint_map)
        result["correlations"] = _mean_correlations(adjoint_map, n_fresh - n_discard)
    converged = problem.finish(result, _ADJOINT)
    kernels, correlations = result["kernels"], result["correlations"]
    normalisation = "normalised to C_a_h(0) + C_a_z(0) + C_a_r(0) = 1"
    lag_vars = {
        f"C_a_{block}": (
            correlations[i],
            {
                "long_name": f"autocorrelation of the rescaled adjoint a_{block} "
                f"exp(-kappa (T - t)), {normalisation}",
                "units": "1",
            },
        )
        for i, block in enumerate(_BLOCKS)
    }
    lag_vars["kernel_h_field"] = (
        kernels[0],
        {
            "long_name": "k_A = <sigma_z a_h sigma_z a_h> (covariance of nu_h / g_h^2), rescaled, "
            "normalised to k_A(0) + k_B(0) = 1",
            "units": "1",
        },
    )
    lag_vars["kernel_gate_field"] = (
        kernels[1],
        {
            "long_name": "k_B = (g_z/tau_z)^2 <a_z a_z> + (g_r/tau_r)^2 <a_r a_r> (covariance "
            "of nu_z/tau_z + nu_r/tau_r), same normalisation",
            "units": "1",
        },
    )
    return problem.dataset(result, converged, _ADJOINT, lag_vars, lag_vars_last=True)

