"""Fig. 4a: accuracy of the reference-angle ss-rVAE over shear x angle."""

from rotvae.scripting import start

start(snakemake)  # noqa: F821  (first, before the imports: see rotvae.scripting.start)

import matplotlib.pyplot as plt
import pandas as pd

from rotvae.cards import shear_percent
from rotvae.figures import heatmap, mean_spread, save_figure

summary = mean_spread(pd.read_csv(snakemake.input.table), ["shear", "angle"])
grid = summary.pivot(index="shear", columns="angle", values="mean")
fig, ax = plt.subplots(figsize=(8, 6.5))
heatmap(ax, grid.values, [f"{a:g}" for a in grid.columns],
        [f"{s:.0f}" for s in shear_percent(grid.index)], "angle α (°)", "shear (%)")
ax.set_title(f"ss-rVAE trained at α = {snakemake.params.angle:g}°, mean over "
             f"{summary['n'].min()} training seeds", fontsize=9)
save_figure(fig, snakemake.output)
