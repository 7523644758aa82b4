"""The pip requirements and the conda environment ask for the same versions."""

import re

import yaml


def _pins(lines):
    pins = {}
    for line in lines:
        line = line.split("#")[0].strip()
        if not line or line.startswith("-"):
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*(==|=)\s*([A-Za-z0-9_.\-]+)", line)
        if match:
            pins[match[1].lower()] = match[3]
    return pins


def test_requirements_pin_torch_and_leave_out_torchvision(repo):
    pins = _pins((repo / "envs" / "requirements.txt").read_text().splitlines())
    assert pins["torch"] == "2.13.0"
    assert "torchvision" not in pins
    lines = [ln.split("#")[0].strip() for ln in (repo / "envs" / "requirements.txt").read_text().splitlines()]
    unpinned = [ln for ln in lines if ln and "==" not in ln]
    assert unpinned == [], f"every requirement is pinned with ==, not {unpinned}"


def test_conda_environment_matches_requirements(repo):
    pip_pins = _pins((repo / "envs" / "requirements.txt").read_text().splitlines())
    env = yaml.safe_load((repo / "envs" / "rotvae.yaml").read_text())
    conda_lines, pip_lines = [], []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip_lines += dep["pip"]
        else:
            conda_lines.append(dep)
    conda_pins = _pins(conda_lines)
    conda_pins.pop("python")
    both = {**conda_pins, **_pins(pip_lines)}
    assert both == pip_pins
