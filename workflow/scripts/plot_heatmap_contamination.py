"""Fig. 4f: accuracy of the reference-angle ss-rVAE over contamination intensity x density."""

from rotvae.scripting import start

start(snakemake)  # noqa: F821  (first, before the imports: see rotvae.scripting.start)

import matplotlib.pyplot as plt
import pandas as pd

from rotvae.figures import heatmap, mean_spread, save_figure

summary = mean_spread(pd.read_csv(snakemake.input.table), ["density", "intensity"])
grid = summary.pivot(index="density", columns="intensity", values="mean")
fig, ax = plt.subplots(figsize=(6.5, 5.5))
heatmap(ax, grid.values, [f"{i:.1f}" for i in grid.columns],
        [f"{d * 100:.0f}" for d in grid.index], "contamination intensity",
        "contaminated pixels (%)")
ax.set_title(f"ss-rVAE trained at α = {snakemake.params.angle:g}°, mean over "
             f"{summary['n'].min()} training seeds", fontsize=9)
save_figure(fig, snakemake.output)
