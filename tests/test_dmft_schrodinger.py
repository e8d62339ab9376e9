"""Classical-limit (SCS) maximum Lyapunov exponent from the Schrödinger problem (SPEC §4)."""

from __future__ import annotations

import functools
import math

import numpy as np
import pytest
from scipy.linalg import eigh_tridiagonal

from gatedrnn import GatedRNN
from gatedrnn.dmft import classical_max_lyapunov
from gatedrnn.dmft.schrodinger import _scs_ground_state

#: lambda_max(g = 2) measured with an independent solver, quoted to 4 decimals.
REFERENCE_G2 = 0.1125


@functools.lru_cache(maxsize=None)
def scs(g: float, dt: float = 0.1) -> float:
    return classical_max_lyapunov(GatedRNN.classical(g), dt=dt)


def test_g2_matches_reference_within_discretisation_error():
    coarse, medium, fine = scs(2.0, 0.1), scs(2.0, 0.05), scs(2.0, 0.025)
    # Finite differences are second order: halving dt must cut the change by ~4.
    ratio = (coarse - medium) / (medium - fine)
    assert 3.5 < ratio < 4.5, ratio
    # Richardson estimate of the discretisation error of the dt = 0.05 value.
    error = abs(medium - fine) * 4.0 / 3.0
    # The only other allowance is the reference's own rounding to 4 decimals.
    assert abs(medium - REFERENCE_G2) <= error + 0.5e-4
    extrapolated = fine + (fine - medium) / 3.0
    assert round(extrapolated, 4) == REFERENCE_G2


def test_zero_mode_is_first_excited_state():
    # H C_h'(tau) = 0 (derivative of the DMFT equation): 0 must be the second eigenvalue.
    state = _scs_ground_state(2.0, dt=0.05, max_lag=None, tail_tol=1e-8, max_half_width=5e3)
    dt = 0.05
    diagonal = 2.0 / dt**2 + state["potential"]
    off = np.full(diagonal.size - 1, -1.0 / dt**2)
    values = eigh_tridiagonal(diagonal, off, eigvals_only=True, select="i", select_range=(0, 1))
    assert values[0] == pytest.approx(state["E_0"], abs=1e-12)
    assert values[0] < -0.2
    assert abs(values[1]) < 1e-5  # O(dt^2) error of the zero mode; measured -4.3e-6
    assert state["end_value"] < 1e-8  # Dirichlet ends far in the ground state's tail


def test_frozen_gates_alpha_beta_zero_is_half_of_scs():
    # g_h = 4, sigma_z(0) = sigma_r(0) = 1/2: SCS at g = 2 with time stretched by 2.
    gated = classical_max_lyapunov(GatedRNN(g_h=4.0), dt=0.1)
    assert gated == pytest.approx(0.5 * scs(2.0, 0.1), rel=1e-12)


def test_frozen_gates_with_biases_map_to_g_h_sigma_r():
    # beta_r = -log 3: sigma_r(0) = 3/4, so g = 2.5 * 3/4 = 1.875; beta_z = 1: s_z = 1/(1+e).
    params = GatedRNN(g_h=2.5, beta_r=-math.log(3.0), beta_z=1.0, g_z=3.0, tau_r=2.0)
    assert params.classical_gain == pytest.approx(1.875, rel=1e-15)
    gated = classical_max_lyapunov(params, dt=0.1)
    expected = scs(1.875, 0.1) / (1.0 + math.e)
    assert gated == pytest.approx(expected, rel=1e-9)
    assert scs(1.875, 0.1) != pytest.approx(scs(2.0, 0.1), rel=1e-3)


def test_vanishes_at_transition_and_increases_with_g():
    gains = [1.05, 1.1, 1.2, 1.5, 2.0, 3.0]
    values = [scs(g) for g in gains]
    assert all(np.diff(values) > 0), values
    assert 0 < values[0] < 2e-3
    # lambda ~ (g - 1)^2 near the transition: faster than linear (ratio 0.5 if linear).
    assert values[0] / values[1] < 0.4
    # Quiescent branch: sigma_z(0) (g - 1), continuous through 0 at g = 1.
    assert scs(0.5) == -0.5
    assert scs(1.0) == 0.0
    assert classical_max_lyapunov(GatedRNN(g_h=1.5)) == pytest.approx(0.5 * (0.75 - 1.0))


@pytest.mark.parametrize("name", ["alpha_z", "alpha_r"])
def test_rejects_dynamic_gates(name):
    with pytest.raises(ValueError, match=name):
        classical_max_lyapunov(GatedRNN(g_h=3.0, **{name: 1.0}))


def test_rejects_bad_dt():
    with pytest.raises(ValueError, match="dt"):
        classical_max_lyapunov(GatedRNN.classical(2.0), dt=0.0)


def test_curve_resolves_the_transition_and_matches_pointwise_values():
    from gatedrnn.dmft.schrodinger import max_lyapunov_curve

    params = GatedRNN(g_h=1.0)
    curve = max_lyapunov_curve(params, [1.5, 4.0], spacing=1.25, dt=0.1)
    np.testing.assert_allclose(curve["g_h"], [1.5, 2.0, 2.75, 4.0])
    expected = [classical_max_lyapunov(GatedRNN(g_h=g), dt=0.1) for g in (1.5, 2.75, 4.0)]
    np.testing.assert_allclose(curve["max_lyapunov"].values[[0, 2, 3]], expected, rtol=1e-12)
    assert curve["max_lyapunov"].sel(g_h=2.0) == 0.0
    relaxation = curve["relaxation_time"].values
    assert np.isnan(relaxation[:2]).all() and np.all(np.diff(relaxation[2:]) < 0)
    # alpha = beta = 0, g_h = 4 is SCS at g = 2 with time stretched by 2 (13.65 at dt -> 0).
    assert relaxation[3] == pytest.approx(13.65, rel=0.01)
    with pytest.raises(ValueError, match="spacing"):
        max_lyapunov_curve(params, [1.5, 4.0], spacing=0.0)
    with pytest.raises(ValueError, match="g_h_values"):
        max_lyapunov_curve(params, [])
