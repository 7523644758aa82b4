"""Paper 000, Fig. 6 on your data: the ss-rVAE's class-conditioned latent manifolds and
its per-class accuracy on the unlabeled part (mean over the training seeds)."""

from rotvae.scripting import start

start(snakemake)  # noqa: F821  (first, before the imports: see rotvae.scripting.start)

import json

import matplotlib.pyplot as plt
import pandas as pd

from rotvae.figures import mean_spread, save_figure
from rotvae.latents import manifold
from rotvae.train import load_model

p = snakemake.params
experiment = json.loads(p.experiment)
model, _ = load_model(snakemake.input.model)
table = pd.read_csv(snakemake.input.table, dtype={"class": str})
scores = table[(table["model"] == "ssrvae") & (table["metric"] == "accuracy")]
summary = mean_spread(scores, ["class"], "value").set_index("class")
classes = [c for c in summary.index if c != "all"]
k = model.config.n_classes
fig, axes = plt.subplots(1, k + 1, figsize=(2.2 * (k + 1), 2.6),
                         gridspec_kw={"width_ratios": [1] * k + [1.3]})
for cls in range(k):
    ax = axes[cls]
    ax.imshow(manifold(model, cls, p.steps), cmap="gray", vmin=0, vmax=1)
    ax.set_xticks([])
    ax.set_yticks([])
    name = classes[cls] if cls < len(classes) else str(cls)
    ax.set_title(f"class {name}", fontsize=8)
ax = axes[-1]
ax.bar(range(len(classes)), summary.loc[classes, "mean"], yerr=summary.loc[classes, "std"],
       color="tab:blue", capsize=3)
ax.axhline(0.6, color="0.5", lw=0.8, ls="--")
ax.set_xticks(range(len(classes)), classes, rotation=30, fontsize=6)
ax.set_ylim(0, 1)
ax.set_ylabel("accuracy (unlabeled)", fontsize=7)
ax.set_title(f"ss-rVAE, all: {summary.loc['all', 'mean']:.2f} ± {summary.loc['all', 'std']:.2f} "
             f"(n={summary.loc['all', 'n']})", fontsize=7)
fig.suptitle(f"experiment '{experiment['name']}', "
             f"{experiment['labels_per_class']} labels per class", fontsize=9)
fig.tight_layout()
save_figure(fig, snakemake.output)
