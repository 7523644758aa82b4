"""Paper 001, Fig. 3: inferred class (after Hungarian matching) against true suit, for
both models at the chosen angles; matched accuracy, NMI and ARI in each title (means
over training seeds)."""

from rotvae.scripting import start

start(snakemake)  # noqa: F821  (first, before the imports: see rotvae.scripting.start)

import matplotlib.pyplot as plt
import pandas as pd

from rotvae.figures import MODEL_LABELS, heatmap, mean_spread, save_figure

p = snakemake.params
confusion = pd.read_csv(snakemake.input.confusion)
scores = pd.read_csv(snakemake.input.scores)
models = list(dict.fromkeys(confusion["model"]))
fig, axes = plt.subplots(len(p.angles), len(models), squeeze=False,
                         figsize=(3.8 * len(models), 3.4 * len(p.angles)))
for r, angle in enumerate(p.angles):
    for c, model in enumerate(models):
        ax = axes[r, c]
        part = confusion[(confusion["model"] == model) & (confusion["angle"] == angle)]
        grid = mean_spread(part, ["true", "predicted"], "fraction").pivot(
            index="true", columns="predicted", values="mean")
        names = [p.classes[i] for i in grid.index]
        heatmap(ax, grid.values, names, names, "inferred (matched)", "true", cmap="Blues",
                value="fraction of the true suit")
        ax.invert_yaxis()
        s = scores[(scores["model"] == model) & (scores["angle"] == angle)]
        ax.set_title(f"{MODEL_LABELS[model]}, α = {angle:g}°: acc {s['matched_accuracy'].mean():.2f}"
                     f" ± {s['matched_accuracy'].std(ddof=1) if len(s) > 1 else 0:.2f}, "
                     f"NMI {s['nmi'].mean():.2f}, ARI {s['ari'].mean():.2f} (n = {len(s)})",
                     fontsize=7)
fig.tight_layout()
save_figure(fig, snakemake.output)
