"""Solve the alpha_z = 0 stationary DMFT exactly at one g_h (rule dmft_deterministic)."""

from gatedrnn import GatedRNN
from gatedrnn.dmft import stationary
from gatedrnn.io import as_sweep_point, write_dataset
from gatedrnn.progress import log_to_file

log_to_file(snakemake.log[0])
params = GatedRNN(**snakemake.params.model)
solution = stationary(params, method="deterministic", **snakemake.params.solver)
write_dataset(as_sweep_point(solution, ["g_h"]), snakemake.output[0])
