"""GatedRNN parameters: validation, classical-limit helpers, replace and digest."""

import dataclasses
import math

import numpy as np
import pytest

from gatedrnn import GatedRNN
from gatedrnn.params import CLASSICAL_BETA

FIELDS = ("g_h", "g_z", "g_r", "alpha_z", "beta_z", "alpha_r", "beta_r", "tau_z", "tau_r")


@pytest.mark.parametrize(
    "name, value",
    [
        ("g_h", -0.1),
        ("g_z", -1.0),
        ("g_r", -1e-300),
        ("tau_z", 0.0),
        ("tau_r", -2.0),
        ("tau_z", 0),
    ],
)
def test_out_of_range_values_raise_naming_the_parameter(name, value):
    kwargs = {"g_h": 1.0, name: value}
    with pytest.raises(ValueError, match=rf"^{name} must"):
        GatedRNN(**kwargs)


@pytest.mark.parametrize("name", FIELDS)
@pytest.mark.parametrize(
    "value", [math.nan, math.inf, -math.inf, True, False, np.bool_(True), "1.0", None]
)
def test_non_finite_or_non_numeric_values_raise_naming_the_parameter(name, value):
    kwargs = {"g_h": 1.0, name: value}
    with pytest.raises(ValueError, match=rf"^{name} must"):
        GatedRNN(**kwargs)


@pytest.mark.parametrize("value", [np.float64(2.5), np.int64(2), np.float32(0.5), 3])
def test_numpy_and_integer_scalars_are_accepted_and_stored_as_float(value):
    params = GatedRNN(g_h=value, alpha_z=value)
    assert type(params.g_h) is float and type(params.alpha_z) is float
    assert params.g_h == float(value)


def test_zero_gains_and_negative_gate_parameters_are_valid():
    params = GatedRNN(g_h=0.0, g_z=0.0, g_r=0.0, alpha_z=-3.0, beta_z=-2.0, alpha_r=-1.0)
    assert (params.g_h, params.alpha_z, params.beta_z) == (0.0, -3.0, -2.0)


def test_defaults_follow_the_spec():
    params = GatedRNN(g_h=2.0)
    assert params.to_dict() == {
        "g_h": 2.0,
        "g_z": 1.0,
        "g_r": 1.0,
        "alpha_z": 0.0,
        "beta_z": 0.0,
        "alpha_r": 0.0,
        "beta_r": 0.0,
        "tau_z": 1.0,
        "tau_r": 1.0,
    }
    assert list(params.to_dict()) == list(FIELDS)


def test_parameters_are_frozen():
    params = GatedRNN(g_h=2.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.g_h = 3.0


@pytest.mark.parametrize("beta_z, beta_r", [(0.0, 0.0), (0.3, -0.7), (-5.0, 12.0), (30.0, -30.0)])
def test_classical_limit_helpers_match_closed_forms(beta_z, beta_r):
    params = GatedRNN(g_h=3.0, beta_z=beta_z, beta_r=beta_r)
    # closed forms evaluated independently; both sides are a few correctly rounded operations
    rel = 1e-14
    assert params.gate_z_at_zero == pytest.approx(1.0 / (1.0 + math.exp(beta_z)), rel=rel)
    assert params.gate_r_at_zero == pytest.approx(1.0 / (1.0 + math.exp(beta_r)), rel=rel)
    assert params.classical_gain == pytest.approx(3.0 / (1.0 + math.exp(beta_r)), rel=rel)
    assert params.classical_time_scale == pytest.approx(1.0 + math.exp(beta_z), rel=rel)
    assert params.zero_fixed_point_gain == pytest.approx(1.0 + math.exp(beta_r), rel=rel)


def test_zero_fixed_point_gain_does_not_need_frozen_gates():
    params = GatedRNN(g_h=3.0, alpha_z=5.0, alpha_r=2.0, beta_r=-0.7)
    # a few correctly rounded operations
    assert params.zero_fixed_point_gain == pytest.approx(1.0 + math.exp(-0.7), rel=1e-14)


def test_symmetric_gates_halve_the_gain_and_double_the_time_scale():
    params = GatedRNN(g_h=4.0)
    assert params.is_additive
    assert params.classical_gain == 2.0
    assert params.classical_time_scale == 2.0
    assert params.zero_fixed_point_gain == 2.0


@pytest.mark.parametrize(
    "alphas", [{"alpha_z": 1.0}, {"alpha_r": -0.5}, {"alpha_z": 2.0, "alpha_r": 3.0}]
)
@pytest.mark.parametrize("helper", ["classical_gain", "classical_time_scale"])
def test_classical_helpers_raise_when_a_gate_is_active(alphas, helper):
    params = GatedRNN(g_h=3.0, **alphas)
    assert not params.is_additive
    with pytest.raises(ValueError, match=helper):
        getattr(params, helper)


def test_classical_network_has_gates_exactly_one():
    params = GatedRNN.classical(1.7)
    assert params.g_h == 1.7
    assert params.beta_z == params.beta_r == CLASSICAL_BETA
    assert params.gate_z_at_zero == 1.0 and params.gate_r_at_zero == 1.0
    assert params.classical_gain == 1.7 and params.classical_time_scale == 1.0


def test_replace_returns_a_validated_copy():
    params = GatedRNN(g_h=2.0, alpha_z=3.0)
    changed = params.replace(g_h=5.0, beta_r=-1.0)
    assert (changed.g_h, changed.alpha_z, changed.beta_r) == (5.0, 3.0, -1.0)
    assert params.g_h == 2.0 and params.beta_r == 0.0
    assert params.replace() == params
    with pytest.raises(ValueError, match="^tau_r must"):
        params.replace(tau_r=0.0)
    with pytest.raises(TypeError):
        params.replace(gain=1.0)


def test_digest_is_stable_across_processes_and_versions():
    # literal values: the hash names result files, so it must not depend on the session
    assert GatedRNN(g_h=2.0).digest() == "2eae59b2a3a0ba18"
    assert GatedRNN(g_h=3.0, alpha_z=5.0).digest(N=100, seed=1) == "37b2d920ebb1793b"


def test_digest_depends_on_every_value_but_not_on_integer_vs_float():
    base = GatedRNN(g_h=2.0)
    assert base.digest() == GatedRNN(g_h=2).digest() == base.replace().digest()
    digests = {base.digest()}
    for name in FIELDS:
        digests.add(base.replace(**{name: getattr(base, name) + 0.25}).digest())
    digests.add(base.digest(N=100))
    digests.add(base.digest(N=101))
    digests.add(base.digest(N=100, seed=1))
    assert len(digests) == len(FIELDS) + 4
    assert all(len(d) == 16 and int(d, 16) >= 0 for d in digests)
