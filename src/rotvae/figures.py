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
