"""Compact summaries of stationary simulations: what the pipeline keeps of a trajectory."""

from __future__ import annotations

import xarray as xr

from .correlation import autocorrelation, integrated_time, relaxation_time
from .nonlinearity import gate

__all__ = ["stationary_summary"]


def stationary_summary(ds: xr.Dataset, max_lag: float, sample_units: int) -> xr.Dataset:
    """Autocorrelation, variance, relaxation time and a few sample traces of a simulation.

    Parameters
    ----------
    ds : Dataset from `gatedrnn.simulate` (h, z over time, unit, trial; parameter coords)
    max_lag : float
        Largest lag of C_h, in tau_h (at most half the recorded duration).
    sample_units : int
        Number of units whose traces of h and sigma_z(z) are kept (first trial only).

    Returns
    -------
    Dataset with
        C_h, C_z, C_r (lag, trial): population autocorrelations of h, z and r;
        q_h (trial): C_h(0), the population variance of h;
        tau_relax (trial): first lag with C_h / C_h(0) = 1/e (inf if beyond max_lag);
        tau_int (trial): integral of C_h / C_h(0) up to max_lag;
        mean_sigma_z (trial): time and population average of sigma_z(z);
        h_sample, sigma_z_sample (time, sample_unit): traces of the first trial;
    the scalar parameter coordinates and attributes of `ds` are kept.
    """
    if sample_units < 1:
        raise ValueError(f"sample_units must be >= 1, got {sample_units!r}")
    n_sample = min(int(sample_units), ds.sizes["unit"])
    correlation = autocorrelation(ds["h"], max_lag)
    gate_correlations = {
        f"C_{name}": autocorrelation(ds[name], max_lag).assign_attrs(
            long_name=f"population autocorrelation of {name}"
        )
        for name in ("z", "r")
    }
    sigma_z = ds["z"].copy(data=gate(ds["z"].values, float(ds["alpha_z"]), float(ds["beta_z"])))
    samples = ds.isel(trial=0, unit=slice(0, n_sample)).rename(unit="sample_unit")
    sigma_z_sample = sigma_z.isel(trial=0, unit=slice(0, n_sample)).rename(unit="sample_unit")
    summary = xr.Dataset(
        {
            "C_h": correlation.assign_attrs(long_name="population autocorrelation of h"),
            **gate_correlations,
            "q_h": correlation.isel(lag=0, drop=True).assign_attrs(
                long_name="population variance of h", units="1"
            ),
            "tau_relax": relaxation_time(correlation),
            "tau_int": integrated_time(correlation),
            "mean_sigma_z": sigma_z.mean(("time", "unit")).assign_attrs(
                long_name="mean update gate sigma_z(z)", units="1"
            ),
            "h_sample": samples["h"].drop_vars("trial").assign_attrs(
                long_name="activation h (sample units, first trial)", units="1"
            ),
            "sigma_z_sample": sigma_z_sample.drop_vars("trial").assign_attrs(
                long_name="update gate sigma_z(z) (sample units, first trial)", units="1"
            ),
        },
        attrs=ds.attrs,
    )
    summary["trial"].attrs = ds["trial"].attrs
    summary["sample_unit"].attrs = {"long_name": "sample unit index", "units": "1"}
    return summary
