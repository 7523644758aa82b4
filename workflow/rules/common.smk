# Config validation, target lists and the small helpers the rules share. All logic lives
# in the rotvae library; this file only turns the config into file names and arguments.
import shlex

from snakemake.exceptions import WorkflowError

from rotvae.config import ConfigError, validate_config
from rotvae.plan import (
    JOINT_MODELS,
    NAME_CONSTRAINT,
    SS_MODELS,
    card_datasets,
    card_spec,
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
CHECKPOINTS = "results/checkpoints"
CONDA_ENV = "../../envs/rotvae.yaml"


wildcard_constraints:
    name=NAME_CONSTRAINT,
    angle=r"[0-9]+(\.[0-9]+)?",
    replicate=r"[0-9]+",


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


def all_targets():
    p0, p1 = config["paper000"], config["paper001"]
    targets = [f"{DATA}/{name}.npz" for name in card_datasets(config)]
    targets += expand(
        f"{FIGURES}/{{fig}}.{{ext}}",
        fig=["000_fig2_cards_examples", "001_fig1_cards_examples"],
        ext=["png", "pdf"],
    )
    return targets
