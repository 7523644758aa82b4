"""The Snakemake workflow end to end, on the smoke configuration, in temporary folders."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, SMOKE_CONFIG

pytestmark = pytest.mark.workflow

FIGURES = ["000_fig2_cards_examples", "001_fig1_cards_examples"]


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


def test_smoke_workflow_makes_every_target(smoke_runs):
    from rotvae.config import load_config
    from rotvae.plan import card_datasets, trained_models

    results = smoke_runs[0] / "results"
    for name in card_datasets(load_config(SMOKE_CONFIG)):
        assert (results / "data" / "cards" / f"{name}.npz").stat().st_size > 0
        assert (results / "data" / "cards" / f"{name}.json").stat().st_size > 0
    for paper, name in trained_models(load_config(SMOKE_CONFIG)):
        record = json.loads((results / "models" / paper / f"{name}.json").read_text())
        assert len(record["history"]) == record["train"]["epochs"]
        assert (results / "models" / paper / f"{name}.pt").stat().st_size > 0
    assert not list(results.glob("checkpoints/*/*.pt")), "finished runs leave no checkpoint"
    for figure in FIGURES:
        assert (results / "figures" / f"{figure}.png").read_bytes()[:4] == b"\x89PNG"
        assert (results / "figures" / f"{figure}.pdf").read_bytes()[:4] == b"%PDF"
    assert not list(results.rglob("*.part")), "no temporary files are left behind"


def test_two_clean_runs_give_byte_identical_datasets(smoke_runs):
    first = sorted((smoke_runs[0] / "results" / "data").rglob("*.npz"))
    assert first
    for path in first:
        twin = smoke_runs[1] / path.relative_to(smoke_runs[0])
        assert path.read_bytes() == twin.read_bytes(), path.name


def test_two_clean_runs_train_identical_models(smoke_runs):
    import torch

    first = sorted((smoke_runs[0] / "results" / "models").rglob("*.pt"))
    assert first
    for path in first:
        a = torch.load(path, weights_only=True)
        b = torch.load(smoke_runs[1] / path.relative_to(smoke_runs[0]), weights_only=True)
        assert all(torch.equal(a[k], b[k]) for k in a), path.name


def test_second_run_has_nothing_to_do(smoke_runs, tool_env):
    result = snakemake(smoke_runs[0], tool_env, "all", "models", "--dry-run")
    assert "Nothing to be done" in result.stdout + result.stderr


def test_default_plan_dry_run_lists_every_dataset(tmp_path, tool_env):
    from rotvae.config import load_config
    from rotvae.plan import card_datasets

    result = snakemake(tmp_path, tool_env, "--dry-run", configfile=REPO / "config.yaml")
    out = result.stdout + result.stderr
    for name in card_datasets(load_config(REPO / "config.yaml")):
        assert f"results/data/cards/{name}.npz" in out, name
    assert not (tmp_path / "results").exists()


@pytest.mark.parametrize(
    "override, key",
    [
        ("paper000: {angles: [-10, 60]}", "paper000.angles[0]"),
        ("paper000: {contamination: {density: {start: 0, stop: 1.2, num: 3}}}",
         "paper000.contamination.density.stop"),
        ("paper001: {models: [jtrvae, unknown]}", "paper001.models[1]"),
    ],
)
def test_bad_config_stops_before_any_job_naming_the_key(tmp_path, tool_env, override, key):
    config = tmp_path / "bad.yaml"
    config.write_text(override + "\n")
    result = snakemake(tmp_path, tool_env, configfile=config, check=False)
    assert result.returncode != 0
    assert key in result.stdout + result.stderr
    assert not (tmp_path / "results").exists()


def test_malformed_dataset_stops_its_job_naming_file_and_array(tmp_path, tool_env):
    import numpy as np

    cards = tmp_path / "results" / "data" / "cards"
    cards.mkdir(parents=True)
    bad = cards / "000_labeled_a4.npz"
    np.savez(bad, images=np.zeros((4, 48, 48), np.float32), labels=np.zeros(3, np.int64))
    (cards / "000_labeled_a4.json").write_text("{}")
    target = "results/figures/000_fig2_cards_examples.png"
    result = snakemake(tmp_path, tool_env, target, check=False)
    assert result.returncode != 0
    log = (tmp_path / "results" / "logs" / "plot_cards_examples_000.log").read_text()
    assert "000_labeled_a4.npz" in log and "'labels'" in log
    assert not list((tmp_path / "results").glob("figures/000_fig2*"))
    assert not list((tmp_path / "results").rglob("*.part"))


def test_workflow_is_lint_and_format_clean(tool_env):
    lint = subprocess.run([sys.executable, "-m", "snakemake", "--lint"], cwd=REPO, env=tool_env,
                          capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert "good condition" in lint.stdout + lint.stderr
    fmt = subprocess.run(["snakefmt", "--check", "."], cwd=REPO, env=tool_env,
                         capture_output=True, text=True)
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr
