"""Stationary DMFT (claim C2): one sampler run per (g_h, alpha_z, noise seed), merged."""


rule dmft_stationary:
    """The stationary chaotic DMFT solution by iterated sampling (gatedrnn.dmft.stationary)."""
    input:
        library(
            "params",
            "nonlinearity",
            "gaussian",
            "correlation",
            "dmft/stationary",
            "dmft/deterministic",
            "dmft/circle",
            "dmft/single_site",
            "dmft/anderson",
        ),
    output:
        f"{RESULTS}/dmft/stationary/{DMFT_SWEEP.wildcard_pattern}.nc",
    log:
        f"{LOGS}/dmft/stationary/{DMFT_SWEEP.wildcard_pattern}.log",
    benchmark:
        f"{BENCH}/dmft/stationary/{DMFT_SWEEP.wildcard_pattern}.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards: dmft_resources(wildcards.alpha_z)[0],
        runtime=lambda wildcards: dmft_resources(wildcards.alpha_z)[1],
    params:
        model=lambda wildcards: {
            **SIM["model"],
            "g_h": DMFT_SWEEP.instance(wildcards)["g_h"],
            "alpha_z": DMFT_SWEEP.instance(wildcards)["alpha_z"],
        },
        noise_seed=lambda wildcards: DMFT_SWEEP.instance(wildcards)["noise_seed"],
        solver=lambda wildcards: dmft_solver(wildcards.alpha_z),
        output_dt=DMFT["dt"],
    script:
        "../scripts/dmft.py"


rule merge_dmft:
    """All DMFT solutions in one dataset (dims g_h, alpha_z, noise_seed, lag, ...)."""
    input:
        expand(
            f"{RESULTS}/dmft/stationary/{{point}}.nc",
            point=DMFT_SWEEP.instance_patterns,
        ),
    output:
        f"{DATASETS}/dmft.nc",
    log:
        f"{LOGS}/merge/dmft.log",
    benchmark:
        f"{BENCH}/merge/dmft.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/merge.py"


rule dmft_deterministic:
    """The exact (noise-free) stationary DMFT at alpha_z = 0: the sampler's reference."""
    input:
        library(
            "params",
            "nonlinearity",
            "gaussian",
            "correlation",
            "dmft/deterministic",
            "dmft/circle",
            "dmft/anderson",
        ),
    output:
        f"{RESULTS}/dmft/deterministic/g_h~{{g_h}}.nc",
    log:
        f"{LOGS}/dmft/deterministic/g_h~{{g_h}}.log",
    benchmark:
        f"{BENCH}/dmft/deterministic/g_h~{{g_h}}.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        model=lambda wildcards: {
            **SIM["model"],
            "g_h": float(wildcards.g_h),
            "alpha_z": 0.0,
        },
        solver={key: dmft_solver(0.0)[key] for key in ("dt", "n_points", "max_lag")},
    script:
        "../scripts/dmft_deterministic.py"


rule merge_dmft_deterministic:
    """The exact alpha_z = 0 solutions in one dataset (dims g_h, lag, ...)."""
    input:
        expand(
            f"{RESULTS}/dmft/deterministic/g_h~{{g_h}}.nc",
            g_h=sorted({round(float(g_h), 6) for g_h in SIM["sweep"]["g_h"]}),
        ),
    output:
        f"{DATASETS}/dmft_deterministic.nc",
    log:
        f"{LOGS}/merge/dmft_deterministic.log",
    benchmark:
        f"{BENCH}/merge/dmft_deterministic.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/merge.py"
