"""The shared look of all figures, shared plot elements, and saving as PNG + PDF."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import seaborn as sns  # noqa: E402

__all__ = ["apply_style", "palette", "size_trend", "save_figure", "plt"]


def apply_style() -> None:
    """Seaborn 'ticks' style at paper scale, the same for every figure."""
    sns.set_theme(context="paper", style="ticks", font_scale=1.0)
    plt.rcParams.update({"figure.dpi": 150, "savefig.bbox": "tight", "axes.titlesize": "medium"})


def palette(n: int) -> list:
    """n colours ordered from light to dark (for a parameter that grows)."""
    return sns.color_palette("viridis_r", n)


def size_trend(axis, per_network, colour, label: str) -> None:
    """Seed means (± s.e.) of a per-network quantity against 1/N, and the 1/N line through the
    two largest N extended to 1/N = 0 (the extrapolation the claims use).

    per_network : xarray.DataArray with dims (N, seed); NaN entries are left out.
    """
    per_network = per_network.dropna("N", how="all")
    count = per_network.notnull().sum("seed")
    mean = per_network.mean("seed").values
    error = (per_network.std("seed", ddof=1) / np.sqrt(count)).values
    inverse = 1.0 / per_network["N"].values
    axis.errorbar(inverse, mean, yerr=error, fmt="o", ms=4, capsize=3, color=colour, label=label)
    if inverse.size >= 2:
        first, second = np.argsort(inverse)[:2]
        slope = (mean[second] - mean[first]) / (inverse[second] - inverse[first])
        intercept = mean[first] - slope * inverse[first]
        axis.plot([0.0, inverse[second]], [intercept, intercept + slope * inverse[second]],
                  color=colour, ls="--", lw=0.8)


def save_figure(figure, paths: list[str | os.PathLike]) -> None:
    """Save to every path (format from the suffix), atomically, and close the figure."""
    for path in map(Path, paths):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.stem}.partial-{os.getpid()}{path.suffix}")
        try:
            figure.savefig(tmp)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    plt.close(figure)
