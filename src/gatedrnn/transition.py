"""Critical gains of the transition to chaos with an output gate (SPEC §5, claim C7).

With all other parameters fixed, three gains g_h mark the transition:

(i) **zero-fixed-point instability**, g_h sigma_r(0) = 1, i.e. g_0 = 1 + e^{beta_r} (exact);

(ii) **fixed-point proliferation**, the smallest g_h at which the static DMFT
(`gatedrnn.dmft.static`) has a nontrivial solution. Its equation,
Delta = g_h^2 <sigma_r^2>_{Delta_r} Q(Delta), Q = <phi^2>_Delta, Delta_r = g_r^2 Q, has g_h^2
as a factor, so a nontrivial root exists iff g_h^2 >= G(Delta) for some Delta > 0, with

    G(Delta) = Delta / (<sigma_r^2>_{g_r^2 Q(Delta)} Q(Delta)),    G(0+) = g_0^2,

and the proliferation gain is sqrt(inf_{Delta > 0} G) (a one-dimensional minimisation, not a
bisection on the existence of roots; accurate to the quadrature, ~1e-12);

(iii) **onset of chaos**, the smallest g_h at which the stationary DMFT has a time-dependent
(chaotic) solution. With alpha_z = 0, h and r are Gaussian and independent at each site and the
DMFT closes on correlation functions (`gatedrnn.dmft.deterministic`):

    (1 - s_z^-2 d^2/dtau^2) C_h = g_h^2 C_{sigma_r}[C_r] C_phi[C_h],
    (1 - tau_r^2 d^2/dtau^2) C_r = g_r^2 C_phi[C_h].

g_h^2 multiplies the right side only, so fixing q = C_h(0) and iterating
C_h <- q F(C_h) / F(C_h)(0) (F the map at g_h = 1, Anderson-accelerated) gives the solution
*and* g_h^2 = q / F(C_h)(0). The chaotic branch g_h(q) is followed through its fold this way;
its minimum over q is the onset.

Small-amplitude expansions (beta_r general, s = sigma_r(0), sigma_r'(0) = alpha_r s (1 - s),
sigma_r''(0) = alpha_r^2 s (1 - s)(1 - 2 s)):

* static: <tanh^2>_D = D - 2 D^2 + O(D^3) and <sigma_r^2>_{D_r} = s^2 + (sigma_r'^2 +
  s sigma_r'') D_r + O(D_r^2) give, on the nontrivial branch,

      1 / g_h^2 = s^2 + s^2 [alpha_r^2 g_r^2 (1 - s)(2 - 3 s) - 2] Delta + O(Delta^2),

  so the branch bends below g_0 (saddle-node, discontinuous proliferation) iff
  alpha_r g_r > sqrt(2 / ((1 - s)(2 - 3 s))) (needs s < 2/3); at beta_r = 0 this is
  alpha_r g_r > 2 sqrt(2) (`tricritical_gate_strength(kind="static")`).

* chaotic: as q -> 0 the relaxation time diverges, the tau_r filter drops out
  (C_r = g_r^2 C_h), and with C_phi(c) = (1 - 2 q) c + (2/3) c^3 + ..., C_{sigma_r}(c_r) =
  s^2 + s sigma_r'' q_r + sigma_r'^2 c_r + ..., the DMFT becomes a particle in a cubic
  potential, C_h'' = s_z^2 (a C_h - b C_h^2). The homoclinic orbit from C_h = q to 0 needs
  a = 2 b q / 3, i.e.

      1 / g_h^2 = s^2 + s^2 [alpha_r^2 g_r^2 (1 - s)(5 - 8 s) / 3 - 2] q + O(q^2),

  so chaos appears below g_0 (a fold, discontinuous onset with a finite MLE) iff
  alpha_r g_r > sqrt(6 / ((1 - s)(5 - 8 s))) (needs s < 5/8); at beta_r = 0,
  alpha_r g_r > 2 sqrt(3) (`tricritical_gate_strength(kind="chaotic")`). For
  2 sqrt(2) < alpha_r g_r < 2 sqrt(3) (beta_r = 0) fixed points proliferate discontinuously
  while chaos still sets in continuously at g_0.

Maximal Lyapunov exponent on the branch (alpha_z = 0, any alpha_r). Two replicas of the network
with a small difference D_k(t, t') = C_k^{aa} - C_k^{ab} obey, linearising the replica DMFT
with Price's theorem (d C_f / d c = C_{f'} at fixed variances),

    (d_t + s_z)(d_t' + s_z) D_h = s_z^2 g_h^2 [C_{sigma_r} C_{phi'} D_h + C_phi C_{sigma_r'} D_r],
    (1 + tau_r d_t)(1 + tau_r d_t') D_r = g_r^2 C_{phi'} D_h,

with C_{f}(tau) = E[f(x) f(y)] over the stationary Gaussian pair of h (phi, phi') or r
(sigma_r, sigma_r'). (This is the tangent DMFT of SPEC §4 with K_h = g_h^2 <(sigma_r phi' dh +
sigma_r' phi dr)(...)>, whose cross terms vanish because dh and dr are independent and
centred.) With D = e^{lambda (t + t')} k(t - t'):

    k_h = s_z^2 g_h^2 [(lambda + s_z)^2 - d^2]^-1 [C_{sigma_r} C_{phi'} k_h + C_phi C_{sigma_r'} k_r],
    k_r = g_r^2 [(1 + tau_r lambda)^2 - tau_r^2 d^2]^-1 C_{phi'} k_h.

The operator T_lambda on the right (k_h -> k_h, eliminating k_r) is positive; lambda_max is where
its leading eigenvalue mu(lambda) equals 1 (mu decreases with lambda). It is applied on the
time circle of the stationary solution with FFTs, mu by ARPACK, lambda by Brent's method. At
alpha_r = 0 it is the Schrödinger problem of `classical_max_lyapunov`. Differentiating the DMFT
in tau shows that (C_h', C_r') solves it at lambda = 0 with mu = 1; C_h' is odd, so it is not
the (positive) leading eigenvector: mu(0) > 1 and lambda_max > 0 on *every* time-dependent
solution, including the lower part of the branch below the fold.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
import warnings

import numpy as np
import xarray as xr
from scipy.optimize import brentq, minimize_scalar
from scipy.sparse.linalg import LinearOperator, eigs

from .correlation import relaxation_time
from .dmft.anderson import Anderson
from .dmft.circle import Circle
from .dmft.deterministic import ConvergenceWarning
from .dmft.static import static, static_residual
from .gaussian import bivariate_interpolant
from .io import provenance
from .nonlinearity import gate, gate_prime, phi, phi_prime
from .params import PARAMETER_LONG_NAMES, GatedRNN
from .validate import integer, number

__all__ = [
    "BranchPoint",
    "zero_fixed_point_gain",
    "proliferation_gain",
    "tricritical_gate_strength",
    "chaotic_branch_point",
    "chaotic_branch",
    "branch_max_lyapunov",
    "chaos_onset",
    "critical_gains",
    "branch_curve",
]

logger = logging.getLogger("gatedrnn")

#: Relative tolerance of the Chebyshev interpolants of the bivariate Gaussian averages
#: (tanh, sech^2), and of the steeper gate averages (sigma_r, sigma_r'), with the latter's
#: largest degree.
_INTERPOLANT_TOL = 1e-11
_GATE_INTERPOLANT_TOL = 1e-10
_GATE_MAX_DEGREE = 8192

#: Map evaluations without a 10% drop of the residual after which Anderson is restarted.
_STALL_ITERATIONS = 60


# --- checks ----------------------------------------------------------------------------------


def _check_params(params: GatedRNN, *, need_alpha_z_zero: bool = False) -> None:
    if not isinstance(params, GatedRNN):
        raise ValueError(f"params must be a GatedRNN, got {type(params).__name__}")
    if need_alpha_z_zero and params.alpha_z != 0.0:
        raise ValueError(
            f"alpha_z must be 0 for the deterministic chaotic branch (h is non-Gaussian "
            f"otherwise), got alpha_z={params.alpha_z}"
        )


# --- (i) and (ii): exact and static gains ----------------------------------------------------


def zero_fixed_point_gain(params: GatedRNN) -> float:
    """g_h at which the zero fixed point loses stability: g_h sigma_r(0) = 1, i.e. 1 + e^beta_r.

    Exact for any alpha_z, alpha_r (the Jacobian at 0 is -1 + sigma_r(0) J^h, up to sigma_z(0)).
    """
    _check_params(params)
    return params.zero_fixed_point_gain


def tricritical_gate_strength(beta_r: float, kind: str = "static") -> float:
    """alpha_r g_r above which a branch appears discontinuously (below g_0), from small amplitude.

    Parameters
    ----------
    beta_r : float
        Output-gate bias (finite); s = sigma_r(0) = 1 / (1 + e^beta_r).
    kind : {"static", "chaotic"}
        "static": fixed-point proliferation, sqrt(2 / ((1 - s)(2 - 3 s))), inf for s >= 2/3.
        "chaotic": onset of chaos, sqrt(6 / ((1 - s)(5 - 8 s))), inf for s >= 5/8.
        See the module docstring for the derivations.

    Returns
    -------
    float
        The tricritical alpha_r g_r (dimensionless); inf where no strength suffices.

    Examples
    --------
    >>> round(tricritical_gate_strength(0.0, "static") ** 2, 12), round(
    ...     tricritical_gate_strength(0.0, "chaotic") ** 2, 12)
    (8.0, 12.0)
    """
    if isinstance(beta_r, bool) or not np.isfinite(beta_r):
        raise ValueError(f"beta_r must be finite, got {beta_r!r}")
    s = GatedRNN(g_h=1.0, beta_r=beta_r).gate_r_at_zero
    if kind == "static":
        factor = (1.0 - s) * (2.0 - 3.0 * s) / 2.0
    elif kind == "chaotic":
        factor = (1.0 - s) * (5.0 - 8.0 * s) / 6.0
    else:
        raise ValueError(f"kind must be 'static' or 'chaotic', got {kind!r}")
    return float(1.0 / np.sqrt(factor)) if factor > 0 else float("inf")


def _static_gain_squared(params: GatedRNN, delta_h: float) -> float:
    """G(Delta) = Delta / (<sigma_r^2> <phi^2>): the g_h^2 with a static solution at Delta."""
    unit = params.replace(g_h=1.0)
    source = static_residual(unit, delta_h) + delta_h  # <sigma_r^2><phi^2> at g_h = 1
    return delta_h / source


def proliferation_gain(
    params: GatedRNN, *, delta_min: float = 1e-8, n_grid: int = 200, xatol: float = 1e-10
) -> dict[str, float | bool]:
    """Smallest g_h at which the static DMFT has a nontrivial solution (SPEC §5).

    Minimises G(Delta) = Delta / (<sigma_r^2>_{g_r^2 Q} Q), Q = <phi^2>_Delta, over
    delta_min <= Delta <= 1.01 g_0^2 (G >= Delta, so no minimum lies beyond g_0^2): a log-grid
    scan, then bounded Brent in log Delta around the best grid point. If the minimum is at
    the smallest Delta (G increasing there) the branch bifurcates continuously from the zero
    solution at g_0 and the gain is g_0 exactly.

    Parameters
    ----------
    params : GatedRNN
        g_h is ignored; alpha_z, beta_z, g_z, tau_z do not enter.
    delta_min : float
        Smallest Delta_h scanned (> 0).
    n_grid : int
        Points of the logarithmic scan (>= 10).
    xatol : float
        Tolerance of Brent's method in log Delta; the gain error is second order in it.

    Returns
    -------
    dict
        gain (float, g_h), delta_h (float, Delta_h at the saddle-node; 0 if continuous),
        continuous (bool), accuracy (float, estimated absolute error of the gain).

    Examples
    --------
    >>> proliferation_gain(GatedRNN(g_h=1.0))["gain"]
    2.0
    """
    _check_params(params)
    number("delta_min", delta_min)
    n_grid = integer("n_grid", n_grid, 10)
    number("xatol", xatol)
    g0 = params.zero_fixed_point_gain
    delta_max = 1.01 * g0**2
    if delta_max <= delta_min:
        raise ValueError(f"delta_min must be < 1.01 g_0^2 = {delta_max:g}, got {delta_min!r}")
    grid = np.geomspace(delta_min, delta_max, n_grid)
    values = np.array([_static_gain_squared(params, d) for d in grid])
    best = int(np.argmin(values))
    if best == 0 and values[0] >= g0**2 * (1.0 - 1e-12):
        return {"gain": g0, "delta_h": 0.0, "continuous": True, "accuracy": 0.0}
    lo, hi = np.log(grid[max(best - 1, 0)]), np.log(grid[min(best + 1, n_grid - 1)])
    result = minimize_scalar(
        lambda x: _static_gain_squared(params, float(np.exp(x))),
        bounds=(lo, hi),
        method="bounded",
        options={"xatol": xatol},
    )
    g2 = min(float(result.fun), float(values[best]))
    delta = float(np.exp(result.x)) if result.fun <= values[best] else float(grid[best])
    # quadrature (~1e-12 relative) and the second-order effect of the Brent tolerance
    curvature_error = abs(_static_gain_squared(params, delta * np.exp(xatol)) - g2)
    accuracy = 0.5 * (curvature_error + 1e-12 * g2) / np.sqrt(g2)
    return {"gain": float(np.sqrt(g2)), "delta_h": delta, "continuous": False, "accuracy": accuracy}


# --- (iii) the chaotic branch at fixed q -----------------------------------------------------


def _spacing(slope: float, variance: float) -> float:
    """Trapezoid spacing (standard deviations) resolving a function of tanh-slope `slope`."""
    return min(0.08, 0.5 / (max(slope, 1.0) * np.sqrt(max(variance, 1e-300))))


class _BranchMap:
    """The alpha_z = 0 DMFT map at unit g_h and fixed C_h(0) = variance.

    All correlations are arrays over the lags 0..P/2 of `circle`.
    """

    def __init__(self, params: GatedRNN, circle: Circle, variance: float):
        self.params = params
        self.circle = circle
        self.variance = variance
        self.s_z = params.gate_z_at_zero
        self.h_filter = circle.lowpass(1.0 / self.s_z)
        self.r_filter = params.g_r**2 * circle.lowpass(params.tau_r)
        spacing = _spacing(1.0, variance)
        self.c_phi = bivariate_interpolant(phi, variance, spacing=spacing, tol=_INTERPOLANT_TOL)
        self._gate_cache: dict[tuple[str, float], object] = {}

    def gate_average(self, which: str, variance_r: float):
        """c -> E[f(x) f(y)], f = sigma_r ("gate") or sigma_r' ("gate_prime"), Var = variance_r."""
        key = (which, variance_r)
        if key not in self._gate_cache:
            a, b = self.params.alpha_r, self.params.beta_r
            function = {"gate": gate, "gate_prime": gate_prime}[which]
            self._gate_cache = {k: v for k, v in self._gate_cache.items() if k[1] == variance_r}
            self._gate_cache[key] = bivariate_interpolant(
                lambda x: function(x, a, b),
                variance_r,
                spacing=_spacing(abs(a) / 2.0, variance_r),
                tol=_GATE_INTERPOLANT_TOL,
                max_degree=_GATE_MAX_DEGREE,
            )
        return self._gate_cache[key]

    def parts(self, c_h: np.ndarray) -> dict[str, np.ndarray]:
        """C_phi, C_r, C_sigma_r and the unit-gain image F(C_h) (key "image")."""
        circle = self.circle
        c_phi = self.c_phi(c_h)
        c_r = circle.correlation(self.r_filter * circle.tapered_spectrum(c_phi))
        if self.params.alpha_r == 0.0:
            c_sigma_r = np.full_like(c_phi, self.params.gate_r_at_zero**2)
        else:
            c_sigma_r = self.gate_average("gate", float(c_r[0]))(c_r)
        image = circle.correlation(self.h_filter * circle.tapered_spectrum(c_sigma_r * c_phi))
        return {"C_phi": c_phi, "C_r": c_r, "C_sigma_r": c_sigma_r, "image": image}

    def __call__(self, c_h: np.ndarray) -> tuple[np.ndarray, float]:
        """(q F(C_h) / F(C_h)(0), g_h^2 = q / F(C_h)(0))."""
        image = self.parts(c_h)["image"]
        gain2 = self.variance / image[0]
        return gain2 * image, gain2


def _relaxation(circle: Circle, c_h: np.ndarray) -> float:
    return float(relaxation_time(xr.DataArray(c_h, dims="lag", coords={"lag": circle.lags})))


def _initial_shape(circle: Circle, variance: float, params: GatedRNN) -> np.ndarray:
    width = 4.0 / params.gate_z_at_zero
    return variance * np.exp(-0.5 * (circle.lags / width) ** 2)


@dataclasses.dataclass(frozen=True)
class BranchPoint:
    """One stationary time-dependent (chaotic) DMFT solution at alpha_z = 0.

    Attributes
    ----------
    variance : float
        q = C_h(0), fixed (units of h^2).
    g_h : float
        The gain at which this solution exists.
    lags : ndarray, shape (P/2 + 1,)
        Lags of the time circle (tau_h).
    c_h : ndarray, shape (P/2 + 1,)
        C_h at those lags.
    relaxation_time : float
        1/e time of C_h (tau_h).
    max_lyapunov : float
        DMFT maximal Lyapunov exponent (1/tau_h); NaN if not computed.
    converged : bool
        Fixed-point residual below tolerance and period long enough.
    iterations : int
        Map evaluations used (all circles together).
    dt : float
        Lag spacing (tau_h).
    """

    variance: float
    g_h: float
    lags: np.ndarray
    c_h: np.ndarray
    relaxation_time: float
    max_lyapunov: float
    converged: bool
    iterations: int
    dt: float

    @property
    def circle(self) -> Circle:
        """The time circle the solution lives on."""
        return Circle(2 * (self.lags.size - 1), self.dt)


def chaotic_branch_point(
    params: GatedRNN,
    variance: float,
    *,
    dt: float = 0.1,
    n_points: int = 4096,
    tol: float = 1e-10,
    max_iter: int = 2000,
    history: int = 6,
    initial: BranchPoint | None = None,
    period_factor: float = 6.0,
    max_points: int = 2**17,
    lyapunov: bool = True,
) -> BranchPoint:
    """The chaotic stationary DMFT solution with C_h(0) = variance, and the g_h it needs.

    Parameters
    ----------
    params : GatedRNN
        alpha_z must be 0; g_h is ignored (it is the unknown).
    variance : float
        q = C_h(0) > 0.
    dt : float
        Lag spacing (tau_h). The spectra decay fast: dt = 0.1 gives g_h to ~1e-8 (measured
        against dt = 0.05, SCS and alpha_r = 20).
    n_points : int
        Initial P of the time circle (even, >= 16); doubled (up to `max_points`) until the
        taper starts beyond `period_factor` relaxation times.
    tol : float
        Stop when max |C_h' - C_h| <= tol q.
    max_iter : int
        Largest number of map evaluations per circle (convergence slows as the relaxation
        time grows: ~800 at alpha_r = 0, q = 0.05).
    history : int
        Anderson history.
    initial : BranchPoint, optional
        A nearby solution (warm start): its C_h rescaled to the new variance.
    period_factor, max_points : see above.
    lyapunov : bool
        Also compute the DMFT maximal Lyapunov exponent (`branch_max_lyapunov`).

    Returns
    -------
    BranchPoint

    Examples
    --------
    >>> point = chaotic_branch_point(GatedRNN(g_h=1.0), 0.5, lyapunov=False)
    >>> 2.0 < point.g_h < 3.0
    True
    """
    _check_params(params, need_alpha_z_zero=True)
    variance = number("variance", variance)
    dt = number("dt", dt)
    number("tol", tol)
    number("period_factor", period_factor)
    max_iter = integer("max_iter", max_iter, 1)
    max_points = integer("max_points", max_points, 16)
    circle = Circle(n_points, dt)
    if initial is not None and initial.dt == dt:
        if initial.lags.size > circle.n_lags:
            circle = initial.circle
        x = np.interp(circle.lags, initial.lags, initial.c_h, right=0.0)
        x *= variance / x[0]
    else:
        x = _initial_shape(circle, variance, params)
    iterations = 0
    while True:
        solver = _BranchMap(params, circle, variance)
        accelerator = Anderson(history=history)
        converged = False
        best, since_best = np.inf, 0
        for _ in range(max_iter):
            gx, gain2 = solver(x)
            iterations += 1
            residual = float(np.abs(gx - x).max())
            if residual <= tol * variance:
                converged = True
                x = gx
                break
            best, since_best = (residual, 0) if residual < 0.9 * best else (best, since_best + 1)
            if since_best > _STALL_ITERATIONS:
                # Anderson can cycle on its fallback; restart it with a plain step
                accelerator = Anderson(history=history)
                best, since_best = np.inf, 0
                x = gx
                continue
            x = accelerator.step(x, gx)
        tau = _relaxation(circle, x)
        period_ok = bool(period_factor * tau <= circle.taper_start)
        if period_ok or 2 * circle.n_points > max_points:
            break
        new = circle.grown(tau, period_factor, max_points)
        x = circle.carry(x, new)
        circle = new
    if not (converged and period_ok):
        warnings.warn(
            f"chaotic branch point not converged (q={variance:g}, P={circle.n_points}, "
            f"relaxation time {tau:.3g}) for {params}",
            ConvergenceWarning,
            stacklevel=2,
        )
    g_h = float(np.sqrt(gain2))
    point = BranchPoint(
        variance=variance,
        g_h=g_h,
        lags=circle.lags,
        c_h=x,
        relaxation_time=tau,
        max_lyapunov=float("nan"),
        converged=bool(converged and period_ok),
        iterations=iterations,
        dt=dt,
    )
    if lyapunov:
        point = dataclasses.replace(point, max_lyapunov=branch_max_lyapunov(params, point))
    return point


# --- maximal Lyapunov exponent on the branch -------------------------------------------------


class _TangentOperator:
    """k_h -> T_lambda k_h on the full time circle (P points), see the module docstring."""

    def __init__(self, params: GatedRNN, point: BranchPoint):
        circle = point.circle
        p = params.replace(g_h=point.g_h)
        solver = _BranchMap(p, circle, point.variance)
        parts = solver.parts(point.c_h)
        c_phi_prime = bivariate_interpolant(
            phi_prime, point.variance, spacing=_spacing(1.0, point.variance) / 2,
            tol=_INTERPOLANT_TOL,
        )(point.c_h)
        c_r = parts["C_r"]
        if p.alpha_r == 0.0:
            c_sigma_r_prime = np.zeros_like(c_r)
        else:
            c_sigma_r_prime = solver.gate_average("gate_prime", float(c_r[0]))(c_r)
        full = lambda half: np.concatenate([half, half[-2:0:-1]])  # noqa: E731 (even extension)
        self.self_term = full(parts["C_sigma_r"] * c_phi_prime)
        self.gate_term = full(p.g_r**2 * parts["C_phi"] * c_sigma_r_prime)
        self.drive_r = full(c_phi_prime)
        self.s_z = p.gate_z_at_zero
        self.gain = (self.s_z * p.g_h) ** 2
        self.tau_r = p.tau_r
        self.omega2 = circle.omega**2
        self.size = circle.n_points
        self.has_gate = p.alpha_r != 0.0

    def apply(self, k_h: np.ndarray, lam: float) -> np.ndarray:
        h_inverse = 1.0 / ((lam + self.s_z) ** 2 + self.omega2)
        source = self.self_term * k_h
        if self.has_gate:
            r_inverse = 1.0 / ((1.0 + self.tau_r * lam) ** 2 + self.tau_r**2 * self.omega2)
            k_r = np.fft.irfft(r_inverse * np.fft.rfft(self.drive_r * k_h), n=self.size)
            source = source + self.gate_term * k_r
        return self.gain * np.fft.irfft(h_inverse * np.fft.rfft(source), n=self.size)

    def leading(self, lam: float, start: np.ndarray | None = None) -> tuple[float, np.ndarray]:
        """Leading eigenvalue mu(lambda) (real, positive) and its eigenvector."""
        operator = LinearOperator(
            (self.size, self.size), matvec=lambda v: self.apply(np.real(v), lam), dtype=float
        )
        values, vectors = eigs(operator, k=1, which="LR", v0=start, tol=1e-12, maxiter=5000)
        vector = np.real(vectors[:, 0])
        return float(np.real(values[0])), vector / vector[np.argmax(np.abs(vector))]


def branch_max_lyapunov(params: GatedRNN, point: BranchPoint, *, xtol: float = 1e-10) -> float:
    """DMFT maximal Lyapunov exponent of a chaotic branch solution (alpha_z = 0, any alpha_r).

    Finds lambda with mu(lambda) = 1, mu the leading eigenvalue of the tangent operator
    T_lambda of the module docstring, by Brent's method on log mu.

    Parameters
    ----------
    params : GatedRNN
        The model (g_h is taken from `point`).
    point : BranchPoint
        The stationary solution.
    xtol : float
        Absolute tolerance on lambda (1/tau_h).

    Returns
    -------
    float
        lambda_max in 1/tau_h (> 0 on every time-dependent solution).
    """
    _check_params(params, need_alpha_z_zero=True)
    operator = _TangentOperator(params, point)
    state = {"vector": None}

    def log_mu(lam: float) -> float:
        mu, state["vector"] = operator.leading(lam, state["vector"])
        return float(np.log(mu))

    low, high = 0.0, 0.05 * operator.s_z
    f_low = log_mu(low)
    if f_low <= 0.0:
        return 0.0  # not a chaotic solution (mu(0) > 1 on every time-dependent one)
    while log_mu(high) > 0.0:
        low, high = high, 2.0 * high
    return float(brentq(log_mu, low, high, xtol=xtol))


# --- following the branch --------------------------------------------------------------------


def _small_variance_slope(params: GatedRNN) -> float:
    """B in 1/g_h^2 = s^2 + B q + O(q^2) on the chaotic branch (module docstring)."""
    s = params.gate_r_at_zero
    strength2 = (params.alpha_r * params.g_r) ** 2
    return s**2 * (strength2 * (1.0 - s) * (5.0 - 8.0 * s) / 3.0 - 2.0)


class _Branch:
    """Solutions along the chaotic branch, keyed by variance, solved with warm starts."""

    def __init__(self, params: GatedRNN, solver_options: dict):
        self.params = params
        self.options = solver_options
        self.points: dict[float, BranchPoint] = {}

    def solve(self, variance: float, lyapunov: bool = False) -> BranchPoint:
        if variance in self.points and (not lyapunov or np.isfinite(self.points[variance].max_lyapunov)):
            return self.points[variance]
        near = None
        if self.points:
            known = np.array(sorted(self.points))
            near = self.points[float(known[np.argmin(np.abs(np.log(known / variance)))])]
        point = chaotic_branch_point(
            self.params, variance, initial=near, lyapunov=lyapunov, **self.options
        )
        self.points[variance] = point
        logger.info("chaotic branch: q = %.4g -> g_h = %.8g", variance, point.g_h)
        return point

    def sorted(self) -> tuple[np.ndarray, np.ndarray]:
        variances = np.array(sorted(self.points))
        return variances, np.array([self.points[q].g_h for q in variances])


def _scan(branch: _Branch, q_start: float, ratio: float, q_floor: float, q_ceiling: float,
          g_stop: float) -> None:
    """Scan up from q_start until g_h rises twice in a row above g_stop, then down while the
    minimum is at the smallest variance and lies below g_0 (or theory says subcritical)."""
    g0 = branch.params.zero_fixed_point_gain
    q = q_start
    while True:
        branch.solve(q)
        _, gains = branch.sorted()
        rising = gains.size >= 3 and gains[-1] > gains[-2] > gains[-3]
        if (rising and gains[-1] > g_stop) or q * ratio > q_ceiling:
            break
        q *= ratio
    subcritical = _small_variance_slope(branch.params) > 0
    q = q_start
    while True:
        variances, gains = branch.sorted()
        at_left = int(np.argmin(gains)) == 0
        if not (at_left and (gains[0] < g0 or subcritical)) or q / ratio < q_floor:
            break
        q /= ratio
        branch.solve(q)


def chaotic_branch(
    params: GatedRNN,
    variances,
    *,
    lyapunov: bool = True,
    **solver_options,
) -> xr.Dataset:
    """The chaotic DMFT branch at given variances q = C_h(0): g_h(q), MLE(q), relaxation time.

    Parameters
    ----------
    params : GatedRNN
        alpha_z = 0; g_h is ignored.
    variances : sequence of float
        q values (> 0), solved in increasing order with warm starts.
    lyapunov : bool
        Compute the DMFT maximal Lyapunov exponent at each point.
    **solver_options
        Passed to `chaotic_branch_point` (dt, n_points, tol, max_iter, ...).

    Returns
    -------
    xarray.Dataset
        Over dim ``variance``: g_h, max_lyapunov (1/tau_h), relaxation_time (tau_h),
        converged (int8); model parameters (but g_h) as scalar coordinates.
    """
    _check_params(params, need_alpha_z_zero=True)
    values = np.unique(np.asarray(variances, dtype=float).ravel())
    if values.size == 0 or not np.all(np.isfinite(values) & (values > 0)):
        raise ValueError(f"variances must be non-empty, finite and > 0, got {variances!r}")
    branch = _Branch(params, solver_options)
    for q in values:
        branch.solve(float(q), lyapunov=lyapunov)
    return _branch_dataset(params, [branch.points[float(q)] for q in values])


def _branch_dataset(params: GatedRNN, points: list[BranchPoint]) -> xr.Dataset:
    one = {"units": "1"}
    coords = {k: v for k, v in params.coordinates().items() if k != "g_h"}
    coords["variance"] = (
        "variance",
        np.array([p.variance for p in points]),
        {"long_name": "C_h(0) on the chaotic branch", **one},
    )
    data_vars = {
        "g_h": ("variance", np.array([p.g_h for p in points]),
                {"long_name": PARAMETER_LONG_NAMES["g_h"] + " on the chaotic branch", **one}),
        "max_lyapunov": ("variance", np.array([p.max_lyapunov for p in points]),
                         {"long_name": "DMFT maximal Lyapunov exponent", "units": "1/tau_h"}),
        "relaxation_time": ("variance", np.array([p.relaxation_time for p in points]),
                            {"long_name": "1/e relaxation time of C_h", "units": "tau_h"}),
        "converged": ("variance", np.array([p.converged for p in points], dtype=np.int8),
                      {"long_name": "1 if the DMFT solution converged", **one}),
    }
    return xr.Dataset(data_vars, coords=coords)


def chaos_onset(
    params: GatedRNN,
    *,
    q_start: float = 0.05,
    ratio: float = 10 ** (1 / 6),
    q_floor: float = 1e-5,
    q_ceiling: float = 100.0,
    xatol: float = 1e-3,
    accuracy_check: bool = True,
    **solver_options,
) -> dict:
    """Smallest g_h with a chaotic stationary DMFT solution (alpha_z = 0), and its MLE.

    The branch g_h(q) is scanned on a geometric grid of variances q = C_h(0) (up from
    `q_start` until g_h has risen twice in a row above g_0, then down while the smallest q
    holds the minimum and either lies below g_0 or the small-q expansion says the branch
    starts below g_0). An interior minimum (a fold) is refined by bounded Brent in log q; the
    onset is discontinuous there, with a finite MLE. A minimum at the smallest q with
    g_h >= g_0 means the branch bifurcates continuously from the zero solution at g_0 (the
    onset is then g_0 exactly and the MLE tends to 0 there).

    Parameters
    ----------
    params : GatedRNN
        alpha_z = 0; g_h is ignored.
    q_start, ratio, q_floor, q_ceiling : float
        Scan start, geometric step (> 1) and the range of q (units of h^2).
    xatol : float
        Brent tolerance in log q.
    accuracy_check : bool
        Re-solve the fold point at half the lag spacing; the difference is the reported
        discretisation error (added to the optimisation error).
    **solver_options
        Passed to `chaotic_branch_point`.

    Returns
    -------
    dict
        gain, variance (q at the fold; 0 if continuous), max_lyapunov (1/tau_h; 0 if
        continuous), relaxation_time, continuous (bool), gain_accuracy,
        max_lyapunov_accuracy, branch (xarray.Dataset of the scanned points, see
        `chaotic_branch`).
    """
    _check_params(params, need_alpha_z_zero=True)
    for name, value in [("q_start", q_start), ("q_floor", q_floor), ("q_ceiling", q_ceiling),
                        ("xatol", xatol)]:
        number(name, value)
    if not ratio > 1:
        raise ValueError(f"ratio must be > 1, got {ratio!r}")
    g0 = params.zero_fixed_point_gain
    branch = _Branch(params, solver_options)
    _scan(branch, q_start, ratio, q_floor, q_ceiling, g0)
    variances, gains = branch.sorted()
    best = int(np.argmin(gains))
    result: dict = {}
    if best == 0 and gains[0] >= g0:
        result.update(gain=g0, variance=0.0, max_lyapunov=0.0, relaxation_time=float("inf"),
                      continuous=True, gain_accuracy=0.0, max_lyapunov_accuracy=0.0)
    else:
        if best == 0 or best == variances.size - 1:
            warnings.warn(
                f"chaotic-branch minimum at the end of the scanned variances "
                f"[{variances[0]:g}, {variances[-1]:g}]; onset not bracketed for {params}",
                ConvergenceWarning,
                stacklevel=2,
            )
        lo = np.log(variances[max(best - 1, 0)])
        hi = np.log(variances[min(best + 1, variances.size - 1)])
        found = minimize_scalar(lambda x: branch.solve(float(np.exp(x))).g_h, bounds=(lo, hi),
                                method="bounded", options={"xatol": xatol})
        q_star = float(np.exp(found.x))
        fold = branch.solve(q_star, lyapunov=True)
        # second-order optimisation error from a parabola in log q through the grid minimum
        x3 = np.log(variances[max(best - 1, 0): best + 2])
        curvature = np.polyfit(x3, gains[max(best - 1, 0): best + 2], 2)[0] if x3.size == 3 else 0
        gain_error = abs(curvature) * xatol**2
        lyapunov_error = 0.0
        if accuracy_check:
            options = dict(solver_options)
            options["dt"] = 0.5 * options.get("dt", 0.1)
            fine = chaotic_branch_point(params, q_star, lyapunov=True, **options)
            gain_error += abs(fine.g_h - fold.g_h)
            lyapunov_error = abs(fine.max_lyapunov - fold.max_lyapunov)
        result.update(gain=fold.g_h, variance=q_star, max_lyapunov=fold.max_lyapunov,
                      relaxation_time=fold.relaxation_time, continuous=False,
                      gain_accuracy=float(gain_error), max_lyapunov_accuracy=float(lyapunov_error))
    scanned = sorted(q for q in branch.points if q in set(variances))
    for q in scanned:
        branch.solve(q, lyapunov=True)
    result["branch"] = _branch_dataset(params, [branch.points[q] for q in scanned])
    return result


# --- datasets --------------------------------------------------------------------------------


def _upper_static_branch(params: GatedRNN, g_h: float) -> dict[str, float]:
    """Largest and smallest nontrivial static Delta_h at g_h, with stability margins (NaN if none)."""
    ds = static(params.replace(g_h=float(g_h)))
    out = {"upper": np.nan, "lower": np.nan, "margin_upper": np.nan, "margin_lower": np.nan}
    if ds.sizes["branch"] > 1:
        out.update(upper=float(ds.delta_h[-1]), margin_upper=float(ds.stability_margin[-1]))
    if ds.sizes["branch"] > 2:
        out.update(lower=float(ds.delta_h[1]), margin_lower=float(ds.stability_margin[1]))
    return out


def _scalar(value, long_name: str, units: str = "1") -> tuple:
    return ((), value, {"long_name": long_name, "units": units})


def critical_gains(
    params: GatedRNN,
    *,
    chaos: bool = True,
    **onset_options,
) -> xr.Dataset:
    """The three critical gains of SPEC §5 at fixed other parameters, with methods and accuracy.

    Parameters
    ----------
    params : GatedRNN
        g_h is ignored (it is what is solved for); the chaos onset needs alpha_z = 0.
    chaos : bool
        Compute the chaos onset (deterministic DMFT, alpha_z = 0 only). If False its
        variables are NaN.
    **onset_options
        Passed to `chaos_onset` (q_start, ratio, xatol, accuracy_check, dt, ...).

    Returns
    -------
    xarray.Dataset
        Scalars: zero_fixed_point_gain (exact), proliferation_gain (+ _accuracy, the
        saddle-node proliferation_delta_h, proliferation_continuous), chaos_onset_gain
        (+ _accuracy, chaos_onset_variance, chaos_onset_max_lyapunov (+ _accuracy),
        chaos_onset_relaxation_time, chaos_onset_continuous), the SPEC §5 stability margin of
        the upper nontrivial static branch at the proliferation and chaos-onset gains
        (static_margin_at_proliferation, static_margin_at_onset; stable if < 1), the
        small-amplitude tricritical strengths (tricritical_static, tricritical_chaotic, in
        alpha_r g_r). Over dim ``variance``: the scanned chaotic branch (branch_g_h,
        branch_max_lyapunov, branch_relaxation_time). Attribute ``methods`` (JSON) names
        the method of each gain. Model parameters except g_h are scalar coordinates.

    Examples
    --------
    >>> ds = critical_gains(GatedRNN(g_h=1.0, alpha_r=20.0))      # doctest: +SKIP
    >>> float(ds.chaos_onset_gain), float(ds.chaos_onset_max_lyapunov)  # doctest: +SKIP
    (1.75935..., 0.0913...)
    """
    _check_params(params, need_alpha_z_zero=chaos)
    start = time.perf_counter()
    g0 = zero_fixed_point_gain(params)
    proliferation = proliferation_gain(params)
    onset: dict = {k: np.nan for k in ("gain", "variance", "max_lyapunov", "relaxation_time",
                                       "gain_accuracy", "max_lyapunov_accuracy")}
    onset["continuous"] = False
    branch = xr.Dataset()
    if chaos:
        onset = chaos_onset(params, **onset_options)
        branch = onset.pop("branch").rename(
            {name: f"branch_{name}" for name in ("g_h", "max_lyapunov", "relaxation_time",
                                                "converged")}
        )
    margin_p = (
        _upper_static_branch(params, proliferation["gain"] * (1 + 1e-9))["margin_upper"]
        if not proliferation["continuous"] else (g0 * params.gate_r_at_zero) ** 2
    )
    margin_o = (
        _upper_static_branch(params, onset["gain"] * (1 + 1e-9))["margin_upper"]
        if np.isfinite(onset["gain"]) else np.nan
    )
    data_vars = {
        "zero_fixed_point_gain": _scalar(g0, "g_h of zero-fixed-point instability, 1 + e^beta_r"),
        "proliferation_gain": _scalar(proliferation["gain"], "g_h of fixed-point proliferation"),
        "proliferation_gain_accuracy": _scalar(proliferation["accuracy"],
                                               "estimated absolute error of proliferation_gain"),
        "proliferation_delta_h": _scalar(proliferation["delta_h"],
                                         "static Delta_h where the branch appears (0: continuous)"),
        "proliferation_continuous": _scalar(np.int8(proliferation["continuous"]),
                                            "1 if the static branch bifurcates from Delta_h = 0"),
        "chaos_onset_gain": _scalar(onset["gain"], "g_h of the onset of chaos (DMFT)"),
        "chaos_onset_gain_accuracy": _scalar(onset["gain_accuracy"],
                                             "estimated absolute error of chaos_onset_gain"),
        "chaos_onset_variance": _scalar(onset["variance"], "C_h(0) at the onset (0: continuous)"),
        "chaos_onset_max_lyapunov": _scalar(onset["max_lyapunov"],
                                            "DMFT maximal Lyapunov exponent at the onset",
                                            "1/tau_h"),
        "chaos_onset_max_lyapunov_accuracy": _scalar(
            onset["max_lyapunov_accuracy"], "estimated absolute error (lag spacing halved)",
            "1/tau_h"),
        "chaos_onset_relaxation_time": _scalar(onset["relaxation_time"],
                                               "relaxation time of C_h at the onset", "tau_h"),
        "chaos_onset_continuous": _scalar(np.int8(bool(onset["continuous"])),
                                          "1 if chaos sets in continuously at the zero-FP gain"),
        "static_margin_at_proliferation": _scalar(
            margin_p, "stability margin of the upper static branch at proliferation (< 1 stable)"),
        "static_margin_at_onset": _scalar(
            margin_o, "stability margin of the upper static branch at chaos onset (< 1 stable)"),
        "tricritical_static": _scalar(tricritical_gate_strength(params.beta_r, "static"),
                                      "alpha_r g_r above which proliferation is discontinuous"),
        "tricritical_chaotic": _scalar(tricritical_gate_strength(params.beta_r, "chaotic"),
                                       "alpha_r g_r above which the chaos onset is discontinuous"),
    }
    coords = {k: v for k, v in params.coordinates().items() if k != "g_h"}
    methods = {
        "zero_fixed_point_gain": "exact: g_h sigma_r(0) = 1",
        "proliferation_gain": "sqrt(min over Delta of Delta / (<sigma_r^2><phi^2>)), "
                              "log-grid scan + bounded Brent; quadrature ~1e-12",
        "chaos_onset_gain": "minimum over q = C_h(0) of g_h(q) on the deterministic alpha_z = 0 "
                            "DMFT branch (fixed-q continuation, Anderson), bounded Brent in log q; "
                            "accuracy = lag-spacing halving + optimisation error",
        "chaos_onset_max_lyapunov": "replica tangent DMFT: mu(lambda) = 1 for the leading "
                                    "eigenvalue of the FFT tangent operator (ARPACK + Brent)",
    }
    settings = {k: v for k, v in onset_options.items() if isinstance(v, (int, float, bool))}
    ds = xr.merge([xr.Dataset(data_vars, coords=coords), branch], compat="override",
                  join="outer")
    ds.attrs = {
        "title": "critical gains of the transition to chaos (SPEC §5)",
        "methods": json.dumps(methods),
        "settings": json.dumps({"chaos": chaos, **settings}),
        "elapsed_s": f"{time.perf_counter() - start:.1f}",
        **provenance(params.replace(g_h=1.0).digest(kind="critical_gains", chaos=chaos,
                                                    **settings)),
    }
    return ds


def _interpolate_piece(g_branch: np.ndarray, values: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Values at target gains along a monotone piece of the branch (NaN outside its range)."""
    from scipy.interpolate import PchipInterpolator

    out = np.full(targets.shape, np.nan)
    if g_branch.size < 2:
        return out
    order = np.argsort(g_branch)
    g_sorted, v_sorted = g_branch[order], values[order]
    inside = (targets >= g_sorted[0]) & (targets <= g_sorted[-1])
    out[inside] = PchipInterpolator(g_sorted, v_sorted)(targets[inside])
    return out


def branch_curve(
    params: GatedRNN,
    g_h_values,
    *,
    points_per_decade: int = 12,
    q_start: float = 0.05,
    q_floor: float = 1e-4,
    **solver_options,
) -> xr.Dataset:
    """Static and chaotic DMFT branches along g_h (for the transition figure).

    The static branches are solved at each g_h (`gatedrnn.dmft.static`). The chaotic branch is
    solved on its natural parameter q = C_h(0) (geometric grid, `points_per_decade`), scanned
    like `chaos_onset` and extended up until g_h(q) exceeds max(g_h_values); its values at
    each g_h are interpolated (monotone cubic, separately on the parts below and above the
    fold) within the scanned range, NaN outside it. The exact branch points are returned too.

    Parameters
    ----------
    params : GatedRNN
        alpha_z = 0; g_h is replaced by each value.
    g_h_values : sequence of float
        Gains (> 0).
    points_per_decade : int
        Density of the q grid (>= 2).
    q_start : float
        First q of the scan.
    q_floor : float
        Smallest q: the part below the fold is followed down towards g_0 until g_h(q) reaches
        min(g_0, max(g_h_values)) or q reaches q_floor (relaxation times grow as q -> 0).
    **solver_options
        Passed to `chaotic_branch_point`.

    Returns
    -------
    xarray.Dataset
        Over dim ``g_h``: static_delta_h_upper / _lower (largest / smallest nontrivial static
        Delta_h; NaN if absent), static_margin_upper / _lower (SPEC §5 stability margin, < 1
        stable), chaotic_variance_upper / _lower (C_h(0) above / below the fold),
        chaotic_max_lyapunov_upper / _lower (1/tau_h). Over dim ``variance``: branch_g_h,
        branch_max_lyapunov, branch_relaxation_time (exact branch points). Scalar
        zero_fixed_point_gain.
    """
    _check_params(params, need_alpha_z_zero=True)
    targets = np.unique(np.asarray(g_h_values, dtype=float).ravel())
    if targets.size == 0 or not np.all(np.isfinite(targets) & (targets > 0)):
        raise ValueError(f"g_h_values must be non-empty, finite and > 0, got {g_h_values!r}")
    points_per_decade = integer("points_per_decade", points_per_decade, 2)
    number("q_start", q_start)
    number("q_floor", q_floor)
    ratio = 10 ** (1 / points_per_decade)
    g0 = params.zero_fixed_point_gain
    branch = _Branch(params, solver_options)
    _scan(branch, q_start, ratio, q_floor, 1e3, max(g0, float(targets.max())))
    variances, gains = branch.sorted()
    while gains[0] < min(g0, float(targets.max())) and variances[0] / ratio >= q_floor:
        branch.solve(float(variances[0] / ratio))  # the part below the fold, towards g_0
        variances, gains = branch.sorted()
    for q in variances:
        branch.solve(float(q), lyapunov=True)
    exponents = np.array([branch.points[q].max_lyapunov for q in variances])
    fold = int(np.argmin(gains))
    static_rows = [_upper_static_branch(params, g) for g in targets]
    one = {"units": "1"}
    data_vars = {
        "static_delta_h_upper": ("g_h", np.array([r["upper"] for r in static_rows]),
                                 {"long_name": "largest nontrivial static Delta_h", **one}),
        "static_delta_h_lower": ("g_h", np.array([r["lower"] for r in static_rows]),
                                 {"long_name": "smallest nontrivial static Delta_h (if two)", **one}),
        "static_margin_upper": ("g_h", np.array([r["margin_upper"] for r in static_rows]),
                                {"long_name": "stability margin of the upper static branch "
                                              "(< 1 stable)", **one}),
        "static_margin_lower": ("g_h", np.array([r["margin_lower"] for r in static_rows]),
                                {"long_name": "stability margin of the lower static branch "
                                              "(< 1 stable)", **one}),
    }
    pieces = {"upper": slice(fold, None), "lower": slice(0, fold + 1)}
    for name, piece in pieces.items():
        g_piece = gains[piece]
        if name == "lower" and fold == 0:
            g_piece = g_piece[:0]
        data_vars[f"chaotic_variance_{name}"] = (
            "g_h", _interpolate_piece(g_piece, variances[piece][: g_piece.size], targets),
            {"long_name": f"C_h(0) on the chaotic branch, {name} part", **one})
        data_vars[f"chaotic_max_lyapunov_{name}"] = (
            "g_h", _interpolate_piece(g_piece, exponents[piece][: g_piece.size], targets),
            {"long_name": f"DMFT maximal Lyapunov exponent, chaotic branch {name} part",
             "units": "1/tau_h"})
    branch_ds = _branch_dataset(params, [branch.points[q] for q in variances]).rename(
        {name: f"branch_{name}" for name in ("g_h", "max_lyapunov", "relaxation_time", "converged")}
    )
    data_vars["zero_fixed_point_gain"] = _scalar(g0, "g_h of zero-fixed-point instability")
    coords = {k: v for k, v in params.coordinates().items() if k != "g_h"}
    coords["g_h"] = ("g_h", targets, {"long_name": PARAMETER_LONG_NAMES["g_h"], **one})
    ds = xr.merge([xr.Dataset(data_vars, coords=coords), branch_ds], compat="override",
                  join="outer")
    ds.attrs = {
        "title": "static and chaotic DMFT branches along g_h (SPEC §5)",
        "method": "static: gatedrnn.dmft.static; chaotic: fixed-q continuation, pchip in g_h",
        **provenance(params.replace(g_h=1.0).digest(kind="branch_curve",
                                                    grid=targets.tolist(),
                                                    points_per_decade=points_per_decade)),
    }
    return ds
