"""Paper 000, Fig. S3 on your data: per-class accuracy on the unlabeled part of the trees
(trained on the labeled images, raw and augmented) against the semi-supervised models."""

from rotvae.scripting import start

start(snakemake)  # noqa: F821  (first, before the imports: see rotvae.scripting.start)

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from rotvae.figures import MODEL_LABELS, mean_spread, save_figure

table = pd.read_csv(snakemake.input.table, dtype={"class": str})
table = table[(table["metric"] == "accuracy") & (table["set"] == "unlabeled")]
summary = mean_spread(table, ["model", "training", "class"], "value")
summary["label"] = [MODEL_LABELS.get(m, m) + ("" if t in ("semi-supervised", "raw") else f" ({t})")
                    for m, t in zip(summary["model"], summary["training"])]
classes = list(dict.fromkeys(summary["class"]))
classes = [c for c in classes if c != "all"] + ["all"]
# The semi-supervised models first, then each tree method raw and augmented.
summary["rank"] = summary["training"].map({"semi-supervised": 0, "raw": 1, "augmented": 2})
summary["group"] = summary["rank"].clip(upper=1)
summary = summary.sort_values(["group", "model", "rank"], kind="stable")
labels = list(dict.fromkeys(summary["label"]))
width = 0.8 / len(labels)
fig, ax = plt.subplots(figsize=(1.3 * len(classes) + 4.0, 3.2))
for i, label in enumerate(labels):
    rows = summary[summary["label"] == label].set_index("class").reindex(classes)
    ax.bar(np.arange(len(classes)) + (i - (len(labels) - 1) / 2) * width, rows["mean"],
           width, yerr=rows["std"], label=label, capsize=2)
ax.set_xticks(range(len(classes)), classes)
ax.set_ylim(0, 1)
ax.set_ylabel("accuracy on the unlabeled images")
ax.legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.01, 1.0))
ax.set_title("trees on raw pixels vs semi-supervised VAEs (mean ± sd over seeds)", fontsize=8)
fig.tight_layout()
save_figure(fig, snakemake.output)
