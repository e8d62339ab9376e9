"""One function per figure: dataset(s) in, matplotlib Figure out."""

from .classical_limit import classical_limit_figure
from .dmft_vs_network import dmft_vs_network_figure
from .gating_timescales import gating_timescales_figure
from .style import save_figure

__all__ = [
    "classical_limit_figure",
    "dmft_vs_network_figure",
    "gating_timescales_figure",
    "save_figure",
    "FIGURES",
]

#: Figure name (as used in results/figures/<name>.png) -> function.
FIGURES = {
    "classical_limit": classical_limit_figure,
    "dmft_vs_network": dmft_vs_network_figure,
    "gating_timescales": gating_timescales_figure,
}
