"""Jacobian spectrum of one network against RMT (rules spectra_trajectory, spectra_fixed_point)."""

from gatedrnn import GatedRNN, Network
from gatedrnn.io import as_sweep_point, write_dataset
from gatedrnn.progress import log_to_file
from gatedrnn.rmt_comparison import fixed_point_comparison, trajectory_comparison

log_to_file(snakemake.log[0])
params = snakemake.params
network = Network(GatedRNN(**params.model), N=params.N, seed=params.seed)
compare = trajectory_comparison if params.kind == "trajectory" else fixed_point_comparison
result = compare(network, **params.settings)
write_dataset(as_sweep_point(result, params.sweep_dims), snakemake.output[0])
