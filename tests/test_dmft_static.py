"""Static DMFT (gatedrnn.dmft.static): fixed-point branches and their stability (SPEC §2, §5)."""

import numpy as np
import pytest

from gatedrnn import GatedRNN
from gatedrnn.dmft import static
from gatedrnn.gaussian import gaussian_average
from gatedrnn.io import check_dataset, read_dataset, write_dataset
from gatedrnn.nonlinearity import gate, phi


def independent_residual(p: GatedRNN, delta_h: float) -> float:
    """g_h^2 <sigma_r^2>_{Delta_r} <phi^2>_{Delta_h} - Delta_h, written out independently."""
    phi2 = gaussian_average(lambda x: np.tanh(x) ** 2, delta_h)
    sigma2 = gaussian_average(lambda x: gate(x, p.alpha_r, p.beta_r) ** 2, p.g_r**2 * phi2)
    return p.g_h**2 * sigma2 * phi2 - delta_h


@pytest.mark.parametrize(
    "base",
    [GatedRNN(g_h=1.0), GatedRNN(g_h=1.0, beta_r=1.0), GatedRNN(g_h=1.0, alpha_r=4.0, beta_r=-0.7)],
)
def test_trivial_branch_loses_stability_at_threshold(base):
    threshold = 1.0 / base.gate_r_at_zero  # g_h sigma_r(0) = 1
    for factor, stable in [(1 - 1e-9, 1), (1 + 1e-9, 0)]:
        p = base.replace(g_h=threshold * factor)
        ds = static(p)
        trivial = ds.sel(branch=0)
        assert float(trivial.delta_h) == 0.0
        assert int(trivial.stable) == stable
        assert float(trivial.stability_margin) == pytest.approx(
            (p.g_h * p.gate_r_at_zero) ** 2, rel=1e-14
        )


def test_continuous_branch_appears_above_threshold_at_alpha_r_zero():
    below = static(GatedRNN(g_h=1.99))
    assert below.sizes["branch"] == 1
    for epsilon in [1e-3, 0.05, 1.0]:
        p = GatedRNN(g_h=2.0 * (1 + epsilon))
        ds = static(p)
        assert ds.sizes["branch"] == 2
        delta = float(ds.delta_h[1])
        assert delta > 0
        # satisfies the equations to 1e-10
        assert abs(independent_residual(p, delta)) < 1e-10 * max(delta, 1.0)
        assert float(ds.delta_z[1]) == pytest.approx(
            gaussian_average(lambda x: phi(x) ** 2, delta), rel=1e-12
        )
    # continuous: small-Delta expansion <tanh^2> = D - 2 D^2 gives D = (1 - 1/(g s_r)^2) / 2
    p = GatedRNN(g_h=2.0 * (1 + 1e-3))
    expected = 0.5 * (1 - 1 / (p.g_h * p.gate_r_at_zero) ** 2)
    assert float(static(p).delta_h[1]) == pytest.approx(expected, rel=1e-2)


def test_discontinuous_branches_below_threshold_with_strong_output_gate():
    # alpha_r g_r large: a saddle-node pair of nontrivial branches while the zero FP is stable
    p = GatedRNN(g_h=1.8, alpha_r=10.0, g_r=2.0)
    ds = static(p)
    assert ds.sizes["branch"] == 3
    assert int(ds.stable[0]) == 1
    for delta in ds.delta_h.values[1:]:
        assert abs(independent_residual(p, float(delta))) < 1e-10
    # stability margin is the SPEC §5 expression
    assert np.all((ds.stability_margin.values < 1) == (ds.stable.values == 1))


def test_saddle_node_threshold_from_small_delta_expansion():
    # Expanding the static equation to first order in Delta_h at beta_r = 0 gives
    # 1 = g_h^2 [1/4 + (alpha_r^2 g_r^2 / 16 - 1/2) Delta_h]: the branch bends below the
    # zero-FP threshold g_h = 2 (discontinuous, SPEC §5) iff alpha_r g_r > 2 sqrt(2).
    below = 2.0 * (1 - 1e-4)
    assert static(GatedRNN(g_h=below, alpha_r=3.0)).sizes["branch"] == 3
    assert static(GatedRNN(g_h=below, alpha_r=2.7)).sizes["branch"] == 1
    # alpha_r g_r < 2 sqrt(2): continuous, a single small branch just above threshold
    ds = static(GatedRNN(g_h=2.0 * (1 + 1e-3), alpha_r=2.0))
    assert ds.sizes["branch"] == 2
    slope = 1 / 2 - 2.0**2 / 16  # Delta ~ (1 - 1/(g_h s_r)^2) / (4 slope)
    expected = (1 - 1 / (2.0 * (1 + 1e-3) * 0.5) ** 2) / (4 * slope)
    assert float(ds.delta_h[1]) == pytest.approx(expected, rel=2e-2)


def test_update_gate_does_not_enter():
    a = static(GatedRNN(g_h=3.0))
    b = static(GatedRNN(g_h=3.0, alpha_z=7.0, beta_z=1.0, tau_z=3.0))
    assert np.array_equal(a.delta_h.values, b.delta_h.values)
    assert np.array_equal(a.stable.values, b.stable.values)


def test_dataset_conventions_and_roundtrip(tmp_path):
    ds = static(GatedRNN(g_h=3.0, alpha_r=2.0))
    check_dataset(ds)
    assert ds.stable.dtype == np.int8
    back = read_dataset(write_dataset(ds, tmp_path / "static.nc"))
    assert np.array_equal(back.delta_h.values, ds.delta_h.values)
    assert float(back.g_h) == 3.0


def test_bad_parameters_raise_naming_the_parameter():
    with pytest.raises(ValueError, match="g_h"):
        GatedRNN(g_h=-1.0)
    with pytest.raises(ValueError, match="alpha_r"):
        GatedRNN(g_h=1.0, alpha_r=float("nan"))
    with pytest.raises(ValueError, match="n_grid"):
        static(GatedRNN(g_h=2.0), n_grid=3)
    with pytest.raises(ValueError, match="delta_min"):
        static(GatedRNN(g_h=2.0), delta_min=0.0)
    with pytest.raises(ValueError, match="params"):
        static({"g_h": 2.0})
