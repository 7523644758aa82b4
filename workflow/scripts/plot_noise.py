"""Fig. 4e: accuracy of the reference-angle ss-rVAE against background noise σ."""

from rotvae.scripting import start

start(snakemake)  # noqa: F821  (first, before the imports: see rotvae.scripting.start)

import matplotlib.pyplot as plt
import pandas as pd

from rotvae.figures import line_with_band, mean_spread, save_figure

summary = mean_spread(pd.read_csv(snakemake.input.table), ["noise"])
fig, ax = plt.subplots(figsize=(4.2, 3.2))
line_with_band(ax, summary["noise"], summary["mean"], summary["std"],
               f"ss-rVAE (n = {summary['n'].min()})")
ax.axhline(0.25, color="grey", lw=0.8, ls=":", label="chance")
ax.set_xscale("log")
ax.set_xlabel("background noise σ")
ax.set_ylabel("test accuracy")
ax.set_ylim(0, 1)
ax.legend(fontsize=7)
ax.set_title(f"trained at α = {snakemake.params.angle:g}°, tested at the same α", fontsize=8)
save_figure(fig, snakemake.output)
