"""Figure: the discontinuous transition to chaos with an output gate, and phase diagrams
(claims C7, C8)."""

from __future__ import annotations

import numpy as np
import xarray as xr

from ..bistability import chaotic_mle_by_size
from ..marginal_stability import classify_networks
from .style import apply_style, palette, plt, size_trend

__all__ = ["transition_figure"]

GAINS = (
    ("proliferation_gain", "fixed points proliferate", ":"),
    ("chaos_onset_gain", "chaos onset", "--"),
    ("zero_fixed_point_gain", "zero FP unstable", "-."),
)


def transition_figure(transition: xr.Dataset, phase: xr.Dataset, network: xr.Dataset | None = None,
                      kick: xr.Dataset | None = None, alpha_z_phase: xr.Dataset | None = None,
                      trend: xr.Dataset | None = None, marginal_fraction: float = 0.02,
                      quiescent_q_h: float = 1e-3):
    """Branches and critical gains at a strong output gate; (g_h, alpha_r), (g_h, beta_r) and
    (g_h, alpha_z) phase diagrams.

    Parameters
    ----------
    transition : Dataset of the rule transition_branches (critical gains and branch_curve).
    phase : Dataset of merge_phase_diagram (critical gains over alpha_r, beta_r).
    network : Dataset of finite-network sweeps at the strong gate (merge_transition_network;
        dims g_h, seed, init, trial, time), optional.
    kick : Dataset of input-induced chaos runs (merge_transition_kick; dims alpha_r, seed,
        trial, time), optional.
    alpha_z_phase : Dataset of merge_phase_alpha_z (Jacobian spectra of networks over g_h,
        alpha_z, seed at alpha_r = 0), optional.
    trend : Dataset of merge_transition_trend (attractor survey at a larger N; dims N, g_h,
        seed, ...), optional; needs `network`.
    marginal_fraction, quiescent_q_h : thresholds of
        `gatedrnn.marginal_stability.classify_networks`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    apply_style()
    figure, axes = plt.subplots(3, 3, figsize=(13.5, 11.0), layout="constrained")
    (axis_branch, axis_mle, axis_count), (axis_kick, axis_alpha, axis_beta) = axes[:2]
    axis_az, axis_near_zero, axis_trend = axes[2]
    if alpha_z_phase is not None:
        _alpha_z_panels(axis_az, axis_near_zero, alpha_z_phase, marginal_fraction, quiescent_q_h)
    else:
        axis_az.set_visible(False)
        axis_near_zero.set_visible(False)
    if trend is not None and network is not None:
        _trend_panel(axis_trend, network, trend, transition)
    else:
        axis_trend.set_visible(False)
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
    # one g_h axis for the branches, the exponents and the network counts
    gain_values = [transition["g_h"].values] + ([network["g_h"].values] if network is not None else [])
    low = min(float(np.min(v)) for v in gain_values)
    high = max(float(np.max(v)) for v in gain_values)
    margin = 0.03 * (high - low)
    for axis in (axis_branch, axis_mle, axis_count):
        axis.set_xlim(low - margin, high + margin)
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


def _cell_edges(centres: np.ndarray) -> np.ndarray:
    """Edges of grid cells around sorted centres (midpoints; end cells mirrored)."""
    middle = 0.5 * (centres[1:] + centres[:-1])
    return np.concatenate([[2 * centres[0] - middle[0]], middle, [2 * centres[-1] - middle[-1]]])


def _alpha_z_panels(axis_map, axis_fraction, phase: xr.Dataset, marginal_fraction: float,
                    quiescent_q_h: float) -> None:
    """(g_h, alpha_z) phase diagram from network spectra, and the near-zero eigenvalue
    fraction against alpha_z with its prediction P(sigma_z < eps) / 3."""
    classes = classify_networks(phase, marginal_fraction, quiescent_q_h)
    phase = phase.sortby(["g_h", "alpha_z"])
    classes = classes.sortby(["g_h", "alpha_z"])
    gains, alphas = phase["g_h"].values, phase["alpha_z"].values
    fraction = classes["near_zero_fraction"].mean("seed").transpose("alpha_z", "g_h")
    predicted = phase["near_zero_predicted"].isel(epsilon=0).mean("seed").transpose("alpha_z", "g_h")
    rows = np.arange(alphas.size)
    mesh = axis_map.pcolormesh(_cell_edges(gains), _cell_edges(rows.astype(float)), fraction,
                               cmap="viridis", shading="flat")
    plt.colorbar(mesh, ax=axis_map, label=r"fraction of eigenvalues with $|\lambda| < \epsilon$")
    markers = (("quiescent", "o", "quiescent"), ("active", "^", "active (chaotic)"),
               ("marginal", "s", "marginally stable"))
    for name, marker, label in markers:
        majority = classes[name].mean("seed").transpose("alpha_z", "g_h").values > 0.5
        row, column = np.nonzero(majority)
        axis_map.scatter(gains[column], rows[row], marker=marker, s=30, facecolor="white",
                         edgecolor="k", label=label, zorder=3)
    if gains.size > 1 and alphas.size > 1:
        axis_map.contour(gains, rows, predicted, levels=[marginal_fraction], colors="w",
                         linestyles="--", linewidths=1)
    zero_gain = 1.0 + np.exp(float(phase["beta_r"]))
    axis_map.axvline(zero_gain, color="tab:red", lw=1.5,
                     label=rf"zero FP unstable, $g_h = 1 + e^{{\beta_r}}$ = {zero_gain:.3g}")
    axis_map.set_yticks(rows, [f"{a:g}" for a in alphas])
    axis_map.set_xlabel(r"$g_h$")
    axis_map.set_ylabel(r"$\alpha_z$")
    epsilon = float(phase["epsilon"].values.ravel()[0])
    times = np.asarray(phase["time"].values, dtype=float)
    axis_map.set_title(
        rf"$(g_h, \alpha_z)$ at $\alpha_r$ = 0, N = {int(phase['N'])}, t = "
        f"{np.nanmin(times):g}-{np.nanmax(times):g}: marginal if "
        rf"$\geq${marginal_fraction:g} of eigenvalues in $|\lambda|<${epsilon:g}"
        "\n(dashed: RMT $P(\\sigma_z<\\epsilon)/3$ at that level)", fontsize="small")
    axis_map.legend(frameon=False, fontsize="x-small", loc="upper center",
                    bbox_to_anchor=(0.5, -0.14), ncol=2)

    measured = classes["near_zero_fraction"]
    prediction = phase["near_zero_predicted"].isel(epsilon=0)
    for g_h, colour in zip(gains, palette(gains.size)):
        values = measured.sel(g_h=g_h)
        axis_fraction.errorbar(alphas, values.mean("seed"),
                               yerr=values.std("seed", ddof=1) / np.sqrt(values.sizes["seed"]),
                               fmt="o", ms=4, capsize=3, color=colour, label=rf"$g_h$ = {g_h:g}")
        axis_fraction.plot(alphas, prediction.sel(g_h=g_h).mean("seed"), "-", color=colour, lw=1)
    axis_fraction.axhline(marginal_fraction, color="grey", ls=":", lw=1,
                          label="marginal-stability level")
    axis_fraction.set_xlabel(r"$\alpha_z$")
    axis_fraction.set_ylabel(rf"fraction with $|\lambda| < ${epsilon:g}")
    axis_fraction.set_title("networks (mean ± s.e. over seeds) vs\n"
                            r"$P(\sigma_z < \epsilon)/3$ of the same states (lines)",
                            fontsize="small")
    axis_fraction.legend(frameon=False, fontsize="x-small")


def _trend_panel(axis, network: xr.Dataset, trend: xr.Dataset, transition: xr.Dataset) -> None:
    """Chaotic networks' maximal exponent against 1/N at the trend gains, with the 1/N line
    through the two largest sizes and the DMFT chaotic branch at 1/N = 0."""
    branch = transition["chaotic_max_lyapunov_upper"]
    for g_h, colour in zip(trend["g_h"].values, palette(trend.sizes["g_h"])):
        size_trend(axis, chaotic_mle_by_size([network, trend], g_h), colour,
                   rf"networks, $g_h$ = {g_h:g}")
        axis.plot([0.0], [float(branch.sel(g_h=g_h))], "*", ms=10, color=colour,
                  label=rf"DMFT branch, $g_h$ = {g_h:g}")
    axis.set_xlim(left=-0.0001)
    axis.ticklabel_format(axis="x", style="sci", scilimits=(0, 0))
    axis.set_xlabel(r"$1/N$")
    axis.set_ylabel(r"$\lambda_{max}$ ($1/\tau_h$)")
    axis.set_title(rf"chaotic networks' MLE at $\alpha_r$ = {float(transition['alpha_r']):g}:"
                   "\nN trend to the DMFT branch (C7.network_mle)", fontsize="small")
    axis.legend(frameon=False, fontsize="x-small")
