"""The paper's claims checked on the datasets: results/claims.json, then a verdict."""


localrules:
    claims,
    verify_claims,


rule claims:
    """Evaluate every claim whose data this configuration produces (gatedrnn.claims)."""
    input:
        simulate=f"{DATASETS}/simulate.nc",
        classical=f"{DATASETS}/simulate_classical.nc" if CLASSICAL_ENABLED else [],
        dmft=f"{DATASETS}/dmft.nc" if DMFT_ENABLED else [],
        dmft_reference=f"{DATASETS}/dmft_deterministic.nc" if DMFT_REFERENCE else [],
        spectra=f"{DATASETS}/spectra.nc" if SPECTRA_ENABLED else [],
        memory_pulse=f"{DATASETS}/memory_pulse.nc" if MEMORY_ENABLED else [],
        memory_reset=f"{DATASETS}/memory_reset.nc" if MEMORY_ENABLED else [],
        lyapunov_spectrum=(
            f"{DATASETS}/lyapunov_spectrum.nc" if LYAPUNOV_ENABLED else []
        ),
        lyapunov_mle=f"{DATASETS}/lyapunov_mle.nc" if LYAPUNOV_ENABLED else [],
        lyapunov_theory=f"{DATASETS}/lyapunov_theory.nc" if LYAPUNOV_ENABLED else [],
        gradients=f"{DATASETS}/gradients.nc" if GRADIENTS_ENABLED else [],
        dmft_adjoint=f"{DATASETS}/dmft_adjoint.nc" if GRADIENTS_ENABLED else [],
        transition=f"{DATASETS}/transition.nc" if TRANSITION_ENABLED else [],
        phase=f"{DATASETS}/phase_diagram.nc" if TRANSITION_ENABLED else [],
        transition_network=(
            f"{DATASETS}/transition_network.nc" if TRANSITION_ENABLED else []
        ),
        transition_kick=f"{DATASETS}/transition_kick.nc" if TRANSITION_ENABLED else [],
        transition_trend=f"{DATASETS}/transition_trend.nc" if TRANSITION_ENABLED else [],
        phase_alpha_z=f"{DATASETS}/phase_alpha_z.nc" if TRANSITION_ENABLED else [],
        dmft_mle=f"{DATASETS}/dmft_mle.nc" if DMFT_MLE_ENABLED else [],
        library=library(
            "claims",
            "dmft/classical",
            "correlation",
            "marginal_stability",
            "bistability",
        ),
    output:
        json=CLAIMS_JSON,
        table=report(CLAIMS_TABLE, caption="../report/claims.rst", category="Claims"),
    log:
        f"{LOGS}/claims/claims.log",
    benchmark:
        f"{BENCH}/claims/claims.tsv"
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        n_sigma=config["claims"]["n_sigma"],
        figures={
            "simulate": f"{FIGURES}/gating_timescales.png",
            "classical": f"{FIGURES}/classical_limit.png",
            "dmft": f"{FIGURES}/dmft_vs_network.png",
            "spectra": f"{FIGURES}/jacobian_spectra.png",
            "memory": f"{FIGURES}/memory.png",
            "lyapunov_spectra": f"{FIGURES}/lyapunov_spectra.png",
            "max_lyapunov": f"{FIGURES}/max_lyapunov.png",
            "gradients": f"{FIGURES}/gradients.png",
            "transition": f"{FIGURES}/transition.png",
        },
        dmft_alpha_z=DMFT["claim_alpha_z"],
        dmft_lag_factor=DMFT["claim_lag_factor"],
        spectra_eps=SPECTRA["claim_eps"],
        near_zero_eps=LYAPUNOV["spectrum"]["near_zero_eps"],
        mle_g_h=LYAPUNOV["mle"]["claim_g_h"],
        mle_alpha_z=LYAPUNOV["mle"]["claim_alpha_z"],
        alpha_z_phase={
            key: TRANSITION["alpha_z_phase"][key]
            for key in ("marginal_fraction", "quiescent_q_h")
        },
    script:
        "../scripts/claims.py"


rule verify_claims:
    """Fail loudly (naming each failed claim) if any claim failed at this scale."""
    input:
        CLAIMS_JSON,
    output:
        touch(CLAIMS_VERIFIED),
    log:
        f"{LOGS}/claims/verify.log",
    conda:
        "../envs/gatedrnn.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    script:
        "../scripts/verify_claims.py"
