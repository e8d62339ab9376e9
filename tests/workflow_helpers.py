"""Running the Snakemake workflow on a copy of the project in a temporary directory."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE = Path(sys.executable).with_name("snakemake")
TINY_CONFIG = ROOT / "tests" / "configs" / "tiny.yaml"
_COPIED = ("Snakefile", "workflow", "config", "profiles", "src")


def copy_project(destination: Path) -> Path:
    """Copy what the workflow needs (not results, not .venv) into `destination`."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in _COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, destination / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, destination / name)
    return destination


def run_snakemake(workdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run snakemake in `workdir` (its default profile applies); output captured as text."""
    result = subprocess.run(
        [str(SNAKEMAKE), *args], cwd=workdir, capture_output=True, text=True, timeout=1200
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"snakemake {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        )
    return result


def planned_jobs(workdir: Path, *args: str) -> dict[str, int]:
    """Rule -> number of jobs a dry run plans (empty if nothing to do)."""
    result = run_snakemake(workdir, "--dry-run", *args)
    text = result.stdout + result.stderr
    match = re.search(r"Job stats:\njob\s+count\n[- ]+\n(.*?)\ntotal\s+\d+", text, re.S)
    if match is None:
        if "Nothing to be done" in text:
            return {}
        raise AssertionError(f"no job table in the dry run output:\n{text[-3000:]}")
    jobs = {}
    for line in match.group(1).strip().splitlines():
        rule, count = line.split()
        jobs[rule] = int(count)
    return jobs


def write_config(path: Path, base: Path = TINY_CONFIG, **changes) -> Path:
    """A copy of `base` with dotted-key changes, e.g. {"simulate.N": 50}."""
    config = yaml.safe_load(base.read_text())
    for dotted, value in changes.items():
        node = config
        *parents, last = dotted.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = value
    path.write_text(yaml.safe_dump(config))
    return path
