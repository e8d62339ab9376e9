"""One memory protocol on one network (rule memory)."""

from gatedrnn import GatedRNN, Network
from gatedrnn.io import as_sweep_point, write_dataset
from gatedrnn.memory import pulse_memory, pulse_train, reset_memory
from gatedrnn.progress import log_to_file

PROTOCOLS = {"pulse": pulse_memory, "train": pulse_train, "reset": reset_memory}

log_to_file(snakemake.log[0])
params = snakemake.params
network = Network(GatedRNN(**params.model), N=params.N, seed=params.seed)
result = PROTOCOLS[params.protocol](network, **params.settings)
write_dataset(as_sweep_point(result, params.sweep_dims), snakemake.output[0])
