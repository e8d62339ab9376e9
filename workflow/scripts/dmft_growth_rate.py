"""Tangent-DMFT maximal exponent at one point and noise seed (rule dmft_max_lyapunov)."""

from gatedrnn import GatedRNN
from gatedrnn.dmft import max_lyapunov
from gatedrnn.io import as_sweep_point, write_dataset
from gatedrnn.progress import log_to_file

log_to_file(snakemake.log[0])
noise_seed = snakemake.params.noise_seed
exponent = max_lyapunov(
    GatedRNN(**snakemake.params.model), seed=noise_seed, **snakemake.params.solver
)
exponent = exponent.assign_coords(
    noise_seed=((), noise_seed, {"long_name": "seed of the DMFT noise", "units": "1"})
)
write_dataset(as_sweep_point(exponent, ["g_h", "alpha_z", "noise_seed"]), snakemake.output[0])
