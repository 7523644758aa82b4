"""One function per figure. Figures read data sets, tables and models; they never train."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no screen on a cluster node or in CI
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from .cards import CLASS_NAMES  # noqa: E402
from .datasets import atomic_path  # noqa: E402

FIGURE_SUFFIXES = (".png", ".pdf")


def save_figure(fig, paths: list[str | os.PathLike], dpi: int = 150) -> None:
    """Save `fig` to every path (format from its suffix), each atomically."""
    for path in paths:
        path = Path(path)
        if path.suffix not in FIGURE_SUFFIXES:
            raise ValueError(f"figure path {path}: expected a suffix in {FIGURE_SUFFIXES}")
        with atomic_path(path) as tmp:
            # Fixed metadata so a redraw of the same data gives the same PDF bytes.
            metadata = {"CreationDate": None} if path.suffix == ".pdf" else {"Software": None}
            fig.savefig(tmp, format=path.suffix[1:], dpi=dpi, bbox_inches="tight",
                        metadata=metadata)
    plt.close(fig)


def plot_card_examples(panels: list[tuple[str, dict]], per_class: int = 4):
    """A block of example images per data set: one row per class, `per_class` columns,
    the true class and the image's angle beneath it. `panels` is (title, arrays)."""
    classes = sorted({int(c) for _, arrays in panels for c in np.unique(arrays["true_labels"])})
    n_rows = len(classes)
    fig, axes = plt.subplots(
        n_rows, len(panels) * per_class,
        figsize=(1.1 * per_class * len(panels) + 0.3 * (len(panels) - 1), 1.15 * n_rows + 0.6),
        squeeze=False, gridspec_kw={"wspace": 0.05, "hspace": 0.25},
    )
    for p, (title, arrays) in enumerate(panels):
        labels = arrays["true_labels"]
        for r, cls in enumerate(classes):
            idx = np.flatnonzero(labels == cls)[:per_class]
            for c in range(per_class):
                ax = axes[r, p * per_class + c]
                ax.set_xticks([])
                ax.set_yticks([])
                if c < idx.size:
                    ax.imshow(arrays["images"][idx[c]], cmap="gray", vmin=0, vmax=1)
                    ax.set_xlabel(f"{round(float(arrays['angle'][idx[c]])):+d}°", fontsize=7, labelpad=1)
                if p * per_class + c == 0:
                    ax.set_ylabel(CLASS_NAMES[cls], fontsize=8)
        axes[0, p * per_class].set_title(title, fontsize=9, loc="left")
    return fig


# --- helpers the figure scripts share ---------------------------------------------------

MODEL_LABELS = {"ssvae": "ss-VAE", "ssrvae": "ss-rVAE", "jvae": "j-VAE", "jtrvae": "j-trVAE",
                "decision_tree": "decision tree", "random_forest": "random forest",
                "xgboost": "XGBoost"}


def mean_spread(table, by: list[str], value: str = "accuracy"):
    """Mean, standard deviation and count of `value` over the rows of each `by` group
    (the training seeds): a tidy frame with columns by + mean, std, n."""
    grouped = table.groupby(by, sort=True)[value]
    out = grouped.agg(["mean", "std", "count"]).reset_index()
    return out.rename(columns={"count": "n"}).fillna({"std": 0.0})


def line_with_band(ax, x, mean, std, label, **style):
    """A mean line with a shaded ± one standard deviation band (the seeds' spread)."""
    line, = ax.plot(x, mean, marker="o", ms=3, label=label, **style)
    ax.fill_between(x, np.asarray(mean) - std, np.asarray(mean) + std, alpha=0.2,
                    color=line.get_color(), lw=0)
    return line


def heatmap(ax, grid, x_labels, y_labels, x_title, y_title, vmin=0.0, vmax=1.0, fmt=".2f",
            annotate=True, cmap="viridis", value="accuracy"):
    """`grid` (rows: y, columns: x) drawn with seaborn, values written in the cells."""
    import seaborn as sns

    sns.heatmap(grid, ax=ax, vmin=vmin, vmax=vmax, cmap=cmap, annot=annotate, fmt=fmt,
                annot_kws={"fontsize": 6}, xticklabels=x_labels, yticklabels=y_labels,
                cbar_kws={"label": value})
    ax.set_xlabel(x_title)
    ax.set_ylabel(y_title)
    ax.tick_params(axis="y", labelrotation=0)  # upright row names stay clear of the title
    ax.invert_yaxis()
    return ax


def image_grid(images, row_labels=None, col_labels=None, cell: float = 0.9, title=None,
               label_size: float = 7):
    """(rows, cols, H, W) images in [0, 1] as one mosaic, a thin white gap between the
    cells, labelled along its left and bottom edges. One image rather than an axes per
    cell: a grid of a few hundred cells then draws and saves in a fraction of the time."""
    images = np.asarray(images, dtype=np.float32)
    rows, cols, h, w = images.shape
    gap = max(1, h // 24)
    padded = np.pad(images, ((0, 0), (0, 0), (0, gap), (0, gap)), constant_values=1.0)
    mosaic = padded.transpose(0, 2, 1, 3).reshape(rows * (h + gap), cols * (w + gap))
    fig, ax = plt.subplots(figsize=(cell * cols + 0.6, cell * rows + 0.5))
    ax.imshow(mosaic[:-gap, :-gap], cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax.set_yticks(np.arange(rows) * (h + gap) + (h - 1) / 2,
                  labels=row_labels if row_labels is not None else [""] * rows)
    ax.set_xticks(np.arange(cols) * (w + gap) + (w - 1) / 2,
                  labels=col_labels if col_labels is not None else [""] * cols)
    ax.tick_params(length=0, labelsize=label_size)
    ax.spines[:].set_visible(False)
    if title:
        ax.set_title(title, fontsize=8, loc="left")
    return fig


def latent_traversal(model, steps: int = 8, angle: float = 0.0):
    """Class-conditioned traversals: images (classes, latents * steps, H, W), each
    continuous latent swept through Gaussian quantiles with the others at 0, drawn
    upright and centred; plus the tidy rows (class, latent, column, z) behind them."""
    import torch

    k, d = model.config.n_classes, model.config.latent_dim
    quantiles = torch.distributions.Normal(0.0, 1.0).icdf(
        torch.linspace(0.5 / steps, 1 - 0.5 / steps, steps))
    images, rows = [], []
    with torch.no_grad():
        for cls in range(k):
            onehot = torch.nn.functional.one_hot(torch.tensor(cls), k).float()
            row = []
            for j in range(d):
                content = torch.zeros(steps, d)
                content[:, j] = quantiles
                row.append(model.decode(content, onehot.expand(steps, k), angle=angle,
                                        offset=torch.zeros(2)).numpy())
                rows += [{"class": cls, "latent": j, "column": c, "z": float(q)}
                         for c, q in enumerate(quantiles)]
            images.append(np.concatenate(row))
    return np.stack(images), rows
