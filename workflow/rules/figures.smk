"""Figures: one rule per figure, dataset(s) in, PNG + PDF out (local, cheap)."""


localrules:
    figure_gating_timescales,
    figure_classical_limit,
    figure_dmft_vs_network,


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
