"""The transition claim checks (C7, C8) pass on consistent data and fail otherwise."""

from __future__ import annotations

import numpy as np
import xarray as xr

from gatedrnn.claims import phase_diagram_claims, transition_claims


def _transition(proliferation, onset, zero, jump, accuracy=1e-6):
    return xr.Dataset(
        {
            "proliferation_gain": proliferation,
            "proliferation_gain_accuracy": accuracy,
            "chaos_onset_gain": onset,
            "chaos_onset_gain_accuracy": accuracy,
            "zero_fixed_point_gain": zero,
            "chaos_onset_max_lyapunov": jump,
            "chaos_onset_max_lyapunov_accuracy": accuracy,
        },
        coords={"alpha_r": 20.0, "beta_r": 0.0},
    )


def test_ordering_and_jump():
    ordering, jump = transition_claims(_transition(1.63, 1.76, 2.0, 0.09), 3.0, "f", "d")
    assert ordering.passed and ordering.measured == [1.63, 1.76, 2.0]
    assert jump.passed and jump.measured == 0.09
    ordering, jump = transition_claims(_transition(1.99, 2.0, 2.0, 0.0), 3.0, "f", "d")
    assert not ordering.passed and not jump.passed
    # a gap within the accuracy of the gains is not an ordering
    ordering, _ = transition_claims(_transition(1.63, 1.76, 1.76 + 1e-7, 0.09), 3.0, "f", "d")
    assert not ordering.passed


def _phase(continuous_static, continuous_chaotic, alphas=(0.0, 2.0, 3.0, 20.0)):
    shape = (len(alphas), 1)
    return xr.Dataset(
        {
            "proliferation_continuous": (("alpha_r", "beta_r"), np.reshape(continuous_static, shape)),
            "chaos_onset_continuous": (("alpha_r", "beta_r"), np.reshape(continuous_chaotic, shape)),
            "tricritical_static": (("alpha_r", "beta_r"), np.full(shape, 2 * np.sqrt(2))),
            "tricritical_chaotic": (("alpha_r", "beta_r"), np.full(shape, 2 * np.sqrt(3))),
        },
        coords={"alpha_r": list(alphas), "beta_r": [0.0], "g_r": 1.0},
    )


def test_tricritical_consistency():
    (claim,) = phase_diagram_claims(_phase([1, 1, 0, 0], [1, 1, 1, 0]), 0.05, "f", "d")
    assert claim.passed and claim.measured == 0
    (claim,) = phase_diagram_claims(_phase([1, 1, 1, 0], [1, 1, 1, 0]), 0.05, "f", "d")
    assert not claim.passed and claim.measured == 1
    # a point within the margin of a threshold is not counted either way
    (claim,) = phase_diagram_claims(
        _phase([1, 1, 0, 0], [1, 1, 1, 0], alphas=(0.0, 2.0, 2.83, 20.0)), 0.05, "f", "d")
    assert claim.passed


def _network(chaotic_large, quiescent_small, gains=(1.5, 1.85, 1.95, 2.1), seeds=2, trials=4):
    shape = (len(gains), seeds, 2, trials)
    chaotic = np.zeros(shape)
    quiescent = np.zeros(shape)
    for i, g_h in enumerate(gains):
        chaotic[i, :, 1, : int(round(chaotic_large[g_h] * trials))] = 1
        quiescent[i, :, 0, : int(round(quiescent_small[g_h] * trials))] = 1
    dims = ("g_h", "seed", "init", "trial")
    return xr.Dataset(
        {"chaotic": (dims, chaotic), "quiescent": (dims, quiescent)},
        coords={"g_h": list(gains), "seed": np.arange(seeds), "init": ["small", "large"],
                "trial": np.arange(trials), "N": 500, "alpha_r": 20.0},
    )


def _kick(gated, ungated, trials=4):
    chaotic = np.zeros((2, 1, trials))
    chaotic[1, 0, : int(round(gated * trials))] = 1
    chaotic[0, 0, : int(round(ungated * trials))] = 1
    return xr.Dataset({"chaotic": (("alpha_r", "seed", "trial"), chaotic)},
                      coords={"alpha_r": [0.0, 20.0], "seed": [0], "trial": np.arange(trials),
                              "g_h": 1.85})


def test_network_bistability_and_kick():
    from gatedrnn.claims import transition_network_claims

    theory = _transition(1.63, 1.76, 2.0, 0.09)
    good = _network({1.5: 0, 1.85: 0.75, 1.95: 1, 2.1: 1}, {1.5: 1, 1.85: 1, 1.95: 1, 2.1: 0})
    bistable, kick = transition_network_claims(theory, good, _kick(1.0, 0.0), "f", "d")
    assert bistable.passed and bistable.measured == [0.875, 1.0, 0.0]
    assert kick.passed and kick.measured == [1.0, 0.0]
    chaos_below = _network({1.5: 0.25, 1.85: 1, 1.95: 1, 2.1: 1}, {1.5: 1, 1.85: 1, 1.95: 1, 2.1: 0})
    assert not transition_network_claims(theory, chaos_below, _kick(1.0, 0.0), "f", "d")[0].passed
    no_bistability = _network({1.5: 0, 1.85: 0, 1.95: 0.25, 2.1: 1}, {1.5: 1, 1.85: 1, 1.95: 1, 2.1: 0})
    assert not transition_network_claims(theory, no_bistability, _kick(1.0, 0.0), "f", "d")[0].passed
    assert not transition_network_claims(theory, good, _kick(1.0, 0.25), "f", "d")[1].passed
