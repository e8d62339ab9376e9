"""Stationary DMFT (gatedrnn.dmft.stationary): deterministic alpha_z = 0 solver and sampler.

Monte-Carlo tolerances come from independent noise realisations (seeds): with n seeds the
standardised deviation of the seed mean from the exact value, (mean - exact) / (s / sqrt(n)),
follows Student's t with n - 1 degrees of freedom, and the ratio of sample variances at two
path numbers follows Fisher's F; bounds are their quantiles at a two-sided level 1e-3
(Bonferroni-corrected where several lags are tested at once).
"""

import json
import warnings

import numpy as np
import pytest
from scipy import stats

from gatedrnn import GatedRNN
from gatedrnn.dmft import ConvergenceWarning, scs_variance, stationary, stationary_deterministic
from gatedrnn.dmft.circle import Circle
from gatedrnn.dmft.single_site import integrate_periodic
from gatedrnn.io import check_dataset, read_dataset, write_dataset

LEVEL = 1e-3
# a cheap SCS circle: tau_relax = 6.8, taper from 51 to 92
SCS_CIRCLE = dict(dt=0.1, n_points=2048)


@pytest.fixture(scope="module")
def scs_deterministic():
    return stationary(GatedRNN.classical(2.0), method="deterministic", **SCS_CIRCLE)


@pytest.fixture(scope="module")
def scs_seeds():
    """C_h from 8 independent seeds of the sampler at M = 500 (classical network, g = 2)."""
    runs = [
        stationary(GatedRNN.classical(2.0), n_paths=500, seed=s, **SCS_CIRCLE) for s in range(8)
    ]
    return runs


# --- deterministic alpha_z = 0 solver -------------------------------------------------------


def test_deterministic_matches_scs_energy_condition(scs_deterministic):
    ds = scs_deterministic
    assert int(ds.converged) == 1
    assert float(ds.C_h[0]) == pytest.approx(scs_variance(2.0), rel=1e-8)


def test_frozen_gates_halve_the_rates():
    # alpha = beta = 0, g_h = 4: the SCS network at g = 2 with time stretched by 1/sigma_z(0) = 2
    scs = stationary_deterministic(GatedRNN.classical(2.0), dt=0.05, n_points=4096)
    gated = stationary_deterministic(GatedRNN(g_h=4.0), dt=0.05, n_points=8192)
    assert float(gated.C_h[0]) == pytest.approx(scs_variance(2.0), rel=1e-8)
    assert float(gated.relaxation_time) == pytest.approx(2 * float(scs.relaxation_time), rel=1e-4)
    # the whole function: C_gated(2 tau) = C_scs(tau)
    n = scs.sizes["lag"]
    assert np.abs(gated.C_h.values[: 2 * n : 2] - scs.C_h.values[:n]).max() < 1e-8


def test_deterministic_saturated_output_gate_is_scs():
    # alpha_r != 0 path (bivariate averages of sigma_r): with beta_r = -40, sigma_r = 1
    p = GatedRNN(g_h=2.0, alpha_r=1.0, beta_r=-40.0, beta_z=-40.0)
    ds = stationary_deterministic(p, dt=0.1, n_points=2048)
    assert float(ds.C_h[0]) == pytest.approx(scs_variance(2.0), rel=1e-8)


def test_deterministic_output_gate_self_consistency():
    # at alpha_r != 0 the returned correlations satisfy the closed equations
    p = GatedRNN(g_h=3.0, alpha_r=2.0, beta_r=0.5, g_r=1.5, tau_r=2.0)
    ds = stationary_deterministic(p, dt=0.1, n_points=4096, max_lag=204.8)
    assert int(ds.converged) == 1
    assert json.loads(ds.attrs["settings"])["n_points"] == 4096
    circle = Circle(4096, 0.1)
    c_phi = ds.C_phi.values
    c_r = circle.correlation(p.g_r**2 * circle.lowpass(p.tau_r) * circle.tapered_spectrum(c_phi))
    assert np.abs(ds.C_r.values - c_r).max() < 1e-12
    s_z = p.gate_z_at_zero
    c_h = circle.correlation(
        p.g_h**2 * circle.lowpass(1 / s_z) * circle.tapered_spectrum(ds.C_sigma_r_phi.values)
    )
    assert np.abs(ds.C_h.values - c_h).max() < 1e-9 * float(ds.C_h[0])
    assert float(ds.spectrum_min.min()) > -1e-10


def test_deterministic_finds_the_chaotic_branch_near_the_transition():
    # g_h sigma_r(0) = 1.05: the default start must not collapse onto C_h = 0 (it did once)
    ds = stationary_deterministic(GatedRNN(g_h=2.1), max_iter=2000)
    assert int(ds.converged) == 1
    # solver tolerance 1e-11 relative; the energy condition is solved to 1e-12
    assert float(ds.C_h[0]) == pytest.approx(scs_variance(1.05), rel=1e-9)


def test_deterministic_quiescent_below_the_transition():
    ds = stationary_deterministic(GatedRNN(g_h=1.8), dt=0.1, n_points=1024)  # g = 0.9 < 1
    assert int(ds.converged) == 1
    assert float(ds.C_h[0]) < 1e-12


def test_deterministic_rejects_update_gate():
    with pytest.raises(ValueError, match="alpha_z"):
        stationary_deterministic(GatedRNN(g_h=4.0, alpha_z=1.0))
    with pytest.raises(ValueError, match="alpha_z"):
        stationary(GatedRNN(g_h=4.0, alpha_z=1.0), method="deterministic")


# --- sampler ---------------------------------------------------------------------------------


def test_single_site_scheme_is_second_order_and_periodic():
    # constant rate, sinusoidal drive: exact periodic response s / (s + i w)
    errors = []
    for dt, n in [(0.1, 1024), (0.05, 2048)]:
        t = dt * np.arange(n)
        w = 2 * np.pi * 20 / (n * dt)
        h = integrate_periodic(0.5, np.sin(w * t)[None], dt)
        exact = np.imag(0.5 / (0.5 + 1j * w) * np.exp(1j * w * t))
        errors.append(np.abs(h[0] - exact).max())
    assert errors[0] < 1e-3
    assert errors[0] / errors[1] == pytest.approx(4.0, rel=0.05)
    # time-varying rate: the block solution equals the plain recurrence
    rng = np.random.default_rng(1)
    rate, drive = rng.uniform(0, 1, (2, 512)), rng.standard_normal((2, 512))
    h = integrate_periodic(rate, drive, 0.2)
    x = 0.5 * (rate + np.roll(rate, -1, axis=1)) * 0.2
    e, p1 = np.exp(-x), -np.expm1(-x) / x
    nxt = e * h + (p1 - e) * drive + (1 - p1) * np.roll(drive, -1, axis=1)
    assert np.abs(nxt - np.roll(h, -1, axis=1)).max() < 1e-12


def test_periodic_recurrence_solves_decaying_and_growing_steps():
    from gatedrnn.dmft.single_site import periodic_recurrence

    rng = np.random.default_rng(2)
    for low, high in [(0.5, 0.99), (0.9, 1.05)]:  # the tangent problem has growing steps
        decay = rng.uniform(low, high, (3, 256))
        offset = rng.standard_normal((3, 256))
        u = periodic_recurrence(decay, offset, float(np.abs(np.log(decay)).max()))
        assert np.abs(decay * u + offset - np.roll(u, -1, axis=1)).max() < 1e-10
    # constant steps: the fixed point b / (1 - d)
    u = periodic_recurrence(np.full((1, 64), 0.8), np.ones((1, 64)), 0.3)
    np.testing.assert_allclose(u, 5.0, rtol=1e-12)


def test_sampler_matches_scs_variance(scs_seeds):
    values = np.array([float(ds.C_h[0]) for ds in scs_seeds])
    n = values.size
    t_stat = (values.mean() - scs_variance(2.0)) / (values.std(ddof=1) / np.sqrt(n))
    assert abs(t_stat) < stats.t.ppf(1 - LEVEL / 2, n - 1)
    # and the Monte-Carlo error itself is ~1% at M = 500 (the documented accuracy)
    assert values.std(ddof=1) / values.mean() < 0.03


def test_sampler_agrees_with_deterministic_at_all_lags(scs_seeds, scs_deterministic):
    runs = np.array([ds.C_h.values for ds in scs_seeds])
    exact = scs_deterministic.C_h.values[: runs.shape[1]]
    n = runs.shape[0]
    sem = runs.std(axis=0, ddof=1) / np.sqrt(n)
    t_stat = (runs.mean(axis=0) - exact) / sem
    bound = stats.t.ppf(1 - LEVEL / (2 * runs.shape[1]), n - 1)  # Bonferroni over lags
    assert np.abs(t_stat).max() < bound
    for ds in scs_seeds:
        assert int(ds.converged) == 1
        assert float(ds.spectrum_min.min()) > -1e-10  # non-negative power spectra


def test_sampler_agrees_with_deterministic_with_output_gate():
    # alpha_r != 0: r is sampled and sigma_r(r) phi(h) estimated by its periodogram
    p = GatedRNN(g_h=4.0, alpha_r=2.0, g_r=1.5, tau_r=2.0)
    exact = stationary_deterministic(p, **SCS_CIRCLE)
    n_lags = exact.sizes["lag"]
    runs = np.array(
        [stationary(p, n_paths=300, seed=s, **SCS_CIRCLE).C_h.values[:n_lags] for s in range(6)]
    )
    n = runs.shape[0]
    t_stat = (runs.mean(axis=0) - exact.C_h.values) / (runs.std(axis=0, ddof=1) / np.sqrt(n))
    assert abs(t_stat[0]) < stats.t.ppf(1 - LEVEL / 2, n - 1)
    assert np.abs(t_stat).max() < stats.t.ppf(1 - LEVEL / (2 * n_lags), n - 1)


@pytest.mark.slow
def test_sampler_error_shrinks_like_inverse_sqrt_paths(scs_seeds):
    # std over seeds of C_h(0) at M = 125 vs M = 500: ratio sqrt(4) = 2 within the F band
    small = np.array(
        [
            float(stationary(GatedRNN.classical(2.0), n_paths=125, seed=s, **SCS_CIRCLE).C_h[0])
            for s in range(8)
        ]
    )
    large = np.array([float(ds.C_h[0]) for ds in scs_seeds])
    ratio = small.var(ddof=1) / large.var(ddof=1) / 4.0  # ~ F(7, 7)
    lo, hi = stats.f.ppf([LEVEL / 2, 1 - LEVEL / 2], small.size - 1, large.size - 1)
    assert lo < ratio < hi


def test_sampler_dataset_conventions(scs_seeds, tmp_path):
    ds = scs_seeds[0]
    check_dataset(ds)
    for name in (
        "C_h",
        "C_z",
        "C_r",
        "C_phi",
        "C_sigma_r_phi",
        "sigma_z_density",
        "relaxation_time",
    ):
        assert name in ds
    assert ds.C_h.dims == ("lag",)
    assert ds.history_residual.dims == ("iteration",)
    assert float(ds.relaxation_time) == pytest.approx(6.83, rel=0.2)
    # C_z = g_z^2 lowpass * C_phi is a valid correlation, C_z(0) > 0
    assert float(ds.C_z[0]) > 0
    back = read_dataset(write_dataset(ds, tmp_path / "stationary.nc"))
    assert np.array_equal(back.C_h.values, ds.C_h.values)
    assert back.attrs["method"] == "sampling"


def test_sampler_starts_on_a_long_period():
    # the alpha_z = 0 starting point is solved on the same (here > 65536-point) circle
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ds = stationary(GatedRNN(g_h=4.0, alpha_z=2.0), n_paths=8, dt=0.5, n_points=131072,
                        max_points=131072, max_iter=1)
    assert json.loads(ds.attrs["settings"])["n_points"] == 131072


def test_sampler_is_reproducible():
    kwargs = dict(n_paths=50, seed=3, dt=0.2, n_points=512, max_iter=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a = stationary(GatedRNN.classical(2.0), **kwargs)
        b = stationary(GatedRNN.classical(2.0), **kwargs)
    assert np.array_equal(a.C_h.values, b.C_h.values)


def test_non_converged_solve_warns_and_is_marked():
    with pytest.warns(ConvergenceWarning):
        ds = stationary(
            GatedRNN(g_h=4.0, alpha_z=2.0), n_paths=50, dt=0.2, n_points=512, max_iter=2
        )
    assert int(ds.converged) == 0
    # a solve that does not converge on a period long enough for its tau is retried on
    # doubled periods up to max_points before giving up
    with pytest.warns(ConvergenceWarning):
        ds = stationary(
            GatedRNN(g_h=4.0), n_paths=50, dt=0.2, n_points=2048, max_iter=2, max_points=8192
        )
    assert int(ds.converged) == 0
    # (taper start 102 >= 6 tau = 84 already at P = 2048)
    assert ds.history_n_points.values.tolist() == [2048, 2048, 4096, 4096, 8192, 8192]
    with pytest.warns(ConvergenceWarning):
        ds = stationary_deterministic(GatedRNN.classical(2.0), dt=0.1, n_points=256, max_points=256)
    assert int(ds.converged) == 0  # period 25.6 is too short for tau = 6.8 and may not grow
    assert int(ds.history_residual[-1] < 1e-11) == 1  # the fixed point itself converged
    # with growth allowed the period is extended and the solve succeeds
    ds = stationary_deterministic(GatedRNN.classical(2.0), dt=0.1, n_points=256)
    assert int(ds.converged) == 1
    assert json.loads(ds.attrs["settings"])["n_points"] == 2048  # taper start 51 >= 6 tau


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(n_paths=0), "n_paths"),
        (dict(n_paths=2.5), "n_paths"),
        (dict(dt=0.0), "dt"),
        (dict(dt=float("nan")), "dt"),
        (dict(n_points=1001), "n_points"),
        (dict(seed=-1), "seed"),
        (dict(tol=-1.0), "tol"),
        (dict(max_iter=0), "max_iter"),
        (dict(method="magic"), "method"),
    ],
)
def test_bad_arguments_raise_naming_them(kwargs, name):
    with pytest.raises(ValueError, match=name):
        stationary(GatedRNN.classical(2.0), **kwargs)


@pytest.mark.slow
def test_gated_case_converges_and_relaxes_slower():
    # alpha_z = 5 at g_h = 4: the update gate slows the dynamics (tau ~ 10^2 vs 13.7)
    tau_additive = float(stationary_deterministic(GatedRNN(g_h=4.0)).relaxation_time)
    ds = stationary(GatedRNN(g_h=4.0, alpha_z=5.0), n_paths=400, dt=0.2, n_points=4096, seed=0)
    assert int(ds.converged) == 1
    assert int(ds.period_ok) == 1
    assert float(ds.spectrum_min.min()) > -1e-10
    # seed-to-seed spread of tau is ~20% here; the gap is a factor of several
    assert float(ds.relaxation_time) > 3 * tau_additive
    # the update gate spreads sigma_z over (0, 1): density integrates to 1
    width = 1.0 / ds.sizes["sigma_z_bin"]
    assert float(ds.sigma_z_density.sum()) * width == pytest.approx(1.0, abs=1e-12)
