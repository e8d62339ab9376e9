"""Lyapunov exponents (claims C5, C6): full spectra over alpha_z, the maximal exponent over
g_h and N, and the DMFT maximal exponent they are compared with."""

LYAPUNOV_LIBRARY = library(
    "params",
    "nonlinearity",
    "inputs",
    "network",
    "integrate",
    "simulate",
    "lyapunov",
)


rule lyapunov_spectrum:
    """The full 3N Lyapunov spectrum of one network (QR method, gatedrnn.lyapunov.spectrum)."""
    input:
        LYAPUNOV_LIBRARY,
    output:
        f"{RESULTS}/lyapunov/spectrum/{SPECTRUM_SWEEP.wildcard_pattern}.nc",
    log:
        f"{LOGS}/lyapunov/spectrum/{SPECTRUM_SWEEP.wildcard_pattern}.log",
    benchmark:
        f"{BENCH}/lyapunov/spectrum/{SPECTRUM_SWEEP.wildcard_pattern}.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=SPECTRUM_MEM_MB,
        runtime=SPECTRUM_RUNTIME,
    params:
        model=lambda wildcards: {
            **SIM["model"],
            "g_h": LYAPUNOV["spectrum"]["g_h"],
            "alpha_z": SPECTRUM_SWEEP.instance(wildcards)["alpha_z"],
        },
        N=LYAPUNOV["spectrum"]["N"],
        seed=lambda wildcards: SPECTRUM_SWEEP.instance(wildcards)["seed"],
        n_exponents=3 * LYAPUNOV["spectrum"]["N"],
        settings=LYAPUNOV_RUN,
        sweep_dims=["alpha_z", "seed"],
    script:
        "../scripts/lyapunov.py"


rule lyapunov_mle:
    """The maximal Lyapunov exponent of one network (QR method with one tangent vector)."""
    input:
        LYAPUNOV_LIBRARY,
    output:
        f"{RESULTS}/lyapunov/mle/{MLE_SWEEP.wildcard_pattern}.nc",
    log:
        f"{LOGS}/lyapunov/mle/{MLE_SWEEP.wildcard_pattern}.log",
    benchmark:
        f"{BENCH}/lyapunov/mle/{MLE_SWEEP.wildcard_pattern}.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=lambda wildcards: lyapunov_resources(int(wildcards.N), 1)[0],
        runtime=lambda wildcards: lyapunov_resources(int(wildcards.N), 1)[1],
    params:
        model=lambda wildcards: {
            **SIM["model"],
            "g_h": MLE_SWEEP.instance(wildcards)["g_h"],
            "alpha_z": MLE_SWEEP.instance(wildcards)["alpha_z"],
        },
        N=lambda wildcards: int(wildcards.N),
        seed=lambda wildcards: MLE_SWEEP.instance(wildcards)["seed"],
        n_exponents=1,
        settings=LYAPUNOV_RUN,
        sweep_dims=["N", "g_h", "alpha_z", "seed"],
    script:
        "../scripts/lyapunov.py"


rule merge_lyapunov_spectrum:
    """All full spectra in one dataset (dims alpha_z, seed, index, block)."""
    input:
        expand(
            f"{RESULTS}/lyapunov/spectrum/{{point}}.nc",
            point=SPECTRUM_SWEEP.instance_patterns,
        ),
    output:
        f"{DATASETS}/lyapunov_spectrum.nc",
    log:
        f"{LOGS}/merge/lyapunov_spectrum.log",
    benchmark:
        f"{BENCH}/merge/lyapunov_spectrum.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/merge.py"


rule merge_lyapunov_mle:
    """All maximal exponents in one dataset (dims N, g_h, alpha_z, seed; NaN where the
    N trend has no g_h sweep)."""
    input:
        expand(
            f"{RESULTS}/lyapunov/mle/{{point}}.nc",
            point=MLE_SWEEP.instance_patterns,
        ),
    output:
        f"{DATASETS}/lyapunov_mle.nc",
    log:
        f"{LOGS}/merge/lyapunov_mle.log",
    benchmark:
        f"{BENCH}/merge/lyapunov_mle.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/merge.py"


rule lyapunov_theory:
    """The DMFT maximal exponent with frozen update gate (alpha_z = 0) on a fine g_h grid:
    exact, from the Schrödinger problem of the tangent DMFT (noise-free)."""
    input:
        library(
            "params",
            "nonlinearity",
            "gaussian",
            "dmft/schrodinger",
            "dmft/deterministic",
            "dmft/circle",
            "dmft/anderson",
        ),
    output:
        f"{DATASETS}/lyapunov_theory.nc",
    log:
        f"{LOGS}/lyapunov/theory.log",
    benchmark:
        f"{BENCH}/lyapunov/theory.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        model={**SIM["model"], "alpha_z": 0.0, "g_h": min(LYAPUNOV["mle"]["g_h"])},
        g_h=LYAPUNOV["mle"]["g_h"],
        spacing=0.1,
    script:
        "../scripts/lyapunov_theory.py"


rule dmft_max_lyapunov:
    """The tangent-DMFT maximal exponent at one gated point and noise seed."""
    input:
        library(
            "params",
            "nonlinearity",
            "gaussian",
            "correlation",
            "dmft/tangent",
            "dmft/stationary",
            "dmft/deterministic",
            "dmft/circle",
            "dmft/single_site",
            "dmft/anderson",
        ),
    output:
        f"{RESULTS}/lyapunov/dmft/{DMFT_MLE_SWEEP.wildcard_pattern}.nc",
    log:
        f"{LOGS}/lyapunov/dmft/{DMFT_MLE_SWEEP.wildcard_pattern}.log",
    benchmark:
        f"{BENCH}/lyapunov/dmft/{DMFT_MLE_SWEEP.wildcard_pattern}.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=DMFT_MEM_MB,
        runtime=2 * DMFT_RUNTIME,
    params:
        model=lambda wildcards: {
            **SIM["model"],
            "g_h": DMFT_MLE_SWEEP.instance(wildcards)["g_h"],
            "alpha_z": DMFT_MLE_SWEEP.instance(wildcards)["alpha_z"],
        },
        problem="tangent",
        noise_seed=lambda wildcards: DMFT_MLE_SWEEP.instance(wildcards)["noise_seed"],
        solver={key: LYAPUNOV["dmft"][key] for key in ("n_paths", "dt", "n_points")},
    script:
        "../scripts/dmft_growth_rate.py"


rule merge_dmft_max_lyapunov:
    """All tangent-DMFT exponents in one dataset (dims g_h, alpha_z, noise_seed)."""
    input:
        expand(
            f"{RESULTS}/lyapunov/dmft/{{point}}.nc",
            point=DMFT_MLE_SWEEP.instance_patterns,
        ),
    output:
        f"{DATASETS}/dmft_mle.nc",
    log:
        f"{LOGS}/merge/dmft_mle.log",
    benchmark:
        f"{BENCH}/merge/dmft_mle.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/merge.py"
