"""Fig. 4d: the same cards at several noise and contamination levels."""

from rotvae.scripting import start, write_table

start(snakemake)  # noqa: F821  (first, before the imports: see rotvae.scripting.start)

import numpy as np
import pandas as pd

from rotvae.cards import CardSpec, corrupt, make_cards
from rotvae.figures import image_grid, save_figure

p = snakemake.params
spec = CardSpec(**p.spec)
clean = make_cards(spec)
pick = [int(np.flatnonzero(clean["true_labels"] == k)[0]) for k in range(len(spec.classes))]
images = clean["images"][pick]
columns = [{"noise": 0.0, "density": 0.0, "intensity": 0.0}]
columns += [{"noise": s, "density": 0.0, "intensity": 0.0} for s in p.noise]
columns += [{"noise": 0.0, "density": d, "intensity": i} for d, i in p.contamination]
panels = []
for c, col in enumerate(columns):
    rng = np.random.default_rng(spec.seed + c)
    panels.append(corrupt(images, col["noise"], col["density"], col["intensity"], rng))
grid = np.clip(np.stack(panels, axis=1), 0, 1)  # display range; the models see raw values
labels = ["clean"] + [f"σ = {s:g}" for s in p.noise] + \
         [f"{d * 100:.0f} % at {i:g}" for d, i in p.contamination]
fig = image_grid(grid, row_labels=list(spec.classes), col_labels=labels)
save_figure(fig, snakemake.output.figures)
write_table(pd.DataFrame([{"column": c, "label": lab, **col}
                  for c, (lab, col) in enumerate(zip(labels, columns))]), snakemake.output.table)
