"""The Snakemake workflow end to end, on the smoke configuration, in temporary folders."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, SMOKE_CONFIG, modules_loaded_by, run_outputs, snakemake

pytestmark = pytest.mark.workflow

FIGURES = [
    "000_fig2_cards_examples", "000_fig3a_accuracy_vs_angle", "000_fig3b_traversal_ssvae",
    "000_fig3c_traversal_ssrvae", "000_fig4a_accuracy_shear_angle",
    "000_fig4b_confusion_s23_a60", "000_fig4c_confusion_s30_a100",
    "000_fig4d_corruption_examples", "000_fig4e_accuracy_vs_noise",
    "000_fig4f_accuracy_contamination", "000_figS3_trees", "001_fig1_cards_examples",
    "001_fig2_traversals", "001_fig3_inferred_vs_true", "001_fig4_conditioned_generation",
    "001_figS_latent_manifolds", "001_disentanglement",
    "exp_particles_latents", "exp_particles_ssrvae", "exp_particles_trees",
    "exp_lattice_maps", "exp_lattice_transfer",
]


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


def expected_tables(config: dict) -> dict:
    """Each paper-000 table of the smoke run: its columns and its number of rows."""
    p0, seeds = config["paper000"], len(config["training"]["seeds"])
    k, angles = len(config["cards"]["classes"]), len(p0["angles"])
    grid = p0["distortion_grid"]
    cont = p0["contamination"]
    traversal = k * config["training"]["model"]["latent_dim"] * p0["traversal_steps"]
    return {
        "000_fig3a_accuracy_vs_angle": (["model", "angle", "seed", "accuracy"],
                                        len(p0["models"]) * angles * seeds),
        "000_figS3_trees": (["method", "training", "angle", "seed", "accuracy"],
                            len(p0["trees"]["methods"]) * 2 * angles * seeds),
        "000_fig3b_traversal_ssvae": (["class", "latent", "column", "z"], traversal),
        "000_fig3c_traversal_ssrvae": (["class", "latent", "column", "z"], traversal),
        "000_fig4a_accuracy_shear_angle": (["model", "seed", "shear", "angle", "accuracy"],
                                           grid["shear"]["num"] * grid["angle"]["num"] * seeds),
        "000_fig4bc_confusion": (["model", "seed", "shear", "angle", "true", "predicted",
                                  "fraction"], len(p0["confusion"]) * seeds * k * k),
        "000_fig4d_corruption_examples": (["label", "noise", "density", "intensity"],
                                          1 + len(p0["corruption_examples"]["noise"])
                                          + len(p0["corruption_examples"]["contamination"])),
        "000_fig4e_accuracy_vs_noise": (["model", "seed", "noise", "accuracy"],
                                        p0["noise"]["num"] * seeds),
        "000_fig4f_accuracy_contamination": (["model", "seed", "intensity", "density",
                                              "accuracy"],
                                             cont["intensity"]["num"] * cont["density"]["num"]
                                             * seeds),
        **expected_tables_001(config),
    }


def expected_tables_001(config: dict) -> dict:
    p1, seeds = config["paper001"], len(config["training"]["seeds"])
    k, runs = len(config["cards"]["classes"]), len(p1["models"]) * len(p1["angles"]) * seeds
    # correlations: j-VAE has 2 content latents, j-trVAE those + the angle, x 4 factors,
    # and j-trVAE the angle's within its classes (`angle | class`, the angle factor only)
    latents = sum(3 if m == "jtrvae" else 2 for m in p1["models"])
    within_class = sum(m == "jtrvae" for m in p1["models"])
    key = ["model", "angle", "seed"]
    return {
        "001_fig3_cluster_scores": (key + ["matched_accuracy", "nmi", "ari"], runs),
        "001_fig3_inferred_vs_true": (key + ["true", "predicted", "fraction"], runs * k * k),
        "001_disentanglement": (key + ["latent", "factor", "correlation", "kind"],
                                (latents * 4 + within_class) * len(p1["angles"]) * seeds),
        "001_fig2_traversals": (["model", "angle", "suit", "class", "latent", "z"],
                                len(p1["models"]) * len(p1["angles"]) * k * 2
                                * p1["traversal_steps"]),
        "001_fig4_conditioned_generation": (["class", "suit", "z1", "z2", "angle"],
                                            k * 3 * len(p1["generation_angles"])),
    }


def test_smoke_tables_have_their_columns_and_rows(smoke_runs):
    import pandas as pd

    from rotvae.config import load_config

    tables = smoke_runs[0] / "results" / "tables"
    for name, (columns, rows) in expected_tables(load_config(SMOKE_CONFIG)).items():
        table = pd.read_csv(tables / f"{name}.csv")
        assert set(columns) <= set(table.columns), (name, list(table.columns))
        assert len(table) == rows, (name, len(table), rows)
        assert table.notna().all().all(), name
        for column in ("accuracy", "fraction", "matched_accuracy"):
            if column in table:
                assert table[column].between(0, 1).all(), (name, column)
    # particles: ssrvae and 3 trees x 2 trainings, 4 classes + all; lattice: 2 domains + all,
    # matched accuracy, NMI, ARI, the second image's 2 + all, and eta squared of z1, z2 on
    # both images
    scores = {"particles": 1 * 5 + 3 * 2 * 5, "lattice": 3 + 3 + 3 + 2 * 2}
    for name, rows in scores.items():
        table = pd.read_csv(tables / f"exp_{name}_scores.csv")
        assert list(table.columns) == ["model", "training", "seed", "set", "class", "metric",
                                       "value"]
        assert len(table) == rows, (name, len(table))
        bounded = table[table["metric"].isin(["accuracy", "matched_accuracy"])
                        | table["metric"].str.startswith("eta_squared_")]["value"]
        assert bounded.between(0, 1).all() and table["value"].notna().all(), name
    confusion = pd.read_csv(tables / "000_fig4bc_confusion.csv")
    sums = confusion.groupby(["seed", "shear", "angle", "true"])["fraction"].sum()
    assert ((sums - 1).abs() < 1e-9).all(), "each confusion row sums to 1"


def jobs_planned(workdir: Path, env: dict, *args: str) -> set[str]:
    """The rules a dry run would execute (besides `all`)."""
    result = snakemake(workdir, env, "all", "models", "--dry-run", "--quiet", "rules", *args)
    out = result.stdout + result.stderr
    return {line.split()[0] for line in out.splitlines()
            if line.strip() and line.split()[-1].isdigit() and line.split()[0] not in
            ("job", "total", "all")}


def test_editing_a_figure_script_redraws_that_figure_only(smoke_runs, tool_env):
    import os

    script = REPO / "workflow" / "scripts" / "plot_noise.py"
    stat = script.stat()
    try:
        os.utime(script, None)  # as an edit would
        planned = jobs_planned(smoke_runs[0], tool_env)
    finally:
        os.utime(script, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert planned == {"plot_noise"}


def test_changing_the_noise_grid_reevaluates_without_retraining(smoke_runs, tool_env, tmp_path):
    import yaml

    plan = yaml.safe_load(SMOKE_CONFIG.read_text())
    plan["paper000"]["noise"] = {"log10_start": -1, "log10_stop": 0, "num": 2}
    config = tmp_path / "noise.yaml"
    config.write_text(yaml.safe_dump(plan))
    planned = jobs_planned(smoke_runs[0], tool_env, "--configfile", str(config))
    assert planned == {"table_grid", "plot_noise"}


def test_changing_an_experiments_class_weight_retrains_only_its_models(smoke_runs, tool_env,
                                                                      tmp_path):
    import yaml

    plan = yaml.safe_load(SMOKE_CONFIG.read_text())
    lattice = next(e for e in plan["experiments"] if e["name"] == "lattice")
    lattice["beta_disc"] = {"start": 2, "end": 0.5}
    config = tmp_path / "class_weight.yaml"
    config.write_text(yaml.safe_dump(plan))
    planned = jobs_planned(smoke_runs[0], tool_env, "--configfile", str(config))
    # the lattice's models and what is drawn from them; neither experiment re-reads its
    # data and the particles' models (no class weight) stay
    assert planned == {"train_experiment", "table_experiment_scores", "plot_experiment_maps"}


def test_the_warm_worker_ran_the_first_runs_jobs_only(smoke_runs):
    log = (smoke_runs[0] / "results" / "logs" / "warm_worker.log").read_text()
    served = [line for line in log.splitlines() if " exited 0 after " in line]
    kinds = {line.split(": ")[1].split(" exited")[0] for line in served}
    # Jobs that start while the worker still imports (the first data sets, perhaps a
    # training on a slow machine) run by themselves; the figures come long after.
    assert {"rotvae train", "train_experiment.py"} & kinds, log[-2000:]
    assert "plot_noise.py" in kinds, log[-2000:]
    assert log.rstrip().endswith("stopped")
    assert not (smoke_runs[1] / "results" / "logs" / "warm_worker.log").exists()


def test_two_clean_runs_give_byte_identical_datasets(smoke_runs):
    first = run_outputs(smoke_runs[0], (".npz",))
    assert len(first) >= 9 + 3 + 5  # the cards, the stand-ins, the experiments' sets
    for path in first:
        twin = smoke_runs[1] / path.relative_to(smoke_runs[0])
        assert path.read_bytes() == twin.read_bytes(), path.name


def test_two_clean_runs_train_identical_models(smoke_runs):
    import torch

    first = run_outputs(smoke_runs[0], (".pt",))
    assert len(first) >= 8 + 4  # the papers' models and the experiments'
    for path in first:
        a = torch.load(path, weights_only=True)
        b = torch.load(smoke_runs[1] / path.relative_to(smoke_runs[0]), weights_only=True)
        assert all(torch.equal(a[k], b[k]) for k in a), path.name


def test_second_run_has_nothing_to_do(smoke_runs, tool_env):
    result = snakemake(smoke_runs[0], tool_env, "all", "models", "--dry-run")
    assert "Nothing to be done" in result.stdout + result.stderr


def test_reading_the_plan_loads_neither_torch_nor_matplotlib():
    """What `workflow/rules/common.smk` imports runs at every Snakemake start, and on a
    cluster at every job's: torch and matplotlib would add seconds to each."""
    rules = (REPO / "workflow" / "rules" / "common.smk").read_text()
    modules = sorted(set(re.findall(r"^from (rotvae\.\w+) import", rules, flags=re.M)))
    assert "rotvae.plan" in modules and "rotvae.cards" in modules
    assert modules_loaded_by(f"import {', '.join(modules)}", ("torch", "matplotlib", "pyro")) == []


def test_a_script_drawing_from_tables_loads_no_torch(tmp_path):
    """Half the workflow's jobs draw figures from tables: `start` sets the job's threads
    without importing torch (a second of every such job), through OMP_NUM_THREADS, which
    torch reads if a script imports it later."""
    code = f"""
import sys, types
from rotvae.scripting import start
import rotvae.figures, rotvae.evaluate, rotvae.datasets
start(types.SimpleNamespace(log=[{str(tmp_path / "job.log")!r}], threads=1, rule="plot"))
loaded = sorted(m for m in ("torch", "pyro", "sklearn") if m in sys.modules)
import torch
print(loaded, torch.get_num_threads())
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, env={k: v for k, v in os.environ.items()
                                             if k != "OMP_NUM_THREADS"})
    assert result.stdout.split() == ["[]", "1"], result.stdout + result.stderr


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


def test_report_holds_every_figure_with_its_caption(smoke_runs, tool_env):
    report = smoke_runs[0] / "report.html"
    snakemake(smoke_runs[0], tool_env, "--report", str(report))
    html = report.read_text(errors="replace")
    for figure in FIGURES:
        assert f"{figure}.png" in html, figure
    assert "Fig. 4a" in html and "training seeds" in html


def test_own_data_in_every_format_is_a_config_edit(tmp_path, tool_env):
    """A small stack in each accepted format, and one large image cut into patches,
    taken to their figures by a config that names the files: nothing else changes. The
    labelled models (ss-rVAE, trees) run on one format only: how a file is read does not
    reach them (`tests/test_userdata.py` checks that every format reads to the same
    arrays), and each of their jobs costs seconds."""
    import numpy as np
    import tifffile
    import yaml

    from test_userdata import write_each_format

    inputs = tmp_path / "inputs"
    inputs.mkdir()
    experiments = []
    for path, keys in write_each_format(inputs):
        models = ["vae", "ssrvae", "trees"] if path.suffix == ".npz" else ["vae"]
        experiments.append({"name": path.suffix[1:], "source": {"path": str(path), **keys},
                            "models": models, "labels_per_class": 3, "epochs": 1})
    tifffile.imwrite(inputs / "scan.tif", np.random.default_rng(0).uniform(size=(60, 60)))
    np.save(inputs / "scan2.npy", np.random.default_rng(1).uniform(size=(40, 40)))
    experiments.append({"name": "scan", "source": {"path": str(inputs / "scan.tif")},
                        "patches": {"size": 16, "stride": 8},
                        "transfer": {"path": str(inputs / "scan2.npy")},
                        "models": ["jtrvae"], "classes": 2, "epochs": 1})
    config = tmp_path / "mine.yaml"
    config.write_text(yaml.safe_dump({"seed": 1, "training": {"threads": 1},
                                      "experiments": experiments}))
    figures = [f"results/figures/exp_{e}_latents.png" for e in ("npz", "npy", "tif", "h5")]
    figures += ["results/figures/exp_npz_ssrvae.png", "results/figures/exp_npz_trees.png"]
    figures += ["results/figures/exp_scan_maps.png", "results/figures/exp_scan_transfer.png"]
    snakemake(tmp_path, tool_env, *figures, configfile=config)
    for figure in figures:
        assert (tmp_path / figure).read_bytes()[:4] == b"\x89PNG", figure
        assert (tmp_path / figure).with_suffix(".pdf").is_file(), figure


def test_missing_own_data_stops_before_any_job_naming_the_key(tmp_path, tool_env):
    config = tmp_path / "mine.yaml"
    config.write_text("experiments:\n  - {name: mine, source: {path: nowhere/x.tif}, "
                      "models: [vae]}\n")
    result = snakemake(tmp_path, tool_env, configfile=config, check=False)
    out = result.stdout + result.stderr
    assert result.returncode != 0 and "experiments[0].source.path" in out
    assert "nowhere/x.tif does not exist" in out
    assert not (tmp_path / "results").exists()
