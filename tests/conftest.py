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


def modules_loaded_by(code: str, watch: tuple[str, ...]) -> list[str]:
    """Which of the modules `watch` a fresh interpreter has imported once it has run
    `code`: how the tests keep torch and its kin off the paths that run at every start."""
    probe = f"{code}\nimport sys\nprint(*sorted(m for m in {watch!r} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.split()


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
    """The smoke workflow in a fresh folder, then its data sets and models again in a
    second one: what the two must agree on, without drawing every figure twice. The first
    runs its jobs in the warm worker (the default), the second without it, so that the
    two also show that the worker changes nothing but the time."""
    first = tmp_path_factory.mktemp("smoke0")
    snakemake(first, tool_env, "all", "models")
    second = tmp_path_factory.mktemp("smoke1")
    snakemake(second, tool_env, *(str(path.relative_to(first)) for path in run_outputs(first)),
              "--config", "warm_worker=False")
    return [first, second]


def run_outputs(workdir: Path, suffixes=(".npz", ".pt")) -> list[Path]:
    """The files with these suffixes that a run made under results/, sorted; by default
    its data sets and trained models."""
    return sorted(path for path in (workdir / "results").rglob("*")
                  if path.suffix in suffixes and path.is_file())
