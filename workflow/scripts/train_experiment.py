"""Train one model of an experiment with the training options of the config (ss or joint
recipe), the experiment's epochs, invariances and classes. Resumes from its checkpoint."""

import json
from pathlib import Path

from rotvae.datasets import load_dataset
from rotvae.plan import experiment_training_settings
from rotvae.scripting import start
from rotvae.train import Data, TrainConfig, save_model, train

log = start(snakemake)  # noqa: F821
p = snakemake.params
kind = snakemake.wildcards.model
exp, files, training = json.loads(p.experiment), p.files, json.loads(p.training)
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
model_options, options = experiment_training_settings(training, exp, kind,
                                                      summary["n_classes"])
options.update(seed=p.seed, device=p.device)
model, record = train(kind, data, model_options, TrainConfig(**options),
                      checkpoint=p.checkpoint, threads=snakemake.threads, progress=False)
record["experiment"] = exp["name"]
save_model(snakemake.output.model, model, record)
Path(p.checkpoint).unlink(missing_ok=True)  # the finished model supersedes it
