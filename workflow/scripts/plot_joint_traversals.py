"""Paper 001, Fig. 2: learned manifolds of j-VAE and j-trVAE at each α: rows are the
discrete classes (labelled by the suit each matches), columns a continuous latent swept
through Gaussian quantiles with the other at 0."""

from rotvae.scripting import start, write_table

start(snakemake)  # noqa: F821  (first, before the imports: see rotvae.scripting.start)

import numpy as np
import pandas as pd

from rotvae.datasets import load_dataset
from rotvae.figures import MODEL_LABELS, image_grid, latent_traversal, save_figure
from rotvae.latents import matched_suits
from rotvae.train import load_model

p = snakemake.params
tests = {angle: load_dataset(path) for angle, path in zip(p.angles, snakemake.input.tests)}
blocks, labels, rows = [], [], []
for path, (model_name, angle) in zip(snakemake.input.models, p.panels):
    model, _ = load_model(path)
    images, traversal = latent_traversal(model, steps=p.steps)
    suits = matched_suits(model, tests[angle])
    blocks.append(images)
    labels += [f"{MODEL_LABELS[model_name]} α={angle:g}\n→ {p.classes[s]}" for s in suits]
    rows += [{"model": model_name, "angle": angle, "suit": p.classes[suits[r["class"]]], **r}
             for r in traversal]
columns = [f"z{j + 1}={q:+.1f}" for j in range(2) for q in
           [r["z"] for r in rows[j * p.steps:(j + 1) * p.steps]]]
fig = image_grid(np.concatenate(blocks), row_labels=labels, col_labels=columns, cell=0.6,
                 label_size=5)
save_figure(fig, snakemake.output.figures)
write_table(pd.DataFrame(rows), snakemake.output.table)
