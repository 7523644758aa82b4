"""Fig. S3: tree baselines on raw pixels against ss-VAE and ss-rVAE, at every α."""

from rotvae.scripting import start

start(snakemake)  # noqa: F821  (first, before the imports: see rotvae.scripting.start)

import matplotlib.pyplot as plt
import pandas as pd

from rotvae.figures import MODEL_LABELS, line_with_band, mean_spread, save_figure

vae = mean_spread(pd.read_csv(snakemake.input.vae), ["model", "angle"])
trees = mean_spread(pd.read_csv(snakemake.input.trees), ["method", "training", "angle"])
fig, axes = plt.subplots(1, 2, figsize=(8.4, 3.3), sharey=True)
for ax, training, title in zip(axes, ["labeled", "labeled_augmented"],
                               ["trees on the labeled set", "trees on the labeled set, "
                                "augmented (random rotations + shifts)"]):
    for model, part in vae.groupby("model", sort=False):
        line_with_band(ax, part["angle"], part["mean"], part["std"],
                       MODEL_LABELS.get(model, model), lw=2)
    for method, part in trees[trees["training"] == training].groupby("method", sort=False):
        line_with_band(ax, part["angle"], part["mean"], part["std"],
                       MODEL_LABELS.get(method, method), ls="--")
    ax.axhline(0.25, color="grey", lw=0.8, ls=":")
    ax.set_title(title, fontsize=8)
    ax.set_xlabel("angular disorder α (°)")
    ax.set_ylim(0, 1)
axes[0].set_ylabel("test accuracy")
axes[1].legend(fontsize=7, loc="lower left")
fig.text(0.5, -0.1, "Trees cannot use the unlabeled images; they learn from the labeled "
         "set alone (α = 4°).", ha="center", fontsize=7)
save_figure(fig, snakemake.output)
