"""Evaluate the paper's claims on the datasets and write claims.json + a table (rule claims)."""

from gatedrnn.claims import (
    alpha_z_phase_claims,
    classical_limit_claims,
    dmft_claims,
    dmft_mle_claims,
    dmft_timescale_claims,
    gradient_claims,
    memory_claims,
    phase_diagram_claims,
    mle_crossing_claims,
    near_zero_eigenvalue_claims,
    sampler_claims,
    slow_exponent_claims,
    spectral_edge_claims,
    transition_claims,
    transition_network_claims,
    transition_trend_claims,
    timescale_claims,
    write_claims,
)
from gatedrnn.io import read_dataset
from gatedrnn.progress import log_to_file

log_to_file(snakemake.log[0])
n_sigma = snakemake.params.n_sigma
figures = snakemake.params.figures
simulate_path = snakemake.input.simulate
simulations = read_dataset(simulate_path)

claims = timescale_claims(simulations, n_sigma, figures["simulate"], simulate_path)
if snakemake.input.classical:
    classical_path = snakemake.input.classical
    claims += classical_limit_claims(
        simulations,
        read_dataset(classical_path),
        n_sigma,
        figures["classical"],
        f"{simulate_path}, {classical_path}",
    )
if snakemake.input.dmft:
    dmft_path = snakemake.input.dmft
    dmft = read_dataset(dmft_path)
    claims += dmft_claims(
        simulations,
        dmft,
        snakemake.params.dmft_alpha_z,
        snakemake.params.dmft_lag_factor,
        n_sigma,
        figures["dmft"],
        f"{simulate_path}, {dmft_path}",
    )
    claims += dmft_timescale_claims(dmft, n_sigma, figures["dmft"], dmft_path)
if snakemake.input.dmft_reference:
    reference_path = snakemake.input.dmft_reference
    claims += sampler_claims(
        dmft,
        read_dataset(reference_path),
        n_sigma,
        figures["dmft"],
        f"{dmft_path}, {reference_path}",
    )
if snakemake.input.spectra:
    spectra_path = snakemake.input.spectra
    spectra = read_dataset(spectra_path)
    claims += spectral_edge_claims(spectra, n_sigma, figures["spectra"], spectra_path)
    claims += near_zero_eigenvalue_claims(
        spectra, snakemake.params.spectra_eps, n_sigma, figures["spectra"], spectra_path
    )
if snakemake.input.memory_pulse:
    pulse_path, reset_path = snakemake.input.memory_pulse, snakemake.input.memory_reset
    claims += memory_claims(
        read_dataset(pulse_path),
        read_dataset(reset_path),
        n_sigma,
        figures["memory"],
        f"{pulse_path}, {reset_path}",
    )
if snakemake.input.lyapunov_spectrum:
    spectrum_path = snakemake.input.lyapunov_spectrum
    claims += slow_exponent_claims(
        read_dataset(spectrum_path),
        snakemake.params.near_zero_eps,
        n_sigma,
        figures["lyapunov_spectra"],
        spectrum_path,
    )
if snakemake.input.lyapunov_mle:
    mle_path = snakemake.input.lyapunov_mle
    theory_path = snakemake.input.lyapunov_theory
    mle = read_dataset(mle_path)
    claims += mle_crossing_claims(mle, n_sigma, figures["max_lyapunov"], mle_path)
    sampled_path = snakemake.input.dmft_mle
    claims += dmft_mle_claims(
        mle,
        read_dataset(theory_path),
        snakemake.params.mle_g_h,
        snakemake.params.mle_alpha_z,
        n_sigma,
        figures["max_lyapunov"],
        ", ".join(path for path in (mle_path, theory_path, sampled_path) if path),
        read_dataset(sampled_path) if sampled_path else None,
    )
if snakemake.input.gradients:
    gradients_path = snakemake.input.gradients
    adjoint_path = snakemake.input.dmft_adjoint
    claims += gradient_claims(
        read_dataset(gradients_path),
        mle,
        snakemake.params.mle_g_h,
        n_sigma,
        figures["gradients"],
        f"{gradients_path}, {mle_path}, {adjoint_path}",
        adjoint=read_dataset(adjoint_path),
        theory=read_dataset(theory_path),
        sampled=read_dataset(sampled_path) if sampled_path else None,
    )
if snakemake.input.transition:
    transition_path, phase_path = snakemake.input.transition, snakemake.input.phase
    claims += transition_claims(
        read_dataset(transition_path), n_sigma, figures["transition"], transition_path
    )
    claims += phase_diagram_claims(
        read_dataset(phase_path), 0.05, figures["transition"], phase_path
    )
    network_path = snakemake.input.transition_network
    kick_path = snakemake.input.transition_kick
    claims += transition_network_claims(
        read_dataset(transition_path),
        read_dataset(network_path),
        read_dataset(kick_path),
        figures["transition"],
        f"{transition_path}, {network_path}, {kick_path}",
    )
    trend_path = snakemake.input.transition_trend
    claims += transition_trend_claims(
        read_dataset(transition_path),
        read_dataset(network_path),
        read_dataset(trend_path),
        n_sigma,
        figures["transition"],
        f"{transition_path}, {network_path}, {trend_path}",
    )
    alpha_z_path = snakemake.input.phase_alpha_z
    claims += alpha_z_phase_claims(
        read_dataset(alpha_z_path),
        snakemake.params.alpha_z_phase["marginal_fraction"],
        snakemake.params.alpha_z_phase["quiescent_q_h"],
        figures["transition"],
        alpha_z_path,
    )
write_claims(claims, snakemake.output.json, snakemake.output.table)
