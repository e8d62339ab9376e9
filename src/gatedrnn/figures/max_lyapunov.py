"""Figure: the maximal Lyapunov exponent of networks against the DMFT (claims C5, C6)."""

from __future__ import annotations

import numpy as np
import xarray as xr

from .style import apply_style, palette, plt, size_trend

__all__ = ["max_lyapunov_figure"]


def max_lyapunov_figure(mle: xr.Dataset, theory: xr.Dataset, simulations: xr.Dataset | None = None,
                        sampled: xr.Dataset | None = None):
    """MLE against g_h, its trend with N, and MLE against the inverse relaxation time.

    Parameters
    ----------
    mle : Dataset of maximal exponents (dims N, g_h, alpha_z, seed; merge_lyapunov_mle).
    theory : Dataset with max_lyapunov and relaxation_time over g_h from the frozen-gate
        DMFT (alpha_z = 0; rule lyapunov_theory); an optional ``max_lyapunov_error`` and an
        ``alpha_z`` dimension add DMFT points for gated cases.
    simulations : Dataset of the simulation sweep (tau_relax over g_h, alpha_z, seed, trial),
        optional: gives network relaxation times for the third panel.
    sampled : Dataset of tangent-DMFT exponents (dims g_h, alpha_z, noise_seed), optional:
        DMFT points (mean ± standard error over noise seeds) for gated networks.

    Returns
    -------
    matplotlib.figure.Figure
    """
    apply_style()
    alphas = mle["alpha_z"].values
    colours = dict(zip(alphas, palette(alphas.size)))
    figure, (axis_gain, axis_size, axis_time) = plt.subplots(
        1, 3, figsize=(12.5, 3.6), layout="constrained"
    )
    frozen = theory.sel(alpha_z=0.0) if "alpha_z" in theory.dims else theory
    axis_gain.plot(frozen["g_h"], frozen["max_lyapunov"], color="k", lw=1.2,
                   label=r"DMFT, $\alpha_z$ = 0")
    counts = mle["mle"].notnull().any("seed").sum("g_h")
    N_sweep = int(counts["N"].values[counts.max("alpha_z").values.argmax()])
    for alpha_z in alphas:
        per_network = mle["mle"].sel(N=N_sweep, alpha_z=alpha_z).dropna("g_h", how="all")
        mean, error = _mean_error(per_network)
        axis_gain.errorbar(per_network["g_h"], mean, yerr=error, fmt="o", ms=4, capsize=3,
                           color=colours[alpha_z], label=rf"network $\alpha_z$ = {alpha_z:g}")
    if sampled is not None:
        for alpha_z in sampled["alpha_z"].values:
            seeds = sampled["max_lyapunov"].sel(alpha_z=alpha_z)
            mean, error = _mean_error(seeds.rename(noise_seed="seed"))
            axis_gain.errorbar(sampled["g_h"].values, mean, yerr=error, fmt="*", ms=10,
                               capsize=3, color=colours.get(alpha_z, "k"), mec="k",
                               label=rf"DMFT, $\alpha_z$ = {alpha_z:g}")
    axis_gain.axhline(0, color="grey", lw=0.6)
    axis_gain.set_xlabel(r"$g_h$")
    axis_gain.set_ylabel(r"$\lambda_{max}$ ($1/\tau_h$)")
    axis_gain.set_title(f"maximal exponent, N = {N_sweep} (mean ± s.e. over networks)")
    axis_gain.legend(frameon=False, fontsize="small")

    g_claim = _trend_gain(mle)
    for alpha_z in alphas:
        size_trend(axis_size, mle["mle"].sel(g_h=g_claim, alpha_z=alpha_z), colours[alpha_z],
                   rf"network $\alpha_z$ = {alpha_z:g}")
    axis_size.scatter([0.0], [float(frozen["max_lyapunov"].sel(g_h=g_claim))], marker="*",
                      s=80, color="k", zorder=3, label=r"DMFT, $\alpha_z$ = 0")
    if sampled is not None and g_claim in sampled["g_h"].values:
        for alpha_z in sampled["alpha_z"].values:
            seeds = sampled["max_lyapunov"].sel(g_h=g_claim, alpha_z=alpha_z)
            mean, error = _mean_error(seeds.rename(noise_seed="seed"))
            axis_size.errorbar([0.0], [mean], yerr=[error], fmt="*", ms=10, capsize=3,
                               color=colours.get(alpha_z, "k"), mec="k",
                               label=rf"DMFT, $\alpha_z$ = {alpha_z:g}")
    axis_size.set_xlim(left=-0.05 * axis_size.get_xlim()[1])
    axis_size.set_xlabel(r"$1/N$")
    axis_size.set_ylabel(r"$\lambda_{max}$ ($1/\tau_h$)")
    axis_size.set_title(rf"finite-N trend at $g_h$ = {g_claim:g} (dashed: 1/N extrapolation)")
    axis_size.legend(frameon=False, fontsize="small")

    chaotic = frozen["relaxation_time"].notnull()
    axis_time.plot(1.0 / frozen["relaxation_time"][chaotic], frozen["max_lyapunov"][chaotic],
                   color="k", lw=1.2, label=r"DMFT, $\alpha_z$ = 0 (along $g_h$)")
    if simulations is not None:
        _network_time_points(axis_time, mle, simulations, N_sweep, colours)
    axis_time.set_xlabel(r"$1/\tau_{relax}$ ($1/\tau_h$)")
    axis_time.set_ylabel(r"$\lambda_{max}$ ($1/\tau_h$)")
    axis_time.set_title(r"exponent and relaxation time of $C_h$ (C6)")
    axis_time.legend(frameon=False, fontsize="small")
    return figure


def _mean_error(per_network: xr.DataArray) -> tuple[np.ndarray, np.ndarray]:
    count = per_network.notnull().sum("seed")
    mean = per_network.mean("seed")
    error = per_network.std("seed", ddof=1) / np.sqrt(count)
    return mean.values, error.values


def _trend_gain(mle: xr.Dataset) -> float:
    """The g_h with the most network sizes (the N-trend point)."""
    sizes = mle["mle"].notnull().any(("seed", "alpha_z")).sum("N")
    return float(sizes["g_h"].values[sizes.values.argmax()])


def _network_time_points(axis, mle, simulations, N_sweep, colours) -> None:
    """Network MLE against 1/tau_relax of simulated networks at shared (g_h, alpha_z)."""
    if int(simulations["N"]) != N_sweep:
        axis.text(0.02, 0.02, f"simulations at N = {int(simulations['N'])}", transform=axis.transAxes,
                  fontsize="small")
    for g_h in np.intersect1d(mle["g_h"].values, simulations["g_h"].values):
        for alpha_z in np.intersect1d(mle["alpha_z"].values, simulations["alpha_z"].values):
            exponent = mle["mle"].sel(N=N_sweep, g_h=g_h, alpha_z=alpha_z).dropna("seed")
            if exponent.size < 2:
                continue
            rate = (1.0 / simulations["tau_relax"].sel(g_h=g_h, alpha_z=alpha_z)).mean("trial")
            x_mean, x_error = _mean_error(rate)
            y_mean, y_error = _mean_error(exponent)
            axis.errorbar(x_mean, y_mean, xerr=x_error, yerr=y_error, fmt="o", ms=4, capsize=3,
                          color=colours[alpha_z], label=rf"network $g_h$={g_h:g}, $\alpha_z$={alpha_z:g}")
