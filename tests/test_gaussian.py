"""Gaussian averages and the SCS variance (energy condition, small- and large-g limits)."""

import numpy as np
import pytest
from scipy.integrate import quad

from gatedrnn.dmft import scs_variance
from gatedrnn.gaussian import gaussian_average, standard_normal_grid
from gatedrnn.nonlinearity import phi_prime

VARIANCES = [0.01, 1.0, 4.0, 25.0, 100.0]


def log_cosh(x):
    absolute = np.abs(x)
    return absolute + np.log1p(np.exp(-2.0 * absolute)) - np.log(2.0)


def adaptive_average(function, variance):
    """E[function(X)], X ~ N(0, variance), by adaptive quadrature split where the integrand bends."""
    std = np.sqrt(variance)
    edges = sorted({-12 * std, -5.0, -1.0, 0.0, 1.0, 5.0, 12 * std})
    edges = [e for e in edges if -12 * std <= e <= 12 * std]

    def integrand(x):
        return function(x) * np.exp(-0.5 * x * x / variance) / np.sqrt(2 * np.pi * variance)

    return sum(
        quad(integrand, a, b, epsabs=0, epsrel=1e-13, limit=500)[0]
        for a, b in zip(edges, edges[1:])
    )


def test_grid_weights_are_normalised_and_symmetric():
    nodes, weights = standard_normal_grid()
    assert nodes[0] == -9.0 and nodes[-1] == 9.0
    assert np.max(np.diff(nodes)) <= 0.02 + 1e-12
    assert weights.sum() == pytest.approx(1.0, abs=1e-15)  # renormalised: one rounding per term
    # linspace nodes are symmetric up to rounding of the node positions
    np.testing.assert_allclose(weights, weights[::-1], rtol=1e-13, atol=0)


@pytest.mark.parametrize("variance", VARIANCES)
def test_gaussian_moments_match_closed_forms(variance):
    # trapezoid on an analytic integrand: spectrally accurate; the tails beyond 9 sd are < 1e-17
    assert gaussian_average(lambda x: x**2, variance) == pytest.approx(variance, rel=1e-12)
    assert gaussian_average(lambda x: x**4, variance) == pytest.approx(3 * variance**2, rel=1e-12)
    assert gaussian_average(lambda x: x**6, variance) == pytest.approx(15 * variance**3, rel=1e-12)
    # cos(x) = cos(sqrt(v) z) has frequency <= 10 << pi / 0.02: aliasing ~ exp(-300^2 / 2)
    assert gaussian_average(np.cos, variance) == pytest.approx(np.exp(-variance / 2), abs=1e-13)
    assert abs(gaussian_average(lambda x: x, variance)) < 1e-14 * np.sqrt(variance)


@pytest.mark.parametrize("variance", [0.1, 1.0, 10.0, 100.0])
@pytest.mark.parametrize("function", [lambda x: np.tanh(x) ** 2, phi_prime, log_cosh])
def test_tanh_like_averages_match_adaptive_quadrature_up_to_variance_100(variance, function):
    # both rules are accurate to ~1e-15 here (measured); poles at i pi/2 sit >= 7.8 grid steps away
    expected = adaptive_average(function, variance)
    assert gaussian_average(function, variance) == pytest.approx(expected, rel=1e-12)


def test_gaussian_average_with_a_mean_broadcasts():
    variance = np.array([0.5, 2.0, 9.0])
    mean = np.array([[-1.0], [0.0], [3.0]])
    first = gaussian_average(lambda x: x, variance, mean)
    second = gaussian_average(lambda x: x**2, variance, mean)
    assert first.shape == second.shape == (3, 3)
    # polynomial integrands: rounding only
    np.testing.assert_allclose(first, np.broadcast_to(mean, (3, 3)), rtol=0, atol=1e-14)
    np.testing.assert_allclose(second, mean**2 + variance, rtol=1e-13)
    # zero variance: every node is the mean, and the weights sum to one
    assert gaussian_average(np.tanh, 0.0, 0.7) == pytest.approx(np.tanh(0.7), rel=1e-15)


@pytest.mark.parametrize("variance", [-1e-3, np.nan, np.inf])
def test_gaussian_average_rejects_bad_variances(variance):
    with pytest.raises(ValueError, match="variance"):
        gaussian_average(np.tanh, variance)


def test_scs_variance_at_g_2():
    # SPEC §2 quotes q ~ 1.92 (two decimals)
    assert abs(scs_variance(2.0) - 1.92) < 0.005


@pytest.mark.parametrize("g", [1.001, 1.2, 2.0, 5.0, 20.0])
def test_scs_variance_satisfies_the_energy_condition(g):
    q = scs_variance(g)
    mean = adaptive_average(log_cosh, q)
    mean_square = adaptive_average(lambda x: log_cosh(x) ** 2, q)
    # independent quadrature, accurate to ~1e-15 relative; the root is solved to rtol 1e-12
    assert 0.5 * q**2 == pytest.approx(g**2 * (mean_square - mean**2), rel=1e-10)


def test_scs_variance_is_zero_below_the_transition_and_increasing_above():
    assert scs_variance(0.0) == scs_variance(0.5) == scs_variance(1.0) == 0.0
    values = [scs_variance(g) for g in (1.01, 1.5, 2.0, 3.0, 5.0)]
    assert all(0 < a < b for a, b in zip(values, values[1:]))
    for g in (-0.1, np.nan, np.inf):
        with pytest.raises(ValueError, match="g must"):
            scs_variance(g)


def test_scs_variance_near_the_transition_follows_the_small_q_expansion():
    # Var[log cosh X] = q^2/2 - q^3 + 8/3 q^4 - 9 q^5 + O(q^6) for X ~ N(0, q) (series of
    # log cosh = x^2/2 - x^4/12 + x^6/45 - 17 x^8/2520, Gaussian moments (2k-1)!! q^k), so with
    # eps = (g^2 - 1) / (2 g^2) the energy condition gives q = eps + 8/3 eps^2 + 47/9 eps^3 + O(eps^4).
    def third_order_coefficient(eps):
        g = 1.0 / np.sqrt(1.0 - 2.0 * eps)
        return (scs_variance(g) - eps - 8.0 / 3.0 * eps**2) / eps**3

    coarse, fine = third_order_coefficient(0.004), third_order_coefficient(0.002)
    # each estimate is 47/9 + O(eps): the first-order remainder is resolved...
    assert abs(fine - 47 / 9) < abs(coarse - 47 / 9)
    # ...and Richardson extrapolation leaves O(eps^2) ~ 1e-5 plus root error 1e-13/eps^3 ~ 1e-5
    assert 2 * fine - coarse == pytest.approx(47 / 9, abs=1e-3)


def test_scs_variance_at_large_gain_follows_the_asymptote():
    # log cosh x = |x| - log 2 + O(e^{-2|x|}) gives Var = (1 - 2/pi) q - pi/6 + O(q^{-1/2}), so
    # q = 2 (1 - 2/pi) g^2 - pi / (6 (1 - 2/pi)) + O(1/g)
    slope = 2.0 * (1.0 - 2.0 / np.pi)
    constant = -np.pi / (6.0 * (1.0 - 2.0 / np.pi))

    def offset(g):
        return scs_variance(g) - slope * g**2

    # Richardson extrapolation in 1/g removes the O(1/g) term; O(1/g^2) ~ 1e-3 remains at g = 20
    assert 2 * offset(40.0) - offset(20.0) == pytest.approx(constant, abs=1e-2)
