# Config validation, target lists and the small helpers the rules share. All logic lives
# in the rotvae library; this file only turns the config into file names and arguments.
import json
import os
import shlex
import sys

from snakemake.exceptions import WorkflowError

from rotvae.config import ConfigError, validate_config
from rotvae.cards import shear_percent
from rotvae.seeding import derive_seed
from rotvae.userdata import LABEL_MODELS
from rotvae.warm import Worker
from rotvae.names import JOINT_MODELS, SS_MODELS
from rotvae.plan import (
    NAME_CONSTRAINT,
    card_datasets,
    card_spec,
    evaluation_cells,
    experiment_data,
    experiment_training_settings,
    model_name,
    reference_models,
    spec_arguments,
    train_arguments,
    trained_models,
)

try:
    _validated = validate_config(config)
except ConfigError as err:
    raise WorkflowError(f"invalid configuration: {err}") from None
# Update in place: Snakemake's `config` object must stay the same dict.
config.clear()
config.update(_validated)

DATA = "results/data/cards"
FIGURES = "results/figures"
LOGS = "results/logs"
MODELS = "results/models"
TABLES = "results/tables"
CHECKPOINTS = "results/checkpoints"
CONDA_ENV = "../../envs/rotvae.yaml"
# A training job takes a GPU where the config asks for CUDA (SLURM: --gpus=1; locally a
# `--resources gpu=N` limit runs N at a time). `auto` asks for none: on a cluster, ask
# for CUDA explicitly to get GPU nodes.
TRAINING_GPUS = 1 if config["device"] == "cuda" else 0
# Figure rules list their plotting script as an input, so editing a figure's code redraws
# that figure only (Snakemake does not track `script:` files by itself).
SCRIPTS = f"{workflow.basedir}/workflow/scripts"
# The warm worker (rotvae.warm) imports torch and the other libraries once for all jobs
# of a run on this machine, where most of a small job's time was its imports. Jobs on
# cluster nodes or in a conda environment of their own run as they always did. Linux
# only: on macOS a fork after NumPy's Accelerate BLAS has started is not safe.
WARM_WORKERS = []


def stop_warm_workers():
    for worker in WARM_WORKERS:
        worker.stop()


onstart:
    if (
        config["warm_worker"]
        and sys.platform.startswith("linux")
        and workflow.local_exec
        and not workflow.deployment_settings.deployment_method
    ):
        WARM_WORKERS.append(Worker(f"{LOGS}/warm_worker.log"))


onsuccess:
    stop_warm_workers()


onerror:
    stop_warm_workers()


wildcard_constraints:
    name=NAME_CONSTRAINT,
    angle=r"[0-9]+(\.[0-9]+)?",
    replicate=r"[0-9]+",
    exp="|".join(exp["name"] for exp in config["experiments"]) or "(?!)",


def card_path(paper, role, angle, ext="npz"):
    return f"{DATA}/{paper}_{role}_a{angle:g}.{ext}"


def card_arguments(wildcards):
    """The `rotvae make-cards` flags of data set `wildcards.name`, shell-quoted."""
    return shlex.join(spec_arguments(card_spec(config, wildcards.name)))


def train_arguments_shell(paper, model, replicate):
    """The `rotvae train` options of one model of the plan, shell-quoted."""
    return shlex.join(train_arguments(config, paper, model, replicate))


def card_memory_mb(wildcards):
    """Images, their random contamination keys and warping buffers, with headroom."""
    spec = card_spec(config, wildcards.name)
    n = spec.per_class * len(spec.classes)
    return 500 + n * 48 * 48 * 4 * 6 // 2**20


SS_PANELS = {"ssvae": "b", "ssrvae": "c"}  # Fig. 3b, 3c


def confusion_figures():
    """Fig. 4b, 4c, ...: one panel letter and name per configured confusion cell."""
    names = {}
    for i, cell in enumerate(config["paper000"]["confusion"]):
        panel = chr(ord("b") + i)
        names[panel] = (
            f"000_fig4{panel}_confusion_s{shear_percent(cell['shear']):.0f}"
            f"_a{cell['angle']:g}"
        )
    return names


def confusion_cell(panel):
    return config["paper000"]["confusion"][ord(panel) - ord("b")]


def paper000_figures():
    p0 = config["paper000"]
    names = ["000_fig2_cards_examples", "000_fig4d_corruption_examples"]
    names += [f"000_fig3{SS_PANELS[m]}_traversal_{m}" for m in p0["models"]]
    if "ssrvae" in p0["models"]:
        names += ["000_fig4a_accuracy_shear_angle", "000_fig4e_accuracy_vs_noise"]
        names += ["000_fig4f_accuracy_contamination", *confusion_figures().values()]
    names += ["000_fig3a_accuracy_vs_angle"]
    if p0["trees"]["methods"]:
        names += ["000_figS3_trees"]
    return names


def all_targets():
    targets = [f"{DATA}/{name}.npz" for name in card_datasets(config)]
    targets += expand(
        f"{FIGURES}/{{fig}}.{{ext}}",
        fig=paper000_figures() + paper001_figures(),
        ext=["png", "pdf"],
    )
    return targets + experiment_targets()


P0 = config["paper000"]
TABLE_OF_GRID = {
    "distortion": "000_fig4a_accuracy_shear_angle",
    "confusion": "000_fig4bc_confusion",
    "noise": "000_fig4e_accuracy_vs_noise",
    "contamination": "000_fig4f_accuracy_contamination",
}


def ss_model_keys():
    """(model, angle, training seed) of every ss-model of the plan, in a stable order."""
    return [
        (model, angle, replicate)
        for model in P0["models"]
        for angle in P0["angles"]
        for replicate in config["training"]["seeds"]
    ]


def figure_outputs(name, caption, subcategory, category="Paper 000"):
    """PNG (in the report, with caption workflow/report/`caption`.rst) and PDF of
    figure `name`."""
    png = report(
        f"{FIGURES}/{name}.png",
        caption=f"../report/{caption}.rst",
        category=category,
        subcategory=subcategory,
    )
    return [png, f"{FIGURES}/{name}.pdf"]


P1 = config["paper001"]


def joint_model_keys():
    """(model, angle, training seed) of every j-model of the plan, in a stable order."""
    return [
        (model, angle, replicate)
        for model in P1["models"]
        for angle in P1["angles"]
        for replicate in config["training"]["seeds"]
    ]


def first_joint_model(model, angle):
    return f"{MODELS}/001/{model_name(model, angle, config['training']['seeds'][0])}.pt"


def paper001_figures():
    names = [
        "001_fig1_cards_examples",
        "001_fig2_traversals",
        "001_fig3_inferred_vs_true",
    ]
    names += ["001_disentanglement"]
    if "jtrvae" in P1["models"]:
        names += ["001_fig4_conditioned_generation", "001_figS_latent_manifolds"]
    return names


# --- your own data (config `experiments`) ------------------------------------------

STANDINS = "results/standins"
EXPERIMENTS_DIR = "results/experiments"
EXPERIMENT = {exp["name"]: exp for exp in config["experiments"]}


def as_json(value):
    """A dict or list as canonical JSON for `params`: Snakemake reruns a job whose params
    changed, and a dict's key order (which follows the config file) must not count."""
    return json.dumps(value, sort_keys=True)


def check_experiment_files():
    """Every file an experiment names must exist unless the workflow makes it (the
    stand-ins). Fails at parse time, before any job, naming the config key."""
    for i, exp in enumerate(config["experiments"]):
        for key, path in experiment_sources(exp).items():
            if not path.startswith(f"{STANDINS}/") and not os.path.isfile(path):
                raise WorkflowError(
                    f"invalid configuration: config key 'experiments[{i}].{key}' "
                    f"(experiment '{exp['name']}'): file {path} does not exist"
                )


def experiment_sources(exp):
    """The files an experiment reads, by config key."""
    files = {"source.path": exp["source"]["path"]}
    if exp["source"]["labels_csv"]:
        files["source.labels_csv"] = exp["source"]["labels_csv"]
    if exp["patches"] and exp["patches"]["centers_csv"]:
        files["patches.centers_csv"] = exp["patches"]["centers_csv"]
    if exp["transfer"]:
        files["transfer.path"] = exp["transfer"]["path"]
        if exp["transfer"]["centers_csv"]:
            files["transfer.centers_csv"] = exp["transfer"]["centers_csv"]
    return files


def prepared_files(exp):
    """What `prepare` writes for an experiment, by role."""
    root = f"{EXPERIMENTS_DIR}/{exp['name']}"
    files = {"all": f"{root}/all.npz", "summary": f"{root}/prepared.json"}
    if any(m in LABEL_MODELS for m in exp["models"]):
        files["labeled"] = f"{root}/labeled.npz"
        files["unlabeled"] = f"{root}/unlabeled.npz"
    if exp["transfer"]:
        files["transfer"] = f"{root}/transfer.npz"
    return files


def experiment_models(exp):
    """Trained models of an experiment (trees are not trained here), every seed."""
    return [
        f"{MODELS}/exp/{exp['name']}/{model}_s{seed}.pt"
        for model in exp["models"]
        if model != "trees"
        for seed in exp["seeds"]
    ]


def first_model(exp, model):
    return f"{MODELS}/exp/{exp['name']}/{model}_s{exp['seeds'][0]}.pt"


def map_model(exp):
    """The model whose classes and latents are laid back onto the image (paper 001)."""
    for model in ("jtrvae", "jvae", "ssrvae", "ssvae", "rvae", "vae"):
        if model in exp["models"]:
            return model
    return None


def experiment_figures(exp):
    name, models = exp["name"], exp["models"]
    names = []
    if "vae" in models or "rvae" in models:
        names.append(f"exp_{name}_latents")
    if "ssrvae" in models:
        names.append(f"exp_{name}_ssrvae")
    if "trees" in models and ("ssrvae" in models or "ssvae" in models):
        names.append(f"exp_{name}_trees")
    if exp["patches"] and map_model(exp):
        names.append(f"exp_{name}_maps")
        if exp["transfer"]:
            names.append(f"exp_{name}_transfer")
    return names


def experiment_targets():
    targets = []
    for exp in config["experiments"]:
        targets += expand(
            f"{FIGURES}/{{fig}}.{{ext}}",
            fig=experiment_figures(exp),
            ext=["png", "pdf"],
        )
        targets.append(f"{TABLES}/exp_{exp['name']}_scores.csv")
    return targets


check_experiment_files()
