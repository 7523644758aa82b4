"""From a validated config to the data sets a run needs: their file names and the exact
`CardSpec` of each. Pure functions, shared by the Snakemake rules and the CLI."""

from __future__ import annotations

import json
import re

import numpy as np

from .cards import CardSpec
from .config import ConfigError
from .names import INVARIANT_MODELS, JOINT_MODELS, SS_MODELS
from .seeding import derive_seed
from .userdata import LABEL_MODELS

# Model options that act only on the angle and offset latents of the invariant models.
TRANSFORM_OPTIONS = ("angle_prior", "angle_latent", "offset_prior")

# paper, role -> where in the config its parameters live
ROLES = {"000": ("labeled", "unlabeled", "test"), "001": ("train", "test")}
# Without named groups: Snakemake 9 reads `<name>` in a path as a path variable.
NAME_CONSTRAINT = r"(?:000|001)_[a-z]+_a[0-9]+(?:\.[0-9]+)?"
NAME_PATTERN = re.compile(r"^(?P<paper>000|001)_(?P<role>[a-z]+)_a(?P<angle>[0-9]+(?:\.[0-9]+)?)$")


def format_angle(angle: float) -> str:
    return f"{angle:g}"


def dataset_name(paper: str, role: str, angle: float) -> str:
    return f"{paper}_{role}_a{format_angle(angle)}"


def card_datasets(config: dict) -> list[str]:
    """Every cards data set of both recipes, by name, in a stable order."""
    p0, p1 = config["paper000"], config["paper001"]
    names = [dataset_name("000", "labeled", p0["labeled"]["angle"])]
    for angle in p0["angles"]:
        names += [dataset_name("000", "unlabeled", angle), dataset_name("000", "test", angle)]
    for angle in p1["angles"]:
        names += [dataset_name("001", "train", angle), dataset_name("001", "test", angle)]
    return names


def card_spec(config: dict, name: str) -> CardSpec:
    """The spec of data set `name` (as `card_datasets` names them) under `config`."""
    match = NAME_PATTERN.match(name)
    if not match or match["role"] not in ROLES[match["paper"]]:
        raise ConfigError(f"'{name}' is not a cards data set name such as 000_unlabeled_a60")
    if name not in card_datasets(config):
        raise ConfigError(f"data set '{name}' is not in this config's plan: {card_datasets(config)}")
    paper, role, angle = match["paper"], match["role"], float(match["angle"])
    common = {
        "classes": tuple(config["cards"]["classes"]),
        "glyph_radius": config["cards"]["glyph_radius"],
        "angle": angle,
        # Same stream for every angle of a role: an angle sweep moves the same cards.
        "seed": derive_seed(config["seed"], "cards", paper, role),
    }
    if paper == "000":
        p0 = config["paper000"]
        return CardSpec(
            per_class=p0[role]["per_class"],
            shear=p0["shear"],
            scale=tuple(p0["scale"]),
            translate=p0[role]["translate"],
            labeled=role != "unlabeled",
            **common,
        )
    p1 = config["paper001"]
    return CardSpec(
        per_class=p1[role]["per_class"],
        shear=p1["shear"],
        scale=tuple(p1["scale"]),
        translate=p1["translate"],
        labeled=role == "test",  # j-models are unsupervised: training labels stay hidden
        **common,
    )


def spec_arguments(spec: CardSpec) -> list[str]:
    """The `rotvae make-cards` arguments that reproduce `spec`."""
    args = [
        "--per-class", str(spec.per_class),
        "--angle", repr(float(spec.angle)),
        "--shear", repr(float(spec.shear)),
        "--scale", repr(spec.scale[0]), repr(spec.scale[1]),
        "--translate", repr(float(spec.translate)),
        "--seed", str(spec.seed),
        "--classes", *spec.classes,
    ]
    if spec.noise:
        args += ["--noise", repr(spec.noise)]
    if spec.contamination_density:
        args += ["--contamination", repr(spec.contamination_density),
                 repr(spec.contamination_intensity)]
    if spec.glyph_radius is not None:
        args += ["--glyph-radius", repr(spec.glyph_radius)]
    if not spec.labeled:
        args.append("--unlabeled")
    return args


# --- trained models ---------------------------------------------------------------------

def model_name(model: str, angle: float, replicate: int) -> str:
    return f"{model}_a{format_angle(angle)}_s{replicate}"


def trained_models(config: dict) -> list[tuple[str, str]]:
    """(paper, name) of every model the plan trains: each model at each angle of its
    paper, once per training seed."""
    out = []
    for paper, key in (("000", "paper000"), ("001", "paper001")):
        for model in config[key]["models"]:
            for angle in config[key]["angles"]:
                for replicate in config["training"]["seeds"]:
                    out.append((paper, model_name(model, angle, replicate)))
    return out


def training_settings(training: dict, model: str,
                      shared_network: bool = False) -> tuple[dict, dict]:
    """Model options and training options of cards model `model` from the config's
    `training`: the ss recipe for ss-models, the joint recipe (and, unless
    `shared_network`, the joint_model options over the shared model options) for the
    j-models; each model takes its configured pixel fraction, invariant models their
    configured decoder and the others the MLP decoder."""
    invariant = model in INVARIANT_MODELS
    options = dict(training["ss"] if model in SS_MODELS else training["joint"])
    # decoder and pixel_fraction are set per cards model; an experiment's models take the
    # experiment's own (experiment_training_settings).
    options["pixel_fraction"] = training["pixel_fraction"].get(model, 1.0)
    options["compile"] = training["compile"]
    decoder = training["decoder"].get(model, "affine") if invariant else "mlp"
    model_options = dict(training["model"], decoder=decoder)
    if model in JOINT_MODELS and not shared_network:  # the cards' j-models' own options
        joint = training["joint_model"]
        # joint_model's angle and offset priors are the j-trVAE's; j-VAE has no angle or
        # offsets, so it keeps `model`'s and its options (and cached models) stay the same
        model_options.update({key: value for key, value in joint.items()
                              if invariant or key not in TRANSFORM_OPTIONS})
    if not invariant:  # no angle latent: the option would only change its record
        model_options.pop("angle_latent", None)
    return model_options, options


EXPERIMENT_DATA_KEYS = ("name", "source", "patches", "transfer", "preprocess", "classes",
                        "labels_per_class")


def experiment_data(experiment: dict) -> dict:
    """What an experiment's prepared files depend on: its data keys, and of its models
    only those that need labels (they decide whether a labeled split is written). A
    change anywhere else (epochs, decoder, class weight, another unsupervised model)
    then retrains what it touches without reading the data again."""
    data = {key: experiment[key] for key in EXPERIMENT_DATA_KEYS}
    data["models"] = [m for m in experiment["models"] if m in LABEL_MODELS]
    return data


def experiment_training_settings(training: dict, experiment: dict, model: str,
                                 n_classes: int | None) -> tuple[dict, dict]:
    """`training_settings` for a model of one experiment: the config's recipe with the
    experiment's own epochs, invariances, padding, decoder, pixel fraction, classes and
    (jvae, jtrvae) class KL weight, and the plain VAE's KL weight for vae/rvae (one
    class). `n_classes` None: known only once the data are read (the workflow's rule
    states the settings before that and the training fills it in)."""
    # The shared network, not the cards' j-models' (joint_model): with paper 001's sizes
    # the lattice stand-in's j-trVAE put every patch in one class on two seeds of three
    # (README, The j-models' networks).
    model_options, options = training_settings(training, model, shared_network=True)
    invariant = model in INVARIANT_MODELS
    if invariant:  # the experiment's own decoder, not the cards'
        model_options.update(invariances=experiment["invariances"],
                             padding=experiment["padding"], decoder=experiment["decoder"])
    # The experiment's pixel fraction is its invariant models' (README, Your own data);
    # the others keep every pixel, whatever the cards' models use.
    options["pixel_fraction"] = experiment["pixel_fraction"] if invariant else 1.0
    if model in ("vae", "rvae"):  # one KL weight on every latent
        options["beta_cont_start"] = options["beta_cont_end"] = training["vae"]["beta"]
        options["beta_transform"] = None
    else:
        model_options["n_classes"] = n_classes
    if model in JOINT_MODELS:  # the experiment's own class weight, not the cards'
        options["beta_disc_start"] = experiment["beta_disc"]["start"]
        options["beta_disc_end"] = experiment["beta_disc"]["end"]
    options["epochs"] = experiment["epochs"]
    return model_options, options


def train_arguments(config: dict, paper: str, model: str, replicate: int) -> list[str]:
    """`rotvae train` options (not the file names) for one model of the plan."""
    model_options, options = training_settings(config["training"], model)
    decoder = model_options.pop("decoder")
    return [
        "--model", model,
        "--decoder", decoder,
        "--n-classes", str(len(config["cards"]["classes"])),
        "--model-options", json.dumps(model_options, sort_keys=True),
        "--train-options", json.dumps(options, sort_keys=True),
        "--seed", str(derive_seed(config["seed"], "train", replicate)),
        "--device", config["device"],
    ]


# --- evaluation grids (paper 000, Figs. 4a-f) -------------------------------------------

GRIDS = ("distortion", "noise", "contamination", "confusion")


def linspace(spec: dict) -> list[float]:
    return [float(v) for v in np.linspace(spec["start"], spec["stop"], spec["num"])]


def evaluation_cells(config: dict, grid: str) -> list[dict]:
    """The cells of evaluation grid `grid`: each a dict of its coordinates plus `spec`,
    the `CardSpec` (as a dict) of the images it is scored on. The images are regenerated
    from the spec wherever they are needed; one seed per grid, so every cell moves or
    corrupts the same underlying cards and every model sees the same images."""
    if grid not in GRIDS:
        raise ConfigError(f"evaluation grid '{grid}': expected one of {GRIDS}")
    p0 = config["paper000"]
    base = {
        "classes": tuple(config["cards"]["classes"]),
        "glyph_radius": config["cards"]["glyph_radius"],
        "scale": tuple(p0["scale"]),
        "translate": p0["test"]["translate"],
        "per_class": p0["test"]["per_class"],
        "shear": p0["shear"],
        "angle": p0["reference_angle"],
        "seed": derive_seed(config["seed"], "evaluate", grid),
    }
    cells = []
    if grid == "distortion":
        g = p0["distortion_grid"]
        for shear in linspace(g["shear"]):
            for angle in linspace(g["angle"]):
                spec = dict(base, shear=shear, angle=angle, per_class=g["per_class"])
                cells.append({"shear": shear, "angle": angle, "spec": spec})
    elif grid == "noise":
        n = p0["noise"]
        for sigma in np.logspace(n["log10_start"], n["log10_stop"], n["num"]):
            cells.append({"noise": float(sigma), "spec": dict(base, noise=float(sigma))})
    elif grid == "contamination":
        c = p0["contamination"]
        for intensity in linspace(c["intensity"]):
            for density in linspace(c["density"]):
                spec = dict(base, contamination_intensity=intensity,
                            contamination_density=density)
                cells.append({"intensity": intensity, "density": density, "spec": spec})
    else:
        for item in p0["confusion"]:
            spec = dict(base, shear=float(item["shear"]), angle=float(item["angle"]))
            cells.append({"shear": float(item["shear"]), "angle": float(item["angle"]),
                          "spec": spec})
    for cell in cells:  # validate now: a bad grid fails before any job starts
        CardSpec(**cell["spec"])
        cell["spec"]["scale"] = list(cell["spec"]["scale"])
        cell["spec"]["classes"] = list(cell["spec"]["classes"])
    return cells


def reference_models(config: dict, model: str) -> list[str]:
    """Names of the `model` runs (one per training seed) at the reference angle."""
    angle = config["paper000"]["reference_angle"]
    return [model_name(model, angle, r) for r in config["training"]["seeds"]]
