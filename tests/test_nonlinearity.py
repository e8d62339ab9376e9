"""phi, phi' and the gates: closed forms, extreme arguments, derivatives."""

import warnings

import numpy as np
import pytest

from gatedrnn.nonlinearity import gate, gate_prime, phi, phi_prime

FD_STEP = 1e-6


@pytest.fixture
def no_float_warnings():
    """Turn overflow/invalid/divide warnings into errors (underflow to 0 is the exact answer)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
            yield


def test_phi_is_tanh():
    h = np.linspace(-30.0, 30.0, 601)
    np.testing.assert_array_equal(phi(h), np.tanh(h))


def test_phi_prime_equals_inverse_cosh_squared_where_cosh_is_safe():
    h = np.linspace(-20.0, 20.0, 4001)
    # exp and cosh are each within an ulp or two of the truth at exact arguments
    np.testing.assert_allclose(phi_prime(h), 1.0 / np.cosh(h) ** 2, rtol=1e-13, atol=0)
    assert phi_prime(np.array(0.0)) == 1.0


def test_phi_prime_is_even_and_keeps_full_relative_precision_in_the_tails(no_float_warnings):
    h = np.array([-300.0, 300.0, -50.0, 50.0])
    exact = 4.0 * np.exp(-2.0 * np.abs(h))  # (1 + e^{-2|h|})^2 == 1 in float64 here
    # 4 e^{-2|h|} / (1 + e^{-2|h|})^2 is exactly 4 * exp(-2|h|) once e^{-2|h|} < eps
    np.testing.assert_allclose(phi_prime(h), exact, rtol=1e-15, atol=0)
    assert np.all(phi_prime(h) > 0)
    assert np.all(1.0 - np.tanh(h) ** 2 == 0.0)  # what the naive formula would give


def test_phi_prime_at_huge_arguments_underflows_to_zero_without_warnings(no_float_warnings):
    h = np.array([-400.0, 400.0, -1e300, 1e300, -np.inf, np.inf])
    # 1/cosh(400)^2 ~ 1e-347 is below the smallest subnormal: 0.0 is the correctly rounded value
    np.testing.assert_array_equal(phi_prime(h), np.zeros(h.size))


def test_phi_prime_matches_finite_differences_of_phi():
    h = np.linspace(-4.0, 4.0, 81)
    difference = (phi(h + FD_STEP) - phi(h - FD_STEP)) / (2 * FD_STEP)
    # central differences: O(h^2) ~ 1e-12 truncation, O(eps/h) ~ 1e-10 rounding
    np.testing.assert_allclose(phi_prime(h), difference, rtol=1e-6, atol=0)


@pytest.mark.parametrize("alpha, beta", [(1.0, 0.0), (3.0, -0.5), (-2.0, 1.5), (20.0, 4.0)])
def test_gate_and_gate_prime_match_naive_formulas(alpha, beta):
    x = np.linspace(-1.5, 1.5, 301)
    decay = np.exp(-alpha * x + beta)
    # |alpha x - beta| <= 34: the naive formulas neither overflow nor cancel; a few ulp apart
    np.testing.assert_allclose(gate(x, alpha, beta), 1.0 / (1.0 + decay), rtol=1e-13, atol=0)
    np.testing.assert_allclose(
        gate_prime(x, alpha, beta), alpha * decay / (1.0 + decay) ** 2, rtol=1e-13, atol=0
    )


def test_gate_prime_keeps_relative_precision_where_one_minus_sigma_cancels():
    alpha = 2.0
    x = np.array([15.0, 20.0, -15.0, -20.0])
    # sigma' = alpha e^{-|a|} / (1 + e^{-|a|})^2 with a = alpha x; evaluated without cancellation
    exact = alpha * np.exp(-np.abs(alpha * x)) / (1.0 + np.exp(-np.abs(alpha * x))) ** 2
    np.testing.assert_allclose(gate_prime(x, alpha, 0.0), exact, rtol=1e-13, atol=0)


@pytest.mark.parametrize("alpha", [1.0, 4.0, -10.0])
def test_gates_at_alpha_x_of_plus_minus_1000_do_not_overflow(alpha, no_float_warnings):
    x = np.array([1000.0, -1000.0]) / alpha
    # e^{-1000} underflows: 1 and 0 are the correctly rounded gate values
    np.testing.assert_array_equal(gate(x, alpha, 0.0), [1.0, 0.0])
    np.testing.assert_array_equal(gate_prime(x, alpha, 0.0), [0.0, 0.0])


def test_gate_tail_is_accurate_down_to_e_minus_700(no_float_warnings):
    x = np.array([-700.0, 700.0])
    # sigma(-700) = e^{-700}/(1 + e^{-700}) = e^{-700} to all digits
    assert gate(x, 1.0, 0.0)[0] == pytest.approx(np.exp(-700.0), rel=1e-13)
    assert gate_prime(x, 3.0, 0.0)[0] == pytest.approx(3.0 * np.exp(-2100.0 / 3.0), rel=1e-13)
    assert gate(x, 1.0, 0.0)[1] == 1.0


def test_frozen_gate_is_constant_with_zero_derivative():
    x = np.linspace(-50.0, 50.0, 11)
    np.testing.assert_array_equal(gate(x, 0.0, 0.7), np.full(x.size, 1.0 / (1.0 + np.exp(0.7))))
    np.testing.assert_array_equal(gate_prime(x, 0.0, 0.7), np.zeros(x.size))


@pytest.mark.parametrize("alpha, beta", [(3.0, -0.5), (0.7, 2.0), (-5.0, 0.3)])
def test_gate_prime_matches_finite_differences(alpha, beta):
    x = np.linspace(-2.0, 2.0, 41)
    difference = (gate(x + FD_STEP, alpha, beta) - gate(x - FD_STEP, alpha, beta)) / (2 * FD_STEP)
    # central differences: |alpha|^3 h^2 ~ 1e-10 truncation, eps/h ~ 1e-10 rounding vs sigma' >= 1e-5
    np.testing.assert_allclose(gate_prime(x, alpha, beta), difference, rtol=1e-5, atol=0)


def test_nonlinearities_accept_arrays_of_any_shape():
    x = np.linspace(-1.0, 1.0, 24).reshape(2, 3, 4)
    for values in (phi(x), phi_prime(x), gate(x, 2.0, 0.1), gate_prime(x, 2.0, 0.1)):
        assert values.shape == x.shape and values.dtype == np.float64
    assert gate([0.0, 1.0], 1.0, 0.0).shape == (2,)
