"""Tangent-DMFT maximal exponent or adjoint-DMFT gradient growth rate at one point and noise
seed (rules dmft_max_lyapunov, dmft_adjoint)."""

from gatedrnn import GatedRNN
from gatedrnn.dmft import adjoint_growth_rate, max_lyapunov
from gatedrnn.io import as_sweep_point, write_dataset
from gatedrnn.progress import log_to_file

SOLVERS = {"tangent": max_lyapunov, "adjoint": adjoint_growth_rate}

log_to_file(snakemake.log[0])
noise_seed = snakemake.params.noise_seed
solve = SOLVERS[snakemake.params.problem]
result = solve(GatedRNN(**snakemake.params.model), seed=noise_seed, **snakemake.params.solver)
result = result.assign_coords(
    noise_seed=((), noise_seed, {"long_name": "seed of the DMFT noise", "units": "1"})
)
write_dataset(as_sweep_point(result, ["g_h", "alpha_z", "noise_seed"]), snakemake.output[0])
