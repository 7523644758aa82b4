import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SMOKE_CONFIG = REPO / "tests" / "smoke" / "config.yaml"


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def tool_env() -> dict:
    """The environment for subprocesses: this interpreter's scripts (rotvae, snakemake)
    first on PATH, so the tests run the installed entry points as a user would."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("MPLBACKEND", "Agg")
    return env


def snakemake(workdir: Path, env: dict, *args: str, configfile: Path = SMOKE_CONFIG, check=True):
    command = [
        sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile"),
        "--directory", str(workdir), "--configfile", str(configfile), "--cores", "2", *args,
    ]
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=workdir)
    if check and result.returncode != 0:
        raise AssertionError(f"snakemake failed:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}")
    return result


@pytest.fixture(scope="session")
def smoke_runs(tmp_path_factory, tool_env):
    """The smoke workflow, run twice in two fresh folders."""
    runs = []
    for i in range(2):
        workdir = tmp_path_factory.mktemp(f"smoke{i}")
        snakemake(workdir, tool_env, "all", "models")
        runs.append(workdir)
    return runs
