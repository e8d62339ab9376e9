"""Jacobian spectra of finite networks against random-matrix theory (claim C3)."""

SPECTRA_LIBRARY = library(
    "params",
    "nonlinearity",
    "inputs",
    "network",
    "integrate",
    "simulate",
    "gaussian",
    "fixed_points",
    "spectra",
    "rmt",
    "rmt_comparison",
)


rule spectra_trajectory:
    """Dense Jacobian spectra at states of a chaotic trajectory and the predicted boundary."""
    input:
        SPECTRA_LIBRARY,
    output:
        f"{RESULTS}/spectra/trajectory/{SPECTRA_SWEEP.wildcard_pattern}.nc",
    log:
        f"{LOGS}/spectra/trajectory/{SPECTRA_SWEEP.wildcard_pattern}.log",
    benchmark:
        f"{BENCH}/spectra/trajectory/{SPECTRA_SWEEP.wildcard_pattern}.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards: spectra_resources(int(wildcards.N))[0],
        runtime=lambda wildcards: spectra_resources(int(wildcards.N))[1],
    params:
        kind="trajectory",
        model=lambda wildcards: {
            **SIM["model"],
            "g_h": SPECTRA["g_h"],
            "alpha_z": SPECTRA_SWEEP.instance(wildcards)["alpha_z"],
        },
        N=lambda wildcards: int(wildcards.N),
        seed=lambda wildcards: SPECTRA_SWEEP.instance(wildcards)["seed"],
        settings=SPECTRA_RUN,
        sweep_dims=["N", "alpha_z", "seed"],
    script:
        "../scripts/spectra.py"


rule spectra_fixed_point:
    """The spectrum at a nontrivial fixed point (Newton) and the fixed-point boundary (F)."""
    input:
        SPECTRA_LIBRARY,
    output:
        f"{RESULTS}/spectra/fixed_point/seed~{{seed}}.nc",
    log:
        f"{LOGS}/spectra/fixed_point/seed~{{seed}}.log",
    benchmark:
        f"{BENCH}/spectra/fixed_point/seed~{{seed}}.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=spectra_resources(SPECTRA["fixed_point"]["N"])[0],
        runtime=spectra_resources(SPECTRA["fixed_point"]["N"])[1]
        + SPECTRA["fixed_point"]["n_starts"],
    params:
        kind="fixed_point",
        model={
            **SIM["model"],
            "g_h": SPECTRA["g_h"],
            "alpha_z": SPECTRA["fixed_point"]["alpha_z"],
        },
        N=SPECTRA["fixed_point"]["N"],
        seed=lambda wildcards: int(wildcards.seed),
        settings={
            "eps": SPECTRA["eps"],
            "n_angles": SPECTRA["n_angles"],
            "n_starts": SPECTRA["fixed_point"]["n_starts"],
        },
        sweep_dims=["seed"],
    script:
        "../scripts/spectra.py"


rule merge_spectra:
    """All trajectory spectra in one dataset (dims N, alpha_z, seed, sample, index, ...)."""
    input:
        expand(
            f"{RESULTS}/spectra/trajectory/{{point}}.nc",
            point=SPECTRA_SWEEP.instance_patterns,
        ),
    output:
        f"{DATASETS}/spectra.nc",
    log:
        f"{LOGS}/merge/spectra.log",
    benchmark:
        f"{BENCH}/merge/spectra.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=10,
    script:
        "../scripts/merge.py"


rule merge_spectra_fixed_point:
    """The fixed-point spectra in one dataset (dims seed, sample, index, ...)."""
    input:
        expand(
            f"{RESULTS}/spectra/fixed_point/seed~{{seed}}.nc",
            seed=SPECTRA["seeds"],
        ),
    output:
        f"{DATASETS}/spectra_fixed_point.nc",
    log:
        f"{LOGS}/merge/spectra_fixed_point.log",
    benchmark:
        f"{BENCH}/merge/spectra_fixed_point.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/merge.py"
