"""The transition to chaos with an output gate (claims C7, C8), from the alpha_z = 0 DMFT."""

TRANSITION_LIBRARY = library(
    "params",
    "nonlinearity",
    "gaussian",
    "transition",
    "dmft/static",
    "dmft/deterministic",
    "dmft/schrodinger",
    "dmft/circle",
    "dmft/anderson",
)


rule transition_branches:
    """Critical gains and the static and chaotic branches over g_h at the strong gate."""
    input:
        TRANSITION_LIBRARY,
    output:
        f"{DATASETS}/transition.nc",
    log:
        f"{LOGS}/transition/branches.log",
    benchmark:
        f"{BENCH}/transition/branches.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        kind="branches",
        model=TRANSITION_MODEL
        | {
            "g_h": 1.0,
            "alpha_r": TRANSITION["alpha_r"],
            "beta_r": TRANSITION["beta_r"],
        },
        g_h=TRANSITION["g_h"],
    script:
        "../scripts/transition.py"


rule phase_point:
    """Critical gains at one (alpha_r, beta_r) of the phase diagrams."""
    input:
        TRANSITION_LIBRARY,
    output:
        f"{RESULTS}/transition/phase/{PHASE_SWEEP.wildcard_pattern}.nc",
    log:
        f"{LOGS}/transition/phase/{PHASE_SWEEP.wildcard_pattern}.log",
    benchmark:
        f"{BENCH}/transition/phase/{PHASE_SWEEP.wildcard_pattern}.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        kind="phase",
        model=lambda wildcards: TRANSITION_MODEL
        | {"g_h": 1.0}
        | PHASE_SWEEP.instance(wildcards),
    script:
        "../scripts/transition.py"


rule merge_phase_diagram:
    """All phase points in one dataset (dims alpha_r, beta_r)."""
    input:
        expand(
            f"{RESULTS}/transition/phase/{{point}}.nc",
            point=PHASE_SWEEP.instance_patterns,
        ),
    output:
        f"{DATASETS}/phase_diagram.nc",
    log:
        f"{LOGS}/merge/phase_diagram.log",
    benchmark:
        f"{BENCH}/merge/phase_diagram.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/merge.py"


rule transition_network:
    """Fixed-point census and attractors from small and large initial conditions of one
    network at the strong gate (gatedrnn.bistability)."""
    input:
        library(
            "params",
            "nonlinearity",
            "inputs",
            "network",
            "integrate",
            "simulate",
            "fixed_points",
            "bistability",
        ),
    output:
        f"{RESULTS}/transition/network/{TRANSITION_NETWORK_SWEEP.wildcard_pattern}.nc",
    log:
        f"{LOGS}/transition/network/{TRANSITION_NETWORK_SWEEP.wildcard_pattern}.log",
    benchmark:
        f"{BENCH}/transition/network/{TRANSITION_NETWORK_SWEEP.wildcard_pattern}.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        kind="network",
        model=lambda wildcards: TRANSITION_MODEL
        | {"alpha_r": TRANSITION["alpha_r"], "beta_r": TRANSITION["beta_r"]}
        | TRANSITION_NETWORK_SWEEP.instance(wildcards),
        network=TRANSITION_NETWORK_RUN,
    script:
        "../scripts/transition_network.py"


rule transition_trend:
    """Attractor survey of a larger network at gains on the chaotic branch: the N trend of
    the chaotic networks' maximal exponent against the DMFT branch."""
    input:
        library(
            "params",
            "nonlinearity",
            "inputs",
            "network",
            "integrate",
            "simulate",
            "fixed_points",
            "bistability",
        ),
    output:
        f"{RESULTS}/transition/trend/{TRANSITION_TREND_SWEEP.wildcard_pattern}.nc",
    log:
        f"{LOGS}/transition/trend/{TRANSITION_TREND_SWEEP.wildcard_pattern}.log",
    benchmark:
        f"{BENCH}/transition/trend/{TRANSITION_TREND_SWEEP.wildcard_pattern}.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=60,
    params:
        kind="trend",
        model=lambda wildcards: TRANSITION_MODEL
        | {"alpha_r": TRANSITION["alpha_r"], "beta_r": TRANSITION["beta_r"]}
        | {
            key: value
            for key, value in TRANSITION_TREND_SWEEP.instance(wildcards).items()
            if key != "N"
        },
        network=lambda wildcards: TRANSITION_NETWORK_RUN | {"N": int(wildcards.N)},
    script:
        "../scripts/transition_network.py"


rule phase_alpha_z_point:
    """One network of the (g_h, alpha_z) phase diagram at alpha_r = 0: state after the
    burn-in, Jacobian spectrum, near-zero eigenvalue fraction against P(sigma_z < eps) / 3.
    """
    input:
        library(
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
        ),
    output:
        f"{RESULTS}/transition/alpha_z_phase/{ALPHA_Z_PHASE_SWEEP.wildcard_pattern}.nc",
    log:
        f"{LOGS}/transition/alpha_z_phase/{ALPHA_Z_PHASE_SWEEP.wildcard_pattern}.log",
    benchmark:
        f"{BENCH}/transition/alpha_z_phase/{ALPHA_Z_PHASE_SWEEP.wildcard_pattern}.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=spectra_resources(ALPHA_Z_PHASE["N"])[0],
        runtime=spectra_resources(ALPHA_Z_PHASE["N"])[1],
    params:
        kind="trajectory",
        model=lambda wildcards: TRANSITION_MODEL
        | {"alpha_r": 0.0, "beta_r": TRANSITION["beta_r"]}
        | {
            key: value
            for key, value in ALPHA_Z_PHASE_SWEEP.instance(wildcards).items()
            if key != "seed"
        },
        N=ALPHA_Z_PHASE["N"],
        seed=lambda wildcards: ALPHA_Z_PHASE_SWEEP.instance(wildcards)["seed"],
        settings=ALPHA_Z_PHASE_RUN,
        sweep_dims=["g_h", "alpha_z", "seed"],
    script:
        "../scripts/spectra.py"


rule merge_phase_alpha_z:
    """The (g_h, alpha_z) phase diagram in one dataset (dims g_h, alpha_z, seed, ...)."""
    input:
        expand(
            f"{RESULTS}/transition/alpha_z_phase/{{point}}.nc",
            point=ALPHA_Z_PHASE_SWEEP.instance_patterns,
        ),
    output:
        f"{DATASETS}/phase_alpha_z.nc",
    log:
        f"{LOGS}/merge/phase_alpha_z.log",
    benchmark:
        f"{BENCH}/merge/phase_alpha_z.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=10,
    script:
        "../scripts/merge.py"


rule merge_transition_trend:
    """The larger networks at the chaotic-branch gains in one dataset (dims N, g_h, seed, ...)."""
    input:
        expand(
            f"{RESULTS}/transition/trend/{{point}}.nc",
            point=TRANSITION_TREND_SWEEP.instance_patterns,
        ),
    output:
        f"{DATASETS}/transition_trend.nc",
    log:
        f"{LOGS}/merge/transition_trend.log",
    benchmark:
        f"{BENCH}/merge/transition_trend.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/merge.py"


rule transition_kick:
    """Input-induced chaos: a transient pulse on a quiescent network, with and without the
    output gate (alpha_r = 0 at the same g_h)."""
    input:
        library(
            "params", "nonlinearity", "inputs", "network", "integrate", "bistability"
        ),
    output:
        f"{RESULTS}/transition/kick/alpha_r~{{alpha_r}}/seed~{{seed}}.nc",
    log:
        f"{LOGS}/transition/kick/alpha_r~{{alpha_r}}/seed~{{seed}}.log",
    benchmark:
        f"{BENCH}/transition/kick/alpha_r~{{alpha_r}}/seed~{{seed}}.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        kind="kick",
        model=lambda wildcards: TRANSITION_MODEL
        | {
            "g_h": TRANSITION_NETWORK["kick_g_h"],
            "alpha_r": float(wildcards.alpha_r),
            "beta_r": TRANSITION["beta_r"],
            "seed": int(wildcards.seed),
        },
        network=TRANSITION_NETWORK_RUN,
    script:
        "../scripts/transition_network.py"


rule merge_transition_network:
    """Network sweeps at the strong gate in one dataset (dims g_h, seed, ...)."""
    input:
        expand(
            f"{RESULTS}/transition/network/{{point}}.nc",
            point=TRANSITION_NETWORK_SWEEP.instance_patterns,
        ),
    output:
        f"{DATASETS}/transition_network.nc",
    log:
        f"{LOGS}/merge/transition_network.log",
    benchmark:
        f"{BENCH}/merge/transition_network.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/merge.py"


rule merge_transition_kick:
    """Kick runs in one dataset (dims alpha_r, seed, ...)."""
    input:
        expand(
            f"{RESULTS}/transition/kick/alpha_r~{{alpha_r}}/seed~{{seed}}.nc",
            alpha_r=[0.0, float(TRANSITION["alpha_r"])],
            seed=TRANSITION_NETWORK["seeds"],
        ),
    output:
        f"{DATASETS}/transition_kick.nc",
    log:
        f"{LOGS}/merge/transition_kick.log",
    benchmark:
        f"{BENCH}/merge/transition_kick.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/merge.py"
