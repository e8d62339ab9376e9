"""The paper's claims as checks on datasets: measured value, expectation, tolerance, verdict.

Each check returns `Claim` records; `results/claims.json` is the list of their dicts.
Tolerances are n_sigma standard errors estimated from the spread over independent networks
(seeds), so they shrink as the configured scale grows.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
from pathlib import Path

import numpy as np
import xarray as xr

from .correlation import relaxation_time
from .dmft.classical import scs_variance
from .simulate import params_from_coords

__all__ = [
    "Claim",
    "classical_limit_claims",
    "timescale_claims",
    "dmft_claims",
    "sampler_claims",
    "write_claims",
    "read_claims",
    "failed_claims_message",
]


@dataclasses.dataclass(frozen=True)
class Claim:
    """One check of a paper claim (see DESIGN.md, "Claims")."""

    id: str
    title: str
    measured: float | list
    expected: float | list | str
    tolerance: float | str
    passed: bool
    figure: str
    dataset: str

    def to_dict(self) -> dict:
        return {key: _json_safe(value) for key, value in dataclasses.asdict(self).items()}


def _json_safe(value):
    """JSON has no inf/nan: non-finite numbers become the strings 'inf', '-inf', 'nan'."""
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def _curve_agreement(
    claim_id: str,
    title: str,
    difference: np.ndarray,
    error: np.ndarray,
    scale: float,
    n_sigma: float,
    figure: str,
    dataset: str,
) -> Claim:
    """Two curves agree: max |difference| <= n_sigma * max standard error, both / scale."""
    measured = float(np.max(np.abs(difference)) / scale)
    tolerance = float(n_sigma * np.max(error) / scale)
    return Claim(
        id=claim_id,
        title=title,
        measured=measured,
        expected=0.0,
        tolerance=tolerance,
        passed=bool(measured <= tolerance),
        figure=figure,
        dataset=dataset,
    )


def classical_limit_claims(
    gated: xr.Dataset,
    classical: xr.Dataset,
    n_sigma: float,
    figure: str,
    datasets: str,
) -> list[Claim]:
    """C1: the alpha = beta = 0 network at g_h is the classical network at g_h sigma_r(0),
    with time stretched by 1 / sigma_z(0).

    Two checks per swept g_h, each paired by seed (the two networks of a seed share their
    normalised couplings):

    - C1.variance: the seed-averaged C_h(0) of the gated network equals the SCS mean-field
      variance (energy condition) at g = g_h sigma_r(0), within n_sigma standard errors of
      the seed mean.
    - C1.correlation: max over lags of |C_gated(tau) - C_classical(tau sigma_z(0))| / C(0)
      is within n_sigma times the largest standard error (over seeds) of that difference.

    Parameters
    ----------
    gated : Dataset from the sweep (dims g_h, alpha_z, seed, lag, trial)
    classical : Dataset of classical networks (dims g_h, seed, lag, trial); g_h = g there
    n_sigma : float
        Tolerance in standard errors.
    figure, datasets : str
        Paths recorded with each claim.
    """
    claims = []
    for g_h in gated["g_h"].values:
        point = gated.sel(g_h=g_h, alpha_z=0.0)
        params = params_from_coords(point)
        g = params.classical_gain
        stretch = params.classical_time_scale
        reference = classical.sel(g_h=g, method="nearest")
        if not math.isclose(float(reference["g_h"]), g, rel_tol=1e-6):
            raise ValueError(f"no classical network at g = {g} for g_h = {g_h}")
        seeds = np.intersect1d(point["seed"].values, reference["seed"].values)
        if seeds.size < 2:
            raise ValueError("C1 needs at least two seeds present in both datasets")
        q_gated = point["q_h"].sel(seed=seeds).mean("trial").values
        q_expected = scs_variance(g)
        q_error = q_gated.std(ddof=1) / np.sqrt(seeds.size)
        claims.append(
            Claim(
                id="C1.variance",
                title=(
                    f"alpha=beta=0, g_h={g_h:g}: stationary variance of h equals the SCS "
                    f"mean-field variance at g={g:g}"
                ),
                measured=float(q_gated.mean()),
                expected=float(q_expected),
                tolerance=float(n_sigma * q_error),
                passed=bool(abs(q_gated.mean() - q_expected) <= n_sigma * q_error),
                figure=figure,
                dataset=datasets,
            )
        )
        ratio = int(round(stretch))
        if not math.isclose(stretch, ratio):
            raise ValueError(f"C1 compares lags on a common grid; needs an integer stretch, got {stretch}")
        c_gated = point["C_h"].sel(seed=seeds).mean("trial")
        c_classical = reference["C_h"].sel(seed=seeds).mean("trial")
        n_lags = min(c_gated.sizes["lag"] // ratio, c_classical.sizes["lag"])
        gated_values = c_gated.isel(lag=slice(0, ratio * n_lags, ratio)).values
        classical_values = c_classical.isel(lag=slice(0, n_lags)).values
        difference = gated_values - classical_values
        scale = classical_values[:, 0].mean()
        mean_difference = difference.mean(axis=0)
        error = difference.std(axis=0, ddof=1) / np.sqrt(seeds.size)
        claims.append(
            _curve_agreement(
                "C1.correlation",
                f"alpha=beta=0, g_h={g_h:g}: C_h(tau) equals the classical network's "
                f"C(tau/{stretch:g}) at g={g:g} (max deviation / C(0))",
                mean_difference, error, scale, n_sigma, figure, datasets,
            )
        )
    return claims


def timescale_claims(gated: xr.Dataset, n_sigma: float, figure: str, datasets: str) -> list[Claim]:
    """The correlation time of h grows with alpha_z (update gate -> slow modes, C3).

    The statistic is the integrated correlation time tau_int (integral of C_h / C_h(0) up
    to the largest lag; a lower bound when C_h has not decayed), averaged over trials per
    network, then over networks, with the standard error over networks (seeds). For each
    g_h the check passes if consecutive means never decrease by more than n_sigma combined
    standard errors and the mean at the largest alpha_z exceeds the one at the smallest by
    more than n_sigma combined standard errors.
    """
    claims = []
    alphas = np.sort(gated["alpha_z"].values)
    if alphas.size < 2:
        return claims
    for g_h in gated["g_h"].values:
        per_network = gated["tau_int"].sel(g_h=g_h, alpha_z=alphas).mean("trial")
        if per_network.sizes["seed"] < 2:
            raise ValueError("the timescale claim needs at least two seeds")
        means = per_network.mean("seed").values
        errors = (per_network.std("seed", ddof=1) / np.sqrt(per_network.sizes["seed"])).values
        steps = np.diff(means)
        step_errors = np.sqrt(errors[1:] ** 2 + errors[:-1] ** 2)
        ordered = bool(np.all(steps >= -n_sigma * step_errors))
        end_error = float(np.hypot(errors[0], errors[-1]))
        separated = bool(means[-1] - means[0] > n_sigma * end_error)
        claims.append(
            Claim(
                id="C3.timescale",
                title=(
                    f"g_h={g_h:g}: integrated correlation time of h grows with alpha_z "
                    f"(mean over networks at alpha_z={[float(a) for a in alphas]})"
                ),
                measured=[float(m) for m in means],
                expected="non-decreasing within tolerance; last - first > tolerance",
                tolerance=end_error * n_sigma,
                passed=ordered and separated,
                figure=figure,
                dataset=datasets,
            )
        )
    return claims


def dmft_claims(
    simulations: xr.Dataset,
    dmft: xr.Dataset,
    alpha_z_values: list[float],
    lag_factor: float,
    n_sigma: float,
    figure: str,
    datasets: str,
) -> list[Claim]:
    """C2: the DMFT correlation functions describe the networks (one check per function).

    For each swept g_h, each alpha_z in `alpha_z_values` and each of C_h, C_z, C_r: the
    networks' mean (over seeds, trials averaged per network) and the DMFT mean (over noise
    seeds, interpolated to the networks' lags) differ at lags up to `lag_factor` DMFT
    relaxation times by at most n_sigma times the largest combined standard error (networks
    and DMFT noise), both relative to C_DMFT(0). Longer lags are not checked: there finite
    networks keep a slowly decaying component that shrinks with N (see the figure).
    """
    claims = []
    for g_h in np.intersect1d(simulations["g_h"].values, dmft["g_h"].values):
        for alpha_z in alpha_z_values:
            network = simulations.sel(g_h=g_h, alpha_z=alpha_z)
            theory = dmft.sel(g_h=g_h, alpha_z=alpha_z)
            tau = float(relaxation_time(theory["C_h"].mean("noise_seed")))
            lags = network["lag"].values
            compared = lags[lags <= lag_factor * tau] if np.isfinite(tau) else lags
            for name in ("C_h", "C_z", "C_r"):
                per_network = network[name].mean("trial").sel(lag=compared)
                interpolated = theory[name].interp(lag=compared)
                scale = float(theory[name].mean("noise_seed").isel(lag=0))
                difference = per_network.mean("seed") - interpolated.mean("noise_seed")
                error = np.sqrt(
                    per_network.var("seed", ddof=1) / per_network.sizes["seed"]
                    + interpolated.var("noise_seed", ddof=1) / interpolated.sizes["noise_seed"]
                )
                claims.append(
                    _curve_agreement(
                        f"C2.{name}",
                        f"g_h={g_h:g}, alpha_z={alpha_z:g}: network {name} equals the DMFT "
                        f"at lags <= {compared[-1]:.3g} ({lag_factor:g} DMFT relaxation "
                        f"times); max |difference| / C_DMFT(0)",
                        difference.values, error.values, scale, n_sigma, figure, datasets,
                    )
                )
    return claims


def sampler_claims(
    dmft: xr.Dataset, reference: xr.Dataset, n_sigma: float, figure: str, datasets: str
) -> list[Claim]:
    """C2.sampler: at alpha_z = 0 the sampled DMFT equals the exact (deterministic) solution.

    Per swept g_h and each of C_h, C_z, C_r: the mean over noise seeds deviates from the
    exact solution, at every lag, by at most n_sigma times the largest standard error over
    noise seeds, both relative to the exact C(0).
    """
    claims = []
    for g_h in np.intersect1d(dmft["g_h"].values, reference["g_h"].values):
        sampled = dmft.sel(g_h=g_h, alpha_z=0.0)
        exact = reference.sel(g_h=g_h)
        for name in ("C_h", "C_z", "C_r"):
            samples = sampled[name]
            claims.append(
                _curve_agreement(
                    f"C2.sampler.{name}",
                    f"g_h={g_h:g}, alpha_z=0: sampled DMFT {name} equals the exact solution "
                    "at all lags (max |difference| / C(0))",
                    (samples.mean("noise_seed") - exact[name]).values,
                    (samples.std("noise_seed", ddof=1) / np.sqrt(samples.sizes["noise_seed"])).values,
                    float(exact[name].isel(lag=0)),
                    n_sigma,
                    figure,
                    datasets,
                )
            )
    return claims


def write_claims(claims: list[Claim], json_path: str | os.PathLike, table_path: str | os.PathLike) -> None:
    """Write the claims as a JSON list (DESIGN.md "Claims") and as a tab-separated table."""
    records = [claim.to_dict() for claim in claims]
    columns = list(Claim.__dataclass_fields__)
    rows = ["\t".join(columns)] + [
        "\t".join(json.dumps(record[c]) if not isinstance(record[c], str) else record[c] for c in columns)
        for record in records
    ]
    for path, text in ((json_path, json.dumps(records, indent=2) + "\n"), (table_path, "\n".join(rows) + "\n")):
        path = Path(path)
        tmp = path.with_name(f".{path.name}.partial-{os.getpid()}")
        tmp.write_text(text)
        os.replace(tmp, path)


def read_claims(path: str | os.PathLike) -> list[dict]:
    """The list of claim records in a claims.json file."""
    return json.loads(Path(path).read_text())


def failed_claims_message(records: list[dict]) -> str:
    """A message listing every failed claim (empty if all passed)."""
    failed = [r for r in records if not r["passed"]]
    if not failed:
        return ""
    lines = [f"{len(failed)} of {len(records)} claims FAILED:"] + [
        f"  {r['id']}: {r['title']}: measured {r['measured']}, expected {r['expected']}, "
        f"tolerance {r['tolerance']} (figure {r['figure']})"
        for r in failed
    ]
    return "\n".join(lines) + "\n"
