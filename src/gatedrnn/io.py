"""Dataset conventions: provenance attributes, sweep coordinates, atomic netCDF writes."""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import os
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Iterable

import numpy as np
import xarray as xr

__all__ = [
    "provenance",
    "encode_attrs",
    "as_sweep_point",
    "write_dataset",
    "read_dataset",
    "check_dataset",
    "merge_datasets",
]

_LIBRARIES = ("numpy", "scipy", "xarray", "netCDF4", "pandas", "matplotlib", "seaborn", "snakemake")


@functools.lru_cache(maxsize=1)
def _git_commit() -> str:
    source = Path(__file__).resolve().parent
    try:
        out = subprocess.run(
            ["git", "-C", str(source), "rev-parse", "HEAD"],
            capture_output=True, text=True, timeout=10, check=True,
        )
        dirty = subprocess.run(
            ["git", "-C", str(source), "status", "--porcelain", "--", "."],
            capture_output=True, text=True, timeout=10, check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    commit = out.stdout.strip()
    return commit + ("+dirty" if dirty.stdout.strip() else "") if commit else "unknown"


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def provenance(params_hash: str) -> dict[str, str]:
    """Provenance attributes (all strings) for a dataset computed from `params_hash`."""
    return {
        "gatedrnn_version": _version("gatedrnn"),
        "git_commit": _git_commit(),
        "params_hash": params_hash,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "library_versions": json.dumps({name: _version(name) for name in _LIBRARIES}),
    }


def encode_attrs(attrs: dict) -> dict:
    """Attributes netCDF can store: dicts, lists, None and bools become JSON text."""
    encoded = {}
    for key, value in attrs.items():
        if isinstance(value, (bool, np.bool_)) or value is None or isinstance(value, (dict, list, tuple)):
            encoded[key] = json.dumps(value if not isinstance(value, np.bool_) else bool(value))
        else:
            encoded[key] = value
    return encoded


def as_sweep_point(ds: xr.Dataset, names: Iterable[str]) -> xr.Dataset:
    """Turn the scalar coordinates `names` into length-1 dimensions.

    Files of a sweep written this way merge with ``xarray.combine_by_coords``.
    """
    names = list(names)
    missing = [n for n in names if n not in ds.coords]
    if missing:
        raise ValueError(f"names {missing} are not coordinates of the dataset")
    return ds.expand_dims(names)


def check_dataset(ds: xr.Dataset) -> None:
    """Raise ValueError unless every data variable has `long_name` and `units`."""
    for name, var in {**ds.data_vars, **ds.coords}.items():
        if var.ndim == 0 and name in ds.coords:
            continue
        for attr in ("long_name", "units"):
            if attr not in var.attrs:
                raise ValueError(f"variable {name!r} has no {attr!r} attribute")


def write_dataset(ds: xr.Dataset, path: str | os.PathLike) -> Path:
    """Write `ds` to netCDF4 at `path` atomically (temporary file + rename).

    A job killed during the write leaves at most a hidden ``.<name>.partial-<pid>`` file,
    never a file at `path`.
    """
    check_dataset(ds)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.partial-{os.getpid()}")
    ds = ds.copy()
    ds.attrs = encode_attrs(ds.attrs)
    try:
        ds.to_netcdf(tmp, engine="netcdf4")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def read_dataset(path: str | os.PathLike) -> xr.Dataset:
    """Load a dataset written by `write_dataset` into memory (the file is closed)."""
    return xr.load_dataset(path, engine="netcdf4")


def merge_datasets(datasets: list[xr.Dataset]) -> xr.Dataset:
    """Combine the per-job datasets of a sweep (written with `as_sweep_point`) into one.

    Sweep dimensions are the length-1 dimensions of every part. Other dimension coordinates
    that differ between parts (e.g. the number of solver iterations) are first aligned to
    their union, padded with NaN, so that they are not mistaken for sweep dimensions.
    Attributes that differ between jobs (creation time, parameter hash) are replaced by
    fresh provenance; the hash covers the hashes of all the parts.
    """
    if not datasets:
        raise ValueError("datasets must not be empty")
    inner_dims = {dim for ds in datasets for dim, size in ds.sizes.items() if size > 1}
    ragged = [
        dim
        for dim in sorted(inner_dims)
        if dim in datasets[0].indexes
        and any(not ds.indexes[dim].equals(datasets[0].indexes[dim]) for ds in datasets)
    ]
    if ragged:
        union = {dim: np.unique(np.concatenate([ds[dim].values for ds in datasets])) for dim in ragged}
        datasets = [ds.reindex(union) for ds in datasets]
    merged = xr.combine_by_coords(datasets, combine_attrs="drop_conflicts")
    part_hashes = sorted(str(ds.attrs.get("params_hash", "")) for ds in datasets)
    combined_hash = hashlib.sha256(json.dumps(part_hashes).encode()).hexdigest()[:16]
    merged.attrs.update(provenance(combined_hash))
    merged.attrs["n_parts"] = len(datasets)
    return merged
