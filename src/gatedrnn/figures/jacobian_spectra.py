"""Figure: Jacobian eigenvalue clouds against the RMT boundary, slow modes (claim C3)."""

from __future__ import annotations

import numpy as np
import xarray as xr

from .style import apply_style, palette, plt

__all__ = ["jacobian_spectra_figure"]


def jacobian_spectra_figure(spectra: xr.Dataset, fixed_point: xr.Dataset | None = None,
                            claim_eps: float = 0.01):
    """Eigenvalue clouds with the predicted boundary; edge and outside fraction vs N;
    near-zero fraction vs alpha_z.

    Parameters
    ----------
    spectra : Dataset of trajectory spectra (dims N, alpha_z, seed, sample, index, angle,
        epsilon) as written by the pipeline's merge_spectra rule.
    fixed_point : Dataset of fixed-point spectra (dims seed, sample, index, angle), optional.
    claim_eps : float
        The radius of the near-zero fraction checked by C3.near_zero (highlighted).

    Returns
    -------
    matplotlib.figure.Figure
    """
    apply_style()
    alphas = spectra["alpha_z"].values
    sizes = spectra["N"].values
    N_max = sizes.max()
    colours = palette(alphas.size)
    n_top = alphas.size + (fixed_point is not None)
    figure = plt.figure(figsize=(3.2 * max(n_top, 3), 6.6), layout="constrained")
    grid = figure.add_gridspec(2, max(n_top, 3))
    largest = spectra.sel(N=N_max)
    seed0 = largest["seed"].values[0]
    for column, (alpha_z, colour) in enumerate(zip(alphas, colours)):
        point = largest.sel(alpha_z=alpha_z)
        _cloud(figure.add_subplot(grid[0, column]), point, seed0, colour,
               rf"$\alpha_z$ = {alpha_z:g}, N = {int(N_max)} (trajectory)")
    if fixed_point is not None:
        _cloud(figure.add_subplot(grid[0, alphas.size]), fixed_point, fixed_point["seed"].values[0],
               "tab:red",
               rf"fixed point, $\alpha_z$ = {float(fixed_point['alpha_z']):g}, "
               f"N = {int(fixed_point['N'])}")

    axis_edge = figure.add_subplot(grid[1, 0])
    axis_outside = figure.add_subplot(grid[1, 1])
    for alpha_z, colour in zip(alphas, colours):
        point = spectra.sel(alpha_z=alpha_z)
        deviation = (point["right_edge"].mean("sample") - point["right_edge_predicted"])
        _mean_band(axis_edge, 1 / np.sqrt(sizes), deviation, colour, rf"$\alpha_z$ = {alpha_z:g}")
        _mean_band(axis_outside, 1 / np.sqrt(sizes), point["fraction_outside"], colour,
                   rf"$\alpha_z$ = {alpha_z:g}")
    axis_edge.axhline(0, color="grey", lw=0.6)
    axis_edge.set_xlabel(r"$1/\sqrt{N}$")
    axis_edge.set_ylabel(r"measured $-$ predicted right edge ($1/\tau_h$)")
    axis_edge.set_title("right edge, finite-N scaling")
    axis_edge.legend(frameon=False, fontsize="small")
    axis_outside.set_xlabel(r"$1/\sqrt{N}$")
    axis_outside.set_ylabel("fraction of eigenvalues outside")
    axis_outside.set_title("outside the predicted boundary")
    axis_outside.set_xlim(left=0)
    axis_edge.set_xlim(left=0)

    axis_zero = figure.add_subplot(grid[1, 2:])
    eps_values = largest["epsilon"].values
    shades = palette(eps_values.size)
    for eps, shade in zip(eps_values, shades):
        measured = largest["near_zero_fraction"].sel(epsilon=eps)
        predicted = largest["near_zero_predicted"].sel(epsilon=eps).mean("seed")
        mean = measured.mean("seed")
        error = measured.std("seed", ddof=1) / np.sqrt(measured.sizes["seed"])
        width = 2.0 if np.isclose(eps, claim_eps) else 1.0
        axis_zero.errorbar(alphas, mean, yerr=error, fmt="o-", color=shade, capsize=3, lw=width,
                           ms=4, label=rf"network, $\epsilon$ = {eps:g}")
        axis_zero.plot(alphas, predicted, ls="--", color=shade, lw=1)
    axis_zero.plot([], [], ls="--", color="grey", label=r"$P(\sigma_z < \epsilon)/3$")
    axis_zero.set_xlabel(r"$\alpha_z$")
    axis_zero.set_ylabel(r"fraction with $|\lambda| < \epsilon$")
    axis_zero.set_title(f"slow modes, N = {int(N_max)} (mean ± s.e. over networks)")
    axis_zero.legend(frameon=False, fontsize="small", ncol=2)
    figure.suptitle(
        rf"Jacobian spectra vs RMT: $g_h$ = {float(spectra['g_h']):g}; boundary $\rho(M(\lambda)) = 1$ "
        "with each network's own unit averages"
    )
    return figure


def _cloud(axis, point: xr.Dataset, seed, colour, title: str) -> None:
    """All eigenvalues of a point (every seed and sample) and the boundary of one seed."""
    real = point["eig_real"].values.ravel()
    imag = point["eig_imag"].values.ravel()
    keep = np.isfinite(real)
    axis.scatter(real[keep], imag[keep], s=1.5, color=colour, alpha=0.35, lw=0)
    curve = point.sel(seed=seed)
    axis.plot(np.append(curve["boundary_real"], curve["boundary_real"][0]),
              np.append(curve["boundary_imag"], curve["boundary_imag"][0]), color="k", lw=1)
    axis.axvline(0, color="grey", lw=0.6)
    right = max(float(curve["boundary_real"].max()), float(np.nanmax(real))) + 0.1
    left = float(curve["boundary_real"].min()) - 0.2
    axis.set_xlim(left, right)
    half = 0.6 * float(np.abs(curve["boundary_imag"]).max()) + 0.2
    axis.set_ylim(-half, half)
    axis.set_xlabel(r"Re $\lambda$ ($1/\tau_h$)")
    axis.set_ylabel(r"Im $\lambda$")
    axis.set_title(title, fontsize="small")


def _mean_band(axis, x, per_network: xr.DataArray, colour, label: str) -> None:
    mean = per_network.mean("seed").values
    error = (per_network.std("seed", ddof=1) / np.sqrt(per_network.sizes["seed"])).values
    axis.errorbar(x, mean, yerr=error, fmt="o-", color=colour, capsize=3, ms=4, lw=1, label=label)
