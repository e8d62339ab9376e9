"""Predicted support of the Jacobian spectrum from random-matrix theory (SPEC §3).

For lambda in the complex plane, treat the couplings as independent of the single-site
factors (sigma_z, sigma_r, phi', ...). The squared norms Y_h, Y_z, Y_r of J^h v, J^z phi' dh,
J^r phi' dh for a resolvent vector then satisfy Y = M(lambda) Y with

    M = | g_h^2 a  g_h^2 b  g_h^2 c |    a = <sigma_r^2 phi'^2 sigma_z^2 / |lambda + sigma_z|^2>
        | g_z^2 d  g_z^2 e  0       |    b = <sigma_r^2 phi'^2 sigma_z'^2 xi^2 / |lambda + sigma_z|^2> / |1 + tau_z lambda|^2
        | g_r^2 d  g_r^2 e  0       |    c = <sigma_r'^2 phi^2> / |1 + tau_r lambda|^2
                                         d = <phi'^2 sigma_z^2 / |lambda + sigma_z|^2>
                                         e = <phi'^2 sigma_z'^2 xi^2 / |lambda + sigma_z|^2> / |1 + tau_z lambda|^2

and lambda lies in the support where the spectral radius rho(M(lambda)) >= 1; the boundary is
rho(M) = 1. The averages <.> are over the single-site law: the static DMFT Gaussians at a fixed
point (xi = 0, so b = e = 0: condition (F)), or the stationary DMFT law / a finite network's own
units along a chaotic trajectory (condition (T) when sigma_r is independent of the z-channel
factors). `SiteAverages` holds them in a form where only 1 / |lambda + sigma_z|^2 and the
|1 + tau lambda|^2 factors depend on lambda, so the same code serves every source.

The boundary is traced along rays from a centre inside the support: on each ray the outermost
crossing of log rho(M) = 0 is found (geometric scan, then Brent's method). This is the outer
envelope of the support as seen from the centre (exact when the support is star-shaped about
it; holes inside the support are not reported).
"""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import xarray as xr
from scipy.optimize import brentq, minimize_scalar

from .gaussian import gaussian_average, sample_stationary, standard_normal_grid, white_spectrum
from .io import provenance
from .network import Network
from .nonlinearity import gate, gate_prime, phi, phi_prime
from .params import GatedRNN

__all__ = [
    "SiteAverages",
    "site_averages",
    "network_site_averages",
    "static_site_averages",
    "dmft_site_samples",
    "stability_matrix",
    "spectral_radius",
    "trajectory_condition",
    "fixed_point_condition",
    "Boundary",
    "boundary",
    "fixed_point_boundary",
    "DiskSpectrum",
    "zero_fixed_point_spectrum",
    "near_zero_fraction_prediction",
]

#: Floor of squared distances to a pole (keeps 1/distance finite, so 0 * 1/distance = 0).
_TINY = 1e-300


@dataclasses.dataclass(frozen=True)
class SiteAverages:
    """Single-site averages entering M(lambda), as weighted nodes over sigma_z.

    For each node k (a sample or quadrature node) with probability weight w_k:
    ``a[k] = w_k sigma_r^2 phi'^2 sigma_z^2``, ``b[k] = w_k sigma_r^2 phi'^2 sigma_z'^2 xi^2``,
    ``d[k] = w_k phi'^2 sigma_z^2``, ``e[k] = w_k phi'^2 sigma_z'^2 xi^2``, so that e.g.
    a(lambda) = sum_k a[k] / |lambda + sigma_z[k]|^2. ``c`` = <sigma_r'^2 phi^2> does not
    depend on lambda through sigma_z.

    Attributes
    ----------
    sigma_z, a, b, d, e : ndarray, shape (n,)
    c : float
    """

    sigma_z: np.ndarray
    a: np.ndarray
    b: np.ndarray
    d: np.ndarray
    e: np.ndarray
    c: float

    @property
    def numerators(self) -> np.ndarray:
        """Columns (a, b, d, e), shape (n, 4)."""
        return np.stack([self.a, self.b, self.d, self.e], axis=1)

    @property
    def mean_sigma_z(self) -> float:
        """sigma_z averaged with the weights phi'^2 sigma_z^2 (the d channel)."""
        total = self.d.sum()
        return float((self.d * self.sigma_z).sum() / total) if total > 0 else float(self.sigma_z.mean())


def _check_params(params) -> GatedRNN:
    if not isinstance(params, GatedRNN):
        raise ValueError(f"params must be a GatedRNN, got {type(params).__name__}")
    return params


def site_averages(
    h: np.ndarray,
    z: np.ndarray,
    r: np.ndarray,
    params: GatedRNN,
    xi: np.ndarray | None = None,
    weights: np.ndarray | None = None,
) -> SiteAverages:
    """`SiteAverages` from weighted single-site samples of (h, z, r, xi).

    Parameters
    ----------
    h, z, r : arrays of one common shape (any)
        Samples of the single-site variables (e.g. units x times of a network, or DMFT paths).
    params : GatedRNN
    xi : array of the same shape, optional
        xi = -h + eta_h + u^h (the bracket multiplying sigma_z); default 0 (a fixed point).
    weights : array of the same shape, optional
        Non-negative sample weights (normalised here); default uniform.
    """
    params = _check_params(params)
    h, z, r = (np.asarray(v, dtype=float).ravel() for v in (h, z, r))
    if not (h.size == z.size == r.size) or h.size == 0:
        raise ValueError(f"h, z, r must be non-empty with one shape, got sizes {h.size}, {z.size}, {r.size}")
    xi = np.zeros_like(h) if xi is None else np.asarray(xi, dtype=float).ravel()
    if xi.size != h.size:
        raise ValueError(f"xi must have the shape of h ({h.size} values), got {xi.size}")
    if weights is None:
        weights = np.full(h.size, 1.0 / h.size)
    else:
        weights = np.asarray(weights, dtype=float).ravel()
        if weights.size != h.size or np.any(weights < 0) or not weights.sum() > 0:
            raise ValueError("weights must be non-negative, with the shape of h and a positive sum")
        weights = weights / weights.sum()
    for name, value in (("h", h), ("z", z), ("r", r), ("xi", xi)):
        if not np.all(np.isfinite(value)):
            raise ValueError(f"{name} must be finite")
    p = params
    sigma_z = gate(z, p.alpha_z, p.beta_z)
    sigma_r = gate(r, p.alpha_r, p.beta_r)
    dphi2 = phi_prime(h) ** 2
    drift2 = (gate_prime(z, p.alpha_z, p.beta_z) * xi) ** 2
    output = sigma_r**2 * dphi2
    return SiteAverages(
        sigma_z=sigma_z,
        a=weights * output * sigma_z**2,
        b=weights * output * drift2,
        d=weights * dphi2 * sigma_z**2,
        e=weights * dphi2 * drift2,
        c=float(weights @ (gate_prime(r, p.alpha_r, p.beta_r) * phi(h)) ** 2),
    )


def network_site_averages(network: Network, states: np.ndarray, inputs=None) -> SiteAverages:
    """`SiteAverages` over the units of a network at one or more states (all pooled).

    Parameters
    ----------
    network : Network
    states : array, shape (3, N) or (samples, 3, N)
    inputs : Inputs, optional
        Static inputs (u^h enters xi).
    """
    states = np.asarray(states, dtype=float)
    if states.ndim == 2:
        states = states[None]
    if states.ndim != 3 or states.shape[1:] != (3, network.N):
        raise ValueError(f"states must have shape (samples, 3, {network.N}), got {states.shape}")
    u_h = 0.0 if inputs is None else inputs.at(0.0)[0]
    h, z, r = np.moveaxis(states, 1, 0)  # each (samples, N)
    sigma_r = gate(r, network.params.alpha_r, network.params.beta_r)
    xi = -h + (sigma_r * phi(h)) @ network.J_h.T + u_h
    return site_averages(h, z, r, network.params, xi=xi)


def static_site_averages(
    params: GatedRNN,
    delta_h: float,
    delta_z: float | None = None,
    delta_r: float | None = None,
) -> SiteAverages:
    """`SiteAverages` of the static DMFT: h, z, r independent centred Gaussians, xi = 0.

    Parameters
    ----------
    params : GatedRNN
    delta_h : float
        Variance of h (>= 0).
    delta_z, delta_r : float, optional
        Variances of z and r; default their static values g_k^2 <phi^2>_{delta_h}.

    Notes
    -----
    z is represented by the trapezoid nodes of `gatedrnn.gaussian.standard_normal_grid`
    (901 nodes over +-9 standard deviations); the h and r averages are exact Gaussian
    averages on the same fine rule.
    """
    params = _check_params(params)
    if not (np.isfinite(delta_h) and delta_h >= 0):
        raise ValueError(f"delta_h must be finite and >= 0, got {delta_h!r}")
    phi2 = float(gaussian_average(lambda x: phi(x) ** 2, delta_h))
    delta_z = params.g_z**2 * phi2 if delta_z is None else float(delta_z)
    delta_r = params.g_r**2 * phi2 if delta_r is None else float(delta_r)
    for name, value in (("delta_z", delta_z), ("delta_r", delta_r)):
        if not (np.isfinite(value) and value >= 0):
            raise ValueError(f"{name} must be finite and >= 0, got {value!r}")
    p = params
    dphi2 = float(gaussian_average(lambda x: phi_prime(x) ** 2, delta_h))
    sigma_r2 = float(gaussian_average(lambda x: gate(x, p.alpha_r, p.beta_r) ** 2, delta_r))
    dsigma_r2 = float(gaussian_average(lambda x: gate_prime(x, p.alpha_r, p.beta_r) ** 2, delta_r))
    nodes, weights = standard_normal_grid()
    sigma_z = gate(np.sqrt(delta_z) * nodes, p.alpha_z, p.beta_z)
    zero = np.zeros_like(nodes)
    return SiteAverages(
        sigma_z=sigma_z,
        a=weights * sigma_z**2 * sigma_r2 * dphi2,
        b=zero,
        d=weights * sigma_z**2 * dphi2,
        e=zero,
        c=dsigma_r2 * phi2,
    )


def _channel_averages(averages: SiteAverages, params: GatedRNN, lam: np.ndarray) -> tuple:
    """(a, b, c, d, e) at each lambda (arrays of lam's shape)."""
    lam = np.asarray(lam, dtype=complex)
    flat = lam.ravel()
    numerators = averages.numerators
    sums = np.empty((flat.size, 4))
    chunk = max(1, 2**21 // max(averages.sigma_z.size, 1))
    for start in range(0, flat.size, chunk):
        part = flat[start : start + chunk, None]
        distance2 = (part.real + averages.sigma_z[None, :]) ** 2 + part.imag**2
        # on a pole the sum is huge (inf after overflow), never nan from inf * 0
        with np.errstate(over="ignore"):
            sums[start : start + chunk] = (1.0 / np.maximum(distance2, _TINY)) @ numerators
    sums = sums.reshape(lam.shape + (4,))
    with np.errstate(divide="ignore"):
        z_filter = 1.0 / np.abs(1.0 + params.tau_z * lam) ** 2
        r_filter = 1.0 / np.abs(1.0 + params.tau_r * lam) ** 2
    a, b, d, e = np.moveaxis(sums, -1, 0)
    c = averages.c * r_filter if averages.c > 0 else np.zeros(lam.shape)
    b = b * z_filter if np.any(averages.b) else np.zeros(lam.shape)
    e = e * z_filter if np.any(averages.e) else np.zeros(lam.shape)
    return a, b, c, d, e


def stability_matrix(averages: SiteAverages, params: GatedRNN, lam) -> np.ndarray:
    """M(lambda) of the module docstring, shape lam.shape + (3, 3) (dimensionless)."""
    params = _check_params(params)
    a, b, c, d, e = _channel_averages(averages, params, lam)
    zero = np.zeros_like(a)
    gh2, gz2, gr2 = params.g_h**2, params.g_z**2, params.g_r**2
    rows = [
        [gh2 * a, gh2 * b, gh2 * c],
        [gz2 * d, gz2 * e, zero],
        [gr2 * d, gr2 * e, zero],
    ]
    return np.moveaxis(np.array(rows), (0, 1), (-2, -1))


def spectral_radius(averages: SiteAverages, params: GatedRNN, lam) -> np.ndarray:
    """rho(M(lambda)): >= 1 inside the predicted support, < 1 outside (shape of lam).

    Infinite where lambda sits on a pole (lambda = -sigma_z of a node, -1/tau_z, -1/tau_r).
    """
    matrix = stability_matrix(averages, params, lam)
    finite = np.all(np.isfinite(matrix), axis=(-2, -1))
    scale = np.where(finite, np.max(matrix, axis=(-2, -1)), 1.0)
    scale = np.where(scale > 0, scale, 1.0)
    safe = np.where(finite[..., None, None], matrix / scale[..., None, None], 0.0)
    radius = np.max(np.abs(np.linalg.eigvals(safe)), axis=-1) * scale
    return np.where(finite, radius, np.inf)


def trajectory_condition(averages: SiteAverages, params: GatedRNN, lam) -> np.ndarray:
    """Left side of condition (T): g_h^2 a + g_h^2 g_r^2 c d + g_z^2 e (= 1 on the boundary).

    Equals the rho(M) = 1 condition when g_h^2 g_z^2 (b d - a e) = 0, e.g. when sigma_r is
    independent of (h, z, xi) as in the DMFT.
    """
    params = _check_params(params)
    a, _, c, d, e = _channel_averages(averages, params, lam)
    return params.g_h**2 * (a + params.g_r**2 * c * d) + params.g_z**2 * e


def fixed_point_condition(params: GatedRNN, delta_h: float, lam, delta_z=None, delta_r=None):
    """Left side of condition (F) at the static DMFT variances (= 1 on the boundary).

    g_h^2 <sigma_z^2 / |lambda + sigma_z|^2> (<sigma_r^2 phi'^2>
    + g_r^2 <sigma_r'^2 phi^2> <phi'^2> / |1 + tau_r lambda|^2), written out with independent
    Gaussian averages (a check on `spectral_radius` with `static_site_averages`).
    """
    params = _check_params(params)
    p = params
    phi2 = float(gaussian_average(lambda x: phi(x) ** 2, delta_h))
    delta_z = p.g_z**2 * phi2 if delta_z is None else delta_z
    delta_r = p.g_r**2 * phi2 if delta_r is None else delta_r
    dphi2 = float(gaussian_average(lambda x: phi_prime(x) ** 2, delta_h))
    sigma_r2 = float(gaussian_average(lambda x: gate(x, p.alpha_r, p.beta_r) ** 2, delta_r))
    dsigma_r2 = float(gaussian_average(lambda x: gate_prime(x, p.alpha_r, p.beta_r) ** 2, delta_r))
    lam = np.asarray(lam, dtype=complex)
    flat = lam.ravel()
    update = np.array(
        [
            gaussian_average(
                lambda x, l=l: gate(x, p.alpha_z, p.beta_z) ** 2
                / np.abs(l + gate(x, p.alpha_z, p.beta_z)) ** 2,
                delta_z,
            )
            for l in flat
        ]
    ).reshape(lam.shape)
    return p.g_h**2 * update * (
        sigma_r2 * dphi2 + p.g_r**2 * dsigma_r2 * phi2 * dphi2 / np.abs(1 + p.tau_r * lam) ** 2
    )


@dataclasses.dataclass(frozen=True)
class Boundary:
    """A predicted support boundary traced along rays from `centre`.

    Attributes
    ----------
    centre : complex
        Centre of the rays (inside the support), units 1/tau_h.
    angle : ndarray, shape (n_angles,)
        Ray angles in [0, 2 pi) (radians).
    radius : ndarray, shape (n_angles,)
        Distance from the centre to the boundary along each ray (1/tau_h).
    right_edge : float
        Largest real part on the boundary (refined between rays).
    """

    centre: complex
    angle: np.ndarray
    radius: np.ndarray
    right_edge: float

    @property
    def curve(self) -> np.ndarray:
        """Boundary points centre + radius e^{i angle}, complex, shape (n_angles,)."""
        return self.centre + self.radius * np.exp(1j * self.angle)

    @property
    def real(self) -> np.ndarray:
        """Real parts of the boundary points."""
        return self.curve.real

    @property
    def imag(self) -> np.ndarray:
        """Imaginary parts of the boundary points."""
        return self.curve.imag

    def radius_at(self, angle: np.ndarray) -> np.ndarray:
        """Boundary radius at arbitrary angles (periodic linear interpolation)."""
        return np.interp(np.mod(angle, 2 * np.pi), self.angle, self.radius, period=2 * np.pi)

    def contains(self, points: np.ndarray) -> np.ndarray:
        """True for points strictly inside the traced boundary (any shape)."""
        offset = np.asarray(points, dtype=complex) - self.centre
        return np.abs(offset) < self.radius_at(np.angle(offset))

    def fraction_outside(self, points: np.ndarray) -> float:
        """Fraction of the given points (e.g. eigenvalues) outside the boundary."""
        return float(np.mean(~self.contains(points)))

    def to_dataset(self, params: GatedRNN, **attrs: str) -> xr.Dataset:
        """The boundary as a Dataset over dim ``angle`` (parameters as scalar coordinates)."""
        rate = {"units": "1/tau_h"}
        data_vars = {
            "boundary_real": ("angle", self.real, {"long_name": "Re lambda on the boundary", **rate}),
            "boundary_imag": ("angle", self.imag, {"long_name": "Im lambda on the boundary", **rate}),
            "boundary_radius": (
                "angle",
                self.radius,
                {"long_name": "distance from the centre to the boundary", **rate},
            ),
            "right_edge": ((), self.right_edge, {"long_name": "largest Re lambda of the support", **rate}),
            "centre_real": ((), self.centre.real, {"long_name": "Re of the ray centre", **rate}),
            "centre_imag": ((), self.centre.imag, {"long_name": "Im of the ray centre", **rate}),
        }
        coords = {
            "angle": ("angle", self.angle, {"long_name": "ray angle", "units": "rad"}),
            **params.coordinates(),
        }
        return xr.Dataset(
            data_vars, coords=coords, attrs={**attrs, **provenance(params.digest(**attrs))}
        )


def _radius_bound(averages: SiteAverages, params: GatedRNN) -> float:
    """L such that rho(M(lambda)) < 1 for every |lambda| >= L (row-sum bound)."""
    totals = averages.numerators.sum(axis=0)
    gh2, gz2, gr2 = params.g_h**2, params.g_z**2, params.g_r**2
    L = 2.0 + 2.0 / params.tau_z + 2.0 / params.tau_r
    for _ in range(200):
        near = 1.0 / (L - 1.0) ** 2
        z_filter = 1.0 / (params.tau_z * L - 1.0) ** 2
        r_filter = 1.0 / (params.tau_r * L - 1.0) ** 2
        a, b, d, e = totals * near
        rows = (
            gh2 * (a + b * z_filter + averages.c * r_filter),
            max(gz2, gr2) * (d + e * z_filter),
        )
        if max(rows) < 1.0:
            return L
        L *= 2.0
    raise ValueError("the averages are too large for a bounded support")


def _log_radius(averages, params, lam):
    with np.errstate(divide="ignore"):
        return np.log(spectral_radius(averages, params, lam))


def _ray_radius(averages, params, centre, angle, t_max, n_scan, xtol):
    """Distance to the outermost crossing of rho(M) = 1 along one ray (0 if none)."""
    direction = np.exp(1j * angle)
    distances = np.geomspace(t_max * 1e-5, t_max, n_scan)
    values = _log_radius(averages, params, centre + distances * direction)
    inside = np.nonzero(values >= 0)[0]
    if inside.size == 0:
        return 0.0
    k = inside[-1]
    if k == n_scan - 1:
        raise RuntimeError("the support reaches the scan limit; the radius bound failed")
    return brentq(
        lambda t: float(_log_radius(averages, params, centre + t * direction)),
        distances[k],
        distances[k + 1],
        xtol=xtol,
    )


def boundary(
    averages: SiteAverages,
    params: GatedRNN,
    n_angles: int = 256,
    *,
    centre: complex | None = None,
    n_scan: int = 240,
    xtol: float = 1e-12,
) -> Boundary:
    """The predicted support boundary rho(M(lambda)) = 1.

    Parameters
    ----------
    averages : SiteAverages
        From `site_averages`, `network_site_averages`, `static_site_averages` or
        `dmft_site_samples`.
    params : GatedRNN
    n_angles : int
        Rays, equally spaced in angle from 0 (>= 8).
    centre : complex, optional
        Centre of the rays; default -<sigma_z> weighted by phi'^2 sigma_z^2 (the centre of
        the circular law when the gates are frozen). Must lie inside the support.
    n_scan : int
        Points of the geometric scan along each ray, from 1e-5 to 1 times a proven bound on
        the support radius (>= 16); features thinner than ~5% of their distance to the
        centre can be missed.
    xtol : float
        Absolute tolerance of the radii (1/tau_h).

    Returns
    -------
    Boundary

    Notes
    -----
    The cost is proportional to the number of nodes in `averages`: measured at 128 angles,
    ~2 s for 4000 nodes (4 states of a 1000-unit network) and ~150 s for 5e5 DMFT samples;
    thin long sample sets with `dmft_site_samples` (``every``, ``n_paths``).
    """
    params = _check_params(params)
    if not isinstance(averages, SiteAverages):
        raise ValueError(f"averages must be a SiteAverages, got {type(averages).__name__}")
    if isinstance(n_angles, bool) or int(n_angles) != n_angles or n_angles < 8:
        raise ValueError(f"n_angles must be an integer >= 8, got {n_angles!r}")
    if isinstance(n_scan, bool) or int(n_scan) != n_scan or n_scan < 16:
        raise ValueError(f"n_scan must be an integer >= 16, got {n_scan!r}")
    centre = complex(-averages.mean_sigma_z if centre is None else centre)
    if not np.isfinite(centre):
        raise ValueError(f"centre must be finite, got {centre!r}")
    if not spectral_radius(averages, params, centre) >= 1.0:
        raise ValueError(
            f"centre {centre} is outside the predicted support (rho(M) < 1 there); pass a centre "
            "inside it, or the support is empty"
        )
    t_max = _radius_bound(averages, params) + abs(centre)
    angles = 2 * np.pi * np.arange(int(n_angles)) / int(n_angles)

    def radius(angle: float) -> float:
        return _ray_radius(averages, params, centre, angle, t_max, int(n_scan), xtol)

    radii = np.array([radius(a) for a in angles])
    best = int(np.argmax(centre.real + radii * np.cos(angles)))
    step = angles[1] - angles[0]
    refined = minimize_scalar(
        lambda a: -(centre.real + radius(a) * np.cos(a)),
        bounds=(angles[best] - step, angles[best] + step),
        method="bounded",
        options={"xatol": 1e-6},
    )
    right_edge = max(-float(refined.fun), float(centre.real + radii[best] * np.cos(angles[best])))
    return Boundary(centre, angles, radii, right_edge)


def fixed_point_boundary(
    params: GatedRNN, static_solution: xr.Dataset | None = None, branch: int = -1, **options
) -> Boundary:
    """Support boundary (F) of Jacobian spectra at typical fixed points (static DMFT).

    Parameters
    ----------
    params : GatedRNN
    static_solution : xarray.Dataset, optional
        Output of `gatedrnn.dmft.static` for these parameters (computed if omitted).
    branch : int
        Which static branch (position along dim ``branch``; -1 = largest Delta_h, 0 = the zero
        fixed point).
    **options
        Passed to `boundary`.
    """
    params = _check_params(params)
    if static_solution is None:
        from .dmft.static import static

        static_solution = static(params)
    n_branches = static_solution.sizes["branch"]
    if isinstance(branch, bool) or int(branch) != branch or not -n_branches <= branch < n_branches:
        raise ValueError(f"branch must be an integer in [-{n_branches}, {n_branches}), got {branch!r}")
    point = static_solution.isel(branch=int(branch))
    averages = static_site_averages(
        params, float(point.delta_h), float(point.delta_z), float(point.delta_r)
    )
    return boundary(averages, params, **options)


@dataclasses.dataclass(frozen=True)
class DiskSpectrum:
    """Jacobian spectrum at the zero fixed point (h = z = r = 0, no inputs), N -> infinity.

    D is block lower triangular there (phi(0) = 0 kills the [sigma_r' phi] block and xi = 0
    the [sigma_z' xi] block), so its eigenvalues are those of s_z (-1 + s_r J^h) (a uniform
    disk, circular law) and -1/tau_z, -1/tau_r, each N-fold.

    Attributes
    ----------
    centre, radius : float
        Disk centre -s_z and radius s_z g_h s_r (1/tau_h), s_k = sigma_k(0).
    right_edge : float
        centre + radius = s_z (g_h s_r - 1); the zero fixed point is stable iff < 0.
    point_eigenvalues : tuple of float
        (-1/tau_z, -1/tau_r), each with multiplicity N (1/3 of the spectrum each).
    """

    centre: float
    radius: float
    right_edge: float
    point_eigenvalues: tuple[float, float]


def zero_fixed_point_spectrum(params: GatedRNN) -> DiskSpectrum:
    """The limiting Jacobian spectrum at the zero fixed point (see `DiskSpectrum`)."""
    params = _check_params(params)
    s_z, s_r = params.gate_z_at_zero, params.gate_r_at_zero
    radius = s_z * params.g_h * s_r
    return DiskSpectrum(-s_z, radius, -s_z + radius, (-1.0 / params.tau_z, -1.0 / params.tau_r))


def near_zero_fraction_prediction(sigma_z, eps, weights=None) -> np.ndarray:
    """Approximate fraction of the 3N Jacobian eigenvalues with |lambda| < eps: P(sigma_z < eps)/3.

    Approximation of SPEC §3: a unit whose update gate is closed (sigma_z ~ 0) has an h row
    of order sigma_z, contributing one eigenvalue of order sigma_z out of 3 per unit.

    Parameters
    ----------
    sigma_z : array of any shape
        Samples of sigma_z(z) (network units and times, or DMFT samples).
    eps : float or 1-d array of floats (> 0)
    weights : array of sigma_z's shape, optional

    Returns
    -------
    ndarray of shape (len(eps),)
    """
    values = np.asarray(sigma_z, dtype=float).ravel()
    if values.size == 0 or not np.all(np.isfinite(values)):
        raise ValueError("sigma_z must be non-empty and finite")
    eps = np.atleast_1d(np.asarray(eps, dtype=float))
    if eps.ndim != 1 or np.any(~(eps > 0)) or not np.all(np.isfinite(eps)):
        raise ValueError(f"eps must be positive and finite, got {eps!r}")
    weights = np.full(values.size, 1.0) if weights is None else np.asarray(weights, float).ravel()
    if weights.size != values.size or np.any(weights < 0) or not weights.sum() > 0:
        raise ValueError("weights must be non-negative with the shape of sigma_z and a positive sum")
    below = (values[None, :] < eps[:, None]) @ weights
    return below / weights.sum() / 3.0


def dmft_site_samples(
    stationary_solution: xr.Dataset,
    n_paths: int = 200,
    seed: int = 0,
    every: float = 5.0,
) -> dict[str, np.ndarray]:
    """Single-site samples (h, z, r, xi) of the stationary DMFT law, for `site_averages`.

    The fields are drawn from the solution's correlations on its time circle (padded with
    zeros beyond the stored lags, then tapered as in the solver) and h is integrated
    periodically, as in one iteration of `gatedrnn.dmft.stationary_sampled`.

    Parameters
    ----------
    stationary_solution : xarray.Dataset
        From `gatedrnn.dmft.stationary` (C_phi, C_sigma_r_phi over ``lag``; settings attr
        with dt and n_points; model parameters as coordinates).
    n_paths : int
        Independent single-site paths (>= 1).
    seed : int
        Seed of the fields.
    every : float
        Time between the samples kept from each path (tau_h; > 0).

    Returns
    -------
    dict with "h", "z", "r", "xi": arrays of shape (n_paths, samples_per_path).
    """
    from .dmft.circle import Circle
    from .dmft.single_site import integrate_periodic
    from .simulate import params_from_coords

    params = params_from_coords(stationary_solution)
    settings = json.loads(stationary_solution.attrs["settings"])
    circle = Circle(int(settings["n_points"]), float(settings["dt"]))
    if isinstance(n_paths, bool) or int(n_paths) != n_paths or n_paths < 1:
        raise ValueError(f"n_paths must be an integer >= 1, got {n_paths!r}")
    if not (np.isfinite(every) and every > 0):
        raise ValueError(f"every must be finite and > 0, got {every!r}")

    def padded(name: str) -> np.ndarray:
        values = np.zeros(circle.n_lags)
        stored = np.asarray(stationary_solution[name].values, dtype=float)[: circle.n_lags]
        values[: stored.size] = stored
        return values

    s_phi = circle.tapered_spectrum(padded("C_phi"))
    s_eta = params.g_h**2 * circle.tapered_spectrum(padded("C_sigma_r_phi"))
    rng = np.random.default_rng(int(seed))
    white = {name: white_spectrum(rng, int(n_paths), circle.n_points) for name in "hzr"}
    z = sample_stationary(params.g_z**2 * circle.lowpass(params.tau_z) * s_phi, white["z"])
    r = sample_stationary(params.g_r**2 * circle.lowpass(params.tau_r) * s_phi, white["r"])
    eta = sample_stationary(s_eta, white["h"])
    h = integrate_periodic(gate(z, params.alpha_z, params.beta_z), eta, circle.dt)
    stride = max(1, int(round(every / circle.dt)))
    keep = slice(0, None, stride)
    return {"h": h[:, keep], "z": z[:, keep], "r": r[:, keep], "xi": (eta - h)[:, keep]}
