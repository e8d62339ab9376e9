"""Figure: DMFT correlation functions over finite-network simulations (claim C2)."""

from __future__ import annotations

import numpy as np
import xarray as xr

from ..correlation import relaxation_time
from .style import apply_style, palette, plt

__all__ = ["dmft_vs_network_figure"]

_LABELS = {"C_h": r"$C_h(\tau)$", "C_z": r"$C_z(\tau)$", "C_r": r"$C_r(\tau)$"}


def _mean_and_error(values: xr.DataArray, dim: str) -> tuple[xr.DataArray, xr.DataArray]:
    return values.mean(dim), values.std(dim, ddof=1) / np.sqrt(values.sizes[dim])


def dmft_vs_network_figure(
    simulations: xr.Dataset,
    dmft: xr.Dataset,
    exact: xr.Dataset | None = None,
    n_markers: int = 25,
):
    """C_h, C_z, C_r of the DMFT (lines, band: s.e. over noise seeds) and of finite networks
    (markers, bars: s.e. over networks) for each alpha_z both have; relaxation times.

    Parameters
    ----------
    simulations : Dataset of the sweep (dims g_h, alpha_z, seed, lag, trial)
    dmft : Dataset of DMFT solutions (dims g_h, alpha_z, noise_seed, lag)
    exact : Dataset of exact alpha_z = 0 solutions (dims g_h, lag), optional; drawn dashed
    n_markers : int
        Network markers per curve (lags subsampled).

    Returns
    -------
    matplotlib.figure.Figure
    """
    apply_style()
    g_h = np.intersect1d(simulations["g_h"].values, dmft["g_h"].values)[-1]
    network = simulations.sel(g_h=g_h)
    theory = dmft.sel(g_h=g_h)
    alphas = np.intersect1d(network["alpha_z"].values, theory["alpha_z"].values)
    colours = palette(alphas.size + 1)[1:]
    figure, axes = plt.subplots(
        4, alphas.size, figsize=(3.0 * alphas.size + 0.5, 9.0), layout="constrained",
        squeeze=False,
    )
    lags = network["lag"].values
    stride = max(1, lags.size // n_markers)
    for column, (alpha_z, colour) in enumerate(zip(alphas, colours)):
        converged = bool(theory["converged"].sel(alpha_z=alpha_z).all())
        for row, name in enumerate(("C_h", "C_z", "C_r")):
            axis = axes[row, column]
            d_mean, d_error = _mean_and_error(theory[name].sel(alpha_z=alpha_z), "noise_seed")
            d_lags = theory["lag"].values
            axis.plot(d_lags, d_mean, color=colour, ls="-" if converged else "--",
                      label="DMFT" if converged else "DMFT (not converged)")
            axis.fill_between(d_lags, d_mean - d_error, d_mean + d_error, color=colour, alpha=0.3, lw=0)
            if exact is not None and alpha_z == 0.0 and g_h in exact["g_h"].values:
                reference = exact[name].sel(g_h=g_h)
                axis.plot(reference["lag"], reference, color="k", ls="--", lw=0.8, label="exact DMFT")
            n_mean, n_error = _mean_and_error(
                network[name].sel(alpha_z=alpha_z).mean("trial"), "seed"
            )
            axis.errorbar(
                lags[::stride], n_mean.values[::stride], yerr=n_error.values[::stride],
                fmt="o", ms=3, color="k", capsize=2, lw=0.8, label=f"network N = {int(network['N'])}",
            )
            axis.set_xlim(0, lags[-1])
            if row == 0:
                axis.set_title(rf"$\alpha_z$ = {alpha_z:g}" + ("" if converged else
                                                             "\nDMFT NOT converged (dashed)"))
            if column == 0:
                axis.set_ylabel(_LABELS[name])
            if row == 2:
                axis.set_xlabel(r"lag $\tau$ ($\tau_h$)")
        if column == 0:
            axes[0, 0].legend(frameon=False, fontsize="small")

    for axis in axes[3, 1:]:
        axis.remove()
    axis_tau = axes[3, 0]
    d_tau = theory["relaxation_time"].sel(alpha_z=alphas)
    d_mean, d_error = _mean_and_error(d_tau, "noise_seed")
    solved = theory["converged"].sel(alpha_z=alphas).all("noise_seed").values.astype(bool)
    axis_tau.errorbar(alphas[solved], d_mean[solved], yerr=d_error[solved], color="C0", marker="s",
                      capsize=3, label="DMFT")
    if not solved.all():
        axis_tau.scatter(alphas[~solved], d_mean[~solved], color="C0", marker="s",
                         facecolor="none", label="DMFT, not converged (period too short)")
    per_network = relaxation_time(network["C_h"].sel(alpha_z=alphas).mean("trial"))
    for alpha_z in alphas:
        values = per_network.sel(alpha_z=alpha_z).values
        finite = np.isfinite(values)
        axis_tau.scatter(np.full(finite.sum(), alpha_z), values[finite], color="k", s=12)
        axis_tau.scatter(
            np.full((~finite).sum(), alpha_z), np.full((~finite).sum(), lags[-1]),
            color="k", marker="^", s=16,
        )
    axis_tau.scatter([], [], color="k", s=12, label=r"networks ($\blacktriangle$: > largest lag)")
    axis_tau.set_yscale("log")
    axis_tau.set_xlabel(r"$\alpha_z$")
    axis_tau.set_ylabel(r"relaxation time ($\tau_h$)")
    axis_tau.legend(frameon=False, fontsize="small")
    figure.suptitle(
        rf"DMFT vs networks: $g_h$ = {g_h:g}, {network.sizes['seed']} networks x "
        f"{network.sizes['trial']} trials, {theory.sizes['noise_seed']} DMFT noise seeds"
    )
    return figure
