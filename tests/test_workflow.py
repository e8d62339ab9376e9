"""The Snakemake workflow: config validation, dry runs, a tiny real run, incremental reruns."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from gatedrnn.io import read_dataset

from workflow_helpers import (
    ROOT,
    SNAKEMAKE,
    TINY_CONFIG,
    copy_project,
    planned_jobs,
    run_snakemake,
    write_config,
)

CLAIM_FIELDS = {"id", "title", "measured", "expected", "tolerance", "passed", "figure", "dataset"}


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """The whole DAG at the tiny scale, run once in a copy of the project."""
    workdir = copy_project(tmp_path_factory.mktemp("tiny"))
    run_snakemake(workdir, "--configfile", str(TINY_CONFIG))
    return workdir


FIGURE_NAMES = (
    "gating_timescales",
    "classical_limit",
    "dmft_vs_network",
    "jacobian_spectra",
    "lyapunov_spectra",
    "max_lyapunov",
    "memory",
    "gradients",
    "transition",
)


def test_lint_is_clean():
    result = run_snakemake(ROOT, "--lint", check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Congratulations" in result.stdout + result.stderr


def test_snakefmt_is_clean():
    snakefmt = SNAKEMAKE.with_name("snakefmt")
    result = __import__("subprocess").run(
        [str(snakefmt), "--check", "Snakefile", "workflow/rules"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("configfile", ["config/config.yaml", "config/paper.yaml"])
def test_whole_dag_dry_run(tmp_path, configfile):
    workdir = copy_project(tmp_path)
    jobs = planned_jobs(workdir, "--configfile", configfile)
    config = __import__("yaml").safe_load((ROOT / "config/config.yaml").read_text())
    if configfile.endswith("paper.yaml"):
        paper = __import__("yaml").safe_load((ROOT / configfile).read_text())
        for section in ("simulate", "dmft", "spectra", "memory", "lyapunov", "gradients",
                        "transition"):
            config[section].update(paper[section])
    simulate, dmft = config["simulate"], config["dmft"]
    spectra, lyapunov, memory = config["spectra"], config["lyapunov"], config["memory"]
    n_gains = len(simulate["sweep"]["g_h"])
    n_points = n_gains * len(simulate["sweep"]["alpha_z"])
    assert jobs["simulate_gated"] == n_points * len(simulate["seeds"])
    assert jobs["simulate_classical"] == n_gains * len(simulate["seeds"])
    assert jobs["dmft_stationary"] == n_gains * len(dmft["alpha_z"]) * len(dmft["noise_seeds"])
    assert jobs["dmft_deterministic"] == n_gains  # both configs solve alpha_z = 0
    assert jobs["spectra_trajectory"] == (
        len(spectra["N"]) * len(spectra["alpha_z"]) * len(spectra["seeds"])
    )
    assert jobs["spectra_fixed_point"] == len(spectra["seeds"])
    # pulse and train at every alpha_z, the reset at the largest
    assert jobs["memory"] == (2 * len(memory["alpha_z"]) + 1) * len(memory["seeds"])
    assert jobs["merge_memory"] == 3
    assert jobs["lyapunov_spectrum"] == (
        len(lyapunov["spectrum"]["alpha_z"]) * len(lyapunov["spectrum"]["seeds"])
    )
    mle = lyapunov["mle"]
    per_point = len(mle["alpha_z"]) * len(mle["seeds"])
    extra_sizes = len(set(mle["trend_N"]) - {mle["N"]})
    assert jobs["lyapunov_mle"] == (len(mle["g_h"]) + extra_sizes) * per_point
    transition = config["transition"]
    assert jobs["phase_point"] == len(transition["phase_alpha_r"]) * len(transition["phase_beta_r"])
    assert jobs["transition_branches"] == 1
    network = transition["network"]
    assert jobs["transition_network"] == len(network["g_h"]) * len(network["seeds"])
    assert jobs["transition_kick"] == 2 * len(network["seeds"])
    assert jobs["transition_trend"] == len(network["trend_g_h"]) * len(network["seeds"])
    alpha_z_phase = transition["alpha_z_phase"]
    assert jobs["phase_alpha_z_point"] == (
        len(alpha_z_phase["g_h"]) * len(alpha_z_phase["alpha_z"]) * len(alpha_z_phase["seeds"])
    )
    gated = [a for a in mle["alpha_z"] if a != 0.0]
    assert jobs["dmft_max_lyapunov"] == (
        len(lyapunov["dmft"]["g_h"]) * len(gated) * len(lyapunov["dmft"]["noise_seeds"])
    )
    assert jobs["dmft_adjoint"] == (
        len(lyapunov["dmft"]["g_h"]) * len(mle["alpha_z"]) * len(lyapunov["dmft"]["noise_seeds"])
    )
    extra_alphas = len(set(config["gradients"]["extra_alpha_z"]) - set(mle["alpha_z"]))
    assert jobs["gradient_growth"] == len(mle["g_h"]) * per_point + extra_alphas * len(
        mle["seeds"]
    )
    merges = (
        "merge_gated", "merge_classical", "merge_dmft", "merge_dmft_deterministic",
        "merge_spectra", "merge_spectra_fixed_point", "merge_lyapunov_spectrum",
        "merge_lyapunov_mle", "lyapunov_theory", "merge_gradients", "merge_dmft_max_lyapunov",
        "merge_phase_diagram", "merge_dmft_adjoint", "merge_transition_network",
        "merge_transition_kick", "merge_transition_trend", "merge_phase_alpha_z",
    )
    for rule in (*merges, "claims", "verify_claims", "all"):
        assert jobs[rule] == 1


def test_slurm_profile_plans_paper_scale(tmp_path):
    workdir = copy_project(tmp_path)
    result = run_snakemake(
        workdir, "--dry-run", "--executor", "slurm", "--profile", "profiles/slurm",
        "--configfile", "config/paper.yaml",
    )
    text = result.stdout + result.stderr
    assert "simulate_gated" in text
    # Simulation jobs carry resources sized for paper scale (N = 2000).
    assert "runtime=" in text and "mem_mb=" in text


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"simulate.Nn": 10}, ["'simulate.Nn' is not allowed", "allowed keys here:", "N, dt"]),
        ({"simulate.N": -5}, ["'simulate.N' = -5", ">= 2"]),
        ({"simulate.dt": 2.0}, ["'simulate.dt' = 2.0", "<= 0.5"]),
        ({"simulate.sweep.alpha_z": [1.0, "x"]}, ["'simulate.sweep.alpha_z.1'", "number"]),
        ({"classical_limit.enabled": True, "simulate.sweep.alpha_z": [5.0]},
         ["'simulate.sweep.alpha_z' must contain 0"]),
        ({"simulate.max_lag": 30.0}, ["'simulate.max_lag' = 30.0", "half"]),
        ({"dmft.claim_alpha_z": [0.0, 2.0]}, ["'dmft.claim_alpha_z' has values [2.0] missing"]),
        ({"dmft.n_paths": 5}, ["'dmft.n_paths' = 5", ">= 10"]),
        ({"lyapunov.mle.claim_g_h": 3.5}, ["'lyapunov.mle.claim_g_h' = 3.5 must be one of"]),
        ({"lyapunov.qr_interval": 0.25}, ["'lyapunov.qr_interval' = 0.25", "multiple"]),
        ({"spectra.claim_eps": 0.5}, ["'spectra.claim_eps' = 0.5 must be one of"]),
        ({"spectra.N": [100, 10000]}, ["'spectra.N.1' = 10000", "<= 5000"]),
        ({"lyapunov.dmft.g_h": [3.0]}, ["'lyapunov.dmft.g_h' = [3.0] must contain"]),
        ({"transition.network.trend_g_h": [1.7]},
         ["'transition.network.trend_g_h' has values [1.7] missing from 'transition.network.g_h'"]),
        ({"transition.network.trend_N": 20}, ["'transition.network.trend_N' = 20", "larger"]),
        ({"transition.alpha_z_phase.marginal_fraction": 2.0},
         ["'transition.alpha_z_phase.marginal_fraction' = 2.0", "<= 1"]),
    ],
)
def test_bad_config_stops_before_any_job(tmp_path, change, expected):
    workdir = copy_project(tmp_path)
    config = write_config(tmp_path / "bad.yaml", **change)
    result = run_snakemake(workdir, "--configfile", str(config), check=False)
    text = result.stdout + result.stderr
    assert result.returncode != 0
    assert "invalid configuration" in text
    for fragment in expected:
        assert fragment in text, text[-2000:]
    assert not (workdir / "results").exists()


def test_tiny_run_outputs(tiny_run):
    results = tiny_run / "results"
    for name in FIGURE_NAMES:
        for suffix in (".png", ".pdf"):
            assert (results / "figures" / f"{name}{suffix}").stat().st_size > 1000
    claims = json.loads((results / "claims.json").read_text())
    assert {claim["id"] for claim in claims} == {
        "C1.variance",
        "C1.correlation",
        "C2.C_h",
        "C2.C_z",
        "C2.C_r",
        "C2.sampler.C_h",
        "C2.sampler.C_z",
        "C2.sampler.C_r",
        "C2.timescale",
        "C3.timescale",
        "C3.edge",
        "C3.near_zero",
        "C4.memory",
        "C4.reset",
        "C5.slow_modes",
        "C5.crossing",
        "C6.mle",
        "C6.stationarity",
        "C9.growth",
        "C9.alive",
        "C9.dmft",
        "C7.ordering",
        "C7.jump",
        "C8.tricritical",
        "C7.bistability",
        "C7.kick",
        "C7.network_mle",
        "C8.zero_line",
        "C8.marginal",
    }
    for claim in claims:
        assert set(claim) == CLAIM_FIELDS
        assert isinstance(claim["passed"], bool)
    merged = read_dataset(results / "datasets" / "simulate.nc")
    assert dict(merged.sizes)["alpha_z"] == 2 and dict(merged.sizes)["seed"] == 2
    for attr in ("gatedrnn_version", "git_commit", "params_hash", "created", "library_versions"):
        assert isinstance(merged.attrs[attr], str)
    for name, variable in merged.variables.items():
        if variable.ndim:
            assert "long_name" in variable.attrs and "units" in variable.attrs, name
    log = (results / "logs/simulate/gated/g_h~4.0/alpha_z~5.0/seed~0.log").read_text()
    assert "100%" in log and "ETA" in log
    dmft = read_dataset(results / "datasets" / "dmft.nc")
    assert dict(dmft.sizes)["noise_seed"] == 2 and dmft["C_h"].dims[-1] == "lag"
    # alpha_z = 5 is solved with the dmft.slow settings (dt 0.8, which does not divide
    # simulate.max_lag = 10) and put on the same lags, up to max_lag, without gaps
    np.testing.assert_allclose(np.diff(dmft["lag"].values), 0.2)
    assert float(dmft["lag"][-1]) == pytest.approx(10.0)
    assert bool(dmft["C_h"].notnull().all())
    slow = read_dataset(results / "dmft/stationary/g_h~4.0/alpha_z~5.0/noise_seed~0.nc")
    assert json.loads(slow.attrs["settings"])["dt"] == 0.8
    assert "k * 0.8 onto k * 0.2" in slow.attrs["output_lags"]
    dmft_log = (results / "logs/dmft/stationary/g_h~4.0/alpha_z~0.0/noise_seed~0.log").read_text()
    assert "iteration" in dmft_log and "residual" in dmft_log


def test_report_builds(tiny_run):
    run_snakemake(tiny_run, "--configfile", str(TINY_CONFIG), "--report", "results/report.html")
    html = (tiny_run / "results" / "report.html").read_text(errors="replace")
    for name in (*FIGURE_NAMES, "claims.tsv"):
        assert name in html


def test_nothing_reruns_after_a_complete_run(tiny_run):
    assert planned_jobs(tiny_run, "--configfile", str(TINY_CONFIG)) == {}


def test_new_sweep_value_reruns_only_new_jobs_and_downstream(tiny_run, tmp_path):
    config = write_config(tmp_path / "more.yaml", **{"simulate.sweep.alpha_z": [0.0, 5.0, 2.0]})
    jobs = planned_jobs(tiny_run, "--configfile", str(config))
    assert jobs.pop("simulate_gated") == 2  # one new alpha_z value x two seeds
    assert jobs == {
        "merge_gated": 1,
        "figure_gating_timescales": 1,
        "figure_classical_limit": 1,
        "figure_dmft_vs_network": 1,
        "figure_max_lyapunov": 1,
        "claims": 1,
        "all": 1,
    }


def test_library_edit_reruns_the_stage_that_declares_it(tiny_run):
    """Editing a module's content reruns the rules that declare it (a bare touch does not:
    Snakemake compares checksums of small inputs)."""
    figure_module = tiny_run / "src" / "gatedrnn" / "figures" / "gating_timescales.py"
    summary_module = tiny_run / "src" / "gatedrnn" / "summary.py"
    originals = {path: (path.read_text(), path.stat()) for path in (figure_module, summary_module)}

    def restore(path):
        text, stat = originals[path]
        path.write_text(text)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    try:
        figure_module.write_text(originals[figure_module][0] + "\n# edited\n")
        assert planned_jobs(tiny_run, "--configfile", str(TINY_CONFIG)) == {
            "figure_gating_timescales": 1,
            "all": 1,
        }
        restore(figure_module)
        summary_module.write_text(originals[summary_module][0] + "\n# edited\n")
        jobs = planned_jobs(tiny_run, "--configfile", str(TINY_CONFIG))
        assert jobs["simulate_gated"] == 4 and jobs["simulate_classical"] == 2
        assert jobs["merge_gated"] == 1 and jobs["claims"] == 1
    finally:
        for path in originals:
            restore(path)
    assert planned_jobs(tiny_run, "--configfile", str(TINY_CONFIG)) == {}
