"""Paper 000, Fig. 5 on your data: for the VAE and the rVAE, the images' latent means
coloured by their known class (grey without labels) and the decoded latent manifold."""

from rotvae.scripting import start

start(snakemake)  # noqa: F821  (first, before the imports: see rotvae.scripting.start)

import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from rotvae.datasets import load_dataset
from rotvae.figures import save_figure
from rotvae.latents import encode_all, latent_names, manifold
from rotvae.train import load_model

p = snakemake.params
experiment = json.loads(p.experiment)
data = load_dataset(snakemake.input.data)
labels = data.get("true_labels")
names = json.loads(Path(snakemake.input.summary).read_text())["class_names"]
models = [load_model(path) for path in snakemake.input.models]
fig, axes = plt.subplots(len(models), 2, squeeze=False, figsize=(7, 3.3 * len(models)))
for row, (model, record) in enumerate(models):
    locs, _ = encode_all(model, data["images"])
    columns = latent_names(model)
    z = locs[:, columns.index("z1") : columns.index("z1") + 2]
    ax = axes[row, 0]
    if labels is None:
        ax.scatter(z[:, 0], z[:, 1], s=3, c="0.4")
    else:
        for k in np.unique(labels):
            members = labels == k
            ax.scatter(z[members, 0], z[members, 1], s=4, label=names[k])
        ax.legend(fontsize=6, markerscale=2)
    label = "rVAE" if record["kind"] == "rvae" else "VAE"
    ax.set_title(f"{label}: latent means (z1, z2)", fontsize=8)
    ax.set_xlabel("z1")
    ax.set_ylabel("z2")
    ax = axes[row, 1]
    ax.imshow(manifold(model, 0, p.steps), cmap="gray", vmin=0, vmax=1)
    ax.set_title(f"{label}: decoded manifold", fontsize=8)
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle(f"experiment '{experiment['name']}'", fontsize=9)
fig.tight_layout()
save_figure(fig, snakemake.output)
