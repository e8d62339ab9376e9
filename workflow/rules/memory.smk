"""Integrator and reset protocols (claim C4): one job per protocol, alpha_z and network."""


rule memory:
    """One memory protocol (pulse, train or reset) on one network (gatedrnn.memory)."""
    input:
        library("params", "nonlinearity", "inputs", "network", "integrate", "memory"),
    output:
        f"{RESULTS}/memory/{{protocol}}/{MEMORY_SWEEP.wildcard_pattern}.nc",
    log:
        f"{LOGS}/memory/{{protocol}}/{MEMORY_SWEEP.wildcard_pattern}.log",
    benchmark:
        f"{BENCH}/memory/{{protocol}}/{MEMORY_SWEEP.wildcard_pattern}.tsv"
    wildcard_constraints:
        protocol="pulse|train|reset",
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards: memory_resources(wildcards.protocol)[0],
        runtime=lambda wildcards: memory_resources(wildcards.protocol)[1],
    params:
        protocol=lambda wildcards: wildcards.protocol,
        model=lambda wildcards: {
            **SIM["model"],
            "g_h": MEMORY["g_h"],
            "alpha_z": MEMORY_SWEEP.instance(wildcards)["alpha_z"],
        },
        N=MEMORY["N"],
        seed=lambda wildcards: MEMORY_SWEEP.instance(wildcards)["seed"],
        settings=lambda wildcards: MEMORY_SETTINGS[wildcards.protocol],
        sweep_dims=["alpha_z", "seed"],
    script:
        "../scripts/memory.py"


rule merge_memory:
    """All runs of one protocol in one dataset (dims alpha_z, seed, time, trial, ...)."""
    input:
        lambda wildcards: expand(
            f"{RESULTS}/memory/{wildcards.protocol}/{{point}}.nc",
            point=memory_points(wildcards.protocol),
        ),
    output:
        f"{DATASETS}/memory_{{protocol}}.nc",
    log:
        f"{LOGS}/merge/memory_{{protocol}}.log",
    benchmark:
        f"{BENCH}/merge/memory_{{protocol}}.tsv"
    wildcard_constraints:
        protocol="pulse|train|reset",
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/merge.py"
