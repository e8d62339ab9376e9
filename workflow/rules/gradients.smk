"""Gradients backwards in time (claim C9): adjoint norms on the Lyapunov sweep's networks."""


rule gradient_growth:
    """Adjoint norm of a random readout backwards in time, and its growth rate."""
    input:
        library(
            "params",
            "nonlinearity",
            "inputs",
            "network",
            "integrate",
            "simulate",
            "gradients",
            "gradient_growth",
        ),
    output:
        f"{RESULTS}/gradients/{GRADIENT_SWEEP.wildcard_pattern}.nc",
    log:
        f"{LOGS}/gradients/{GRADIENT_SWEEP.wildcard_pattern}.log",
    benchmark:
        f"{BENCH}/gradients/{GRADIENT_SWEEP.wildcard_pattern}.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards: gradient_resources(int(wildcards.N))[0],
        runtime=lambda wildcards: gradient_resources(int(wildcards.N))[1],
    params:
        model=lambda wildcards: {
            **SIM["model"],
            "g_h": GRADIENT_SWEEP.instance(wildcards)["g_h"],
            "alpha_z": GRADIENT_SWEEP.instance(wildcards)["alpha_z"],
        },
        N=lambda wildcards: int(wildcards.N),
        seed=lambda wildcards: GRADIENT_SWEEP.instance(wildcards)["seed"],
        settings=GRADIENT_RUN,
        sweep_dims=["N", "g_h", "alpha_z", "seed"],
    script:
        "../scripts/gradients.py"


rule merge_gradients:
    """All gradient-norm histories in one dataset (dims N, g_h, alpha_z, seed, ...)."""
    input:
        expand(
            f"{RESULTS}/gradients/{{point}}.nc",
            point=GRADIENT_SWEEP.instance_patterns,
        ),
    output:
        f"{DATASETS}/gradients.nc",
    log:
        f"{LOGS}/merge/gradients.log",
    benchmark:
        f"{BENCH}/merge/gradients.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/merge.py"


rule dmft_adjoint:
    """The adjoint DMFT: backward growth rate of gradients and adjoint correlations."""
    input:
        library(
            "params",
            "nonlinearity",
            "gaussian",
            "correlation",
            "dmft/adjoint",
            "dmft/tangent",
            "dmft/stationary",
            "dmft/deterministic",
            "dmft/circle",
            "dmft/single_site",
            "dmft/anderson",
        ),
    output:
        f"{RESULTS}/gradients/dmft/{ADJOINT_SWEEP.wildcard_pattern}.nc",
    log:
        f"{LOGS}/gradients/dmft/{ADJOINT_SWEEP.wildcard_pattern}.log",
    benchmark:
        f"{BENCH}/gradients/dmft/{ADJOINT_SWEEP.wildcard_pattern}.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=DMFT_MEM_MB,
        runtime=2 * DMFT_RUNTIME,
    params:
        model=lambda wildcards: {
            **SIM["model"],
            "g_h": ADJOINT_SWEEP.instance(wildcards)["g_h"],
            "alpha_z": ADJOINT_SWEEP.instance(wildcards)["alpha_z"],
        },
        problem="adjoint",
        noise_seed=lambda wildcards: ADJOINT_SWEEP.instance(wildcards)["noise_seed"],
        solver={key: LYAPUNOV["dmft"][key] for key in ("n_paths", "dt", "n_points")},
    script:
        "../scripts/dmft_growth_rate.py"


rule merge_dmft_adjoint:
    """All adjoint-DMFT solutions in one dataset (dims g_h, alpha_z, noise_seed, lag)."""
    input:
        expand(
            f"{RESULTS}/gradients/dmft/{{point}}.nc",
            point=ADJOINT_SWEEP.instance_patterns,
        ),
    output:
        f"{DATASETS}/dmft_adjoint.nc",
    log:
        f"{LOGS}/merge/dmft_adjoint.log",
    benchmark:
        f"{BENCH}/merge/dmft_adjoint.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/merge.py"
