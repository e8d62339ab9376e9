"""Finite networks at the strong gate (rules transition_network, transition_trend,
transition_kick)."""

from gatedrnn import GatedRNN, Network
from gatedrnn.bistability import attractor_survey, fixed_point_census, input_induced_chaos
from gatedrnn.io import as_sweep_point, write_dataset
from gatedrnn.progress import log_to_file

CENSUS_SUMMARY = ("n_fixed_points", "n_stable", "n_nonzero", "n_nonzero_stable", "zero_stable",
                  "max_q_h", "n_failed", "n_found_once")

log_to_file(snakemake.log[0])
settings = snakemake.params.network
model = dict(snakemake.params.model)
seed = model.pop("seed")
params = GatedRNN(**model)
network = Network(params, N=settings["N"], seed=seed)
if snakemake.params.kind in ("network", "trend"):
    result = attractor_survey(
        network,
        n_trials=settings["n_trials"],
        t_max=settings["t_max"],
        mle_window=settings["mle_window"],
    )
    sweep_dims = ["g_h", "seed"] if snakemake.params.kind == "network" else ["N", "g_h", "seed"]
if snakemake.params.kind == "network":
    census = fixed_point_census(
        Network(params, N=settings["census_N"], seed=seed), n_starts=settings["n_starts"]
    )
    for name in CENSUS_SUMMARY:
        variable = census[name]
        variable.attrs["long_name"] = (
            f"fixed-point census at N = {settings['census_N']}: {variable.attrs['long_name']}"
        )
        result[f"census_{name}"] = variable.drop_vars(list(variable.coords))
elif snakemake.params.kind == "kick":
    result = input_induced_chaos(
        network,
        settings["kick_amplitude"],
        settings["kick_duration"],
        t_after=settings["t_after"],
        n_trials=settings["n_trials"],
        mle_window=settings["mle_window"],
    )
    sweep_dims = ["alpha_r", "seed"]
write_dataset(as_sweep_point(result, sweep_dims), snakemake.output[0])
