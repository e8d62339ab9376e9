"""Finite-network simulations: the (g_h, alpha_z, seed) sweep and the classical networks."""

SIMULATE_LIBRARY = library(
    "params",
    "nonlinearity",
    "inputs",
    "network",
    "integrate",
    "simulate",
    "correlation",
    "summary",
)


rule simulate_gated:
    """One network of the sweep: simulate, keep C_h(lag), variance, relaxation time, traces."""
    input:
        SIMULATE_LIBRARY,
    output:
        f"{RESULTS}/simulate/gated/{SWEEP.wildcard_pattern}.nc",
    log:
        f"{LOGS}/simulate/gated/{SWEEP.wildcard_pattern}.log",
    benchmark:
        f"{BENCH}/simulate/gated/{SWEEP.wildcard_pattern}.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=SIM_MEM_MB,
        runtime=SIM_RUNTIME,
    params:
        kind="gated",
        model=lambda wildcards: {
            **SIM["model"],
            "g_h": SWEEP.instance(wildcards)["g_h"],
            "alpha_z": SWEEP.instance(wildcards)["alpha_z"],
        },
        N=SIM["N"],
        seed=lambda wildcards: SWEEP.instance(wildcards)["seed"],
        settings=SIM_SETTINGS,
        sweep_dims=["g_h", "alpha_z", "seed"],
    script:
        "../scripts/simulate.py"


rule simulate_classical:
    """The classical (SCS) network at gain g, same settings and seeds (claim C1)."""
    input:
        SIMULATE_LIBRARY,
    output:
        f"{RESULTS}/simulate/classical/g~{{g}}/seed~{{seed}}.nc",
    log:
        f"{LOGS}/simulate/classical/g~{{g}}/seed~{{seed}}.log",
    benchmark:
        f"{BENCH}/simulate/classical/g~{{g}}/seed~{{seed}}.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=SIM_MEM_MB,
        runtime=SIM_RUNTIME,
    params:
        kind="classical",
        model=lambda wildcards: {"g": float(wildcards.g)},
        N=SIM["N"],
        seed=lambda wildcards: int(wildcards.seed),
        settings=SIM_SETTINGS,
        sweep_dims=["g_h", "seed"],
    script:
        "../scripts/simulate.py"


rule merge_gated:
    """All simulations of the sweep in one dataset (dims g_h, alpha_z, seed, ...)."""
    input:
        expand(f"{RESULTS}/simulate/gated/{{point}}.nc", point=SWEEP.instance_patterns),
    output:
        f"{DATASETS}/simulate.nc",
    log:
        f"{LOGS}/merge/simulate.log",
    benchmark:
        f"{BENCH}/merge/simulate.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/merge.py"


rule merge_classical:
    """All classical-network simulations in one dataset (dims g_h, seed, ...)."""
    input:
        expand(
            f"{RESULTS}/simulate/classical/g~{{g}}/seed~{{seed}}.nc",
            g=CLASSICAL_GAINS,
            seed=SIM["seeds"],
        ),
    output:
        f"{DATASETS}/simulate_classical.nc",
    log:
        f"{LOGS}/merge/simulate_classical.log",
    benchmark:
        f"{BENCH}/merge/simulate_classical.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/merge.py"
