"""The Jacobian-spectrum claim checks (C3) pass on consistent data and fail otherwise."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from gatedrnn.claims import near_zero_eigenvalue_claims, spectral_edge_claims


def _spectra(edge_offset, fractions, seeds=3, sizes=(100, 400), samples=2, spread=0.01):
    """Merged spectra: measured edge = predicted + offset[alpha] + seed scatter."""
    alphas = np.array(sorted(fractions))
    eps = np.array([0.01, 0.1])
    scatter = spread * np.array([-1.0, 0.0, 1.0])[:seeds]
    shape = (len(sizes), alphas.size, seeds)
    predicted = np.full(shape, 0.05)
    measured = (predicted + np.array([edge_offset[a] for a in alphas])[None, :, None]
                + scatter[None, None, :])[..., None] + np.zeros(samples)
    near = np.array([fractions[a] for a in alphas])[None, :, None, None] * (
        1 + 0.05 * scatter[None, None, :, None] / spread) * np.array([1.0, 2.0])
    return xr.Dataset(
        {"right_edge": (("N", "alpha_z", "seed", "sample"), measured),
         "right_edge_predicted": (("N", "alpha_z", "seed"), predicted),
         "near_zero_fraction": (("N", "alpha_z", "seed", "epsilon"), near * np.ones(shape + (2,)))},
        coords={"N": list(sizes), "alpha_z": alphas, "seed": np.arange(seeds),
                "sample": np.arange(samples), "epsilon": eps, "g_h": 3.0},
    )


def test_edge_claim_per_alpha_passes_within_the_seed_spread_and_fails_beyond():
    data = _spectra({0.0: 0.005, 20.0: 0.05}, {0.0: 0.001, 20.0: 0.1})
    claims = spectral_edge_claims(data, 3.0, "f", "d")
    assert [c.id for c in claims] == ["C3.edge", "C3.edge"]
    # seed spread 0.01 -> standard error 0.01 / sqrt(3) * ... of [-0.01, 0, 0.01]: 0.00577
    assert claims[0].tolerance == pytest.approx(3 * 0.01 / np.sqrt(3), rel=1e-9)
    assert claims[0].measured == pytest.approx(0.005) and claims[0].passed
    assert claims[1].measured == pytest.approx(0.05) and not claims[1].passed


def test_near_zero_claim_needs_growth_with_alpha_z():
    growing = near_zero_eigenvalue_claims(
        _spectra({0.0: 0, 5.0: 0, 20.0: 0}, {0.0: 0.001, 5.0: 0.02, 20.0: 0.1}), 0.01, 3.0, "f", "d")
    assert growing[0].passed and growing[0].measured == pytest.approx([0.001, 0.02, 0.1])
    flat = near_zero_eigenvalue_claims(
        _spectra({0.0: 0, 20.0: 0}, {0.0: 0.05, 20.0: 0.05}), 0.01, 3.0, "f", "d")
    assert not flat[0].passed
    with pytest.raises(KeyError):
        near_zero_eigenvalue_claims(_spectra({0.0: 0, 20.0: 0}, {0.0: 0.0, 20.0: 0.1}), 0.02,
                                    3.0, "f", "d")


def _memory(fractions, final, control, seeds=3, trials=8):
    alphas = np.array(sorted(fractions))
    scatter = np.array([-0.01, 0.0, 0.01])[:seeds]
    fraction = np.array([fractions[a] for a in alphas])[:, None] + scatter[None, :]
    pulse = xr.Dataset(
        {"retained_fraction": (("alpha_z", "seed"), fraction)},
        coords={"alpha_z": alphas, "seed": np.arange(seeds), "g_h": 3.0, "N": 100},
    )
    noise = np.linspace(-0.02, 0.02, trials)
    shape = (1, seeds, 2, trials)
    readout = np.zeros(shape)
    readout[:, :, -1] = final + noise
    readout_control = np.zeros(shape)
    readout_control[:, :, -1] = control + noise
    reset = xr.Dataset(
        {"readout": (("alpha_z", "seed", "time", "trial"), readout),
         "readout_control": (("alpha_z", "seed", "time", "trial"), readout_control)},
        coords={"alpha_z": [alphas.max()], "seed": np.arange(seeds), "time": [0.0, 1.0],
                "trial": np.arange(trials)},
    )
    return pulse, reset


def test_memory_claims():
    from gatedrnn.claims import memory_claims

    memory, reset = memory_claims(*_memory({0.0: 0.0, 20.0: 0.07}, 0.0, 0.05), 3.0, "f", "d")
    assert memory.id == "C4.memory" and memory.passed
    assert memory.measured == pytest.approx([0.0, 0.07])
    assert reset.id == "C4.reset" and reset.passed
    not_growing, _ = memory_claims(*_memory({0.0: 0.05, 20.0: 0.05}, 0.0, 0.05), 3.0, "f", "d")
    assert not not_growing.passed
    _, not_erased = memory_claims(*_memory({0.0: 0.0, 20.0: 0.07}, 0.05, 0.05), 3.0, "f", "d")
    assert not not_erased.passed
    # nothing to erase: the control holds no memory either, so the check cannot pass
    _, nothing_held = memory_claims(*_memory({0.0: 0.0, 20.0: 0.07}, 0.0, 0.0), 3.0, "f", "d")
    assert not nothing_held.passed
