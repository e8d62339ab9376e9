"""Configuration checks, output paths and helpers shared by all rules (no rules here)."""

import os
from pathlib import Path

import jsonschema
import pandas as pd
import yaml
from snakemake.exceptions import WorkflowError
from snakemake.utils import Paramspace, validate

# One BLAS thread per job: parallelism comes from Snakemake jobs.
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"

ROOT = Path(workflow.basedir)
SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"


def _key(path):
    return ".".join(str(part) for part in path) or "<top level>"


def _allowed(schema):
    """A short description of what a schema node accepts."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = {
            **_SCHEMA_DOC["$defs"][name],
            **{k: v for k, v in schema.items() if k != "$ref"},
        }
    parts = []
    if "type" in schema:
        parts.append(str(schema["type"]))
    for word, symbol in (
        ("minimum", ">="),
        ("exclusiveMinimum", ">"),
        ("maximum", "<="),
        ("exclusiveMaximum", "<"),
    ):
        if word in schema:
            parts.append(f"{symbol} {schema[word]}")
    if "enum" in schema:
        parts.append(f"one of {schema['enum']}")
    if "items" in schema:
        parts.append(f"items: {_allowed(schema['items'])}")
    if schema.get("properties"):
        parts.append(f"keys: {', '.join(schema['properties'])}")
    return ", ".join(parts) or "see the schema"


def config_errors(config, schema):
    """Messages naming each offending key and what it allows (empty if config is valid)."""
    validator = jsonschema.Draft202012Validator(schema)
    messages = []
    for error in sorted(
        validator.iter_errors(config), key=lambda e: list(e.absolute_path)
    ):
        where = list(error.absolute_path)
        if error.validator == "additionalProperties":
            allowed = sorted(error.schema.get("properties", {}))
            unknown = sorted(set(error.instance) - set(allowed))
            for name in unknown:
                messages.append(
                    f"config key '{_key(where + [name])}' is not allowed; "
                    f"allowed keys here: {', '.join(allowed)}"
                )
        elif error.validator == "required":
            messages.append(f"config key '{_key(where)}': {error.message}")
        else:
            messages.append(
                f"config key '{_key(where)}' = {error.instance!r}: {error.message} "
                f"(allowed: {_allowed(error.schema)})"
            )
    return messages


def cross_key_errors(config):
    """Rules that involve several keys (config already has its defaults)."""
    simulate = config["simulate"]
    messages = []
    if config["classical_limit"]["enabled"]:
        if 0.0 not in [float(a) for a in simulate["sweep"]["alpha_z"]]:
            messages.append(
                "config key 'simulate.sweep.alpha_z' must contain 0 when "
                "'classical_limit.enabled' is true (C1 compares the alpha = 0 network)"
            )
        for name in ("alpha_r", "beta_z", "beta_r"):
            if float(simulate["model"][name]) != 0.0:
                messages.append(
                    f"config key 'simulate.model.{name}' must be 0 when "
                    "'classical_limit.enabled' is true (C1 is the alpha = beta = 0 limit)"
                )
    if config["dmft"]["enabled"]:
        claimed = set(config["dmft"]["claim_alpha_z"])
        for key, solved in (
            ("dmft.alpha_z", config["dmft"]["alpha_z"]),
            ("simulate.sweep.alpha_z", simulate["sweep"]["alpha_z"]),
        ):
            extra = sorted(claimed - set(solved))
            if extra:
                messages.append(
                    f"config key 'dmft.claim_alpha_z' has values {extra} missing from '{key}'"
                )
    spectra = config["spectra"]
    if spectra["enabled"] and float(spectra["claim_eps"]) not in [
        float(e) for e in spectra["eps"]
    ]:
        messages.append(
            f"config key 'spectra.claim_eps' = {spectra['claim_eps']!r} must be one of "
            f"'spectra.eps' = {spectra['eps']!r}"
        )
    lyapunov = config["lyapunov"]
    if lyapunov["enabled"]:
        mle = lyapunov["mle"]
        gains = [float(g) for g in mle["g_h"]]
        if float(mle["claim_g_h"]) not in gains:
            messages.append(
                f"config key 'lyapunov.mle.claim_g_h' = {mle['claim_g_h']!r} must be one "
                f"of 'lyapunov.mle.g_h' = {mle['g_h']!r}"
            )
        extra = sorted(set(mle["claim_alpha_z"]) - set(mle["alpha_z"]))
        if extra:
            messages.append(
                f"config key 'lyapunov.mle.claim_alpha_z' has values {extra} missing "
                "from 'lyapunov.mle.alpha_z'"
            )
        gated_claims = [a for a in mle["claim_alpha_z"] if float(a) != 0.0]
        if gated_claims and float(mle["claim_g_h"]) not in [
            float(g) for g in lyapunov["dmft"]["g_h"]
        ]:
            messages.append(
                f"config key 'lyapunov.mle.claim_alpha_z' has values {gated_claims} > 0: "
                f"'lyapunov.dmft.g_h' = {lyapunov['dmft']['g_h']!r} must contain "
                f"'lyapunov.mle.claim_g_h' = {mle['claim_g_h']!r}"
            )
        steps = lyapunov["qr_interval"] / lyapunov["dt"]
        if abs(steps - round(steps)) > 1e-9 or round(steps) < 1:
            messages.append(
                f"config key 'lyapunov.qr_interval' = {lyapunov['qr_interval']!r} must be "
                f"a whole multiple of 'lyapunov.dt' = {lyapunov['dt']!r}"
            )
    network = config["transition"]["network"]
    if config["transition"]["enabled"]:
        extra = sorted(
            set(float(g) for g in network["trend_g_h"])
            - set(float(g) for g in network["g_h"])
        )
        if extra:
            messages.append(
                f"config key 'transition.network.trend_g_h' has values {extra} missing "
                f"from 'transition.network.g_h' = {network['g_h']!r}"
            )
        missing = sorted(
            set(float(g) for g in network["trend_g_h"])
            - set(float(g) for g in config["transition"]["g_h"])
        )
        if missing:
            messages.append(
                f"config key 'transition.network.trend_g_h' has values {missing} missing "
                f"from 'transition.g_h' = {config['transition']['g_h']!r} (the DMFT branch "
                "it is compared with)"
            )
        if network["trend_N"] <= network["N"]:
            messages.append(
                f"config key 'transition.network.trend_N' = {network['trend_N']!r} must "
                f"be larger than 'transition.network.N' = {network['N']!r}"
            )
    if simulate["max_lag"] > simulate["t_max"] / 2:
        messages.append(
            f"config key 'simulate.max_lag' = {simulate['max_lag']!r} must be at most half "
            f"of 'simulate.t_max' = {simulate['t_max']!r}"
        )
    return messages


def check_config(config):
    """Validate config against the schema (filling defaults) and the cross-key rules."""
    messages = config_errors(config, _SCHEMA_DOC)
    if not messages:
        validate(config, str(SCHEMA), set_default=True)
        messages = cross_key_errors(config)
    if messages:
        raise WorkflowError(
            "invalid configuration:\n  "
            + "\n  ".join(messages)
            + f"\n(schema: {SCHEMA})"
        )


with open(SCHEMA) as _handle:
    _SCHEMA_DOC = yaml.safe_load(_handle)
check_config(config)


# ---- paths: every output of the pipeline is named here --------------------------------------

RESULTS = "results"
LOGS = f"{RESULTS}/logs"
BENCH = f"{RESULTS}/benchmarks"
DATASETS = f"{RESULTS}/datasets"
FIGURES = f"{RESULTS}/figures"
CLAIMS_JSON = f"{RESULTS}/claims.json"
CLAIMS_TABLE = f"{RESULTS}/claims.tsv"
CLAIMS_VERIFIED = f"{RESULTS}/claims.verified"


def library(*modules):
    """Source files of gatedrnn modules a rule depends on (edits rerun the rule)."""
    source = ROOT / "src" / "gatedrnn"
    return [
        os.path.relpath(source / f"{module}.py")
        for module in ("io", "validate", *modules)
    ]


def figure_files(name):
    return [f"{FIGURES}/{name}.png", f"{FIGURES}/{name}.pdf"]


# ---- the simulation sweep ---------------------------------------------------------------------

SIM = config["simulate"]


def _sweep_table():
    rows = [
        {
            "g_h": round(float(g_h), 6),
            "alpha_z": round(float(alpha_z), 6),
            "seed": int(seed),
        }
        for g_h in SIM["sweep"]["g_h"]
        for alpha_z in SIM["sweep"]["alpha_z"]
        for seed in SIM["seeds"]
    ]
    return pd.DataFrame(rows, columns=["g_h", "alpha_z", "seed"])


SWEEP = Paramspace(_sweep_table())
CLASSICAL_GAINS = sorted({round(float(g_h) / 2.0, 6) for g_h in SIM["sweep"]["g_h"]})
CLASSICAL_ENABLED = config["classical_limit"]["enabled"]

SIM_SETTINGS = {
    key: SIM[key]
    for key in (
        "trials",
        "dt",
        "t_burn",
        "t_max",
        "record_every",
        "max_lag",
        "sample_units",
        "record_units",
        "init_scale",
    )
}


def simulation_resources(N):
    """(mem_mb, runtime in minutes) of one simulation job, with a factor-2 margin.

    Memory: three N x N coupling matrices, the recorded trajectory and its FFT.
    Runtime: the RK4 steps stream the couplings 4 times per step (~5 GB/s assumed).
    """
    n_records = (SIM["t_max"] / SIM["dt"]) / SIM["record_every"] + 1
    recorded = n_records * min(N, SIM["record_units"]) * SIM["trials"] * 3
    mem_mb = 500 + 2 * 8 * (3 * N * N + 3 * recorded) / 1e6
    steps = (SIM["t_burn"] + SIM["t_max"]) / SIM["dt"]
    seconds = steps * 4 * (24 * N * N * max(1, SIM["trials"] / 8)) / 5e9
    return int(mem_mb), int(10 + 2 * seconds / 60)


SIM_MEM_MB, SIM_RUNTIME = simulation_resources(SIM["N"])


# ---- the stationary DMFT -----------------------------------------------------------------------

DMFT = config["dmft"]
DMFT_ENABLED = DMFT["enabled"]
# the exact alpha_z = 0 solution, reference of the sampler, when the sampler solves alpha_z = 0
DMFT_REFERENCE = DMFT_ENABLED and 0.0 in [float(a) for a in DMFT["alpha_z"]]
DMFT_SWEEP = Paramspace(
    pd.DataFrame(
        [
            {
                "g_h": round(float(g_h), 6),
                "alpha_z": round(float(a), 6),
                "noise_seed": int(s),
            }
            for g_h in SIM["sweep"]["g_h"]
            for a in DMFT["alpha_z"]
            for s in DMFT["noise_seeds"]
        ],
        columns=["g_h", "alpha_z", "noise_seed"],
    )
)
DMFT_SLOW = DMFT["slow"]


def dmft_settings(alpha_z):
    """The sampler settings at one alpha_z: `dmft.slow` from its alpha_z_min on, else `dmft`."""
    return DMFT_SLOW if float(alpha_z) >= DMFT_SLOW["alpha_z_min"] else DMFT


def dmft_solver(alpha_z):
    """Keyword arguments of gatedrnn.dmft.stationary at one alpha_z (fixed key order)."""
    settings = dmft_settings(alpha_z)
    return {
        "n_paths": settings["n_paths"],
        "dt": settings["dt"],
        "n_points": DMFT["n_points"],
        "max_points": settings["max_points"],
        "max_lag": SIM["max_lag"],
    }


def dmft_resources(alpha_z=0.0):
    """(mem_mb, runtime in minutes): the sampler caches M x max_points white noise (capped
    at 400 MB) and costs ~50 ns per path and time point per iteration, <= 40 iterations
    per doubling of the period (a factor 2 for the smaller periods).
    """
    settings = dmft_settings(alpha_z)
    mem_mb = (
        1000 + min(400, 8 * 4 * settings["n_paths"] * settings["max_points"] / 1e6) * 3
    )
    seconds = 40 * 50e-9 * settings["n_paths"] * settings["max_points"] * 2
    return int(mem_mb), int(10 + 2 * seconds / 60)


DMFT_MEM_MB, DMFT_RUNTIME = dmft_resources()


# ---- Jacobian spectra ---------------------------------------------------------------------------

SPECTRA = config["spectra"]
SPECTRA_ENABLED = SPECTRA["enabled"]
SPECTRA_SWEEP = Paramspace(
    pd.DataFrame(
        [
            {"N": int(N), "alpha_z": round(float(a), 6), "seed": int(s)}
            for N in SPECTRA["N"]
            for a in SPECTRA["alpha_z"]
            for s in SPECTRA["seeds"]
        ],
        columns=["N", "alpha_z", "seed"],
    )
)
SPECTRA_RUN = {
    key: SPECTRA[key]
    for key in ("t_burn", "n_samples", "sample_interval", "dt", "eps", "n_angles")
}


def spectra_resources(N):
    """(mem_mb, runtime in minutes) of one spectrum job, with a factor-2 margin: dense
    eigenvalues of a 3N x 3N matrix (~25 (3N)^3 flops at ~2 GFLOP/s) per sampled state.
    """
    flops = SPECTRA["n_samples"] * 25 * (3 * N) ** 3
    mem_mb = 500 + 2 * 8 * 4 * (3 * N) ** 2 / 1e6
    return int(mem_mb), int(10 + 2 * flops / 2e9 / 60)


# ---- memory protocols -----------------------------------------------------------------------

MEMORY = config["memory"]
MEMORY_ENABLED = MEMORY["enabled"]
MEMORY_SWEEP = Paramspace(
    pd.DataFrame(
        [
            {"alpha_z": round(float(a), 6), "seed": int(s)}
            for a in MEMORY["alpha_z"]
            for s in MEMORY["seeds"]
        ],
        columns=["alpha_z", "seed"],
    )
)
MEMORY_COMMON = {
    key: MEMORY[key]
    for key in (
        "amplitude",
        "pulse_duration",
        "t_burn",
        "dt",
        "n_states",
        "n_directions",
    )
}
MEMORY_SETTINGS = {
    "pulse": MEMORY_COMMON | {"t_max": MEMORY["t_max"]},
    "train": MEMORY_COMMON | {"n_pulses": MEMORY["n_pulses"], "gap": MEMORY["gap"]},
    "reset": MEMORY_COMMON
    | {
        key: MEMORY[key]
        for key in ("reset_drive", "reset_duration", "t_hold", "t_after")
    }
    | {"n_sigma": config["claims"]["n_sigma"]},
}


MEMORY_LARGEST_ALPHA = round(max(float(a) for a in MEMORY["alpha_z"]), 6)


def memory_points(protocol):
    """Sweep points of a protocol: the reset only at the largest alpha_z."""
    table = MEMORY_SWEEP.dataframe
    if protocol == "reset":
        table = table[table["alpha_z"] == MEMORY_LARGEST_ALPHA]
    return [
        MEMORY_SWEEP.wildcard_pattern.format(**row) for row in table.to_dict("records")
    ]


def memory_resources(protocol):
    """(mem_mb, runtime in minutes): 2 x n_states x n_directions network copies (x2 for
    the reset's controls) integrated together, ~4 GEMMs of N x N by N x copies per step.
    """
    copies = (
        2
        * MEMORY["n_states"]
        * MEMORY["n_directions"]
        * (2 if protocol == "reset" else 1)
    )
    duration = {
        "pulse": MEMORY["pulse_duration"] + MEMORY["t_max"],
        "train": MEMORY["n_pulses"] * (MEMORY["pulse_duration"] + MEMORY["gap"]),
        "reset": MEMORY["pulse_duration"]
        + MEMORY["t_hold"]
        + MEMORY["reset_duration"]
        + MEMORY["t_after"],
    }[protocol]
    steps = (MEMORY["t_burn"] + duration) / MEMORY["dt"]
    flops = steps * 4 * 3 * 2 * MEMORY["N"] ** 2 * copies
    mem_mb = 500 + 2 * 8 * (3 * MEMORY["N"] ** 2 + 20 * 3 * MEMORY["N"] * copies) / 1e6
    return int(mem_mb), int(10 + 2 * flops / 2e9 / 60)


# ---- Lyapunov exponents ------------------------------------------------------------------------

LYAPUNOV = config["lyapunov"]
LYAPUNOV_ENABLED = LYAPUNOV["enabled"]
LYAPUNOV_RUN = {
    key: LYAPUNOV[key]
    for key in (
        "dt",
        "qr_interval",
        "t_burn",
        "t_frame",
        "t_max",
        "n_blocks",
        "init_scale",
    )
}
SPECTRUM_SWEEP = Paramspace(
    pd.DataFrame(
        [
            {"alpha_z": round(float(a), 6), "seed": int(s)}
            for a in LYAPUNOV["spectrum"]["alpha_z"]
            for s in LYAPUNOV["spectrum"]["seeds"]
        ],
        columns=["alpha_z", "seed"],
    )
)


def _mle_table():
    """The g_h sweep at lyapunov.mle.N plus the N trend at claim_g_h (no duplicates)."""
    mle = LYAPUNOV["mle"]
    rows = {
        (int(N), round(float(g_h), 6), round(float(a), 6), int(s))
        for N, gains in (
            (mle["N"], mle["g_h"]),
            *((N, [mle["claim_g_h"]]) for N in mle["trend_N"]),
        )
        for g_h in gains
        for a in mle["alpha_z"]
        for s in mle["seeds"]
    }
    return pd.DataFrame(sorted(rows), columns=["N", "g_h", "alpha_z", "seed"])


MLE_SWEEP = Paramspace(_mle_table())


DMFT_MLE_SWEEP = Paramspace(
    pd.DataFrame(
        [
            {
                "g_h": round(float(g_h), 6),
                "alpha_z": round(float(a), 6),
                "noise_seed": int(s),
            }
            for g_h in LYAPUNOV["dmft"]["g_h"]
            for a in LYAPUNOV["mle"]["alpha_z"]
            if float(a) != 0.0
            for s in LYAPUNOV["dmft"]["noise_seeds"]
        ],
        columns=["g_h", "alpha_z", "noise_seed"],
    )
)
DMFT_MLE_ENABLED = LYAPUNOV_ENABLED and len(DMFT_MLE_SWEEP.dataframe) > 0


def lyapunov_resources(N, n_exponents):
    """(mem_mb, runtime in minutes) of one Lyapunov job, with a factor-2 margin.

    Per RK4 step: 4 x 3 products of N x N couplings with N x (k + 1) columns (~3 GFLOP/s
    assumed), and a QR of 3N x k every qr_interval.
    """
    steps = (LYAPUNOV["t_burn"] + LYAPUNOV["t_frame"] + LYAPUNOV["t_max"]) / LYAPUNOV[
        "dt"
    ]
    flops = steps * 24 * N * N * (n_exponents + 1)
    flops += steps * LYAPUNOV["dt"] / LYAPUNOV["qr_interval"] * 12 * N * n_exponents**2
    mem_mb = 500 + 2 * 8 * (3 * N * N + 20 * 3 * N * n_exponents) / 1e6
    return int(mem_mb), int(10 + 2 * flops / 3e9 / 60)


SPECTRUM_MEM_MB, SPECTRUM_RUNTIME = lyapunov_resources(
    LYAPUNOV["spectrum"]["N"], 3 * LYAPUNOV["spectrum"]["N"]
)


# ---- transition to chaos ------------------------------------------------------------------------

TRANSITION = config["transition"]
TRANSITION_ENABLED = TRANSITION["enabled"]
TRANSITION_MODEL = {
    key: SIM["model"][key] for key in ("g_z", "g_r", "beta_z", "tau_z", "tau_r")
} | {"alpha_z": 0.0}
TRANSITION_NETWORK = TRANSITION["network"]
# a fixed key order: Snakemake reruns a job whose params differ only in dict order
TRANSITION_NETWORK_RUN = {
    key: TRANSITION_NETWORK[key]
    for key in (
        "N",
        "n_trials",
        "t_max",
        "census_N",
        "n_starts",
        "kick_amplitude",
        "kick_duration",
        "t_after",
        "mle_window",
    )
}
TRANSITION_NETWORK_SWEEP = Paramspace(
    pd.DataFrame(
        [
            {"g_h": round(float(g_h), 6), "seed": int(s)}
            for g_h in TRANSITION_NETWORK["g_h"]
            for s in TRANSITION_NETWORK["seeds"]
        ],
        columns=["g_h", "seed"],
    )
)
TRANSITION_TREND_SWEEP = Paramspace(
    pd.DataFrame(
        [
            {
                "N": int(TRANSITION_NETWORK["trend_N"]),
                "g_h": round(float(g_h), 6),
                "seed": int(s),
            }
            for g_h in TRANSITION_NETWORK["trend_g_h"]
            for s in TRANSITION_NETWORK["seeds"]
        ],
        columns=["N", "g_h", "seed"],
    )
)
ALPHA_Z_PHASE = TRANSITION["alpha_z_phase"]
ALPHA_Z_PHASE_RUN = {**SPECTRA_RUN, "eps": [float(ALPHA_Z_PHASE["eps"])]}
ALPHA_Z_PHASE_SWEEP = Paramspace(
    pd.DataFrame(
        [
            {"g_h": round(float(g_h), 6), "alpha_z": round(float(a), 6), "seed": int(s)}
            for g_h in ALPHA_Z_PHASE["g_h"]
            for a in ALPHA_Z_PHASE["alpha_z"]
            for s in ALPHA_Z_PHASE["seeds"]
        ],
        columns=["g_h", "alpha_z", "seed"],
    )
)
PHASE_SWEEP = Paramspace(
    pd.DataFrame(
        [
            {"alpha_r": round(float(a), 6), "beta_r": round(float(b), 6)}
            for a in TRANSITION["phase_alpha_r"]
            for b in TRANSITION["phase_beta_r"]
        ],
        columns=["alpha_r", "beta_r"],
    )
)


# ---- gradients ----------------------------------------------------------------------------------

GRADIENTS = config["gradients"]
GRADIENTS_ENABLED = GRADIENTS["enabled"] and LYAPUNOV_ENABLED


def _gradient_table():
    """The N-sweep rows of the MLE sweep plus extra alpha_z at the claim gain."""
    mle = LYAPUNOV["mle"]
    rows = {
        (int(mle["N"]), round(float(g_h), 6), round(float(a), 6), int(s))
        for g_h, alphas in (
            *((g, mle["alpha_z"]) for g in mle["g_h"]),
            (mle["claim_g_h"], GRADIENTS["extra_alpha_z"]),
        )
        for a in alphas
        for s in mle["seeds"]
    }
    return pd.DataFrame(sorted(rows), columns=["N", "g_h", "alpha_z", "seed"])


GRADIENT_SWEEP = Paramspace(_gradient_table())
ADJOINT_SWEEP = Paramspace(
    pd.DataFrame(
        [
            {
                "g_h": round(float(g_h), 6),
                "alpha_z": round(float(a), 6),
                "noise_seed": int(s),
            }
            for g_h in LYAPUNOV["dmft"]["g_h"]
            for a in LYAPUNOV["mle"]["alpha_z"]
            for s in LYAPUNOV["dmft"]["noise_seeds"]
        ],
        columns=["g_h", "alpha_z", "noise_seed"],
    )
)
GRADIENT_RUN = {
    key: GRADIENTS[key] for key in ("t_burn", "horizon", "dt", "trials", "fit_skip")
}


def gradient_resources(N):
    """(mem_mb, runtime in minutes): forward + discrete adjoint (~3.5 forward passes) of
    `trials` batched trajectories, checkpointed; a factor-2 margin."""
    steps = (GRADIENTS["t_burn"] + 3.5 * GRADIENTS["horizon"]) / GRADIENTS["dt"]
    flops = steps * 4 * 3 * 2 * N * N * GRADIENTS["trials"]
    mem_mb = 500 + 2 * 8 * (6 * N * N) / 1e6
    return int(mem_mb), int(10 + 2 * flops / 2e9 / 60)


def final_outputs():
    outputs = [
        f"{DATASETS}/simulate.nc",
        *figure_files("gating_timescales"),
        CLAIMS_JSON,
    ]
    if CLASSICAL_ENABLED:
        outputs += [
            f"{DATASETS}/simulate_classical.nc",
            *figure_files("classical_limit"),
        ]
    if DMFT_ENABLED:
        outputs += [f"{DATASETS}/dmft.nc", *figure_files("dmft_vs_network")]
    if DMFT_REFERENCE:
        outputs.append(f"{DATASETS}/dmft_deterministic.nc")
    if SPECTRA_ENABLED:
        outputs += [
            f"{DATASETS}/spectra.nc",
            f"{DATASETS}/spectra_fixed_point.nc",
            *figure_files("jacobian_spectra"),
        ]
    if MEMORY_ENABLED:
        outputs += [
            *(f"{DATASETS}/memory_{protocol}.nc" for protocol in MEMORY_SETTINGS),
            *figure_files("memory"),
        ]
    if LYAPUNOV_ENABLED:
        outputs += [
            f"{DATASETS}/lyapunov_spectrum.nc",
            f"{DATASETS}/lyapunov_mle.nc",
            f"{DATASETS}/lyapunov_theory.nc",
            *([f"{DATASETS}/dmft_mle.nc"] if DMFT_MLE_ENABLED else []),
            *figure_files("lyapunov_spectra"),
            *figure_files("max_lyapunov"),
        ]
    if TRANSITION_ENABLED:
        outputs += [
            f"{DATASETS}/transition.nc",
            f"{DATASETS}/phase_diagram.nc",
            f"{DATASETS}/transition_network.nc",
            f"{DATASETS}/transition_kick.nc",
            f"{DATASETS}/transition_trend.nc",
            f"{DATASETS}/phase_alpha_z.nc",
            *figure_files("transition"),
        ]
    if GRADIENTS_ENABLED:
        outputs += [
            f"{DATASETS}/gradients.nc",
            f"{DATASETS}/dmft_adjoint.nc",
            *figure_files("gradients"),
        ]
    if config["claims"]["fail_on_violation"]:
        outputs.append(CLAIMS_VERIFIED)
    return outputs
