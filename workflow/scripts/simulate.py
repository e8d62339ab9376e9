"""Simulate one network and write its stationary summary (rule simulate_*)."""

from gatedrnn import GatedRNN, Network, simulate
from gatedrnn.io import as_sweep_point, write_dataset
from gatedrnn.progress import log_to_file
from gatedrnn.summary import stationary_summary

log_to_file(snakemake.log[0])
settings = dict(snakemake.params.settings)
max_lag = settings.pop("max_lag")
sample_units = settings.pop("sample_units")
record_units = settings.pop("record_units")
N = snakemake.params.N

if snakemake.params.kind == "classical":
    params = GatedRNN.classical(**snakemake.params.model)
else:
    params = GatedRNN(**snakemake.params.model)
network = Network(params, N=N, seed=snakemake.params.seed)
trajectory = simulate(network, **settings, record_units=min(N, record_units))
summary = stationary_summary(trajectory, max_lag=max_lag, sample_units=sample_units)
write_dataset(as_sweep_point(summary, snakemake.params.sweep_dims), snakemake.output[0])
