"""Solve the stationary DMFT at one point with one noise seed (rule dmft_stationary)."""

from gatedrnn import GatedRNN
from gatedrnn.dmft import stationary
from gatedrnn.io import as_sweep_point, write_dataset
from gatedrnn.progress import log_to_file

log_to_file(snakemake.log[0])
noise_seed = snakemake.params.noise_seed
solution = stationary(GatedRNN(**snakemake.params.model), seed=noise_seed, **snakemake.params.solver)
solution = solution.assign_coords(
    noise_seed=((), noise_seed, {"long_name": "seed of the sampler's noise", "units": "1"})
)
write_dataset(as_sweep_point(solution, ["g_h", "alpha_z", "noise_seed"]), snakemake.output[0])
