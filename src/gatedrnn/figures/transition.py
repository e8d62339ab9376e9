"""Figure: the discontinuous transition to chaos with an output gate, and phase diagrams
(claims C7, C8)."""

from __future__ import annotations

import numpy as np
import xarray as xr

from .style import apply_style, palette, plt

__all__ = ["transition_figure"]

GAINS = (
    ("proliferation_gain", "fixed points proliferate", ":"),
    ("chaos_onset_gain", "chaos onset", "--"),
    ("zero_fixed_point_gain", "zero FP unstable", "-."),
)


def transition_figure(transition: xr.Dataset, phase: xr.Dataset, network: xr.Dataset | None = None,
                      kick: xr.Dataset | None = None):
    """Branches and critical gains at a strong output gate; (g_h, alpha_r) and (g_h, beta_r)
    phase diagrams.

    Parameters
    ----------
    transition : Dataset of the rule transition_branches (critical gains and branch_curve).
    phase : Dataset of merge_phase_diagram (critical gains over alpha_r, beta_r).
    network : Dataset of finite-network sweeps at the strong gate (merge_transition_network;
        dims g_h, seed, init, trial, time), optional.
    kick : Dataset of input-induced chaos runs (merge_transition_kick; dims alpha_r, seed,
        trial, time), optional.

    Returns
    -------
    matplotlib.figure.Figure
    """
    apply_style()
    figure, axes = plt.subplots(2, 3, figsize=(13.5, 7.4), layout="constrained")
    (axis_branch, axis_mle, axis_count), (axis_kick, axis_alpha, axis_beta) = axes
    gains = transition["g_h"].values
    for name, style, label in (
        ("static_delta_h_upper", "-", r"static $\Delta_h$ (upper)"),
        ("static_delta_h_lower", "--", r"static $\Delta_h$ (lower)"),
        ("chaotic_variance_upper", "-", r"chaotic $C_h(0)$ (upper)"),
        ("chaotic_variance_lower", "--", r"chaotic $C_h(0)$ (lower)"),
    ):
        colour = "tab:blue" if name.startswith("static") else "tab:red"
        axis_branch.plot(gains, transition[name], ls=style, color=colour, label=label)
    for name in ("chaotic_max_lyapunov_upper", "chaotic_max_lyapunov_lower"):
        axis_mle.plot(gains, transition[name], ls="-" if name.endswith("upper") else "--",
                      color="tab:red", label=f"DMFT ({name.rsplit('_', 1)[1]} branch)")
    axis_mle.plot([float(transition["chaos_onset_gain"])],
                  [float(transition["chaos_onset_max_lyapunov"])], "o", color="tab:red",
                  label="MLE at onset (jump)")
    if network is not None:
        large = network.sel(init="large")
        exponents = large["mle"].where(large["chaotic"] > 0).stack(run=("seed", "trial"))
        count = exponents.notnull().sum("run")
        axis_mle.errorbar(large["g_h"], exponents.mean("run"),
                          yerr=exponents.std("run", ddof=1) / np.sqrt(count), fmt="s", ms=4,
                          capsize=3, color="k",
                          label=f"chaotic networks, N = {int(network['N'])} (large init)")
        _network_panel(axis_count, network, transition)
    else:
        axis_count.set_visible(False)
    if kick is not None:
        _kick_panel(axis_kick, kick)
    else:
        axis_kick.set_visible(False)
    for axis in (axis_branch, axis_mle):
        for name, label, style in GAINS:
            axis.axvline(float(transition[name]), color="grey", ls=style, lw=1, label=label)
        axis.set_xlabel(r"$g_h$")
        axis.legend(frameon=False, fontsize="x-small")
    axis_branch.set_ylabel("variance")
    axis_mle.set_ylabel(r"$\lambda_{max}$ ($1/\tau_h$)")
    axis_mle.axhline(0, color="grey", lw=0.6)
    setting = (rf"$\alpha_r$ = {float(transition['alpha_r']):g}, "
               rf"$\beta_r$ = {float(transition['beta_r']):g}")
    axis_branch.set_title(f"DMFT branches, {setting}")
    axis_mle.set_title(f"maximal exponent, {setting}")

    betas = phase["beta_r"].values
    colours = palette(betas.size)
    for beta_r, colour in zip(betas, colours):
        point = phase.sel(beta_r=beta_r)
        for name, label, style in GAINS:
            axis_alpha.plot(point["alpha_r"], point[name], ls=style, color=colour,
                            label=rf"$\beta_r$ = {beta_r:g}" if name == "chaos_onset_gain" else None)
    middle = phase.sel(beta_r=betas[np.argmin(np.abs(betas))])
    alphas = middle["alpha_r"].values
    axis_alpha.fill_between(alphas, 0, middle["chaos_onset_gain"], color="tab:blue", alpha=0.08)
    axis_alpha.fill_between(alphas, middle["chaos_onset_gain"], middle["zero_fixed_point_gain"],
                            color="tab:purple", alpha=0.15)
    top = float(max(phase["zero_fixed_point_gain"].max(), phase["chaos_onset_gain"].max())) * 1.1
    axis_alpha.fill_between(alphas, middle["zero_fixed_point_gain"], top, color="tab:red",
                            alpha=0.08)
    label_at = alphas[-1] * 0.7 + alphas[0] * 0.3
    for text, value in (("quiescent", 0.5 * float(middle["chaos_onset_gain"].min())),
                        ("chaotic", 0.5 * (top + float(middle["zero_fixed_point_gain"].max())))):
        axis_alpha.text(label_at, value, text, ha="center", fontsize="small")
    axis_alpha.text(alphas[-1], float(middle["chaos_onset_gain"][-1]), "bistable ",
                    ha="right", va="bottom", fontsize="small")
    axis_alpha.set_ylim(0.5 * float(middle["chaos_onset_gain"].min()), top)
    axis_alpha.set_xlabel(r"$\alpha_r$")
    axis_alpha.set_ylabel(r"$g_h$")
    axis_alpha.set_title(r"$(g_h, \alpha_r)$: dotted proliferation, dashed onset, dash-dot zero FP",
                         fontsize="small")
    axis_alpha.legend(frameon=False, fontsize="x-small")

    strong = phase.sel(alpha_r=phase["alpha_r"].values.max())
    for name, label, style in GAINS:
        axis_beta.plot(strong["beta_r"], strong[name], ls=style, color="k", label=label)
    axis_beta.fill_between(strong["beta_r"], strong["chaos_onset_gain"],
                           strong["zero_fixed_point_gain"], color="tab:purple", alpha=0.15,
                           label="bistable")
    axis_beta.set_xlabel(r"$\beta_r$")
    axis_beta.set_ylabel(r"$g_h$")
    axis_beta.set_title(rf"$(g_h, \beta_r)$ at $\alpha_r$ = {float(strong['alpha_r']):g}")
    axis_beta.legend(frameon=False, fontsize="x-small")
    return figure


def _network_panel(axis, network: xr.Dataset, transition: xr.Dataset) -> None:
    """Fraction of trials on the chaotic attractor (large and small initial conditions) and
    the number of fixed points found, against g_h."""
    for init, colour in (("large", "tab:red"), ("small", "tab:blue")):
        fraction = network["fraction_chaotic"].sel(init=init)
        axis.plot(network["g_h"], fraction.mean("seed"), "o-", color=colour, ms=4,
                  label=f"chaotic fraction, {init} init")
    twin = axis.twinx()
    counts = network["census_n_fixed_points"]
    twin.errorbar(network["g_h"], counts.mean("seed"), yerr=counts.std("seed"), fmt="^--",
                  color="grey", ms=4, capsize=3, label="fixed points found")
    twin.set_ylabel("distinct fixed points (census)")
    for name, label, style in GAINS:
        axis.axvline(float(transition[name]), color="grey", ls=style, lw=1)
    axis.set_ylim(-0.05, 1.05)
    axis.set_xlabel(r"$g_h$")
    axis.set_ylabel("fraction of trials chaotic")
    axis.set_title(f"networks: N = {int(network['N'])} (attractors), census at smaller N",
                   fontsize="small")
    axis.legend(frameon=False, fontsize="x-small", loc="center left")
    twin.legend(frameon=False, fontsize="x-small", loc="lower right")


def _kick_panel(axis, kick: xr.Dataset) -> None:
    """q_h(t) after a transient input pulse, with and without the output gate."""
    for alpha_r, colour in zip(kick["alpha_r"].values, ("tab:blue", "tab:red")):
        traces = kick["q_h"].sel(alpha_r=alpha_r).stack(run=("seed", "trial"))
        for index in range(traces.sizes["run"]):
            axis.plot(kick["time"], traces.isel(run=index), color=colour, lw=0.6, alpha=0.6,
                      label=rf"$\alpha_r$ = {alpha_r:g}" if index == 0 else None)
    axis.axvspan(0, float(kick["pulse_end"].max()), color="grey", alpha=0.2, lw=0, label="input pulse")
    axis.set_yscale("log")
    axis.set_xlabel(r"time ($\tau_h$)")
    axis.set_ylabel(r"$q_h(t)$ (mean $h^2$)")
    axis.set_title(rf"input-induced chaos at $g_h$ = {float(kick['g_h']):g}", fontsize="small")
    axis.legend(frameon=False, fontsize="x-small")
