"""Bivariate Gaussian averages and stationary Gaussian sampling on a circle (gatedrnn.gaussian)."""

import numpy as np
import pytest

from gatedrnn.gaussian import (
    bivariate_gaussian_average,
    bivariate_interpolant,
    gaussian_average,
    sample_stationary,
    white_spectrum,
)
from gatedrnn.nonlinearity import gate


def test_bivariate_exact_identities():
    q = 2.5
    c = np.array([-2.5, -1.0, 0.0, 0.7, 2.5])
    # E[XY] = c, E[X^2 Y^2] = q^2 + 2 c^2
    assert np.allclose(bivariate_gaussian_average(lambda x: x, q, c), c, atol=1e-12)
    assert np.allclose(
        bivariate_gaussian_average(lambda x: x**2, q, c), q**2 + 2 * c**2, rtol=1e-10
    )
    # c = 0: product of means; c = q: single average of f g
    f, g = np.tanh, lambda x: gate(x, 3.0, 0.5)
    mean_f, mean_g = gaussian_average(f, q), gaussian_average(g, q)
    assert bivariate_gaussian_average(f, q, 0.0, g) == pytest.approx(mean_f * mean_g, abs=1e-13)
    assert bivariate_gaussian_average(f, q, q, g) == pytest.approx(
        gaussian_average(lambda x: f(x) * g(x), q), abs=1e-13
    )
    # arcsine law for sign(x): (2/pi) arcsin(c/q), approached by tanh(k x) at large k
    k = 100.0
    value = bivariate_gaussian_average(lambda x: np.tanh(k * x), 1.0, 0.5, spacing=0.003)
    assert value == pytest.approx(2 / np.pi * np.arcsin(0.5), abs=1e-2)


def test_bivariate_negative_covariance_and_symmetry():
    # tanh odd: E[f(X) f(Y)] at -c is minus the value at c
    q = 3.0
    c = np.linspace(0, q, 7)
    plus = bivariate_gaussian_average(np.tanh, q, c)
    minus = bivariate_gaussian_average(np.tanh, q, -c)
    assert np.allclose(minus, -plus, atol=1e-14)


def test_bivariate_rejects_bad_covariance():
    with pytest.raises(ValueError, match="covariance"):
        bivariate_gaussian_average(np.tanh, 1.0, 1.5)
    with pytest.raises(ValueError, match="variance"):
        bivariate_gaussian_average(np.tanh, -1.0, 0.0)


@pytest.mark.parametrize("q", [0.3, 2.0, 20.0])
def test_interpolant_matches_direct_average(q):
    c = np.linspace(-q, q, 23)
    direct = bivariate_gaussian_average(np.tanh, q, c)
    assert np.abs(bivariate_interpolant(np.tanh, q)(c) - direct).max() < 1e-11


@pytest.mark.parametrize("q", [0.3, 2.0])
def test_interpolant_of_a_steep_gate(q):
    c = np.linspace(-q, q, 23)
    gate_r = lambda x: gate(x, 10.0, 1.0)  # noqa: E731  steep gate
    spacing = min(0.04, 0.25 / (5.0 * np.sqrt(q)))
    direct = bivariate_gaussian_average(gate_r, q, c, spacing=spacing)
    assert np.abs(bivariate_interpolant(gate_r, q, spacing=spacing)(c) - direct).max() < 1e-10


def test_sample_stationary_has_the_circulant_covariance():
    # the empirical covariance of many paths matches C within its standard error
    P, M = 64, 20000
    lags = np.arange(P // 2 + 1)
    c = np.exp(-0.5 * (lags / 3.0) ** 2)
    full = np.concatenate([c, c[-2:0:-1]])
    spectrum = np.fft.rfft(full).real
    x = sample_stationary(spectrum, white_spectrum(np.random.default_rng(0), M, P))
    empirical = (x[:, :1] * x[:, : P // 2 + 1]).mean(axis=0)
    stderr = np.sqrt((1 + c**2) / M)  # Var(x0 x_l) = 1 + c_l^2 for unit variance
    assert np.all(np.abs(empirical - c) < 5 * stderr)
    with pytest.raises(ValueError, match="non-negative"):
        sample_stationary(-spectrum, white_spectrum(np.random.default_rng(0), 1, P))
