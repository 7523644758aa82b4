"""Figs. 3b/3c: class-conditioned traversals of each continuous latent of one model."""

from rotvae.scripting import start, write_table

start(snakemake)  # noqa: F821  (first, before the imports: see rotvae.scripting.start)

import pandas as pd

from rotvae.cards import CLASS_NAMES
from rotvae.figures import MODEL_LABELS, image_grid, latent_traversal, save_figure
from rotvae.train import load_model

p = snakemake.params
model, record = load_model(snakemake.input.model)
images, rows = latent_traversal(model, steps=p.steps)
columns = [f"z{j + 1} = {r['z']:+.1f}" for j in range(model.config.latent_dim)
           for r in rows[j * p.steps:(j + 1) * p.steps]]
fig = image_grid(images, row_labels=[p.classes[k] if k < len(p.classes) else CLASS_NAMES[k]
                                     for k in range(len(images))],
                 col_labels=columns,
                 title=f"{MODEL_LABELS.get(p.model, p.model)}, α = {p.angle:g}°: each latent "
                       f"through Gaussian quantiles, the other at 0")
save_figure(fig, snakemake.output.figures)
write_table(pd.DataFrame(rows), snakemake.output.table)
