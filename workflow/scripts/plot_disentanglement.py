"""Beyond paper 001: how each latent follows each generating factor (mean correlation
over training seeds; circular correlation for the angle latent against the angle)."""

from rotvae.scripting import start

start(snakemake)  # noqa: F821  (first, before the imports: see rotvae.scripting.start)

import matplotlib.pyplot as plt
import pandas as pd

from rotvae.figures import MODEL_LABELS, heatmap, mean_spread, save_figure

table = pd.read_csv(snakemake.input.table)
summary = mean_spread(table, ["model", "angle", "latent", "factor"], "correlation")
summary["row"] = [f"{MODEL_LABELS[m]} α={a:g} {lat}" for m, a, lat in
                  zip(summary["model"], summary["angle"], summary["latent"])]
grid = summary.pivot(index="row", columns="factor", values="mean")
grid = grid.loc[list(dict.fromkeys(summary["row"]))]
fig, ax = plt.subplots(figsize=(5, 0.3 * len(grid) + 1.2))
heatmap(ax, grid.values, list(grid.columns), list(grid.index), "generating factor", "latent",
        vmin=-1, vmax=1, cmap="RdBu_r", value="correlation (mean over seeds)")
ax.invert_yaxis()
ax.collections[0].colorbar.set_label("correlation (mean over seeds)")
save_figure(fig, snakemake.output)
