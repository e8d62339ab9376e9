"""Figure: the update gate slows the dynamics (sample traces, C_h, relaxation time)."""

from __future__ import annotations

import numpy as np
import xarray as xr

from .style import apply_style, palette, plt

__all__ = ["gating_timescales_figure"]


def gating_timescales_figure(simulations: xr.Dataset, trace_duration: float = 100.0):
    """Traces of h and sigma_z(z) per alpha_z; C_h(tau) / C_h(0); correlation time vs alpha_z.

    Parameters
    ----------
    simulations : Dataset of the sweep (dims g_h, alpha_z, seed, lag, trial, time,
        sample_unit) as written by the pipeline's merge_gated rule.
    trace_duration : float
        Length of the sample traces shown, in tau_h.

    Returns
    -------
    matplotlib.figure.Figure
    """
    apply_style()
    g_h = simulations["g_h"].values[-1]
    data = simulations.sel(g_h=g_h)
    alphas = data["alpha_z"].values
    colours = palette(alphas.size)
    figure = plt.figure(figsize=(2.0 * max(alphas.size, 2) + 1, 6.5), layout="constrained")
    n_columns = max(alphas.size, 2)
    split = (n_columns + 1) // 2
    grid = figure.add_gridspec(3, n_columns)
    seed = data["seed"].values[0]
    time = data["time"].values
    shown = time <= time[0] + trace_duration
    for column, (alpha_z, colour) in enumerate(zip(alphas, colours)):
        point = data.sel(alpha_z=alpha_z, seed=seed)
        axis_h = figure.add_subplot(grid[0, column])
        axis_h.plot(time[shown] - time[0], point["h_sample"].values[shown], lw=0.8)
        axis_h.set_title(rf"$\alpha_z$ = {alpha_z:g}")
        axis_gate = figure.add_subplot(grid[1, column], sharex=axis_h)
        axis_gate.plot(time[shown] - time[0], point["sigma_z_sample"].values[shown], lw=0.8)
        axis_gate.set_ylim(-0.05, 1.05)
        axis_gate.set_xlabel(r"time ($\tau_h$)")
        if column == 0:
            axis_h.set_ylabel(r"$h_i(t)$")
            axis_gate.set_ylabel(r"$\sigma_z(z_i(t))$")

    axis_c = figure.add_subplot(grid[2, :split])
    lags = data["lag"].values
    for alpha_z, colour in zip(alphas, colours):
        normalised = data["C_h"].sel(alpha_z=alpha_z) / data["C_h"].sel(alpha_z=alpha_z).isel(lag=0)
        mean = normalised.mean(("seed", "trial")).values
        spread = normalised.std(("seed", "trial")).values
        axis_c.plot(lags, mean, color=colour, label=rf"$\alpha_z$ = {alpha_z:g}")
        axis_c.fill_between(lags, mean - spread, mean + spread, color=colour, alpha=0.2, lw=0)
    axis_c.axhline(np.exp(-1), color="grey", ls=":", lw=0.8)
    axis_c.set_xlabel(r"lag $\tau$ ($\tau_h$)")
    axis_c.set_ylabel(r"$C_h(\tau)/C_h(0)$")
    axis_c.legend(frameon=False, fontsize="small")

    axis_tau = figure.add_subplot(grid[2, split:])
    per_network = data["tau_int"].mean("trial")
    mean = per_network.mean("seed")
    error = per_network.std("seed", ddof=1) / np.sqrt(per_network.sizes["seed"])
    for alpha_z, colour in zip(alphas, colours):
        values = per_network.sel(alpha_z=alpha_z).values
        axis_tau.scatter(np.full(values.size, alpha_z), values, color=colour, s=12, alpha=0.7)
    axis_tau.errorbar(alphas, mean, yerr=error, color="k", capsize=3, lw=1, label="mean ± s.e.")
    axis_tau.axhline(lags[-1], color="grey", ls=":", lw=0.8, label="largest lag")
    axis_tau.set_yscale("log")
    axis_tau.set_xlabel(r"$\alpha_z$")
    axis_tau.set_ylabel(r"$\int_0^{\tau_{max}} C_h/C_h(0)\,d\tau$ ($\tau_h$)")
    axis_tau.legend(frameon=False, fontsize="small")
    figure.suptitle(
        rf"Update gate and time scales: $g_h$ = {g_h:g}, N = {int(data['N'])}, "
        f"{data.sizes['seed']} networks x {data.sizes['trial']} trials"
    )
    return figure
