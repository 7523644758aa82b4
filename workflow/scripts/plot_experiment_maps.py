"""Paper 001, Figs. 5-7 on your data: the image, then the class and each latent of every
patch drawn at the patch's centre. On the second image (transfer) the encoder trained on
the first is applied as it is."""

from rotvae.scripting import start

start(snakemake)  # noqa: F821  (first, before the imports: see rotvae.scripting.start)

import json

import matplotlib.pyplot as plt

from rotvae.datasets import load_dataset
from rotvae.figures import save_figure
from rotvae.latents import encode_all, latent_names
from rotvae.train import load_model

p = snakemake.params
experiment = json.loads(p.experiment)
data = load_dataset(snakemake.input.data)
model, record = load_model(snakemake.input.model)
locs, classes = encode_all(model, data["images"])
panels = [("image", None)]
if model.config.n_classes > 1:
    panels.append((f"inferred class ({record['kind']})", classes))
panels += [(f"latent {name}", locs[:, j]) for j, name in enumerate(latent_names(model))
           if name not in ("dx", "dy")]
fig, axes = plt.subplots(1, len(panels), figsize=(3.2 * len(panels), 3.4), squeeze=False)
scene = data["scene"]
for ax, (title, values) in zip(axes[0], panels):
    ax.imshow(scene, cmap="gray")
    if values is not None:
        cmap = "tab10" if title.startswith("inferred") else "coolwarm"
        spot = ax.scatter(data["col"], data["row"], c=values, s=6, marker="s", cmap=cmap,
                          alpha=0.8, vmin=0 if cmap == "tab10" else None,
                          vmax=9 if cmap == "tab10" else None)
        if cmap != "tab10":
            fig.colorbar(spot, ax=ax, fraction=0.046)
    ax.set_title(title, fontsize=8)
    ax.set_xticks([])
    ax.set_yticks([])
which = "second image (encoder applied, not retrained)" if snakemake.wildcards.which == "transfer" else "training image"
fig.suptitle(f"experiment '{experiment['name']}': {which}", fontsize=9)
fig.tight_layout()
save_figure(fig, snakemake.output)
