"""Train one model of an experiment with the settings its rule states
(`rotvae.plan.experiment_training_settings`: the config's ss or joint recipe with the
experiment's epochs, invariances, class weight, ...) and the class count of its data.
Resumes from its checkpoint."""

from rotvae.scripting import start

log = start(snakemake)  # noqa: F821  (first, before the imports: see rotvae.scripting.start)

import json
from pathlib import Path

from rotvae.datasets import load_dataset
from rotvae.train import Data, TrainConfig, save_model, train

p = snakemake.params
kind = snakemake.wildcards.model
model_options, options = json.loads(p.settings)  # plan.experiment_training_settings
files = p.files
summary = json.loads(Path(files["summary"]).read_text())
is_ss = kind.startswith("ss")
if is_ss:
    labeled, unlabeled = load_dataset(files["labeled"]), load_dataset(files["unlabeled"])
    data = Data(unlabeled["images"], labeled["images"], labeled["labels"],
                unlabeled["images"], unlabeled["true_labels"])
else:
    every = load_dataset(files["all"])
    data = Data(every["images"])
    if "true_labels" in every:
        data.test_x, data.test_y = every["images"], every["true_labels"]
if "n_classes" in model_options:  # known once the data were read
    model_options["n_classes"] = summary["n_classes"]
options.update(seed=p.seed, device=p.device)
model, record = train(kind, data, model_options, TrainConfig(**options),
                      checkpoint=p.checkpoint, threads=snakemake.threads, progress=False)
record["experiment"] = snakemake.wildcards.exp
save_model(snakemake.output.model, model, record)
Path(p.checkpoint).unlink(missing_ok=True)  # the finished model supersedes it
