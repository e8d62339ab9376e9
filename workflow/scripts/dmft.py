"""Solve the stationary DMFT at one point with one noise seed (rule dmft_stationary)."""

import numpy as np

from gatedrnn import GatedRNN
from gatedrnn.dmft import stationary
from gatedrnn.io import as_sweep_point, write_dataset
from gatedrnn.progress import log_to_file

log_to_file(snakemake.log[0])
noise_seed = snakemake.params.noise_seed
solver = snakemake.params.solver
output_dt, max_lag = snakemake.params.output_dt, solver["max_lag"]
model = GatedRNN(**snakemake.params.model)
if solver["dt"] == output_dt:
    solution = stationary(model, seed=noise_seed, **solver)
else:
    # one lag grid for every alpha_z of the sweep, so that merged curves have no gaps: a
    # coarser solver grid (slow points, correlations varying over 10^3-10^4 tau_h) is solved
    # up to its first lag >= max_lag and interpolated linearly onto the lags k * output_dt
    solver_lag = float(np.ceil(max_lag / solver["dt"] - 1e-9) * solver["dt"])
    solution = stationary(model, seed=noise_seed, **{**solver, "max_lag": solver_lag})
    n_out = int(np.floor(max_lag / output_dt + 1e-9)) + 1
    solution = solution.interp(lag=output_dt * np.arange(n_out))
    solution.attrs["output_lags"] = (
        f"interpolated linearly from the solver's lags k * {solver['dt']:g} onto k * {output_dt:g}"
    )
solution = solution.assign_coords(
    noise_seed=((), noise_seed, {"long_name": "seed of the sampler's noise", "units": "1"})
)
write_dataset(as_sweep_point(solution, ["g_h", "alpha_z", "noise_seed"]), snakemake.output[0])
