"""Merge the per-job datasets of a stage into one (rules merge_*)."""

from gatedrnn.io import merge_datasets, read_dataset, write_dataset
from gatedrnn.progress import log_to_file

log_to_file(snakemake.log[0])
merged = merge_datasets([read_dataset(path) for path in snakemake.input])
write_dataset(merged, snakemake.output[0])
