"""Fig. S3 table, one training seed: each tree method trained on the labeled set (raw,
and augmented with random rotations and shifts), scored on the test set of every angle."""

from rotvae.scripting import start, write_table

log = start(snakemake)  # noqa: F821  (first, before the imports: see rotvae.scripting.start)

import numpy as np
import pandas as pd

from rotvae.baselines import augment, fit_tree, tree_accuracy
from rotvae.datasets import load_dataset
from rotvae.seeding import seed_everything

p = snakemake.params
seed_everything(p.seed)
labeled = load_dataset(snakemake.input.labeled)
tests = [load_dataset(path) for path in snakemake.input.tests]
x_aug, y_aug = augment(labeled["images"], labeled["labels"], p.copies, p.augment_angle,
                       p.augment_translate, np.random.default_rng(p.seed))
sets = {"labeled": (labeled["images"], labeled["labels"]), "labeled_augmented": (x_aug, y_aug)}
rows = []
for method in p.methods:
    for training, (x, y) in sets.items():
        tree = fit_tree(method, x, y, p.seed, snakemake.threads)
        for angle, test in zip(p.angles, tests):
            acc = tree_accuracy(tree, test["images"], test["true_labels"])
            rows.append({"method": method, "training": training, "angle": angle,
                         "seed": p.replicate, "accuracy": acc})
            log.info("%s on %s, α=%g: %.4f", method, training, angle, acc)
write_table(pd.DataFrame(rows), snakemake.output[0])
