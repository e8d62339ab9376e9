"""Gradient norms backwards in time: the rate is the maximal Lyapunov exponent."""

from __future__ import annotations

import numpy as np
import pytest

from gatedrnn import GatedRNN, Network
from gatedrnn.gradient_growth import backward_growth
from gatedrnn.lyapunov import spectrum


def test_stable_network_gradients_decay_at_the_zero_fixed_point_rate():
    """Below the transition the trajectory sits at the zero fixed point; every adjoint
    decays like the spectral edge sigma_z(0)(-1 + g_h sigma_r(0)) (radius correction O(N^-1/2))."""
    params = GatedRNN(g_h=1.2)
    ds = backward_growth(Network(params, N=200, seed=3), t_burn=60.0, horizon=40.0,
                         fit_skip=10.0, progress=False)
    expected = params.gate_z_at_zero * (-1.0 + params.g_h * params.gate_r_at_zero)
    # finite-N edge of the circular law: relative fluctuation ~ N^(-1/2) of the radius 0.3
    assert float(ds["growth_rate_mean"]) == pytest.approx(expected, abs=0.3 * 3 / np.sqrt(200))
    assert ds["log_adjoint_norm"].isel(backward_time=0).values == pytest.approx(0.0)
    assert ds.sizes["trial"] == 4


@pytest.mark.slow
def test_chaotic_network_gradients_grow_at_the_maximal_exponent():
    network = Network(GatedRNN(g_h=5.0), N=300, seed=0)
    ds = backward_growth(network, t_burn=50.0, horizon=80.0, progress=False)
    rate, rate_error = float(ds["growth_rate_mean"]), float(ds["growth_rate_error"])
    assert rate > 3 * rate_error
    exponent = spectrum(network, 1, t_max=200.0, t_burn=50.0, progress=False)
    combined = np.hypot(rate_error, float(exponent["mle_error"]))
    assert abs(rate - float(exponent["mle"])) <= 3 * combined


def test_bad_arguments_name_the_parameter():
    network = Network(GatedRNN(g_h=3.0), N=10, seed=0)
    for name, value in (("horizon", 0.0), ("dt", -0.1), ("trials", 1), ("record_every", 0)):
        with pytest.raises(ValueError, match=name):
            backward_growth(network, **{name: value}, progress=False)
    with pytest.raises(ValueError, match="fit_skip"):
        backward_growth(network, horizon=10.0, fit_skip=10.0, progress=False)
