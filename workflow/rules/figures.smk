"""Figures: one rule per figure, dataset(s) in, PNG + PDF out (local, cheap)."""


localrules:
    figure_gating_timescales,
    figure_classical_limit,
    figure_dmft_vs_network,
    figure_lyapunov_spectra,
    figure_jacobian_spectra,
    figure_memory,
    figure_gradients,
    figure_transition,
    figure_max_lyapunov,


rule figure_gating_timescales:
    """Sample traces, C_h(tau) and relaxation time against alpha_z."""
    input:
        datasets=[f"{DATASETS}/simulate.nc"],
        library=library("figures/gating_timescales", "figures/style"),
    output:
        report(
            figure_files("gating_timescales"),
            caption="../report/gating_timescales.rst",
            category="Simulations",
        ),
    log:
        f"{LOGS}/figures/gating_timescales.log",
    benchmark:
        f"{BENCH}/figures/gating_timescales.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        figure="gating_timescales",
    script:
        "../scripts/figure.py"


rule figure_classical_limit:
    """Claim C1: frozen gates give the classical network at g_h / 2, time stretched by 2."""
    input:
        datasets=[f"{DATASETS}/simulate.nc", f"{DATASETS}/simulate_classical.nc"],
        library=library("figures/classical_limit", "figures/style", "dmft/classical"),
    output:
        report(
            figure_files("classical_limit"),
            caption="../report/classical_limit.rst",
            category="Claims",
        ),
    log:
        f"{LOGS}/figures/classical_limit.log",
    benchmark:
        f"{BENCH}/figures/classical_limit.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        figure="classical_limit",
    script:
        "../scripts/figure.py"


rule figure_dmft_vs_network:
    """Claim C2: DMFT correlation functions over finite-network simulations."""
    input:
        datasets=[f"{DATASETS}/simulate.nc", f"{DATASETS}/dmft.nc"]
        + ([f"{DATASETS}/dmft_deterministic.nc"] if DMFT_REFERENCE else []),
        library=library("figures/dmft_vs_network", "figures/style", "correlation"),
    output:
        report(
            figure_files("dmft_vs_network"),
            caption="../report/dmft_vs_network.rst",
            category="Claims",
        ),
    log:
        f"{LOGS}/figures/dmft_vs_network.log",
    benchmark:
        f"{BENCH}/figures/dmft_vs_network.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        figure="dmft_vs_network",
    script:
        "../scripts/figure.py"


rule figure_lyapunov_spectra:
    """Claim C5: full Lyapunov spectra pile up near zero as alpha_z grows."""
    input:
        datasets=[f"{DATASETS}/lyapunov_spectrum.nc"],
        library=library("figures/lyapunov_spectra", "figures/style"),
    output:
        report(
            figure_files("lyapunov_spectra"),
            caption="../report/lyapunov_spectra.rst",
            category="Claims",
        ),
    log:
        f"{LOGS}/figures/lyapunov_spectra.log",
    benchmark:
        f"{BENCH}/figures/lyapunov_spectra.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        figure="lyapunov_spectra",
        options={"near_zero_eps": LYAPUNOV["spectrum"]["near_zero_eps"]},
    script:
        "../scripts/figure.py"


rule figure_max_lyapunov:
    """Claims C5, C6: network maximal exponent against the DMFT, over g_h and N."""
    input:
        datasets=[
            f"{DATASETS}/lyapunov_mle.nc",
            f"{DATASETS}/lyapunov_theory.nc",
            f"{DATASETS}/simulate.nc",
        ]
        + ([f"{DATASETS}/dmft_mle.nc"] if DMFT_MLE_ENABLED else []),
        library=library("figures/max_lyapunov", "figures/style"),
    output:
        report(
            figure_files("max_lyapunov"),
            caption="../report/max_lyapunov.rst",
            category="Claims",
        ),
    log:
        f"{LOGS}/figures/max_lyapunov.log",
    benchmark:
        f"{BENCH}/figures/max_lyapunov.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        figure="max_lyapunov",
    script:
        "../scripts/figure.py"


rule figure_jacobian_spectra:
    """Claim C3: eigenvalue clouds against the RMT boundary; slow modes grow with alpha_z."""
    input:
        datasets=[f"{DATASETS}/spectra.nc", f"{DATASETS}/spectra_fixed_point.nc"],
        library=library("figures/jacobian_spectra", "figures/style"),
    output:
        report(
            figure_files("jacobian_spectra"),
            caption="../report/jacobian_spectra.rst",
            category="Claims",
        ),
    log:
        f"{LOGS}/figures/jacobian_spectra.log",
    benchmark:
        f"{BENCH}/figures/jacobian_spectra.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=10,
    params:
        figure="jacobian_spectra",
        options={"claim_eps": SPECTRA["claim_eps"]},
    script:
        "../scripts/figure.py"


rule figure_memory:
    """Claim C4: the update gate holds part of a pulse, integrates a train; reset erases it."""
    input:
        datasets=[f"{DATASETS}/memory_{protocol}.nc" for protocol in MEMORY_SETTINGS],
        library=library("figures/memory", "figures/style"),
    output:
        report(
            figure_files("memory"),
            caption="../report/memory.rst",
            category="Claims",
        ),
    log:
        f"{LOGS}/figures/memory.log",
    benchmark:
        f"{BENCH}/figures/memory.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        figure="memory",
    script:
        "../scripts/figure.py"


rule figure_gradients:
    """Claim C9: gradient norms backwards in time grow at the maximal Lyapunov exponent."""
    input:
        datasets=[
            f"{DATASETS}/gradients.nc",
            f"{DATASETS}/lyapunov_mle.nc",
            f"{DATASETS}/lyapunov_theory.nc",
            f"{DATASETS}/dmft_adjoint.nc",
        ],
        library=library("figures/gradients", "figures/style"),
    output:
        report(
            figure_files("gradients"),
            caption="../report/gradients.rst",
            category="Claims",
        ),
    log:
        f"{LOGS}/figures/gradients.log",
    benchmark:
        f"{BENCH}/figures/gradients.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        figure="gradients",
        options={"claim_g_h": LYAPUNOV["mle"]["claim_g_h"]},
    script:
        "../scripts/figure.py"


rule figure_transition:
    """Claims C7, C8: discontinuous transition to chaos with an output gate; phase diagrams."""
    input:
        datasets=[
            f"{DATASETS}/transition.nc",
            f"{DATASETS}/phase_diagram.nc",
            f"{DATASETS}/transition_network.nc",
            f"{DATASETS}/transition_kick.nc",
            f"{DATASETS}/phase_alpha_z.nc",
            f"{DATASETS}/transition_trend.nc",
        ],
        library=library(
            "figures/transition", "figures/style", "marginal_stability", "bistability"
        ),
    output:
        report(
            figure_files("transition"),
            caption="../report/transition.rst",
            category="Claims",
        ),
    log:
        f"{LOGS}/figures/transition.log",
    benchmark:
        f"{BENCH}/figures/transition.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        figure="transition",
        options={
            key: TRANSITION["alpha_z_phase"][key]
            for key in ("marginal_fraction", "quiescent_q_h")
        },
    script:
        "../scripts/figure.py"
