"""Scores of every model and seed of one experiment, as tidy rows (model, training, seed,
set, class, metric, value): accuracy per class and overall of the semi-supervised models
and the trees on the unlabeled part; matched accuracy, NMI and ARI of the unsupervised
classes on every image and, with the classes matched there, on the second image; and,
for those models, how much of each continuous latent the known labels explain
(eta_squared_<latent>, on every image and on the second one), since a model may carry the
labels in a continuous latent rather than in its classes (paper 001, Fig. 5)."""

from rotvae.scripting import start, write_table

log = start(snakemake)  # noqa: F821  (first, before the imports: see rotvae.scripting.start)

import json
from pathlib import Path

import numpy as np
import pandas as pd

from rotvae.baselines import augment, fit_tree, tree_predict
from rotvae.datasets import load_dataset
from rotvae.evaluate import cluster_scores
from rotvae.latents import encode_all, label_shares
from rotvae.robustness import predict
from rotvae.seeding import seed_everything
from rotvae.train import load_model

p = snakemake.params
exp, files = json.loads(p.experiment), p.files
summary = json.loads(Path(files["summary"]).read_text())
names = summary["class_names"] or [str(k) for k in range(summary["n_classes"] or 1)]
rows = []

def per_class(model, training, seed, true, predicted, where="unlabeled"):
    for k, name in enumerate(names):
        members = true == k
        if members.any():
            rows.append({"model": model, "training": training, "seed": seed, "set": where,
                         "class": name, "metric": "accuracy",
                         "value": float((predicted[members] == k).mean())})
    rows.append({"model": model, "training": training, "seed": seed, "set": where,
                 "class": "all", "metric": "accuracy", "value": float((predicted == true).mean())})

def latent_shares(model, kind, seed, locs, true, where):
    for name, value in label_shares(model, locs, true).items():
        rows.append({"model": kind, "training": "unsupervised", "seed": seed, "set": where,
                     "class": "all", "metric": f"eta_squared_{name}", "value": value})

every = load_dataset(files["all"])
transfer = load_dataset(files["transfer"]) if "transfer" in files else None
unlabeled = load_dataset(files["unlabeled"]) if "unlabeled" in files else None
for path in snakemake.input.models:
    model, record = load_model(path)
    kind, seed = record["kind"], int(Path(path).stem.rsplit("_s", 1)[1])
    if kind.startswith("ss"):
        per_class(kind, "semi-supervised", seed, unlabeled["true_labels"],
                  predict(model, unlabeled["images"]))
    elif model.config.n_classes > 1 and "true_labels" in every:
        k = model.config.n_classes
        locs, clusters = encode_all(model, every["images"])
        scores = cluster_scores(every["true_labels"], clusters, len(names), k)
        mapping = np.asarray(scores.pop("mapping"))
        per_class(kind, "unsupervised", seed, every["true_labels"], mapping[clusters], "all")
        for metric, value in scores.items():
            rows.append({"model": kind, "training": "unsupervised", "seed": seed, "set": "all",
                         "class": "all", "metric": metric, "value": value})
        latent_shares(model, kind, seed, locs, every["true_labels"], "all")
        if transfer is not None and "true_labels" in transfer:
            t_locs, t_clusters = encode_all(model, transfer["images"])
            per_class(kind, "unsupervised", seed, transfer["true_labels"],
                      mapping[t_clusters], "transfer")
            latent_shares(model, kind, seed, t_locs, transfer["true_labels"], "transfer")
    log.info("scored %s", path)

if "trees" in exp["models"]:
    trees = json.loads(p.trees)
    labeled = load_dataset(files["labeled"])
    for seed in exp["seeds"]:
        seed_everything(p.seed + seed)
        x_aug, y_aug = augment(labeled["images"], labeled["labels"], trees["augment_copies"],
                               trees["augment_angle"], trees["augment_translate"],
                               np.random.default_rng(p.seed + seed))
        sets = {"raw": (labeled["images"], labeled["labels"]), "augmented": (x_aug, y_aug)}
        for method in trees["methods"]:
            for training, (x, y) in sets.items():
                tree = fit_tree(method, x, y, p.seed + seed, snakemake.threads)
                per_class(method, training, seed, unlabeled["true_labels"],
                          tree_predict(tree, unlabeled["images"]))
        log.info("trees of seed %d done", seed)
columns = ["model", "training", "seed", "set", "class", "metric", "value"]
write_table(pd.DataFrame(rows, columns=columns), snakemake.output[0])
