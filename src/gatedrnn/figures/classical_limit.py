"""Figure: with frozen gates the gated network is the classical network, rescaled (C1)."""

from __future__ import annotations

import numpy as np
import xarray as xr

from ..dmft.classical import scs_variance
from ..simulate import params_from_coords
from .style import apply_style, palette, plt

__all__ = ["classical_limit_figure"]


def classical_limit_figure(simulations: xr.Dataset, classical: xr.Dataset):
    """C_h of the alpha = beta = 0 network against the classical network at rescaled lags,
    and the stationary variance of both against the SCS mean-field value.

    Parameters
    ----------
    simulations : Dataset of the sweep (dims g_h, alpha_z, seed, lag, trial)
    classical : Dataset of the classical networks (dims g_h, seed, lag, trial), g_h = g

    Returns
    -------
    matplotlib.figure.Figure
    """
    apply_style()
    gains = simulations["g_h"].values
    colours = palette(gains.size + 1)[1:]
    figure, (axis_c, axis_q) = plt.subplots(1, 2, figsize=(8, 3.2), layout="constrained")
    for g_h, colour in zip(gains, colours):
        gated = simulations.sel(g_h=g_h, alpha_z=0.0)
        params = params_from_coords(gated)
        g, stretch = params.classical_gain, params.classical_time_scale
        reference = classical.sel(g_h=g, method="nearest")
        lags = gated["lag"].values
        mean = gated["C_h"].mean(("seed", "trial"))
        error = gated["C_h"].mean("trial").std("seed") / np.sqrt(gated.sizes["seed"])
        axis_c.plot(lags, mean, color=colour, label=rf"gated, $g_h$ = {g_h:g}")
        axis_c.fill_between(lags, mean - error, mean + error, color=colour, alpha=0.25, lw=0)
        ref_mean = reference["C_h"].mean(("seed", "trial"))
        axis_c.plot(
            stretch * reference["lag"].values, ref_mean, color="k", ls="--", lw=0.9,
            label=rf"classical $g$ = {g:g}, lag $\times$ {stretch:g}",
        )
        q_gated = gated["q_h"].mean("trial").values
        q_classical = reference["q_h"].mean("trial").values
        x = np.full(q_gated.size, g)
        axis_q.scatter(x - 0.03, q_gated, color=colour, s=14, label=rf"gated $g_h$ = {g_h:g}")
        axis_q.scatter(x + 0.03, q_classical, color="k", marker="s", s=12)
    g_line = np.linspace(1.05, max(classical["g_h"].values.max() * 1.15, 1.5), 40)
    axis_q.plot(g_line, [scs_variance(g) for g in g_line], color="grey", label="SCS mean field")
    axis_c.set_xlim(0, simulations["lag"].values[-1] / 2)
    axis_c.set_xlabel(r"lag $\tau$ ($\tau_h$)")
    axis_c.set_ylabel(r"$C_h(\tau)$")
    axis_c.legend(frameon=False, fontsize="small")
    axis_q.set_xlabel(r"classical gain $g = g_h \sigma_r(0)$")
    axis_q.set_ylabel(r"$C_h(0)$ per network")
    axis_q.legend(frameon=False, fontsize="small")
    figure.suptitle(
        rf"Classical limit ($\alpha=\beta=0$): N = {int(simulations['N'])}, "
        f"{simulations.sizes['seed']} networks (squares: classical)"
    )
    return figure
