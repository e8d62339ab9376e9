"""The Lyapunov claim checks (C5, C6) pass on consistent data and fail on inconsistent data."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from gatedrnn import GatedRNN
from gatedrnn.claims import dmft_mle_claims, mle_crossing_claims, slow_exponent_claims


def _spectra(fractions, n_exponents=100, seeds=3, eps=0.01):
    """Full spectra where a given fraction of exponents sits at |lambda| = eps / 2."""
    alphas = np.array(sorted(fractions))
    exponents = np.empty((alphas.size, seeds, n_exponents))
    for i, alpha_z in enumerate(alphas):
        for seed in range(seeds):
            n_zero = int(round(fractions[alpha_z] * n_exponents)) + seed % 2
            values = -np.linspace(0.1, 2.0, n_exponents)
            values[:n_zero] = eps / 2
            exponents[i, seed] = np.sort(values)[::-1]
    return xr.Dataset(
        {"exponents": (("alpha_z", "seed", "index"), exponents)},
        coords={"alpha_z": alphas, "seed": np.arange(seeds), "index": np.arange(n_exponents),
                "g_h": 4.0, "N": n_exponents // 3},
    )


def test_slow_modes_pass_when_the_fraction_grows_and_fail_when_it_does_not():
    growing = slow_exponent_claims(_spectra({0.0: 0.02, 5.0: 0.2, 20.0: 0.5}), 0.01, 3.0, "f", "d")
    assert [c.id for c in growing] == ["C5.slow_modes"]
    assert growing[0].passed
    assert growing[0].measured[0] == pytest.approx(0.02 + 1 / 300, abs=1e-12)
    flat = slow_exponent_claims(_spectra({0.0: 0.2, 5.0: 0.2, 20.0: 0.2}), 0.01, 3.0, "f", "d")
    assert not flat[0].passed
    shrinking = slow_exponent_claims(_spectra({0.0: 0.5, 20.0: 0.1}), 0.01, 3.0, "f", "d")
    assert not shrinking[0].passed


def _mle(values, errors_scale=0.002, seeds=4, beta_r=0.0, alpha_r=0.0, blocks=8, drift=0.0):
    """A merged MLE dataset: values[(N, g_h, alpha_z)] = mean; seeds scatter around it."""
    sizes = sorted({key[0] for key in values})
    gains = sorted({key[1] for key in values})
    alphas = sorted({key[2] for key in values})
    rng = np.random.default_rng(3)
    mle = np.full((len(sizes), len(gains), len(alphas), seeds), np.nan)
    block = np.full(mle.shape + (blocks, 1), np.nan)
    for (N, g_h, alpha_z), mean in values.items():
        index = (sizes.index(N), gains.index(g_h), alphas.index(alpha_z))
        scatter = rng.standard_normal(seeds)
        scatter = (scatter - scatter.mean()) / scatter.std(ddof=1) * errors_scale * np.sqrt(seeds)
        mle[index] = mean + scatter
        ramp = drift * (np.arange(blocks) - (blocks - 1) / 2)
        noise = 1e-4 * rng.standard_normal((seeds, blocks))
        block[index] = (mle[index][:, None] + ramp[None, :] + noise)[..., None]
    coords = {"N": sizes, "g_h": gains, "alpha_z": alphas, "seed": np.arange(seeds),
              "block": np.arange(blocks), "index": [0]}
    for name, value in GatedRNN(g_h=1.0, beta_r=beta_r, alpha_r=alpha_r).to_dict().items():
        if name not in ("g_h", "alpha_z"):
            coords[name] = value
    return xr.Dataset(
        {"mle": (("N", "g_h", "alpha_z", "seed"), mle),
         "block_exponents": (("N", "g_h", "alpha_z", "seed", "block", "index"), block)},
        coords=coords,
    )


def test_crossing_brackets_two_at_alpha_beta_zero():
    data = _mle({(500, 1.5, 0.0): -0.12, (500, 2.5, 0.0): 0.02, (500, 4.0, 0.0): 0.05,
                 (1000, 4.0, 0.0): 0.055})
    (claim,) = mle_crossing_claims(data, 3.0, "f", "d")
    assert claim.passed and claim.measured == [1.5, 2.5] and claim.expected == 2.0


def test_crossing_fails_on_a_positive_exponent_below_the_transition():
    data = _mle({(500, 1.5, 0.0): 0.03, (500, 2.5, 0.0): 0.02, (500, 4.0, 0.0): 0.05})
    (claim,) = mle_crossing_claims(data, 3.0, "f", "d")
    assert not claim.passed


def test_crossing_uses_one_plus_exp_beta_r_and_is_skipped_with_an_active_output_gate():
    data = _mle({(500, 2.5, 0.0): -0.05, (500, 3.0, 0.0): 0.02}, beta_r=np.log(2.0))
    (claim,) = mle_crossing_claims(data, 3.0, "f", "d")
    assert claim.expected == pytest.approx(3.0) and not claim.passed
    assert mle_crossing_claims(_mle({(500, 2.5, 0.0): 0.1, (500, 3.0, 0.0): 0.2}, alpha_r=5.0),
                               3.0, "f", "d") == []


def _theory(value, g_h=4.0):
    return xr.Dataset({"max_lyapunov": ("g_h", [value])}, coords={"g_h": [g_h], "alpha_z": 0.0})


def test_mle_extrapolates_in_one_over_n_and_compares_with_the_dmft():
    # m(N) = 0.056 - 12 / N: 0.032 at N = 500, 0.044 at N = 1000 -> extrapolation 0.056
    data = _mle({(250, 4.0, 0.0): 0.008, (500, 4.0, 0.0): 0.032, (1000, 4.0, 0.0): 0.044})
    mle_claim, stationarity = dmft_mle_claims(data, _theory(0.056), 4.0, [0.0], 3.0, "f", "d")
    assert mle_claim.id == "C6.mle" and mle_claim.passed
    assert mle_claim.measured == pytest.approx(0.056, abs=1e-12)
    assert mle_claim.tolerance == pytest.approx(3 * np.hypot(2 * 0.002, 0.002), rel=1e-9)
    assert stationarity.id == "C6.stationarity" and stationarity.passed
    (wrong, _) = dmft_mle_claims(data, _theory(0.08), 4.0, [0.0], 3.0, "f", "d")
    assert not wrong.passed


def test_stationarity_fails_for_a_drifting_exponent():
    data = _mle({(500, 4.0, 0.0): 0.032, (1000, 4.0, 0.0): 0.044}, drift=-0.002)
    _, stationarity = dmft_mle_claims(data, _theory(0.056), 4.0, [0.0], 3.0, "f", "d")
    assert stationarity.measured == pytest.approx(-0.008, rel=0.05) and not stationarity.passed


def test_mle_claim_needs_a_theory_value_at_each_alpha_z():
    data = _mle({(500, 4.0, 2.0): 0.03, (1000, 4.0, 2.0): 0.04})
    with pytest.raises(ValueError, match="alpha_z=2"):
        dmft_mle_claims(data, _theory(0.056), 4.0, [2.0], 3.0, "f", "d")
    sampled = xr.Dataset(
        {"max_lyapunov": (("g_h", "alpha_z", "noise_seed"), [[[0.044, 0.046, 0.048]]])},
        coords={"g_h": [4.0], "alpha_z": [2.0], "noise_seed": [0, 1, 2]},
    )
    mle_claim, _ = dmft_mle_claims(data, _theory(0.056), 4.0, [2.0], 3.0, "f", "d", sampled)
    assert mle_claim.expected == pytest.approx(0.046)
    # tolerance combines the network extrapolation error and the DMFT seed spread
    assert mle_claim.tolerance == pytest.approx(
        3 * np.hypot(np.hypot(2 * 0.002, 0.002), 0.002 / np.sqrt(3)), rel=1e-9)


def _gradients(rates, seeds=4, N=500):
    """Merged gradient rates: rates[(g_h, alpha_z)] = mean; seeds scatter by +-0.002."""
    gains = sorted({key[0] for key in rates})
    alphas = sorted({key[1] for key in rates})
    values = np.full((1, len(gains), len(alphas), seeds), np.nan)
    scatter = np.linspace(-0.002, 0.002, seeds)
    for (g_h, alpha_z), mean in rates.items():
        values[0, gains.index(g_h), alphas.index(alpha_z)] = mean + scatter
    return xr.Dataset(
        {"growth_rate_mean": (("N", "g_h", "alpha_z", "seed"), values)},
        coords={"N": [N], "g_h": gains, "alpha_z": alphas, "seed": np.arange(seeds)},
    )


def test_gradient_claims_pair_rates_with_the_same_networks_exponents():
    from gatedrnn.claims import gradient_claims

    mle = _mle({(500, 1.5, 0.0): -0.12, (500, 4.0, 0.0): 0.045})
    good = _gradients({(1.5, 0.0): -0.12, (4.0, 0.0): 0.045, (4.0, 20.0): 0.005})
    growth, alive = gradient_claims(good, mle, 4.0, 3.0, "f", "d")
    assert growth.id == "C9.growth" and growth.passed and abs(growth.measured) < 0.005
    assert alive.id == "C9.alive" and alive.passed
    assert alive.measured == pytest.approx([0.045, 0.005], abs=1e-12)
    bad = _gradients({(1.5, 0.0): -0.12, (4.0, 0.0): 0.09, (4.0, 20.0): 0.088})
    growth, alive = gradient_claims(bad, mle, 4.0, 3.0, "f", "d")
    assert not growth.passed and growth.measured == pytest.approx(0.045, abs=0.005)
    assert not alive.passed


def test_adjoint_dmft_claim_compares_with_the_dmft_exponent():
    from gatedrnn.claims import gradient_claims

    mle = _mle({(500, 4.0, 0.0): 0.045})
    rates = _gradients({(4.0, 0.0): 0.045})
    adjoint = xr.Dataset(
        {"growth_rate": (("g_h", "alpha_z", "noise_seed"), [[[0.0560, 0.0565, 0.0562]]])},
        coords={"g_h": [4.0], "alpha_z": [0.0], "noise_seed": [0, 1, 2]},
    )
    claims = gradient_claims(rates, mle, 4.0, 3.0, "f", "d", adjoint=adjoint, theory=_theory(0.05623))
    (dmft,) = [c for c in claims if c.id == "C9.dmft"]
    assert dmft.passed and dmft.expected == pytest.approx(0.05623)
    wrong = gradient_claims(rates, mle, 4.0, 3.0, "f", "d", adjoint=adjoint, theory=_theory(0.06))
    assert not [c for c in wrong if c.id == "C9.dmft"][0].passed
