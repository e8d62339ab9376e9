"""Figure: full Lyapunov spectra pile up near zero as the update gate sharpens (claim C5)."""

from __future__ import annotations

import numpy as np
import xarray as xr

from .style import apply_style, palette, plt

__all__ = ["lyapunov_spectra_figure"]


def lyapunov_spectra_figure(spectra: xr.Dataset, near_zero_eps: float = 0.01):
    """Full spectra against the rescaled index, the near-zero fraction and the KY dimension.

    Parameters
    ----------
    spectra : Dataset of full spectra (dims alpha_z, seed, index) as written by the
        pipeline's merge_lyapunov_spectrum rule.
    near_zero_eps : float
        Exponents with |lambda| < near_zero_eps (1/tau_h) count as near zero.

    Returns
    -------
    matplotlib.figure.Figure
    """
    apply_style()
    alphas = spectra["alpha_z"].values
    colours = palette(alphas.size)
    n_exponents = spectra.sizes["index"]
    rank = (spectra["index"].values + 0.5) / n_exponents
    figure, axes = plt.subplots(1, 4, figsize=(13, 3.4), layout="constrained")
    axis_full, axis_zoom, axis_fraction, axis_ky = axes
    for alpha_z, colour in zip(alphas, colours):
        exponents = spectra["exponents"].sel(alpha_z=alpha_z)
        for axis in (axis_full, axis_zoom):
            for seed in exponents["seed"].values:
                axis.plot(rank, exponents.sel(seed=seed), color=colour, lw=0.8, alpha=0.8,
                          label=rf"$\alpha_z$ = {alpha_z:g}" if seed == exponents["seed"][0] else None)
    for axis in (axis_full, axis_zoom):
        axis.axhline(0, color="grey", lw=0.6)
        axis.set_xlabel(r"rank $i / 3N$")
        axis.set_ylabel(r"$\lambda_i$ ($1/\tau_h$)")
    axis_zoom.axhspan(-near_zero_eps, near_zero_eps, color="grey", alpha=0.2, lw=0,
                      label=rf"$|\lambda| < {near_zero_eps:g}$")
    axis_zoom.set_xlim(0, 0.5)
    axis_zoom.set_ylim(-0.15, 0.1)
    axis_full.legend(frameon=False, fontsize="small")
    axis_zoom.legend(frameon=False, fontsize="small", loc="lower left")
    axis_full.set_title("full spectra (each line one network)")
    axis_zoom.set_title("top half, near zero")

    fraction = (np.abs(spectra["exponents"]) < near_zero_eps).mean("index")
    _seed_points(axis_fraction, fraction, alphas, colours)
    axis_fraction.set_ylabel(rf"fraction with $|\lambda| < {near_zero_eps:g}$")
    axis_fraction.set_title("near-zero exponents (C5)")
    _seed_points(axis_ky, spectra["kaplan_yorke_dimension"] / n_exponents, alphas, colours)
    axis_ky.set_ylabel(r"Kaplan–Yorke dimension / $3N$")
    axis_ky.set_title("attractor dimension")
    figure.suptitle(
        rf"Lyapunov spectra: $g_h$ = {float(spectra['g_h']):g}, N = {int(spectra['N'])} "
        f"({n_exponents} exponents), {spectra.sizes['seed']} networks per $\\alpha_z$"
    )
    return figure


def _seed_points(axis, per_network: xr.DataArray, alphas, colours) -> None:
    """One marker per network and the mean ± standard error over networks, against alpha_z."""
    for alpha_z, colour in zip(alphas, colours):
        values = per_network.sel(alpha_z=alpha_z).values
        axis.scatter(np.full(values.size, alpha_z), values, color=colour, s=14, alpha=0.8)
    mean = per_network.mean("seed")
    error = per_network.std("seed", ddof=1) / np.sqrt(per_network.sizes["seed"])
    axis.errorbar(alphas, mean, yerr=error, color="k", capsize=3, lw=1, label="mean ± s.e.")
    axis.set_xlabel(r"$\alpha_z$")
    axis.legend(frameon=False, fontsize="small")
