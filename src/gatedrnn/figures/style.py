"""The shared look of all figures, and saving as PNG + PDF."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import seaborn as sns  # noqa: E402

__all__ = ["apply_style", "palette", "save_figure", "plt"]


def apply_style() -> None:
    """Seaborn 'ticks' style at paper scale, the same for every figure."""
    sns.set_theme(context="paper", style="ticks", font_scale=1.0)
    plt.rcParams.update({"figure.dpi": 150, "savefig.bbox": "tight", "axes.titlesize": "medium"})


def palette(n: int) -> list:
    """n colours ordered from light to dark (for a parameter that grows)."""
    return sns.color_palette("viridis_r", n)


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
