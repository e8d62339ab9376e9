"""Figure: the update gate holds part of an input pulse; a gate drive erases it (claim C4)."""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from .style import apply_style, palette, plt

__all__ = ["memory_figure"]


def memory_figure(pulse: xr.Dataset, train: xr.Dataset, reset: xr.Dataset):
    """Pulse readout over time, retained fraction vs alpha_z, pulse-train accumulation, reset.

    Parameters
    ----------
    pulse, train, reset : Datasets of the pipeline's merge_memory rule (dims alpha_z, seed,
        time, trial; train also pulse), from `gatedrnn.memory`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    apply_style()
    alphas = pulse["alpha_z"].values
    colours = dict(zip(alphas, palette(alphas.size)))
    figure, axes = plt.subplots(1, 4, figsize=(14, 3.5), layout="constrained")
    axis_pulse, axis_fraction, axis_train, axis_reset = axes
    settings = json.loads(pulse.attrs["settings"])
    for alpha_z in alphas:
        mean = pulse["readout_mean"].sel(alpha_z=alpha_z).mean("seed")
        axis_pulse.plot(pulse["time"], mean, color=colours[alpha_z], lw=1,
                        label=rf"$\alpha_z$ = {alpha_z:g}")
    axis_pulse.axvspan(0, settings["pulse_duration"], color="grey", alpha=0.2, lw=0, label="pulse")
    axis_pulse.axhline(0, color="grey", lw=0.6)
    axis_pulse.set_xlabel(r"time since pulse onset ($\tau_h$)")
    axis_pulse.set_ylabel(r"readout $w\cdot\Delta h/\sqrt{N}$")
    axis_pulse.set_title("one pulse (mean over trials and networks)")
    axis_pulse.legend(frameon=False, fontsize="small")

    fraction = pulse["retained_fraction"]
    for alpha_z in alphas:
        values = fraction.sel(alpha_z=alpha_z).values
        axis_fraction.scatter(np.full(values.size, alpha_z), values, color=colours[alpha_z], s=14)
    mean = fraction.mean("seed")
    error = fraction.std("seed", ddof=1) / np.sqrt(fraction.sizes["seed"])
    axis_fraction.errorbar(alphas, mean, yerr=error, color="k", capsize=3, lw=1, label="mean ± s.e.")
    axis_fraction.axhline(0, color="grey", lw=0.6)
    axis_fraction.set_xlabel(r"$\alpha_z$")
    axis_fraction.set_ylabel("held readout / readout at pulse end")
    axis_fraction.set_title("retained fraction (C4.memory)")
    axis_fraction.legend(frameon=False, fontsize="small")

    for alpha_z in train["alpha_z"].values:
        held = train["held_mean"].sel(alpha_z=alpha_z)
        axis_train.errorbar(train["pulse"], held.mean("seed"),
                            yerr=held.std("seed", ddof=1) / np.sqrt(held.sizes["seed"]),
                            fmt="o-", ms=4, capsize=3, color=colours[alpha_z], lw=1,
                            label=rf"$\alpha_z$ = {alpha_z:g}")
    axis_train.axhline(0, color="grey", lw=0.6)
    axis_train.set_xlabel("pulses received")
    axis_train.set_ylabel("readout held after the gap")
    axis_train.set_title("pulse train (integration)")
    axis_train.legend(frameon=False, fontsize="small")

    reset_settings = json.loads(reset.attrs["settings"])
    start = reset_settings["pulse_duration"] + reset_settings["t_hold"]
    alpha_reset = float(reset["alpha_z"].values[0])
    for name, style, label in (("readout_mean", "-", "with reset"),
                               ("readout_mean_control", "--", "without reset")):
        axis_reset.plot(reset["time"], reset[name].isel(alpha_z=0).mean("seed"), ls=style,
                        color=colours.get(alpha_reset, "k"), lw=1, label=label)
    axis_reset.axvspan(0, reset_settings["pulse_duration"], color="grey", alpha=0.2, lw=0)
    axis_reset.axvspan(start, start + reset_settings["reset_duration"], color="tab:red",
                       alpha=0.15, lw=0, label=rf"$u^z$ = {reset_settings['reset_drive']:g}")
    axis_reset.axhline(0, color="grey", lw=0.6)
    axis_reset.set_xlabel(r"time since pulse onset ($\tau_h$)")
    axis_reset.set_ylabel(r"readout")
    axis_reset.set_title(rf"reset by the update gate, $\alpha_z$ = {alpha_reset:g} (C4.reset)")
    axis_reset.legend(frameon=False, fontsize="small")
    figure.suptitle(
        rf"Memory: $g_h$ = {float(pulse['g_h']):g}, N = {int(pulse['N'])}, "
        f"{pulse.sizes['seed']} networks x {pulse.sizes['trial']} trials"
    )
    return figure
