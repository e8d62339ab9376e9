"""environment.yml, workflow/envs and pyproject.toml declare the same dependencies."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
_NOT_PACKAGES = {"python", "pip"}


def _requirement(text: str) -> tuple[str, str]:
    """('name', 'specifier') from 'name>=1.0' / 'name=1.0', name normalised like PyPI."""
    match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*", text)
    name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
    return name, match.group(2).replace(" ", "")


def _conda_requirements(path: Path) -> set[tuple[str, str]]:
    spec = yaml.safe_load(path.read_text())
    found = set()
    for entry in spec["dependencies"]:
        entries = entry["pip"] if isinstance(entry, dict) else [entry]
        for item in entries:
            if item.startswith("-e") or item.startswith("--"):
                continue
            name, version = _requirement(item)
            if name not in _NOT_PACKAGES:
                found.add((name, version))
    return found


def _pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {_requirement(r) for r in project["dependencies"]}
    test = {_requirement(r) for r in project["optional-dependencies"]["test"]}
    return runtime, test


def test_environment_yml_matches_pyproject():
    runtime, test = _pyproject()
    assert _conda_requirements(ROOT / "environment.yml") == runtime | test


def test_workflow_conda_env_matches_pyproject_runtime():
    runtime, _ = _pyproject()
    assert _conda_requirements(ROOT / "workflow" / "envs" / "gatedrnn.yaml") == runtime


def test_environment_yml_installs_the_package():
    spec = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(entry["pip"] for entry in spec["dependencies"] if isinstance(entry, dict))
    assert "-e ." in pip
