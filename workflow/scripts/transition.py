"""Critical gains and branches of the transition to chaos (rules transition_branches,
phase_point)."""

import xarray as xr

from gatedrnn import GatedRNN
from gatedrnn.io import as_sweep_point, write_dataset
from gatedrnn.progress import log_to_file
from gatedrnn.transition import branch_curve, critical_gains

log_to_file(snakemake.log[0])
params = GatedRNN(**snakemake.params.model)
gains = critical_gains(params)
if snakemake.params.kind == "branches":
    result = xr.merge(
        [gains.drop_dims("variance"), branch_curve(params, snakemake.params.g_h)],
        combine_attrs="override",
    )
else:
    result = as_sweep_point(gains.drop_dims("variance"), ["alpha_r", "beta_r"])
write_dataset(result, snakemake.output[0])
