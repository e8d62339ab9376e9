"""Classes of the (g_h, alpha_z) phase diagram from network spectra."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from gatedrnn.marginal_stability import classify_networks


def _phase(q_h, fraction, epsilons=(0.01,)):
    q_h = np.asarray(q_h, dtype=float)
    fraction = np.asarray(fraction, dtype=float)
    return xr.Dataset(
        {"q_h": (("g_h", "seed"), q_h),
         "near_zero_fraction": (("g_h", "seed", "epsilon"),
                                np.repeat(fraction[..., None], len(epsilons), axis=-1))},
        coords={"g_h": [1.5, 3.0], "seed": [0, 1], "epsilon": list(epsilons)},
    )


def test_each_network_has_exactly_one_class():
    phase = _phase([[1e-9, 0.2], [0.5, 0.5]], [[0.0, 0.09], [0.001, 0.05]])
    classes = classify_networks(phase, 0.02, 1e-3)
    np.testing.assert_array_equal(classes["quiescent"], [[True, False], [False, False]])
    np.testing.assert_array_equal(classes["marginal"], [[False, True], [False, True]])
    np.testing.assert_array_equal(classes["active"], [[False, False], [True, False]])
    total = classes["quiescent"].astype(int) + classes["marginal"] + classes["active"]
    assert (total == 1).all()
    # a quiescent network is never marginal, whatever its spectrum near 0
    quiet = classify_networks(_phase([[1e-9, 1e-9], [1e-9, 1e-9]], [[0.5] * 2] * 2), 0.02, 1e-3)
    assert quiet["quiescent"].all() and not quiet["marginal"].any()
    # the threshold is inclusive
    assert classify_networks(phase, 0.05, 1e-3)["marginal"].sel(g_h=3.0, seed=1)


def test_bad_thresholds_and_several_epsilons_raise():
    phase = _phase([[1e-9, 0.2], [0.5, 0.5]], [[0.0, 0.09], [0.001, 0.05]])
    with pytest.raises(ValueError, match="marginal_fraction"):
        classify_networks(phase, 1.5, 1e-3)
    with pytest.raises(ValueError, match="marginal_fraction"):
        classify_networks(phase, 0.0, 1e-3)
    with pytest.raises(ValueError, match="quiescent_q_h"):
        classify_networks(phase, 0.02, -1.0)
    with pytest.raises(ValueError, match="one epsilon"):
        classify_networks(_phase([[1e-9, 0.2], [0.5, 0.5]], [[0.0, 0.09], [0.001, 0.05]],
                                 epsilons=(0.01, 0.1)), 0.02, 1e-3)
