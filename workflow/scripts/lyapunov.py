"""Lyapunov exponents of one network (rules lyapunov_spectrum, lyapunov_mle)."""

from gatedrnn import GatedRNN, Network
from gatedrnn.io import as_sweep_point, write_dataset
from gatedrnn.lyapunov import spectrum
from gatedrnn.progress import log_to_file

log_to_file(snakemake.log[0])
params = snakemake.params
network = Network(GatedRNN(**params.model), N=params.N, seed=params.seed)
exponents = spectrum(network, params.n_exponents, **params.settings)
write_dataset(as_sweep_point(exponents, params.sweep_dims), snakemake.output[0])
