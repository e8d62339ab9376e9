"""The claim checks themselves: they pass on consistent data and fail on inconsistent data."""

from __future__ import annotations

import json

import numpy as np
import pytest
import xarray as xr

from gatedrnn import GatedRNN
from gatedrnn.claims import (
    classical_limit_claims,
    failed_claims_message,
    read_claims,
    timescale_claims,
    write_claims,
)
from gatedrnn.dmft import scs_variance


def _sweep(tau_by_alpha, q, correlation, seeds=4, trials=2, lags=9, g_h=4.0, beta_r=0.0, spread=None):
    """A synthetic sweep dataset shaped like the pipeline's merged simulate.nc."""
    alphas = np.array(sorted(tau_by_alpha))
    rng = np.random.default_rng(0)
    lag = np.arange(lags) * 0.5
    spread = np.zeros(seeds) if spread is None else spread
    tau = (
        np.array([tau_by_alpha[a] for a in alphas])[None, :, None, None]
        + spread[None, None, :, None]
        + np.zeros((1, alphas.size, seeds, trials))
    )
    q_h = q + 0.01 * rng.standard_normal((1, alphas.size, seeds, trials))
    c_h = q_h[..., None, :] * correlation(lag)[None, None, None, :, None]
    coords = {"g_h": [g_h], "alpha_z": alphas, "seed": np.arange(seeds), "trial": np.arange(trials), "lag": lag}
    params = GatedRNN(g_h=g_h, beta_r=beta_r).to_dict()
    for name, value in params.items():
        if name not in ("g_h", "alpha_z"):
            coords[name] = value
    return xr.Dataset(
        {
            "tau_int": (("g_h", "alpha_z", "seed", "trial"), tau),
            "q_h": (("g_h", "alpha_z", "seed", "trial"), q_h),
            "C_h": (("g_h", "alpha_z", "seed", "lag", "trial"), c_h),
        },
        coords=coords,
    )


def _classical(q, correlation, seeds=4, trials=2, lags=9, g=2.0):
    rng = np.random.default_rng(1)
    lag = np.arange(lags) * 0.5
    q_h = q + 0.01 * rng.standard_normal((1, seeds, trials))
    c_h = q_h[..., None, :] * correlation(lag)[None, None, :, None]
    return xr.Dataset(
        {"q_h": (("g_h", "seed", "trial"), q_h), "C_h": (("g_h", "seed", "lag", "trial"), c_h)},
        coords={"g_h": [g], "seed": np.arange(seeds), "trial": np.arange(trials), "lag": lag},
    )


def test_classical_limit_passes_on_rescaled_data():
    q = scs_variance(2.0)
    gated = _sweep({0.0: 10.0, 5.0: 50.0}, q, lambda lag: np.exp(-lag / 4.0))
    classical = _classical(q, lambda lag: np.exp(-lag / 2.0))
    claims = classical_limit_claims(gated, classical, 3.0, "fig.png", "data.nc")
    assert [c.id for c in claims] == ["C1.variance", "C1.correlation"]
    assert all(c.passed for c in claims)


@pytest.mark.parametrize("wrong", ["variance", "time_scale"])
def test_classical_limit_fails_on_wrong_data(wrong):
    q = scs_variance(2.0)
    scale = 1.2 if wrong == "variance" else 1.0
    gated_time = 4.0 if wrong == "variance" else 2.0  # time not stretched: C1 violated
    gated = _sweep({0.0: 10.0, 5.0: 50.0}, scale * q, lambda lag: np.exp(-lag / gated_time))
    classical = _classical(q, lambda lag: np.exp(-lag / 2.0))
    claims = {c.id: c for c in classical_limit_claims(gated, classical, 3.0, "f", "d")}
    if wrong == "variance":
        assert not claims["C1.variance"].passed
    else:
        assert claims["C1.variance"].passed and not claims["C1.correlation"].passed


def test_classical_limit_uses_the_mapped_gain():
    # beta_r = 1: sigma_r(0) = 1/(1+e), so g_h = 4 maps to g = 4 / (1 + e) = 1.076
    gated = _sweep({0.0: 10.0}, 1.0, lambda lag: np.exp(-lag), beta_r=1.0)
    classical = _classical(1.0, lambda lag: np.exp(-lag), g=2.0)
    with pytest.raises(ValueError, match="no classical network at g = 1.07"):
        classical_limit_claims(gated, classical, 3.0, "f", "d")


def test_timescale_claim_passes_when_correlation_time_grows_and_fails_otherwise():
    # tau_int per (alpha_z, seed): a seed-to-seed spread of 2 around the given means
    spread = np.array([-3.0, -1.0, 1.0, 3.0]) * (2.0 / np.sqrt(20.0 / 3.0))
    growing = _sweep({0.0: 10.0, 2.0: 30.0, 5.0: 150.0}, 1.9, lambda lag: np.exp(-lag), spread=spread)
    (claim,) = timescale_claims(growing, 3.0, "f", "d")
    assert claim.passed
    assert claim.measured == pytest.approx([10.0, 30.0, 150.0])
    # standard error of the mean over 4 seeds with sample std 2: 1; ends: 3 * sqrt(2)
    assert claim.tolerance == pytest.approx(3.0 * np.sqrt(2.0))
    flat = _sweep({0.0: 10.0, 2.0: 10.0, 5.0: 13.0}, 1.9, lambda lag: np.exp(-lag), spread=spread)
    assert not timescale_claims(flat, 3.0, "f", "d")[0].passed  # 3 < 3 sqrt(2)
    dip = _sweep({0.0: 30.0, 2.0: 20.0, 5.0: 40.0}, 1.9, lambda lag: np.exp(-lag), spread=spread)
    assert not timescale_claims(dip, 3.0, "f", "d")[0].passed  # -10 < -3 sqrt(2)


def test_claims_round_trip_and_failure_message(tmp_path):
    q = scs_variance(2.0)
    gated = _sweep({0.0: 10.0, 5.0: 50.0}, 1.5 * q, lambda lag: np.exp(-lag / 4.0))
    classical = _classical(q, lambda lag: np.exp(-lag / 2.0))
    claims = classical_limit_claims(gated, classical, 3.0, "fig.png", "data.nc")
    write_claims(claims, tmp_path / "claims.json", tmp_path / "claims.tsv")
    records = read_claims(tmp_path / "claims.json")
    assert records == json.loads(json.dumps([c.to_dict() for c in claims]))
    assert len((tmp_path / "claims.tsv").read_text().splitlines()) == len(claims) + 1
    message = failed_claims_message(records)
    assert "C1.variance" in message and "FAILED" in message
    assert failed_claims_message([{**r, "passed": True} for r in records]) == ""


def _dmft(correlation, noise_seeds=3, lags=41, g_h=4.0, alpha_z=0.0, spread=0.0):
    """A synthetic DMFT dataset shaped like the pipeline's merged dmft.nc (lag step 0.25)."""
    lag = np.arange(lags) * 0.25
    offsets = spread * np.linspace(-1.0, 1.0, noise_seeds)
    curves = correlation(lag)[None, :] * (1.0 + offsets[:, None])
    data = {name: (("g_h", "alpha_z", "noise_seed", "lag"), curves[None, None]) for name in ("C_h", "C_z", "C_r")}
    return xr.Dataset(
        data,
        coords={"g_h": [g_h], "alpha_z": [alpha_z], "noise_seed": np.arange(noise_seeds), "lag": lag},
    )


def _network_correlations(correlation, seeds=4, lags=21, spread=0.05, offset=0.0):
    """Network C_h, C_z, C_r (dims g_h, alpha_z, seed, lag, trial), lag step 0.5."""
    lag = np.arange(lags) * 0.5
    factors = 1.0 + spread * np.array([-1.5, -0.5, 0.5, 1.5])[:seeds]
    curves = (correlation(lag) + offset)[None, :] * factors[:, None]
    values = np.repeat(curves[None, None, :, :, None], 2, axis=-1)
    return xr.Dataset(
        {name: (("g_h", "alpha_z", "seed", "lag", "trial"), values) for name in ("C_h", "C_z", "C_r")},
        coords={"g_h": [4.0], "alpha_z": [0.0], "seed": np.arange(seeds), "lag": lag, "trial": [0, 1]},
    )


def test_dmft_claims_pass_within_noise_and_fail_on_a_systematic_offset():
    from gatedrnn.claims import dmft_claims

    def decay(lag):
        return 2.0 * np.exp(-lag / 2.0)

    dmft = _dmft(decay, spread=0.01)
    agreeing = dmft_claims(_network_correlations(decay), dmft, [0.0], 3.0, 3.0, "f", "d")
    assert [c.id for c in agreeing] == ["C2.C_h", "C2.C_z", "C2.C_r"]
    assert all(c.passed for c in agreeing)
    # compared lags stop at 3 relaxation times: 1/e crossing of 2 exp(-lag/2) is at lag 2
    assert "lags <= 6" in agreeing[0].title
    offset = dmft_claims(_network_correlations(decay, offset=0.5), dmft, [0.0], 3.0, 3.0, "f", "d")
    assert not any(c.passed for c in offset)


def _dmft_timescales(taus, converged=None):
    """relaxation_time and converged over (g_h, alpha_z, noise_seed); taus: (alpha_z, seed)."""
    taus = np.asarray(taus, dtype=float)
    flags = np.ones(taus.shape, dtype=np.int8) if converged is None else np.asarray(converged, np.int8)
    return xr.Dataset(
        {
            "relaxation_time": (("g_h", "alpha_z", "noise_seed"), taus[None]),
            "converged": (("g_h", "alpha_z", "noise_seed"), flags[None]),
        },
        coords={"g_h": [4.0], "alpha_z": [0.0, 10.0, 20.0], "noise_seed": np.arange(taus.shape[1])},
    )


def test_dmft_timescale_claim_needs_growth_beyond_the_seed_spread_and_converged_solutions():
    from gatedrnn.claims import dmft_timescale_claims

    growing = [[13.0, 14.0, 15.0], [900.0, 1000.0, 1100.0], [1.3e4, 1.4e4, 1.5e4]]
    (claim,) = dmft_timescale_claims(_dmft_timescales(growing), 3.0, "f", "d")
    assert claim.id == "C2.timescale" and claim.passed
    assert claim.measured == pytest.approx([14.0, 1000.0, 1.4e4])
    # a drop at alpha_z = 20 by 9 seed standard errors (s.e. 577 each) fails
    dropping = [[13.0, 14.0, 15.0], [1.3e4, 1.4e4, 1.5e4], [900.0, 1000.0, 1100.0]]
    assert not dmft_timescale_claims(_dmft_timescales(dropping), 3.0, "f", "d")[0].passed
    # a solution that did not converge only bounds its relaxation time: the check fails
    flags = [[1, 1, 1], [1, 1, 1], [1, 0, 1]]
    (unconverged,) = dmft_timescale_claims(_dmft_timescales(growing, flags), 3.0, "f", "d")
    assert not unconverged.passed and "NOT every solution converged" in unconverged.title


def test_sampler_claims_compare_with_the_exact_solution():
    from gatedrnn.claims import sampler_claims

    def decay(lag):
        return 2.0 * np.exp(-lag / 2.0)

    sampled = _dmft(decay, spread=0.02)  # noise seeds at -2%, 0, +2%: mean exact, s.e. 1.15%
    exact = sampled.isel(alpha_z=0, noise_seed=1, drop=True)
    claims = sampler_claims(sampled, exact, 3.0, "f", "d")
    assert [c.id for c in claims] == ["C2.sampler.C_h", "C2.sampler.C_z", "C2.sampler.C_r"]
    assert all(c.passed for c in claims)
    assert claims[0].tolerance == pytest.approx(3.0 * 0.02 / np.sqrt(3.0))
    biased = sampler_claims(sampled, exact * 1.1, 3.0, "f", "d")  # 10% off > 3.5%
    assert not any(c.passed for c in biased)
