"""Paper 001, Fig. S1-S3: per class of the j-trVAE, the 2-D manifold of its continuous
latents (Gaussian quantiles on both axes), for each α."""

from rotvae.scripting import start

start(snakemake)  # noqa: F821  (first, before the imports: see rotvae.scripting.start)

import matplotlib.pyplot as plt

from rotvae.datasets import load_dataset
from rotvae.figures import save_figure
from rotvae.latents import manifold, matched_suits
from rotvae.train import load_model

p = snakemake.params
fig, axes = plt.subplots(len(p.angles), 4, squeeze=False, figsize=(8, 2.1 * len(p.angles)))
for r, (path, test, angle) in enumerate(zip(snakemake.input.models, snakemake.input.tests,
                                            p.angles)):
    model, _ = load_model(path)
    suits = matched_suits(model, load_dataset(test))
    for cls in range(model.config.n_classes):
        ax = axes[r, cls]
        ax.imshow(manifold(model, cls, p.steps), cmap="gray", vmin=0, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"α = {angle:g}°, class → {p.classes[suits[cls]]}", fontsize=7)
        ax.set_xlabel("z1 →", fontsize=6)
        ax.set_ylabel("z2 →", fontsize=6)
fig.tight_layout()
save_figure(fig, snakemake.output)
