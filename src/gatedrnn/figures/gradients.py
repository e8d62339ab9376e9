"""Figure: gradient norms backwards in time against the maximal Lyapunov exponent (claim C9)."""

from __future__ import annotations

import numpy as np
import xarray as xr

from .style import apply_style, palette, plt

__all__ = ["gradients_figure"]


def gradients_figure(gradients: xr.Dataset, mle: xr.Dataset, theory: xr.Dataset,
                     adjoint: xr.Dataset | None = None, claim_g_h: float = 4.0):
    """log |dL/dx(T - s)| against s; backward growth rate against g_h with the MLE; rate vs
    alpha_z at one gain.

    Parameters
    ----------
    gradients : Dataset of merge_gradients (dims N, g_h, alpha_z, seed, backward_time, trial).
    mle : Dataset of merge_lyapunov_mle (the same networks' maximal exponents).
    theory : Dataset with the frozen-gate DMFT maximal exponent over g_h (alpha_z = 0).
    adjoint : Dataset of the adjoint DMFT (dims g_h, alpha_z, noise_seed, lag), optional:
        DMFT growth rates (stars) and the adjoint autocorrelation panel.
    claim_g_h : float
        Gain of the alpha_z panel.

    Returns
    -------
    matplotlib.figure.Figure
    """
    apply_style()
    N = int(gradients["N"].values.max())
    data = gradients.sel(N=N)
    figure, (axis_norm, axis_rate, axis_alpha, axis_corr) = plt.subplots(
        1, 4, figsize=(16.5, 3.6), layout="constrained")
    alphas = data["alpha_z"].values
    alpha_colours = dict(zip(alphas, palette(alphas.size)))
    gains = data["g_h"].values
    gain_colours = dict(zip(gains, palette(gains.size)))
    for g_h in gains:
        curve = data["log_adjoint_norm"].sel(g_h=g_h, alpha_z=0.0).mean(("seed", "trial"))
        axis_norm.plot(data["backward_time"], curve, color=gain_colours[g_h], lw=1,
                       label=rf"$g_h$ = {g_h:g}, $\alpha_z$ = 0")
    for alpha_z in alphas[alphas > 0]:
        curve = data["log_adjoint_norm"].sel(g_h=claim_g_h, alpha_z=alpha_z)
        if curve.notnull().any():
            axis_norm.plot(data["backward_time"], curve.mean(("seed", "trial")), ls="--",
                           color=alpha_colours[alpha_z], lw=1,
                           label=rf"$g_h$ = {claim_g_h:g}, $\alpha_z$ = {alpha_z:g}")
    axis_norm.axhline(0, color="grey", lw=0.6)
    axis_norm.set_xlabel(r"backward time $s = T - t$ ($\tau_h$)")
    axis_norm.set_ylabel(r"$\log |\partial L/\partial x(T-s)|$ (relative)")
    axis_norm.set_title(f"gradient norm backwards, N = {N}")
    axis_norm.legend(frameon=False, fontsize="x-small")

    frozen = theory.sel(alpha_z=0.0) if "alpha_z" in theory.dims else theory
    axis_rate.plot(frozen["g_h"], frozen["max_lyapunov"], color="k", lw=1.2,
                   label=r"DMFT MLE, $\alpha_z$ = 0")
    for alpha_z in mle["alpha_z"].values:
        rate = data["growth_rate_mean"].sel(alpha_z=alpha_z).dropna("g_h", how="all")
        exponent = mle["mle"].sel(N=N, alpha_z=alpha_z).dropna("g_h", how="all")
        colour = alpha_colours.get(alpha_z, "grey")
        axis_rate.errorbar(rate["g_h"], rate.mean("seed"), yerr=_error(rate), fmt="o", ms=5,
                           capsize=3, color=colour, label=rf"gradient rate, $\alpha_z$ = {alpha_z:g}")
        axis_rate.errorbar(exponent["g_h"] + 0.05, exponent.mean("seed"), yerr=_error(exponent),
                           fmt="s", ms=4, capsize=3, mfc="none", color=colour,
                           label=rf"network MLE, $\alpha_z$ = {alpha_z:g}")
    if adjoint is not None:
        for alpha_z in adjoint["alpha_z"].values:
            rates = adjoint["growth_rate"].sel(alpha_z=alpha_z)
            axis_rate.errorbar(adjoint["g_h"], rates.mean("noise_seed"),
                               yerr=rates.std("noise_seed", ddof=1) / np.sqrt(rates.sizes["noise_seed"]),
                               fmt="*", ms=10, mec="k", capsize=3,
                               color=alpha_colours.get(alpha_z, "grey"),
                               label=rf"adjoint DMFT, $\alpha_z$ = {alpha_z:g}")
            for g_h in adjoint["g_h"].values:
                correlation = adjoint["C_a_h"].sel(g_h=g_h, alpha_z=alpha_z).mean("noise_seed")
                axis_corr.plot(adjoint["lag"], correlation / correlation.isel(lag=0),
                               color=alpha_colours.get(alpha_z, "grey"), lw=1,
                               label=rf"$g_h$ = {g_h:g}, $\alpha_z$ = {alpha_z:g}")
        axis_corr.set_xlim(0, 60)
        axis_corr.axhline(0, color="grey", lw=0.6)
        axis_corr.set_xlabel(r"lag $\tau$ ($\tau_h$)")
        axis_corr.set_ylabel(r"$\langle a_h(t) a_h(t+\tau)\rangle$ (normalised)")
        axis_corr.set_title("adjoint autocorrelation (DMFT)")
        axis_corr.legend(frameon=False, fontsize="x-small")
    else:
        axis_corr.set_visible(False)
    axis_rate.axhline(0, color="grey", lw=0.6)
    axis_rate.set_xlabel(r"$g_h$")
    axis_rate.set_ylabel(r"rate ($1/\tau_h$)")
    axis_rate.set_title("backward growth rate vs MLE (C9.growth)")
    axis_rate.legend(frameon=False, fontsize="x-small")

    at_gain = data["growth_rate_mean"].sel(g_h=claim_g_h).dropna("alpha_z", how="all")
    axis_alpha.errorbar(at_gain["alpha_z"], at_gain.mean("seed"), yerr=_error(at_gain), fmt="o-",
                        color="k", capsize=3, ms=5, lw=1)
    axis_alpha.axhline(0, color="grey", lw=0.6)
    axis_alpha.set_xlabel(r"$\alpha_z$")
    axis_alpha.set_ylabel(r"backward growth rate ($1/\tau_h$)")
    axis_alpha.set_title(rf"$g_h$ = {claim_g_h:g}: gradients kept alive (C9.alive)")
    return figure


def _error(per_network: xr.DataArray) -> np.ndarray:
    count = per_network.notnull().sum("seed")
    return (per_network.std("seed", ddof=1) / np.sqrt(count)).values
