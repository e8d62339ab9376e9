"""The paper's claims as checks on datasets: measured value, expectation, tolerance, verdict.

Each check returns `Claim` records; `results/claims.json` is the list of their dicts.
Tolerances are n_sigma standard errors estimated from the spread over independent networks
(seeds), so they shrink as the configured scale grows.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
from pathlib import Path

import numpy as np
import xarray as xr

from .correlation import relaxation_time
from .bistability import chaotic_mle_by_size
from .dmft.classical import scs_variance
from .marginal_stability import classify_networks
from .simulate import params_from_coords

__all__ = [
    "Claim",
    "classical_limit_claims",
    "timescale_claims",
    "dmft_claims",
    "sampler_claims",
    "dmft_timescale_claims",
    "spectral_edge_claims",
    "near_zero_eigenvalue_claims",
    "memory_claims",
    "transition_claims",
    "transition_network_claims",
    "phase_diagram_claims",
    "alpha_z_phase_claims",
    "transition_trend_claims",
    "gradient_claims",
    "slow_exponent_claims",
    "mle_crossing_claims",
    "dmft_mle_claims",
    "write_claims",
    "read_claims",
    "failed_claims_message",
]


@dataclasses.dataclass(frozen=True)
class Claim:
    """One check of a paper claim (see DESIGN.md, "Claims")."""

    id: str
    title: str
    measured: float | list
    expected: float | list | str
    tolerance: float | str
    passed: bool
    figure: str
    dataset: str

    def to_dict(self) -> dict:
        return {key: _json_safe(value) for key, value in dataclasses.asdict(self).items()}


def _json_safe(value):
    """JSON has no inf/nan: non-finite numbers become the strings 'inf', '-inf', 'nan'."""
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def _curve_agreement(
    claim_id: str,
    title: str,
    difference: np.ndarray,
    error: np.ndarray,
    scale: float,
    n_sigma: float,
    figure: str,
    dataset: str,
) -> Claim:
    """Two curves agree: max |difference| <= n_sigma * max standard error, both / scale."""
    measured = float(np.max(np.abs(difference)) / scale)
    tolerance = float(n_sigma * np.max(error) / scale)
    return Claim(
        id=claim_id,
        title=title,
        measured=measured,
        expected=0.0,
        tolerance=tolerance,
        passed=bool(measured <= tolerance),
        figure=figure,
        dataset=dataset,
    )


def _seed_mean(per_network: xr.DataArray) -> tuple[np.ndarray, np.ndarray]:
    """Mean over the `seed` dim and its standard error (needs >= 2 seeds)."""
    n_seeds = per_network.sizes["seed"]
    if n_seeds < 2:
        raise ValueError("a claim with error bars over networks needs at least two seeds")
    mean = per_network.mean("seed").values
    error = (per_network.std("seed", ddof=1) / np.sqrt(n_seeds)).values
    return mean, error


def _grows(means: np.ndarray, errors: np.ndarray, n_sigma: float) -> tuple[bool, float]:
    """A sequence grows: consecutive means never drop by more than n_sigma combined standard
    errors, and last - first exceeds n_sigma times its standard error (returned)."""
    steps = np.diff(means)
    step_errors = np.sqrt(errors[1:] ** 2 + errors[:-1] ** 2)
    ordered = bool(np.all(steps >= -n_sigma * step_errors))
    end_error = float(np.hypot(errors[0], errors[-1]))
    separated = bool(means[-1] - means[0] > n_sigma * end_error)
    return ordered and separated, end_error


def _growth_claim(
    claim_id: str, title: str, per_network: xr.DataArray, n_sigma: float, figure: str,
    datasets: str,
) -> Claim:
    """A quantity (dims alpha_z, seed; alpha_z sorted) grows with alpha_z (:func:`_grows`
    on its seed means); measured is the list of seed means."""
    means, errors = _seed_mean(per_network)
    passed, end_error = _grows(means, errors, n_sigma)
    return Claim(
        id=claim_id,
        title=title,
        measured=[float(m) for m in means],
        expected="non-decreasing within tolerance; last - first > tolerance",
        tolerance=n_sigma * end_error,
        passed=passed,
        figure=figure,
        dataset=datasets,
    )


def classical_limit_claims(
    gated: xr.Dataset,
    classical: xr.Dataset,
    n_sigma: float,
    figure: str,
    datasets: str,
) -> list[Claim]:
    """C1: the alpha = beta = 0 network at g_h is the classical network at g_h sigma_r(0),
    with time stretched by 1 / sigma_z(0).

    Two checks per swept g_h, each paired by seed (the two networks of a seed share their
    normalised couplings):

    - C1.variance: the seed-averaged C_h(0) of the gated network equals the SCS mean-field
      variance (energy condition) at g = g_h sigma_r(0), within n_sigma standard errors of
      the seed mean.
    - C1.correlation: max over lags of |C_gated(tau) - C_classical(tau sigma_z(0))| / C(0)
      is within n_sigma times the largest standard error (over seeds) of that difference.

    Parameters
    ----------
    gated : Dataset from the sweep (dims g_h, alpha_z, seed, lag, trial)
    classical : Dataset of classical networks (dims g_h, seed, lag, trial); g_h = g there
    n_sigma : float
        Tolerance in standard errors.
    figure, datasets : str
        Paths recorded with each claim.
    """
    claims = []
    for g_h in gated["g_h"].values:
        point = gated.sel(g_h=g_h, alpha_z=0.0)
        params = params_from_coords(point)
        g = params.classical_gain
        stretch = params.classical_time_scale
        reference = classical.sel(g_h=g, method="nearest")
        if not math.isclose(float(reference["g_h"]), g, rel_tol=1e-6):
            raise ValueError(f"no classical network at g = {g} for g_h = {g_h}")
        seeds = np.intersect1d(point["seed"].values, reference["seed"].values)
        if seeds.size < 2:
            raise ValueError("C1 needs at least two seeds present in both datasets")
        q_gated = point["q_h"].sel(seed=seeds).mean("trial").values
        q_expected = scs_variance(g)
        q_error = q_gated.std(ddof=1) / np.sqrt(seeds.size)
        claims.append(
            Claim(
                id="C1.variance",
                title=(
                    f"alpha=beta=0, g_h={g_h:g}: stationary variance of h equals the SCS "
                    f"mean-field variance at g={g:g}"
                ),
                measured=float(q_gated.mean()),
                expected=float(q_expected),
                tolerance=float(n_sigma * q_error),
                passed=bool(abs(q_gated.mean() - q_expected) <= n_sigma * q_error),
                figure=figure,
                dataset=datasets,
            )
        )
        ratio = int(round(stretch))
        if not math.isclose(stretch, ratio):
            raise ValueError(f"C1 compares lags on a common grid; needs an integer stretch, got {stretch}")
        c_gated = point["C_h"].sel(seed=seeds).mean("trial")
        c_classical = reference["C_h"].sel(seed=seeds).mean("trial")
        n_lags = min(c_gated.sizes["lag"] // ratio, c_classical.sizes["lag"])
        gated_values = c_gated.isel(lag=slice(0, ratio * n_lags, ratio)).values
        classical_values = c_classical.isel(lag=slice(0, n_lags)).values
        difference = gated_values - classical_values
        scale = classical_values[:, 0].mean()
        mean_difference = difference.mean(axis=0)
        error = difference.std(axis=0, ddof=1) / np.sqrt(seeds.size)
        claims.append(
            _curve_agreement(
                "C1.correlation",
                f"alpha=beta=0, g_h={g_h:g}: C_h(tau) equals the classical network's "
                f"C(tau/{stretch:g}) at g={g:g} (max deviation / C(0))",
                mean_difference, error, scale, n_sigma, figure, datasets,
            )
        )
    return claims


def timescale_claims(gated: xr.Dataset, n_sigma: float, figure: str, datasets: str) -> list[Claim]:
    """The correlation time of h grows with alpha_z (update gate -> slow modes, C3).

    The statistic is the integrated correlation time tau_int (integral of C_h / C_h(0) up
    to the largest lag; a lower bound when C_h has not decayed), averaged over trials per
    network, then over networks, with the standard error over networks (seeds). For each
    g_h the check passes if consecutive means never decrease by more than n_sigma combined
    standard errors and the mean at the largest alpha_z exceeds the one at the smallest by
    more than n_sigma combined standard errors.
    """
    claims = []
    alphas = np.sort(gated["alpha_z"].values)
    if alphas.size < 2:
        return claims
    for g_h in gated["g_h"].values:
        per_network = gated["tau_int"].sel(g_h=g_h, alpha_z=alphas).mean("trial")
        if per_network.sizes["seed"] < 2:
            raise ValueError("the timescale claim needs at least two seeds")
        claims.append(
            _growth_claim(
                "C3.timescale",
                f"g_h={g_h:g}: integrated correlation time of h grows with alpha_z "
                f"(mean over networks at alpha_z={[float(a) for a in alphas]})",
                per_network, n_sigma, figure, datasets,
            )
        )
    return claims


def dmft_claims(
    simulations: xr.Dataset,
    dmft: xr.Dataset,
    alpha_z_values: list[float],
    lag_factor: float,
    n_sigma: float,
    figure: str,
    datasets: str,
) -> list[Claim]:
    """C2: the DMFT correlation functions describe the networks (one check per function).

    For each swept g_h, each alpha_z in `alpha_z_values` and each of C_h, C_z, C_r: the
    networks' mean (over seeds, trials averaged per network) and the DMFT mean (over noise
    seeds, interpolated to the networks' lags) differ at lags up to `lag_factor` DMFT
    relaxation times by at most n_sigma times the largest combined standard error (networks
    and DMFT noise), both relative to C_DMFT(0). Longer lags are not checked: there finite
    networks keep a slowly decaying component that shrinks with N (see the figure).
    """
    claims = []
    for g_h in np.intersect1d(simulations["g_h"].values, dmft["g_h"].values):
        for alpha_z in alpha_z_values:
            network = simulations.sel(g_h=g_h, alpha_z=alpha_z)
            theory = dmft.sel(g_h=g_h, alpha_z=alpha_z)
            tau = float(relaxation_time(theory["C_h"].mean("noise_seed")))
            lags = network["lag"].values
            compared = lags[lags <= lag_factor * tau] if np.isfinite(tau) else lags
            for name in ("C_h", "C_z", "C_r"):
                per_network = network[name].mean("trial").sel(lag=compared)
                interpolated = theory[name].interp(lag=compared)
                scale = float(theory[name].mean("noise_seed").isel(lag=0))
                difference = per_network.mean("seed") - interpolated.mean("noise_seed")
                error = np.sqrt(
                    per_network.var("seed", ddof=1) / per_network.sizes["seed"]
                    + interpolated.var("noise_seed", ddof=1) / interpolated.sizes["noise_seed"]
                )
                claims.append(
                    _curve_agreement(
                        f"C2.{name}",
                        f"g_h={g_h:g}, alpha_z={alpha_z:g}: network {name} equals the DMFT "
                        f"at lags <= {compared[-1]:.3g} ({lag_factor:g} DMFT relaxation "
                        f"times); max |difference| / C_DMFT(0)",
                        difference.values, error.values, scale, n_sigma, figure, datasets,
                    )
                )
    return claims


def sampler_claims(
    dmft: xr.Dataset, reference: xr.Dataset, n_sigma: float, figure: str, datasets: str
) -> list[Claim]:
    """C2.sampler: at alpha_z = 0 the sampled DMFT equals the exact (deterministic) solution.

    Per swept g_h and each of C_h, C_z, C_r: the mean over noise seeds deviates from the
    exact solution, at every lag, by at most n_sigma times the largest standard error over
    noise seeds, both relative to the exact C(0).
    """
    claims = []
    for g_h in np.intersect1d(dmft["g_h"].values, reference["g_h"].values):
        sampled = dmft.sel(g_h=g_h, alpha_z=0.0)
        exact = reference.sel(g_h=g_h)
        for name in ("C_h", "C_z", "C_r"):
            samples = sampled[name]
            claims.append(
                _curve_agreement(
                    f"C2.sampler.{name}",
                    f"g_h={g_h:g}, alpha_z=0: sampled DMFT {name} equals the exact solution "
                    "at all lags (max |difference| / C(0))",
                    (samples.mean("noise_seed") - exact[name]).values,
                    (samples.std("noise_seed", ddof=1) / np.sqrt(samples.sizes["noise_seed"])).values,
                    float(exact[name].isel(lag=0)),
                    n_sigma,
                    figure,
                    datasets,
                )
            )
    return claims


def dmft_timescale_claims(dmft: xr.Dataset, n_sigma: float, figure: str, datasets: str) -> list[Claim]:
    """C2.timescale: the DMFT relaxation time of h grows with alpha_z (the update gate slows
    the self-consistent dynamics; the theory side of C3.timescale).

    Per swept g_h, over every alpha_z solved: the solver's relaxation time (lag where
    C_h / C_h(0) = 1/e, from the whole period, not only the lags written out), mean and
    standard error over noise seeds, must grow in the sense of ``_grows``, and every solution
    must have converged on a period long enough for it (a non-converged one only bounds its
    relaxation time from below, so it fails the check rather than being skipped).
    """
    claims = []
    alphas = np.sort(dmft["alpha_z"].values)
    if alphas.size < 2:
        return claims
    for g_h in dmft["g_h"].values:
        point = dmft.sel(g_h=g_h, alpha_z=alphas)
        converged = bool(point["converged"].all())
        claim = _growth_claim(
            "C2.timescale",
            f"g_h={g_h:g}: DMFT relaxation time of h (tau_h) grows with alpha_z "
            f"(mean over noise seeds at alpha_z={[float(a) for a in alphas]}; "
            + ("every solution converged)" if converged else "NOT every solution converged)"),
            point["relaxation_time"].rename(noise_seed="seed"), n_sigma, figure, datasets,
        )
        claim = dataclasses.replace(claim, passed=claim.passed and converged)
        claims.append(claim)
    return claims


def spectral_edge_claims(spectra: xr.Dataset, n_sigma: float, figure: str, datasets: str) -> list[Claim]:
    """C3.edge: the right edge of the Jacobian spectrum equals the RMT prediction.

    Per alpha_z at the largest N: per network, the measured max Re lambda (averaged over
    its sampled states) minus the right edge of the boundary rho(M) = 1 computed with the
    same states' unit averages; the mean over networks is 0 within n_sigma standard errors
    over networks (the spread contains the finite-N edge fluctuations, whose scaling with N
    the figure shows).
    """
    N = spectra["N"].values.max()
    claims = []
    for alpha_z in spectra["alpha_z"].values:
        point = spectra.sel(N=N, alpha_z=alpha_z)
        deviation = point["right_edge"].mean("sample") - point["right_edge_predicted"]
        mean, error = _seed_mean(deviation)
        predicted = float(point["right_edge_predicted"].mean("seed"))
        claims.append(
            Claim(
                id="C3.edge",
                title=(
                    f"g_h={float(spectra['g_h']):g}, alpha_z={alpha_z:g}, N={int(N)}: measured "
                    f"right edge of the Jacobian spectrum minus the RMT prediction "
                    f"(predicted edge {predicted:.4g})"
                ),
                measured=float(mean),
                expected=0.0,
                tolerance=float(n_sigma * error),
                passed=bool(abs(mean) <= n_sigma * error),
                figure=figure,
                dataset=datasets,
            )
        )
    return claims


def near_zero_eigenvalue_claims(
    spectra: xr.Dataset, eps: float, n_sigma: float, figure: str, datasets: str
) -> list[Claim]:
    """C3.near_zero: the fraction of Jacobian eigenvalues with |lambda| < eps grows with
    alpha_z (largest N; the growth test of :func:`timescale_claims` on seed means)."""
    N = spectra["N"].values.max()
    alphas = np.sort(spectra["alpha_z"].values)
    fraction = spectra["near_zero_fraction"].sel(N=N, alpha_z=alphas).sel(
        epsilon=eps, method="nearest", tolerance=1e-9 * eps
    )
    return [
        _growth_claim(
            "C3.near_zero",
            f"g_h={float(spectra['g_h']):g}, N={int(N)}: fraction of Jacobian eigenvalues "
            f"with |lambda| < {eps:g} grows with alpha_z (mean over networks at "
            f"alpha_z={[float(a) for a in alphas]})",
            fraction, n_sigma, figure, datasets,
        )
    ]


def memory_claims(
    pulse: xr.Dataset, reset: xr.Dataset, n_sigma: float, figure: str, datasets: str
) -> list[Claim]:
    """C4: the update gate holds input pulses, and a transient gate drive erases them.

    - C4.memory: the retained fraction of a pulse (mean readout over the second half of the
      window over its pulse-end value, per network) grows with alpha_z (the growth test of
      :func:`timescale_claims` on seed means).
    - C4.reset: at the largest alpha_z, pooled over networks, the readout at the end of the
      reset protocol is 0 within n_sigma standard errors, while the control twins (no drive)
      still hold a readout larger than n_sigma standard errors.
    """
    alphas = np.sort(pulse["alpha_z"].values)
    claims = [
        _growth_claim(
            "C4.memory",
            f"g_h={float(pulse['g_h']):g}, N={int(pulse['N'])}: the retained fraction of "
            "an input pulse grows with alpha_z (mean over networks at "
            f"alpha_z={[float(a) for a in alphas]})",
            pulse["retained_fraction"].sel(alpha_z=alphas), n_sigma, figure, datasets,
        )
    ]
    final = reset["readout"].isel(time=-1).stack(run=("alpha_z", "seed", "trial")).dropna("run")
    control = reset["readout_control"].isel(time=-1).stack(
        run=("alpha_z", "seed", "trial")).dropna("run")
    final_error = float(final.std(ddof=1) / np.sqrt(final.size))
    control_error = float(control.std(ddof=1) / np.sqrt(control.size))
    erased = abs(float(final.mean())) <= n_sigma * final_error
    held = float(control.mean()) > n_sigma * control_error
    claims.append(
        Claim(
            id="C4.reset",
            title=(
                f"alpha_z={float(reset['alpha_z'].max()):g}: after a transient update-gate drive "
                f"the readout is back at baseline 0 (control without the drive holds "
                f"{float(control.mean()):.3g} ± {control_error:.2g})"
            ),
            measured=float(final.mean()),
            expected=0.0,
            tolerance=n_sigma * final_error,
            passed=bool(erased and held),
            figure=figure,
            dataset=datasets,
        )
    )
    return claims


def _adjoint_dmft_claims(adjoint, theory, sampled, n_sigma, figure, datasets) -> list[Claim]:
    """C9.dmft: the adjoint-DMFT growth rate equals the DMFT maximal exponent at each point."""
    claims = []
    for g_h in adjoint["g_h"].values:
        for alpha_z in adjoint["alpha_z"].values:
            rates = adjoint["growth_rate"].sel(g_h=g_h, alpha_z=alpha_z).dropna("noise_seed")
            rate, rate_error = _seed_mean(rates.rename(noise_seed="seed"))
            expected, expected_error = _dmft_exponent(theory, sampled, float(g_h), float(alpha_z))
            tolerance = float(n_sigma * np.hypot(rate_error, expected_error))
            claims.append(
                Claim(
                    id="C9.dmft",
                    title=(
                        f"g_h={g_h:g}, alpha_z={alpha_z:g}: backward growth rate of gradients "
                        "from the adjoint DMFT equals the DMFT maximal Lyapunov exponent"
                    ),
                    measured=float(rate),
                    expected=expected,
                    tolerance=tolerance,
                    passed=bool(abs(rate - expected) <= tolerance),
                    figure=figure,
                    dataset=datasets,
                )
            )
    return claims


def gradient_claims(
    gradients: xr.Dataset, mle: xr.Dataset, g_h: float, n_sigma: float, figure: str,
    datasets: str, adjoint: xr.Dataset | None = None, theory: xr.Dataset | None = None,
    sampled: xr.Dataset | None = None,
) -> list[Claim]:
    """C9: gradients grow backwards at the maximal Lyapunov exponent; gating keeps them alive.

    - C9.growth (per alpha_z of the Lyapunov sweep): on networks with both measurements
      (same N, g_h, alpha_z, seed), the backward growth rate of the adjoint norm minus the
      network's maximal exponent, averaged over seeds, is 0 within n_sigma standard errors
      (over seeds) at every g_h; measured is the largest |mean difference|.
    - C9.alive: at gain `g_h`, |growth rate| at the largest alpha_z is smaller than at
      alpha_z = 0 by more than n_sigma combined standard errors.
    - C9.dmft (with `adjoint`, the adjoint-DMFT solutions, and the DMFT exponents `theory`
      (frozen gates) and `sampled` (tangent DMFT)): at each adjoint point the growth rate
      (mean over noise seeds) equals the DMFT exponent within n_sigma combined errors.
    """
    claims = []
    N = int(gradients["N"].values.max())
    for alpha_z in mle["alpha_z"].values:
        rate = gradients["growth_rate_mean"].sel(N=N, alpha_z=alpha_z)
        exponent = mle["mle"].sel(N=N, alpha_z=alpha_z)
        gains = [float(g) for g in rate["g_h"].values
                 if (rate.sel(g_h=g).notnull() & exponent.sel(g_h=g).notnull()).sum() >= 2]
        if not gains:
            continue
        differences, errors = [], []
        for gain in gains:
            paired = (rate.sel(g_h=gain) - exponent.sel(g_h=gain)).dropna("seed")
            mean, error = _seed_mean(paired)
            differences.append(float(mean))
            errors.append(float(error))
        worst = int(np.argmax(np.abs(differences) / np.maximum(errors, 1e-300)))
        claims.append(
            Claim(
                id="C9.growth",
                title=(
                    f"alpha_z={alpha_z:g}, N={N}: backward growth rate of gradients equals the "
                    f"maximal Lyapunov exponent of the same networks at g_h={gains} "
                    f"(largest |rate - MLE| {max(np.abs(differences)):.3g}; worst case "
                    f"g_h={gains[worst]:g})"
                ),
                measured=differences[worst],
                expected=0.0,
                tolerance=n_sigma * errors[worst],
                passed=bool(all(abs(d) <= n_sigma * e for d, e in zip(differences, errors))),
                figure=figure,
                dataset=datasets,
            )
        )
    if adjoint is not None:
        claims += _adjoint_dmft_claims(adjoint, theory, sampled, n_sigma, figure, datasets)
    at_gain = gradients["growth_rate_mean"].sel(N=N, g_h=g_h).dropna("alpha_z", how="all")
    alphas = np.sort(at_gain["alpha_z"].values)
    if alphas.size >= 2 and alphas[0] == 0.0:
        means, errors = _seed_mean(abs(at_gain.sel(alpha_z=[alphas[0], alphas[-1]])))
        end_error = float(np.hypot(*errors))
        claims.append(
            Claim(
                id="C9.alive",
                title=(
                    f"g_h={g_h:g}, N={N}: |backward growth rate| of gradients at "
                    f"alpha_z={alphas[-1]:g} is smaller than at alpha_z=0 (gradients neither "
                    "explode nor vanish)"
                ),
                measured=[float(m) for m in means],
                expected="last < first - tolerance",
                tolerance=n_sigma * end_error,
                passed=bool(means[1] < means[0] - n_sigma * end_error),
                figure=figure,
                dataset=datasets,
            )
        )
    return claims


def transition_claims(transition: xr.Dataset, n_sigma: float, figure: str, datasets: str) -> list[Claim]:
    """C7 from the DMFT at the strong-gate setting.

    - C7.ordering: proliferation gain < chaos-onset gain < zero-fixed-point gain, each gap
      larger than n_sigma times the combined accuracy of the two gains.
    - C7.jump: the maximal exponent at the chaos onset exceeds n_sigma times its accuracy
      (chaos appears with a finite exponent).
    """
    names = ("proliferation_gain", "chaos_onset_gain", "zero_fixed_point_gain")
    values = [float(transition[name]) for name in names]
    accuracies = [float(transition.get(f"{name}_accuracy", 0.0)) for name in names]
    gaps = np.diff(values)
    gap_accuracy = np.hypot(accuracies[:-1], accuracies[1:])
    setting = f"alpha_r={float(transition['alpha_r']):g}, beta_r={float(transition['beta_r']):g}"
    jump = float(transition["chaos_onset_max_lyapunov"])
    jump_accuracy = float(transition["chaos_onset_max_lyapunov_accuracy"])
    return [
        Claim(
            id="C7.ordering",
            title=(
                f"{setting}: fixed points proliferate before chaos sets in, and chaos sets in "
                "while the zero fixed point is still stable (gains: proliferation, onset, zero FP)"
            ),
            measured=values,
            expected="strictly increasing",
            tolerance=float(n_sigma * gap_accuracy.max()),
            passed=bool(np.all(gaps > n_sigma * gap_accuracy)),
            figure=figure,
            dataset=datasets,
        ),
        Claim(
            id="C7.jump",
            title=f"{setting}: the DMFT maximal exponent jumps to a finite value at the chaos onset",
            measured=jump,
            expected="> tolerance",
            tolerance=float(n_sigma * jump_accuracy),
            passed=bool(jump > n_sigma * jump_accuracy and jump > 0),
            figure=figure,
            dataset=datasets,
        ),
    ]


def transition_network_claims(
    transition: xr.Dataset, network: xr.Dataset, kick: xr.Dataset, figure: str, datasets: str
) -> list[Claim]:
    """C7 on finite networks at the strong gate (majority criteria over all trials and seeds).

    - C7.bistability: at every swept g_h strictly between the DMFT chaos onset and the
      zero-fixed-point gain, most large-initial-condition trials end chaotic and most
      small-initial-condition trials quiescent; below the proliferation gain no trial is
      chaotic. measured = [chaotic fraction (large init) in the window, quiescent fraction
      (small init) in the window, chaotic fraction below proliferation].
    - C7.kick: a transient input pulse leaves most quiescent networks with the output gate
      on the chaotic attractor, and none without it (alpha_r = 0, same g_h).
    """
    onset, zero = float(transition["chaos_onset_gain"]), float(transition["zero_fixed_point_gain"])
    proliferation = float(transition["proliferation_gain"])
    gains = network["g_h"].values
    window = gains[(gains > onset) & (gains < zero)]
    below = gains[gains < proliferation]
    chaotic_large = network["chaotic"].sel(init="large")
    quiescent_small = network["quiescent"].sel(init="small")
    in_window = [float(chaotic_large.sel(g_h=window).mean()) if window.size else float("nan"),
                 float(quiescent_small.sel(g_h=window).mean()) if window.size else float("nan")]
    below_value = float(chaotic_large.sel(g_h=below).mean()) if below.size else 0.0
    bistable = bool(window.size and in_window[0] > 0.5 and in_window[1] > 0.5 and below_value == 0)
    gated = float(kick["alpha_r"].values.max())
    kicked = float(kick["chaotic"].sel(alpha_r=gated).mean())
    ungated = float(kick["chaotic"].sel(alpha_r=0.0).mean())
    return [
        Claim(
            id="C7.bistability",
            title=(
                f"N={int(network['N'])}, alpha_r={float(network['alpha_r']):g}: between the chaos "
                f"onset {onset:.4g} and the zero-FP gain {zero:.4g} (g_h={window.tolist()}) "
                "networks are bistable (chaotic from large, quiescent from small initial "
                f"conditions); below the proliferation gain {proliferation:.4g} none is chaotic"
            ),
            measured=[*in_window, below_value],
            expected="[> 0.5, > 0.5, 0]",
            tolerance="majority of trials",
            passed=bistable,
            figure=figure,
            dataset=datasets,
        ),
        Claim(
            id="C7.kick",
            title=(
                f"g_h={float(kick['g_h']):g}: a transient input sends quiescent networks with "
                f"alpha_r={gated:g} onto the chaotic attractor, and none with alpha_r=0 "
                "(fractions chaotic after the pulse)"
            ),
            measured=[kicked, ungated],
            expected="[> 0.5, 0]",
            tolerance="majority of trials",
            passed=bool(kicked > 0.5 and ungated == 0),
            figure=figure,
            dataset=datasets,
        ),
    ]


def phase_diagram_claims(
    phase: xr.Dataset, margin: float, figure: str, datasets: str
) -> list[Claim]:
    """C8.tricritical: across the phase diagram, proliferation (chaos onset) is continuous
    exactly when alpha_r g_r is below the static (chaotic) tricritical strength derived from
    the small-amplitude expansion. Points within a relative `margin` of a threshold are not
    counted; measured is the number of points that disagree."""
    strength = phase["alpha_r"] * phase["g_r"]
    disagreements, checked = 0, 0
    for kind, flag in (("static", "proliferation_continuous"), ("chaotic", "chaos_onset_continuous")):
        threshold = phase[f"tricritical_{kind}"]
        decided = np.abs(strength - threshold) > margin * threshold
        expected = strength < threshold
        actual = phase[flag] > 0.5
        disagreements += int(((expected != actual) & decided).sum())
        checked += int(decided.sum())
    return [
        Claim(
            id="C8.tricritical",
            title=(
                f"phase diagram over alpha_r={phase['alpha_r'].values.tolist()}, "
                f"beta_r={phase['beta_r'].values.tolist()}: proliferation and chaos onset are "
                "continuous exactly below their tricritical alpha_r g_r (number of "
                f"disagreeing points of {checked})"
            ),
            measured=disagreements,
            expected=0,
            tolerance=f"points within {margin:.0%} of a threshold not counted",
            passed=bool(disagreements == 0 and checked > 0),
            figure=figure,
            dataset=datasets,
        )
    ]


def alpha_z_phase_claims(
    phase: xr.Dataset, marginal_fraction: float, quiescent_q_h: float, figure: str,
    datasets: str,
) -> list[Claim]:
    """C8 in the (g_h, alpha_z) plane at alpha_r = 0 (networks classified by
    :func:`gatedrnn.marginal_stability.classify_networks`; counts, no tolerance).

    - C8.zero_line: the zero-fixed-point gain 1 + e^beta_r separates the phases at every
      alpha_z: below it no network is active (each is quiescent or marginally stable), above
      it none is quiescent. measured = [active below, quiescent above].
    - C8.marginal: marginal stability is brought by the update gate: at alpha_z = 0 no network
      is marginally stable, at the largest alpha_z every network is (on both sides of the
      line). measured = [fraction marginal at alpha_z = 0, at the largest alpha_z].

    Both are statements about the states reached after the burn-in (the ``time`` coordinate).
    Below the line the frozen states are long-lived transients (their closed gates leak at
    a rate ~sigma_z), above it the networks stay active.
    """
    classes = classify_networks(phase, marginal_fraction, quiescent_q_h)
    beta_r = float(phase["beta_r"])
    zero_gain = 1.0 + math.exp(beta_r)
    gains = classes["g_h"]
    below, above = gains < zero_gain, gains > zero_gain
    active_below = int(classes["active"].where(below, False).sum())
    quiescent_above = int(classes["quiescent"].where(above, False).sum())
    alphas = np.sort(classes["alpha_z"].values)
    first, last = float(alphas[0]), float(alphas[-1])
    marginal_first = float(classes["marginal"].sel(alpha_z=first).mean())
    marginal_last = float(classes["marginal"].sel(alpha_z=last).mean())
    times = np.asarray(phase["time"].values, dtype=float)
    setting = (f"alpha_r=0, beta_r={beta_r:g}, N={int(phase['N'])}, states at "
               f"t={np.nanmin(times):g}-{np.nanmax(times):g} from order-one initial conditions")
    return [
        Claim(
            id="C8.zero_line",
            title=(
                f"{setting}: g_h = 1 + e^beta_r = {zero_gain:.4g} separates the phases at every "
                f"alpha_z={alphas.tolist()}: no network below it is active (each quiescent, "
                f"mean h^2 < {quiescent_q_h:g}, or marginally stable), none above it is quiescent "
                f"(counts of {int(below.sum()) * alphas.size * phase.sizes['seed']} networks "
                f"below and {int(above.sum()) * alphas.size * phase.sizes['seed']} above)"
            ),
            measured=[active_below, quiescent_above],
            expected=[0, 0],
            tolerance="counts of networks",
            passed=bool(active_below == 0 and quiescent_above == 0 and below.any() and above.any()),
            figure=figure,
            dataset=datasets,
        ),
        Claim(
            id="C8.marginal",
            title=(
                f"{setting}: the update gate brings marginal stability (a fraction >= "
                f"{marginal_fraction:g} of Jacobian eigenvalues with |lambda| < "
                f"{float(phase['epsilon'].values.ravel()[0]):g}): fraction of networks marginally "
                f"stable at alpha_z={first:g} and at alpha_z={last:g}, over g_h={gains.values.tolist()}"
            ),
            measured=[marginal_first, marginal_last],
            expected=[0.0, 1.0],
            tolerance="fractions of networks",
            passed=bool(marginal_first == 0.0 and marginal_last == 1.0 and first == 0.0),
            figure=figure,
            dataset=datasets,
        ),
    ]


def transition_trend_claims(
    transition: xr.Dataset, network: xr.Dataset, trend: xr.Dataset, n_sigma: float,
    figure: str, datasets: str,
) -> list[Claim]:
    """C7.network_mle: at each gain of the trend sweep, the maximal exponent of the chaotic
    networks (large initial conditions), extrapolated in 1/N from the survey's N and the
    trend's larger N (:func:`_richardson` on seed means), equals the exponent of the DMFT
    chaotic branch (upper) within n_sigma standard errors of the extrapolation."""
    claims = []
    branch = transition["chaotic_max_lyapunov_upper"]
    for g_h in trend["g_h"].values:
        per_network = chaotic_mle_by_size([network, trend], g_h)
        theory = float(branch.sel(g_h=g_h))
        try:
            value, error, sizes = _richardson(per_network)
        except ValueError:  # fewer than two seeds with a chaotic trial at some N
            value, error, sizes = float("nan"), float("nan"), per_network["N"].values.tolist()
        claims.append(
            Claim(
                id="C7.network_mle",
                title=(
                    f"alpha_r={float(transition['alpha_r']):g}, beta_r="
                    f"{float(transition['beta_r']):g}, g_h={g_h:g}: maximal exponent of the "
                    f"chaotic networks extrapolated in 1/N from N={sizes} equals the DMFT "
                    "chaotic branch (needs >= 2 seeds with a chaotic trial at each N)"
                ),
                measured=value,
                expected=theory,
                tolerance=float(n_sigma * error),
                passed=bool(abs(value - theory) <= n_sigma * error),
                figure=figure,
                dataset=datasets,
            )
        )
    return claims


def slow_exponent_claims(
    spectra: xr.Dataset, eps: float, n_sigma: float, figure: str, datasets: str
) -> list[Claim]:
    """C5.slow_modes: the fraction of Lyapunov exponents with |lambda| < eps grows with alpha_z.

    `spectra` holds full spectra (dims alpha_z, seed, index). The fraction is taken per
    network; the growth test is that of :func:`timescale_claims` on its seed means.
    """
    alphas = np.sort(spectra["alpha_z"].values)
    if alphas.size < 2:
        return []
    exponents = spectra["exponents"].sel(alpha_z=alphas)
    fraction = (np.abs(exponents) < eps).mean("index")
    return [
        _growth_claim(
            "C5.slow_modes",
            f"g_h={float(spectra['g_h']):g}, N={int(spectra['N'])}: the fraction of "
            f"Lyapunov exponents with |lambda| < {eps:g} grows with alpha_z "
            f"(mean over networks at alpha_z={[float(a) for a in alphas]})",
            fraction, n_sigma, figure, datasets,
        )
    ]


def mle_crossing_claims(mle: xr.Dataset, n_sigma: float, figure: str, datasets: str) -> list[Claim]:
    """C5.crossing: with frozen gates the maximal exponent changes sign at g_h = 1 + e^beta_r.

    Checked on the g_h sweep at alpha_z = 0 (largest N with more than one g_h) when the
    output gate is frozen too (alpha_r = 0); at alpha = beta = 0 the expected gain is 2.
    Seed means m(g_h) with standard errors s: passes if some g_h below the expected gain has
    m < -n_sigma s, some g_h above it has m > n_sigma s, and no g_h has a significant sign
    against its side. `measured` is the bracket [largest significantly negative g_h,
    smallest significantly positive g_h].
    """
    if 0.0 not in mle["alpha_z"].values or float(mle["alpha_r"]) != 0.0:
        return []
    gains_per_size = mle["mle"].sel(alpha_z=0.0).notnull().any("seed").sum("g_h")
    sizes = gains_per_size["N"].values[gains_per_size.values > 1]
    if sizes.size == 0:
        return []
    N = sizes.max()
    per_network = mle["mle"].sel(N=N, alpha_z=0.0).dropna("g_h", how="all")
    gains = per_network["g_h"].values
    means, errors = _seed_mean(per_network)
    expected = 1.0 + math.exp(float(mle["beta_r"]))
    negative = means < -n_sigma * errors
    positive = means > n_sigma * errors
    below, above = gains < expected, gains > expected
    contradicted = bool(np.any(positive & below) or np.any(negative & above))
    bracket = [
        float(gains[negative & below].max()) if np.any(negative & below) else float("nan"),
        float(gains[positive & above].min()) if np.any(positive & above) else float("nan"),
    ]
    return [
        Claim(
            id="C5.crossing",
            title=(
                f"alpha_z=alpha_r=0, beta_r={float(mle['beta_r']):g}, N={int(N)}: the maximal "
                f"exponent is negative below and positive above g_h = 1 + e^beta_r "
                f"(bracket of significant signs; seed means {np.round(means, 4).tolist()} "
                f"at g_h={gains.tolist()})"
            ),
            measured=bracket,
            expected=expected,
            tolerance=f"signs significant at {n_sigma:g} standard errors over networks",
            passed=bool(np.all(np.isfinite(bracket)) and not contradicted),
            figure=figure,
            dataset=datasets,
        )
    ]


def _richardson(per_network: xr.DataArray) -> tuple[float, float, list[int]]:
    """Extrapolate seed means to N = infinity from the two largest N, assuming a 1/N
    correction: m_inf = (N2 m2 - N1 m1) / (N2 - N1), with its standard error."""
    sizes = [int(N) for N in per_network["N"].values if per_network.sel(N=N).notnull().sum() >= 2]
    if len(sizes) < 2:
        raise ValueError("the N extrapolation needs two network sizes with >= 2 seeds each")
    small, large = sorted(sizes)[-2:]
    (m1, e1), (m2, e2) = (_seed_mean(per_network.sel(N=N).dropna("seed")) for N in (small, large))
    span = large - small
    value = (large * m2 - small * m1) / span
    error = math.hypot(large * e2, small * e1) / span
    return float(value), float(error), [small, large]


def _half_difference(blocks: xr.DataArray) -> tuple[float, float]:
    """Second-half minus first-half mean of per-block values (dims seed, block), averaged
    over seeds, with its standard error from the scatter of the blocks within each run
    (batch means; blocks of one run are treated as independent)."""
    half = blocks.sizes["block"] // 2
    first = blocks.isel(block=slice(None, half))
    second = blocks.isel(block=slice(half, None))
    difference = second.mean("block") - first.mean("block")
    variance = first.var("block", ddof=1) / first.sizes["block"] + second.var(
        "block", ddof=1) / second.sizes["block"]
    n_seeds = difference.sizes["seed"]
    return float(difference.mean("seed")), float(np.sqrt(variance.sum("seed")) / n_seeds)


def _dmft_exponent(theory: xr.Dataset, sampled: xr.Dataset | None, g_h: float,
                   alpha_z: float) -> tuple[float, float]:
    """DMFT maximal exponent and its standard error at (g_h, alpha_z): the exact frozen-gate
    line at alpha_z = 0, else the mean over noise seeds of the tangent DMFT (error: their
    spread, which includes the noise of the sampled base solutions)."""
    if float(alpha_z) == 0.0:
        line = theory.sel(alpha_z=0.0) if "alpha_z" in theory.dims else theory
        if float(line["alpha_z"]) != 0.0:
            raise ValueError("the frozen-gate DMFT dataset is not at alpha_z=0")
        return float(line["max_lyapunov"].sel(g_h=g_h)), 0.0
    if sampled is None or alpha_z not in sampled["alpha_z"].values or g_h not in sampled["g_h"].values:
        raise ValueError(f"the DMFT dataset has no maximal exponent at alpha_z={alpha_z:g}, g_h={g_h:g}")
    seeds = sampled["max_lyapunov"].sel(g_h=g_h, alpha_z=alpha_z).dropna("noise_seed")
    mean, error = _seed_mean(seeds.rename(noise_seed="seed"))
    return float(mean), float(error)


def dmft_mle_claims(
    mle: xr.Dataset,
    theory: xr.Dataset,
    g_h: float,
    alpha_z_values: list[float],
    n_sigma: float,
    figure: str,
    datasets: str,
    sampled: xr.Dataset | None = None,
) -> list[Claim]:
    """C6: the network maximal exponent, extrapolated in 1/N, equals the DMFT one.

    Per alpha_z in `alpha_z_values` at gain `g_h`, two checks:

    - C6.mle: the 1/N extrapolation from the two largest N (:func:`_richardson`) equals the
      DMFT value within n_sigma times the extrapolation's standard error combined with the
      DMFT's (0 for the exact frozen-gate line; the spread over noise seeds of the tangent
      DMFT at alpha_z > 0).
    - C6.stationarity: the exponent over the second half of each run minus that over the
      first half, averaged over networks of the largest N, is 0 within n_sigma standard
      errors from the block-to-block scatter within each run (:func:`_half_difference`;
      finite networks at large alpha_z drift toward frozen states, SPEC section 4).

    `theory` is the frozen-gate line (max_lyapunov over g_h at alpha_z = 0); `sampled`
    the tangent-DMFT exponents over (g_h, alpha_z, noise_seed) for alpha_z > 0
    (:func:`_dmft_exponent`).
    """
    claims = []
    for alpha_z in alpha_z_values:
        expected, expected_error = _dmft_exponent(theory, sampled, g_h, alpha_z)
        point = mle.sel(g_h=g_h, alpha_z=alpha_z)
        value, error, sizes = _richardson(point["mle"])
        tolerance = n_sigma * math.hypot(error, expected_error)
        claims.append(
            Claim(
                id="C6.mle",
                title=(
                    f"g_h={g_h:g}, alpha_z={alpha_z:g}: network maximal exponent extrapolated "
                    f"in 1/N from N={sizes} equals the DMFT value"
                ),
                measured=value,
                expected=expected,
                tolerance=tolerance,
                passed=bool(abs(value - expected) <= tolerance),
                figure=figure,
                dataset=datasets,
            )
        )
        blocks = point["block_exponents"].sel(N=sizes[-1]).isel(index=0).dropna("seed", how="all")
        drift_mean, drift_error = _half_difference(blocks)
        claims.append(
            Claim(
                id="C6.stationarity",
                title=(
                    f"g_h={g_h:g}, alpha_z={alpha_z:g}, N={sizes[-1]}: maximal exponent of the "
                    "second half of the run minus the first half (stationary networks)"
                ),
                measured=float(drift_mean),
                expected=0.0,
                tolerance=float(n_sigma * drift_error),
                passed=bool(abs(drift_mean) <= n_sigma * drift_error),
                figure=figure,
                dataset=datasets,
            )
        )
    return claims


def write_claims(claims: list[Claim], json_path: str | os.PathLike, table_path: str | os.PathLike) -> None:
    """Write the claims as a JSON list (DESIGN.md "Claims") and as a tab-separated table."""
    records = [claim.to_dict() for claim in claims]
    columns = list(Claim.__dataclass_fields__)
    rows = ["\t".join(columns)] + [
        "\t".join(json.dumps(record[c]) if not isinstance(record[c], str) else record[c] for c in columns)
        for record in records
    ]
    for path, text in ((json_path, json.dumps(records, indent=2) + "\n"), (table_path, "\n".join(rows) + "\n")):
        path = Path(path)
        tmp = path.with_name(f".{path.name}.partial-{os.getpid()}")
        tmp.write_text(text)
        os.replace(tmp, path)


def read_claims(path: str | os.PathLike) -> list[dict]:
    """The list of claim records in a claims.json file."""
    return json.loads(Path(path).read_text())


def failed_claims_message(records: list[dict]) -> str:
    """A message listing every failed claim (empty if all passed)."""
    failed = [r for r in records if not r["passed"]]
    if not failed:
        return ""
    lines = [f"{len(failed)} of {len(records)} claims FAILED:"] + [
        f"  {r['id']}: {r['title']}: measured {r['measured']}, expected {r['expected']}, "
        f"tolerance {r['tolerance']} (figure {r['figure']})"
        for r in failed
    ]
    return "\n".join(lines) + "\n"
