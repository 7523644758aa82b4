"""Paper 001, Fig. 4: a j-trVAE trained at a small angular disorder draws each class at
angles it never saw, from several points of its continuous latent plane."""

from rotvae.scripting import start, write_table

start(snakemake)  # noqa: F821  (first, before the imports: see rotvae.scripting.start)

import numpy as np
import pandas as pd
import torch

from rotvae.datasets import load_dataset
from rotvae.figures import image_grid, save_figure
from rotvae.latents import matched_suits
from rotvae.train import load_model

p = snakemake.params
model, _ = load_model(snakemake.input.model)
suits = matched_suits(model, load_dataset(snakemake.input.test))
points = [(0.0, 0.0), (-1.0, 1.0), (1.0, -1.0)]
k = model.config.n_classes
images, labels, rows = [], [], []
with torch.no_grad():
    for cls in range(k):
        for point in points:
            content = torch.zeros(len(p.generation_angles), model.config.latent_dim)
            content[:, 0], content[:, 1] = point
            onehot = torch.nn.functional.one_hot(torch.tensor(cls), k).float()
            angles = torch.tensor(np.deg2rad(p.generation_angles), dtype=torch.float32)
            drawn = [model.decode(content[i : i + 1], onehot[None], angle=angles[i],
                                  offset=torch.zeros(2))[0].numpy()
                     for i in range(len(angles))]
            images.append(drawn)
            labels.append(f"{p.classes[suits[cls]]} z=({point[0]:+g},{point[1]:+g})")
            rows += [{"class": cls, "suit": p.classes[suits[cls]], "z1": point[0],
                      "z2": point[1], "angle": a} for a in p.generation_angles]
fig = image_grid(np.array(images), row_labels=labels,
                 col_labels=[f"{a:g}°" for a in p.generation_angles], cell=0.8,
                 title=f"j-trVAE trained at α = {p.train_angle:g}°", label_size=6)
save_figure(fig, snakemake.output.figures)
write_table(pd.DataFrame(rows), snakemake.output.table)
