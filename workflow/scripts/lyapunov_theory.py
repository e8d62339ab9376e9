"""The frozen-update-gate DMFT maximal exponent on a g_h grid (rule lyapunov_theory)."""

from gatedrnn import GatedRNN
from gatedrnn.dmft.schrodinger import max_lyapunov_curve
from gatedrnn.io import write_dataset
from gatedrnn.progress import log_to_file

log_to_file(snakemake.log[0])
params = snakemake.params
curve = max_lyapunov_curve(
    GatedRNN(**params.model), params.g_h, spacing=params.spacing
)
write_dataset(curve, snakemake.output[0])
