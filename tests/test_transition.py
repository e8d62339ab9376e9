"""Critical gains of the transition to chaos (gatedrnn.transition, SPEC §5, claim C7)."""

from __future__ import annotations

import functools
import math

import numpy as np
import pytest

from gatedrnn import GatedRNN
from gatedrnn.dmft import classical_max_lyapunov, static
from gatedrnn.io import check_dataset, read_dataset, write_dataset
from gatedrnn.transition import (
    _TangentOperator,
    _static_gain_squared,
    branch_curve,
    chaos_onset,
    chaotic_branch_point,
    critical_gains,
    proliferation_gain,
    tricritical_gate_strength,
    zero_fixed_point_gain,
)

STRONG = GatedRNN(g_h=1.0, alpha_r=20.0)  # beta_r = 0, g_r = 1: alpha_r g_r = 20


@functools.lru_cache(maxsize=None)
def strong_gains():
    return critical_gains(STRONG)


# --- exact and small-amplitude results ------------------------------------------------------


@pytest.mark.parametrize("beta_r", [-2.0, -0.3, 0.0, 0.7, 2.5])
def test_zero_fixed_point_gain_is_one_plus_exp_beta_r(beta_r):
    params = GatedRNN(g_h=1.0, beta_r=beta_r, alpha_r=5.0, alpha_z=3.0)
    gain = zero_fixed_point_gain(params)
    assert gain == pytest.approx(1.0 + math.exp(beta_r), rel=1e-14)
    # the trivial static branch changes stability there
    assert int(static(params.replace(g_h=gain * (1 - 1e-9))).stable[0]) == 1
    assert int(static(params.replace(g_h=gain * (1 + 1e-9))).stable[0]) == 0


def test_tricritical_strengths():
    # beta_r = 0 (s = 1/2): static alpha_r g_r = 2 sqrt 2, chaotic 2 sqrt 3
    assert tricritical_gate_strength(0.0, "static") == pytest.approx(2 * math.sqrt(2), rel=1e-14)
    assert tricritical_gate_strength(0.0, "chaotic") == pytest.approx(2 * math.sqrt(3), rel=1e-14)
    # s = sigma_r(0) >= 2/3 (beta_r <= -log 2): no gate strength makes it discontinuous
    assert tricritical_gate_strength(-math.log(2.0) - 1e-9, "static") == math.inf
    assert tricritical_gate_strength(-1.0, "chaotic") == math.inf


@pytest.mark.parametrize(
    "params",
    [GatedRNN(g_h=1.0, alpha_r=3.0), GatedRNN(g_h=1.0, alpha_r=2.0, beta_r=0.8, g_r=1.7),
     GatedRNN(g_h=1.0, alpha_r=6.0, beta_r=-0.4, g_r=0.5)],
)
def test_static_branch_small_delta_expansion(params):
    # 1/G(Delta) = s^2 + s^2 [alpha_r^2 g_r^2 (1 - s)(2 - 3 s) - 2] Delta + O(Delta^2):
    # the first-order coefficient from two small Delta, Richardson-extrapolated.
    s = params.gate_r_at_zero
    expected = s**2 * ((params.alpha_r * params.g_r) ** 2 * (1 - s) * (2 - 3 * s) - 2)
    slopes = [(1 / _static_gain_squared(params, d) - s**2) / d for d in (2e-4, 1e-4)]
    assert 2 * slopes[1] - slopes[0] == pytest.approx(expected, rel=1e-4, abs=1e-6)


@pytest.mark.parametrize("alpha_r, continuous", [(2.0, True), (2.7, True), (3.0, False), (8.0, False)])
def test_proliferation_continuous_below_tricritical_and_discontinuous_above(alpha_r, continuous):
    params = GatedRNN(g_h=1.0, alpha_r=alpha_r)  # beta_r = 0, g_r = 1: tricritical 2 sqrt 2
    result = proliferation_gain(params)
    assert result["continuous"] is continuous
    if continuous:
        assert result["gain"] == 2.0 and result["delta_h"] == 0.0
    else:
        assert result["gain"] < 2.0 and result["delta_h"] > 0.0


def test_proliferation_gain_brackets_existence_in_static_solver():
    params = GatedRNN(g_h=1.0, alpha_r=20.0)
    result = proliferation_gain(params)
    assert result["accuracy"] < 1e-10
    assert static(params.replace(g_h=result["gain"] * (1 - 1e-3))).sizes["branch"] == 1
    above = static(params.replace(g_h=result["gain"] * (1 + 1e-3)))
    assert above.sizes["branch"] == 3  # the saddle-node pair
    assert int(above.stable[0]) == 1  # while the zero fixed point is still stable
    lower, upper = above.delta_h.values[1:]
    assert lower < result["delta_h"] < upper


# --- chaotic branch and its Lyapunov exponent -----------------------------------------------


def test_mle_equals_schrodinger_result_with_frozen_gates():
    point = chaotic_branch_point(GatedRNN(g_h=1.0), 1.0)
    reference = classical_max_lyapunov(GatedRNN(g_h=point.g_h), dt=0.05)
    # the finite-difference Schrödinger value has an O(dt^2) error ~1e-6 at dt = 0.05
    assert point.max_lyapunov == pytest.approx(reference, abs=5e-6)
    assert point.converged


@pytest.mark.parametrize(
    "params, variance",
    [(STRONG, 0.03),
     (GatedRNN(g_h=1.0, alpha_r=5.0, beta_r=0.5, g_r=1.5, tau_r=2.0, beta_z=1.0), 0.5)],
)
def test_derivative_of_solution_is_zero_mode_of_tangent_operator(params, variance):
    # d/dtau of the DMFT equations: (C_h', C_r') solves the tangent problem at lambda = 0.
    point = chaotic_branch_point(params, variance, lyapunov=False)
    circle = point.circle
    full = np.concatenate([point.c_h, point.c_h[-2:0:-1]])
    derivative = np.fft.irfft(1j * circle.omega * np.fft.rfft(full), n=circle.n_points)
    operator = _TangentOperator(params, point)
    image = operator.apply(derivative, 0.0)
    assert np.abs(image - derivative).max() < 1e-7 * np.abs(derivative).max()
    # C_h' is odd, so it is not the positive leading mode: mu(0) > 1, lambda_max > 0
    mu, vector = operator.leading(0.0)
    assert mu > 1.05
    assert vector.min() > -1e-8  # positive up to rounding in its far tail


@pytest.mark.slow
def test_chaotic_branch_small_variance_expansion():
    # 1/g_h^2 = s^2 + s^2 [alpha_r^2 g_r^2 (1 - s)(5 - 8 s)/3 - 2] q + O(q^2) on the branch
    s = STRONG.gate_r_at_zero
    expected = s**2 * (20.0**2 * (1 - s) * (5 - 8 * s) / 3 - 2)
    q1, q2 = 1e-4, 5e-5
    slopes = [
        (1 / chaotic_branch_point(STRONG, q, lyapunov=False).g_h ** 2 - s**2) / q for q in (q1, q2)
    ]
    extrapolated = (q1 * slopes[1] - q2 * slopes[0]) / (q1 - q2)
    assert extrapolated == pytest.approx(expected, rel=5e-3)


# --- critical gains -------------------------------------------------------------------------


@pytest.mark.slow
def test_classical_limit_three_gains_coincide_and_mle_vanishes_continuously():
    ds = critical_gains(GatedRNN(g_h=1.0))
    for name in ("zero_fixed_point_gain", "proliferation_gain", "chaos_onset_gain"):
        assert float(ds[name]) == 2.0
    assert int(ds.proliferation_continuous) == 1 and int(ds.chaos_onset_continuous) == 1
    assert float(ds.chaos_onset_max_lyapunov) == 0.0
    # along the branch the MLE is positive and falls to 0 as g_h -> 2+ (SCS: ~ (g - 1)^2)
    g, mle = ds.branch_g_h.values, ds.branch_max_lyapunov.values
    assert np.all(np.diff(g) > 0) and np.all(g > 2.0)
    assert np.all(mle > 0) and np.all(np.diff(mle) > 0)
    assert mle[0] < 1e-3
    assert np.all(ds.branch_converged.values == 1)


@pytest.mark.slow
def test_strong_output_gate_separates_the_three_gains():
    ds = strong_gains()
    proliferation = float(ds.proliferation_gain)
    onset = float(ds.chaos_onset_gain)
    zero = float(ds.zero_fixed_point_gain)
    assert proliferation < onset < zero
    # measured: 1.62783, 1.75935, 2
    assert proliferation == pytest.approx(1.627833, abs=1e-5)
    assert onset == pytest.approx(1.75935, abs=1e-4)
    assert float(ds.chaos_onset_gain_accuracy) < 1e-5
    assert int(ds.chaos_onset_continuous) == 0
    # the jump: a finite MLE at the fold (measured 0.0913)
    assert float(ds.chaos_onset_max_lyapunov) > 0.05
    assert float(ds.chaos_onset_max_lyapunov_accuracy) < 1e-4
    # the fold is the minimum of the scanned branch; the nontrivial fixed points are unstable
    assert onset <= float(ds.branch_g_h.min()) + 1e-12
    assert float(ds.static_margin_at_onset) > 1.0


@pytest.mark.slow
@pytest.mark.parametrize("alpha_r, chaos_continuous", [(3.2, True), (4.0, False)])
def test_chaos_onset_tricritical_differs_from_static_one(alpha_r, chaos_continuous):
    # 2 sqrt 2 < alpha_r g_r: proliferation discontinuous in both cases; the chaos onset is
    # continuous (at g_0 = 2) below 2 sqrt 3 = 3.46 and a fold above it.
    params = GatedRNN(g_h=1.0, alpha_r=alpha_r)
    assert not proliferation_gain(params)["continuous"]
    result = chaos_onset(params)
    assert result["continuous"] is chaos_continuous
    if chaos_continuous:
        assert result["gain"] == 2.0
        assert np.all(result["branch"].g_h.values > 2.0)
    else:
        assert proliferation_gain(params)["gain"] < result["gain"] < 2.0
        assert result["max_lyapunov"] > 0.0


def test_dataset_without_chaos_follows_conventions(tmp_path):
    params = GatedRNN(g_h=1.0, alpha_r=20.0, alpha_z=4.0)
    ds = critical_gains(params, chaos=False)
    check_dataset(ds)
    assert np.isnan(float(ds.chaos_onset_gain))
    assert float(ds.proliferation_gain) < float(ds.zero_fixed_point_gain) == 2.0
    back = read_dataset(write_dataset(ds, tmp_path / "gains.nc"))
    assert float(back.proliferation_gain) == float(ds.proliferation_gain)
    assert "g_h" not in back.coords


@pytest.mark.slow
def test_branch_curve_interpolates_the_branch(tmp_path):
    targets = np.array([1.5, 1.8, 1.9, 2.2])
    ds = branch_curve(STRONG, targets, points_per_decade=6)
    check_dataset(ds)
    write_dataset(ds, tmp_path / "curve.nc")
    at = ds.sel(g_h=1.5)
    assert np.isnan(float(at.static_delta_h_upper)) and np.isnan(float(at.chaotic_variance_upper))
    # 1.8, 1.9: between onset and g_0 both parts of the chaotic branch exist
    for g in (1.8, 1.9):
        row = ds.sel(g_h=g)
        assert float(row.chaotic_variance_lower) < float(row.chaotic_variance_upper)
        assert float(row.static_delta_h_lower) < float(row.static_delta_h_upper)
        assert float(row.chaotic_max_lyapunov_upper) > float(row.chaotic_max_lyapunov_lower) > 0
    q = float(ds.sel(g_h=2.2).chaotic_variance_upper)
    assert chaotic_branch_point(STRONG, q, lyapunov=False).g_h == pytest.approx(2.2, abs=2e-3)


def test_bad_parameters_raise_naming_the_parameter():
    with pytest.raises(ValueError, match="alpha_z"):
        chaotic_branch_point(GatedRNN(g_h=1.0, alpha_z=1.0), 0.5)
    with pytest.raises(ValueError, match="alpha_z"):
        critical_gains(GatedRNN(g_h=1.0, alpha_z=1.0))
    with pytest.raises(ValueError, match="variance"):
        chaotic_branch_point(GatedRNN(g_h=1.0), 0.0)
    with pytest.raises(ValueError, match="dt"):
        chaotic_branch_point(GatedRNN(g_h=1.0), 0.5, dt=-0.1)
    with pytest.raises(ValueError, match="params"):
        proliferation_gain({"g_h": 2.0})
    with pytest.raises(ValueError, match="delta_min"):
        proliferation_gain(GatedRNN(g_h=1.0), delta_min=0.0)
    with pytest.raises(ValueError, match="kind"):
        tricritical_gate_strength(0.0, "dynamic")
    with pytest.raises(ValueError, match="beta_r"):
        tricritical_gate_strength(float("nan"))
    with pytest.raises(ValueError, match="ratio"):
        chaos_onset(GatedRNN(g_h=1.0), ratio=1.0)
    with pytest.raises(ValueError, match="g_h_values"):
        branch_curve(GatedRNN(g_h=1.0), [])
