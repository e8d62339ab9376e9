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


def _alpha_z_phase(q_h, fraction, gains=(1.5, 3.0), alphas=(0.0, 20.0), seeds=2):
    """Synthetic (g_h, alpha_z) sweep; q_h and fraction map (g_h, alpha_z) to a value."""
    shape = (len(gains), len(alphas), seeds)
    q = np.empty(shape)
    near_zero = np.empty(shape + (1,))
    for i, g_h in enumerate(gains):
        for j, alpha_z in enumerate(alphas):
            q[i, j] = q_h[g_h, alpha_z]
            near_zero[i, j] = fraction[g_h, alpha_z]
    dims = ("g_h", "alpha_z", "seed")
    return xr.Dataset(
        {"q_h": (dims, q), "near_zero_fraction": (dims + ("epsilon",), near_zero)},
        coords={"g_h": list(gains), "alpha_z": list(alphas), "seed": np.arange(seeds),
                "epsilon": [0.01], "beta_r": 0.0, "N": 200, "time": ("sample", [200.0, 220.0])},
    )


def test_alpha_z_phase_claims():
    from gatedrnn.claims import alpha_z_phase_claims

    # below g_h = 2: quiescent at alpha_z = 0, frozen (marginal) at 20; above: active, marginal
    q_h = {(1.5, 0.0): 1e-20, (1.5, 20.0): 0.2, (3.0, 0.0): 0.7, (3.0, 20.0): 0.6}
    fraction = {(1.5, 0.0): 0.0, (1.5, 20.0): 0.09, (3.0, 0.0): 0.0, (3.0, 20.0): 0.11}
    line, marginal = alpha_z_phase_claims(_alpha_z_phase(q_h, fraction), 0.02, 1e-3, "f", "d")
    assert line.passed and line.measured == [0, 0]
    assert marginal.passed and marginal.measured == [0.0, 1.0]
    # an active, non-marginal network below the zero-FP gain breaks the line
    active_below = dict(fraction) | {(1.5, 20.0): 0.005}
    line, marginal = alpha_z_phase_claims(_alpha_z_phase(q_h, active_below), 0.02, 1e-3, "f", "d")
    assert not line.passed and line.measured == [2, 0]
    assert not marginal.passed and marginal.measured == [0.0, 0.5]
    # a quiescent network above it too
    quiet_above = dict(q_h) | {(3.0, 0.0): 1e-8}
    line, _ = alpha_z_phase_claims(_alpha_z_phase(quiet_above, fraction), 0.02, 1e-3, "f", "d")
    assert not line.passed and line.measured == [0, 2]


def _survey(means, sizes=None, gains=(1.95, 2.1), seeds=2):
    """mle_chaotic_mean over (N?, g_h, seed, init); means maps (N, g_h) to per-seed values."""
    dims = ("g_h", "seed", "init")
    if sizes is None:
        values = np.stack([[np.array(means[g_h]), np.full(seeds, np.nan)] for g_h in gains])
        values = np.moveaxis(values, 1, 2)  # (g_h, seed, init) with init = large, small
        return xr.Dataset({"mle_chaotic_mean": (dims, values)},
                          coords={"g_h": list(gains), "seed": np.arange(seeds),
                                  "init": ["large", "small"], "N": 500})
    values = np.stack([np.moveaxis(np.stack([[np.array(means[N, g_h]), np.full(seeds, np.nan)]
                                             for g_h in gains]), 1, 2) for N in sizes])
    return xr.Dataset({"mle_chaotic_mean": (("N",) + dims, values)},
                      coords={"N": list(sizes), "g_h": list(gains), "seed": np.arange(seeds),
                              "init": ["large", "small"]})


def test_transition_trend_claims():
    from gatedrnn.claims import transition_trend_claims

    gains = (1.95, 2.1)
    theory = xr.Dataset({"chaotic_max_lyapunov_upper": ("g_h", [0.145, 0.163])},
                        coords={"g_h": list(gains), "alpha_r": 20.0, "beta_r": 0.0})
    # a 1/N bias: m(N) = m_inf - 6 / N, seeds scattered by +-0.002
    network = _survey({1.95: [0.133 - 0.002, 0.133 + 0.002], 2.1: [0.151 - 0.002, 0.151 + 0.002]})
    trend = _survey({(1000, 1.95): [0.139 - 0.002, 0.139 + 0.002],
                     (1000, 2.1): [0.157 - 0.002, 0.157 + 0.002]}, sizes=(1000,))
    claims = transition_trend_claims(theory, network, trend, 3.0, "f", "d")
    assert [claim.id for claim in claims] == ["C7.network_mle"] * 2
    assert all(claim.passed for claim in claims)
    np.testing.assert_allclose([claim.measured for claim in claims], [0.145, 0.163], atol=1e-12)
    # seed standard errors 0.002 at each N; extrapolated: hypot(1000 * 0.002, 500 * 0.002) / 500
    np.testing.assert_allclose(claims[0].tolerance, 3 * np.hypot(2.0, 1.0) / 500)
    # networks that stay 10 % below the DMFT at both N do not extrapolate to it
    # (seed scatter +-0.001: extrapolation error 0.0022, tolerance 0.0067 < the gap 0.012)
    tight = _survey({1.95: [0.132, 0.134], 2.1: [0.150, 0.152]})
    flat = _survey({(1000, 1.95): [0.132, 0.134], (1000, 2.1): [0.150, 0.152]}, sizes=(1000,))
    assert not any(claim.passed for claim in transition_trend_claims(theory, tight, flat, 3.0,
                                                                     "f", "d"))
    # no chaotic network at the larger N: reported, not passed
    empty = _survey({(1000, 1.95): [np.nan, np.nan], (1000, 2.1): [np.nan, np.nan]}, sizes=(1000,))
    claims = transition_trend_claims(theory, network, empty, 3.0, "f", "d")
    assert not any(claim.passed for claim in claims) and np.isnan(claims[0].measured)
