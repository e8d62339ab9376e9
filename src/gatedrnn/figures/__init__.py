"""One function per figure: dataset(s) in, matplotlib Figure out."""

from .classical_limit import classical_limit_figure
from .dmft_vs_network import dmft_vs_network_figure
from .gating_timescales import gating_timescales_figure
from .gradients import gradients_figure
from .jacobian_spectra import jacobian_spectra_figure
from .lyapunov_spectra import lyapunov_spectra_figure
from .max_lyapunov import max_lyapunov_figure
from .memory import memory_figure
from .transition import transition_figure
from .style import save_figure

__all__ = [
    "classical_limit_figure",
    "dmft_vs_network_figure",
    "gating_timescales_figure",
    "gradients_figure",
    "jacobian_spectra_figure",
    "lyapunov_spectra_figure",
    "max_lyapunov_figure",
    "memory_figure",
    "transition_figure",
    "save_figure",
    "FIGURES",
]

#: Figure name (as used in results/figures/<name>.png) -> function.
FIGURES = {
    "classical_limit": classical_limit_figure,
    "dmft_vs_network": dmft_vs_network_figure,
    "gating_timescales": gating_timescales_figure,
    "gradients": gradients_figure,
    "jacobian_spectra": jacobian_spectra_figure,
    "lyapunov_spectra": lyapunov_spectra_figure,
    "max_lyapunov": max_lyapunov_figure,
    "memory": memory_figure,
    "transition": transition_figure,
}
