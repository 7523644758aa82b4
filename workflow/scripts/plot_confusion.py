"""Figs. 4b/4c: normalised confusion matrix of the reference-angle ss-rVAE at one
(shear, angle) cell, averaged over training seeds."""

from rotvae.scripting import start

start(snakemake)  # noqa: F821  (first, before the imports: see rotvae.scripting.start)

import matplotlib.pyplot as plt
import pandas as pd

from rotvae.cards import shear_percent
from rotvae.figures import heatmap, mean_spread, save_figure

p = snakemake.params
table = pd.read_csv(snakemake.input.table)
cell = table[(table["shear"] == p.shear) & (table["angle"] == p.angle)]
if cell.empty:
    raise ValueError(f"{snakemake.input.table}: no rows for shear {p.shear}, angle {p.angle}")
summary = mean_spread(cell, ["true", "predicted"], "fraction")
grid = summary.pivot(index="true", columns="predicted", values="mean")
names = [p.classes[i] for i in grid.index]
fig, ax = plt.subplots(figsize=(4.2, 3.6))
heatmap(ax, grid.values, names, names, "predicted", "true", cmap="Blues",
        value="fraction of the true class")
ax.invert_yaxis()  # true classes top to bottom, as confusion matrices are read
ax.set_title(f"shear {shear_percent(p.shear):.0f} %, α = {p.angle:g}° "
             f"(mean of {summary['n'].min()} seeds)", fontsize=8)
save_figure(fig, snakemake.output)
