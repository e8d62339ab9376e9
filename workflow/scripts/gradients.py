"""Gradient norm backwards in time on one network (rule gradient_growth)."""

from gatedrnn import GatedRNN, Network
from gatedrnn.gradient_growth import backward_growth
from gatedrnn.io import as_sweep_point, write_dataset
from gatedrnn.progress import log_to_file

log_to_file(snakemake.log[0])
params = snakemake.params
network = Network(GatedRNN(**params.model), N=params.N, seed=params.seed)
growth = backward_growth(network, **params.settings)
write_dataset(as_sweep_point(growth, params.sweep_dims), snakemake.output[0])
