"""simulate -> Dataset, provenance, netCDF round trips, atomic writes, autocorrelations."""

import datetime
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest
import scipy.signal
import xarray as xr

import gatedrnn
from gatedrnn import GatedRNN, Network, simulate
from gatedrnn.correlation import autocorrelation, relaxation_time
from gatedrnn.io import as_sweep_point, check_dataset, encode_attrs, read_dataset, write_dataset

PARAMS = GatedRNN(g_h=3.0, g_z=1.5, alpha_z=2.0, beta_z=0.4, alpha_r=1.0, beta_r=-0.6, tau_z=2.0)
PROVENANCE = ("gatedrnn_version", "git_commit", "params_hash", "created", "library_versions")


@pytest.fixture(scope="module")
def simulation():
    net = Network(PARAMS, 12, seed=3)
    return net, simulate(net, 1.0, dt=0.1, trials=2, init_seed=5, progress=False)


def small_dataset():
    attrs = {"long_name": "value", "units": "1"}
    return xr.Dataset(
        {"v": ("x", np.arange(3.0), attrs)},
        coords={"x": ("x", np.arange(3), {"long_name": "index", "units": "1"})},
        attrs={"title": "test"},
    )


# --- simulate -----------------------------------------------------------------------------


def test_simulation_dataset_layout(simulation):
    net, ds = simulation
    assert set(ds.data_vars) == {"h", "z", "r"}
    for name in ("h", "z", "r"):
        assert ds[name].dims == ("time", "unit", "trial")
        assert ds[name].dtype == np.float64
        assert ds[name].attrs["units"] == "1" and ds[name].attrs["long_name"]
    assert ds.sizes == {"time": 11, "unit": 12, "trial": 2}
    assert ds["time"].attrs["units"] == "tau_h"
    np.testing.assert_array_equal(ds["unit"].values, np.arange(12))
    np.testing.assert_array_equal(ds["trial"].values, np.arange(2))
    for name, value in {**PARAMS.to_dict(), "N": 12, "seed": 3}.items():
        assert ds[name].ndim == 0 and name in ds.coords
        assert ds[name].item() == value
    np.testing.assert_array_equal(
        ds["h"].isel(time=0).values, net.initial_state(trials=2, seed=5)[0]
    )
    check_dataset(ds)


def test_provenance_attributes_are_strings_with_the_right_content(simulation):
    net, ds = simulation
    assert all(isinstance(ds.attrs[key], str) for key in PROVENANCE)
    assert ds.attrs["gatedrnn_version"] == gatedrnn.__version__
    assert re.fullmatch(r"[0-9a-f]{40}(\+dirty)?|unknown", ds.attrs["git_commit"])
    settings = json.loads(ds.attrs["settings"])
    assert settings["dt"] == 0.1 and settings["trials"] == 2 and settings["init_seed"] == 5
    assert ds.attrs["params_hash"] == net.params.digest(N=12, seed=3, **settings)
    created = datetime.datetime.fromisoformat(ds.attrs["created"])
    assert created.tzinfo is not None
    assert abs(datetime.datetime.now(datetime.timezone.utc) - created) < datetime.timedelta(hours=1)
    assert json.loads(ds.attrs["library_versions"])["numpy"] == np.__version__


def test_params_hash_changes_with_the_settings():
    net = Network(PARAMS, 12, seed=3)
    hashes = {
        simulate(net, 1.0, dt=dt, init_seed=seed, progress=False).attrs["params_hash"]
        for dt, seed in ((0.1, 0), (0.05, 0), (0.1, 1))
    }
    hashes.add(
        simulate(Network(PARAMS, 12, seed=4), 1.0, dt=0.1, progress=False).attrs["params_hash"]
    )
    assert len(hashes) == 4


def test_simulations_are_bit_reproducible(simulation):
    _, ds = simulation
    again = simulate(
        Network(PARAMS, 12, seed=3), 1.0, dt=0.1, trials=2, init_seed=5, progress=False
    )
    for name in ("h", "z", "r"):
        np.testing.assert_array_equal(again[name].values, ds[name].values)
    other = simulate(
        Network(PARAMS, 12, seed=3), 1.0, dt=0.1, trials=2, init_seed=6, progress=False
    )
    assert not np.any(other["h"].values == ds["h"].values)


# --- netCDF -------------------------------------------------------------------------------


def test_write_and_read_round_trip_is_identical(simulation, tmp_path):
    _, ds = simulation
    path = write_dataset(ds, tmp_path / "sub" / "run.nc")
    assert path == tmp_path / "sub" / "run.nc"
    assert os.listdir(tmp_path / "sub") == ["run.nc"]
    back = read_dataset(path)
    xr.testing.assert_identical(back, ds)
    assert {key: back.attrs[key] for key in PROVENANCE} == {
        key: ds.attrs[key] for key in PROVENANCE
    }


def test_attributes_netcdf_cannot_store_are_written_as_json(tmp_path):
    ds = small_dataset()
    ds.attrs.update(flag=True, nothing=None, table={"a": [1, 2]}, pair=(1, 2), number=2.5)
    original = dict(ds.attrs)
    back = read_dataset(write_dataset(ds, tmp_path / "a.nc"))
    assert ds.attrs == original
    assert back.attrs["flag"] == "true" and back.attrs["nothing"] == "null"
    assert json.loads(back.attrs["table"]) == {"a": [1, 2]} and json.loads(back.attrs["pair"]) == [
        1,
        2,
    ]
    assert back.attrs["number"] == 2.5
    xr.testing.assert_identical(back, ds.assign_attrs(encode_attrs(ds.attrs)))


def test_sweep_points_merge_by_coords(simulation):
    _, ds = simulation
    other = simulate(
        Network(PARAMS.replace(g_h=4.0), 12, seed=3), 1.0, dt=0.1, trials=2, progress=False
    )
    merged = xr.combine_by_coords(
        [as_sweep_point(d, ["g_h"]) for d in (other, ds)], combine_attrs="drop_conflicts"
    )
    np.testing.assert_array_equal(merged["g_h"].values, [3.0, 4.0])
    np.testing.assert_array_equal(merged["h"].sel(g_h=3.0).values, ds["h"].values)
    with pytest.raises(ValueError, match="not coordinates"):
        as_sweep_point(ds, ["g_hh"])


def test_a_job_killed_during_the_write_leaves_no_file_at_the_target(tmp_path):
    target = tmp_path / "out" / "data.nc"
    marker = tmp_path / "ready"
    child = textwrap.dedent("""
        import os, sys, time
        import numpy as np, xarray as xr
        import gatedrnn.io

        target, marker = sys.argv[1], sys.argv[2]

        def stalled_replace(source, destination):
            with open(marker + ".tmp", "w") as f:
                f.write(f"{source}\\n{destination}\\n")
            os.rename(marker + ".tmp", marker)
            time.sleep(120)

        os.replace = stalled_replace
        attrs = {"long_name": "value", "units": "1"}
        ds = xr.Dataset({"v": ("x", np.arange(3.0), attrs)}, coords={"x": ("x", np.arange(3), attrs)})
        gatedrnn.io.write_dataset(ds, target)
        """)
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    process = subprocess.Popen(
        [sys.executable, "-c", child, str(target), str(marker)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert process.poll() is None, process.communicate()[1].decode()
            assert time.monotonic() < deadline, "the child never reached os.replace"
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL
    partial = target.with_name(f".data.nc.partial-{process.pid}")
    assert marker.read_text().split("\n")[:2] == [str(partial), str(target)]
    assert not target.exists()
    assert os.listdir(target.parent) == [partial.name]


@pytest.mark.parametrize("error", [OSError("disk full"), KeyboardInterrupt()])
def test_a_failed_write_leaves_neither_target_nor_partial_file(tmp_path, monkeypatch, error):
    target = tmp_path / "data.nc"
    write_dataset(small_dataset().assign_attrs(title="old"), target)

    def failing_to_netcdf(self, path, *args, **kwargs):
        with open(path, "wb") as f:
            f.write(b"CDF half written")
        raise error

    monkeypatch.setattr(xr.Dataset, "to_netcdf", failing_to_netcdf)
    with pytest.raises(type(error)):
        write_dataset(small_dataset().assign_attrs(title="new"), target)
    assert os.listdir(tmp_path) == ["data.nc"]
    monkeypatch.undo()
    assert read_dataset(target).attrs["title"] == "old"
    with pytest.raises(OSError):
        write_dataset(small_dataset(), tmp_path / "data.nc" / "below_a_file.nc")
    assert os.listdir(tmp_path) == ["data.nc"]


@pytest.mark.parametrize("attr", ["units", "long_name"])
def test_check_dataset_rejects_a_variable_without_units_or_long_name(tmp_path, attr):
    ds = small_dataset()
    del ds["v"].attrs[attr]
    with pytest.raises(ValueError, match=rf"'v' has no '{attr}'"):
        check_dataset(ds)
    with pytest.raises(ValueError, match=rf"'v' has no '{attr}'"):
        write_dataset(ds, tmp_path / "bad.nc")
    assert os.listdir(tmp_path) == []
    coordinate = small_dataset()
    del coordinate["x"].attrs[attr]
    with pytest.raises(ValueError, match=rf"'x' has no '{attr}'"):
        check_dataset(coordinate)
    check_dataset(small_dataset().assign_coords(g_h=3.0))  # scalar coords need no attrs


# --- correlation --------------------------------------------------------------------------


def as_trajectories(values, interval):
    """DataArray (time, unit, trial) from an array of that shape."""
    return xr.DataArray(
        values,
        dims=("time", "unit", "trial"),
        coords={"time": interval * np.arange(values.shape[0]), "trial": np.arange(values.shape[2])},
        name="x",
    )


def ornstein_uhlenbeck(n_time, n_paths, interval, correlation_time, seed):
    """Stationary unit-variance OU paths sampled exactly: C(tau) = exp(-|tau| / tau_c)."""
    rng = np.random.default_rng(seed)
    decay = np.exp(-interval / correlation_time)
    scale = np.sqrt(1.0 - decay**2)
    noise = rng.standard_normal((n_time, n_paths))
    noise[0] /= scale  # x_0 ~ N(0, 1): the stationary law
    return scipy.signal.lfilter([scale], [1.0, -decay], noise, axis=0)


def test_autocorrelation_equals_the_direct_sum():
    rng = np.random.default_rng(0)
    values = rng.normal(size=(50, 3, 2)) + 0.5
    result = autocorrelation(as_trajectories(values, 0.2), max_lag=2.0)
    assert result.dims == ("lag", "trial") and result.sizes == {"lag": 11, "trial": 2}
    np.testing.assert_allclose(result["lag"].values, 0.2 * np.arange(11), rtol=1e-15)
    assert result.attrs["units"] == "1" and result["lag"].attrs["units"] == "tau_h"
    direct = np.array(
        [
            [np.mean(values[: 50 - k, :, trial] * values[k:, :, trial]) for trial in range(2)]
            for k in range(11)
        ]
    )
    # FFT rounding, of order eps * C(0) * log(n_fft)
    np.testing.assert_allclose(result.values, direct, rtol=0, atol=1e-12 * direct.max())


@pytest.fixture(scope="module")
def ou_paths():
    interval, correlation_time = 0.1, 1.0
    paths = ornstein_uhlenbeck(4000, 200, interval, correlation_time, seed=7)
    return paths, interval, correlation_time


def test_autocorrelation_of_ornstein_uhlenbeck_paths_is_exponential(ou_paths):
    paths, interval, correlation_time = ou_paths
    per_path = autocorrelation(as_trajectories(paths[:, None, :], interval), max_lag=3.0)
    pooled = autocorrelation(as_trajectories(paths[:, :, None], interval), max_lag=3.0)
    # pooling the units is the mean over them: rounding only
    np.testing.assert_allclose(pooled.values[:, 0], per_path.mean("trial").values, rtol=1e-12)
    exact = np.exp(-per_path["lag"].values / correlation_time)
    standard_error = per_path.std("trial").values / np.sqrt(per_path.sizes["trial"])
    assert np.all(standard_error < 0.02)  # the check below is sharp
    # independent paths: each lag is within 5 Monte-Carlo standard errors
    np.testing.assert_array_less(np.abs(per_path.mean("trial").values - exact), 5 * standard_error)


def test_relaxation_time_of_ornstein_uhlenbeck_paths_recovers_the_correlation_time(ou_paths):
    paths, interval, correlation_time = ou_paths
    per_path = autocorrelation(as_trajectories(paths[:, None, :], interval), max_lag=3.0)
    pooled = autocorrelation(as_trajectories(paths[:, :, None], interval), max_lag=3.0)
    estimate = float(relaxation_time(pooled).item())
    at_tau = per_path.sel(lag=correlation_time, method="nearest").values
    at_zero = per_path.isel(lag=0).values
    ratio = at_tau.mean() / at_zero.mean()
    ratio_error = np.std(at_tau - ratio * at_zero) / np.sqrt(at_tau.size) / at_zero.mean()
    # delta method: d(C/C0)/dtau = -e^{-1}/tau_c at tau_c; plus the interpolation bias dt^2/(8 tau_c)
    tolerance = 5 * ratio_error * correlation_time * np.e + interval**2 / (8 * correlation_time)
    assert tolerance < 0.1 * correlation_time
    assert abs(estimate - correlation_time) < tolerance


@pytest.mark.parametrize("correlation_time", [0.37, 1.37, 2.9])
def test_relaxation_time_of_an_exact_exponential(correlation_time):
    interval = 0.1
    lags = interval * np.arange(61)
    correlation = xr.DataArray(
        2.5 * np.exp(-lags / correlation_time)[:, None] * [1.0, 3.0],
        dims=("lag", "trial"),
        coords={"lag": lags},
    )
    result = relaxation_time(correlation)
    assert result.dims == ("trial",) and result.attrs["units"] == "tau_h"
    # linear interpolation of a convex function crosses late, by at most dt^2 f''/(8|f'|)
    bias = interval**2 / (8 * correlation_time)
    assert np.all(result.values >= correlation_time - 1e-12)
    assert np.all(result.values <= correlation_time + bias)
    half = relaxation_time(correlation, level=0.5).values
    assert np.all(np.abs(half - correlation_time * np.log(2.0)) <= bias)


def test_relaxation_time_is_infinite_when_the_correlation_does_not_decay_enough():
    constant = autocorrelation(as_trajectories(np.ones((100, 4, 2)), 0.1), max_lag=5.0)
    np.testing.assert_array_equal(relaxation_time(constant).values, [np.inf, np.inf])
    lags = 0.1 * np.arange(31)
    slow = xr.DataArray(np.exp(-lags / 10.0), dims="lag", coords={"lag": lags})
    assert relaxation_time(slow).item() == np.inf
    assert relaxation_time(slow, level=0.8).item() == pytest.approx(10.0 * np.log(1.25), abs=1e-3)


def test_correlation_argument_checks():
    data = as_trajectories(np.ones((20, 2, 1)), 0.1)
    with pytest.raises(ValueError, match="max_lag"):
        autocorrelation(data, max_lag=1.5)
    with pytest.raises(ValueError, match="dims"):
        autocorrelation(data.transpose("unit", "time", "trial"), max_lag=0.5)
    correlation = autocorrelation(data, max_lag=0.5)
    for level in (0.0, 1.0, -0.5):
        with pytest.raises(ValueError, match="level"):
            relaxation_time(correlation, level=level)
