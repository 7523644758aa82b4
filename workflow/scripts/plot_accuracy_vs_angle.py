"""Fig. 3a: ss-VAE and ss-rVAE test accuracy against the angular disorder α."""

from rotvae.scripting import start

start(snakemake)  # noqa: F821  (first, before the imports: see rotvae.scripting.start)

import matplotlib.pyplot as plt
import pandas as pd

from rotvae.figures import MODEL_LABELS, line_with_band, mean_spread, save_figure

table = pd.read_csv(snakemake.input.table)
summary = mean_spread(table, ["model", "angle"])
fig, ax = plt.subplots(figsize=(4.2, 3.2))
for model, part in summary.groupby("model", sort=False):
    line_with_band(ax, part["angle"], part["mean"], part["std"],
                   f"{MODEL_LABELS.get(model, model)} (n = {part['n'].min()})")
ax.axhline(0.25, color="grey", lw=0.8, ls=":", label="chance")
ax.set_xlabel("angular disorder α of unlabeled and test sets (°)")
ax.set_ylabel("test accuracy")
ax.set_ylim(0, 1)
ax.legend(fontsize=7, loc="lower left")
ax.set_title("mean ± s.d. over training seeds", fontsize=8)
save_figure(fig, snakemake.output)
