"""Score trained classifiers on evaluation grids (paper 000, Figs. 4a-f) whose images are
regenerated in memory cell by cell: only the scores are stored, never the images."""

from __future__ import annotations

import logging
import time

import numpy as np
import torch

from .cards import CardSpec, make_cards
from .evaluate import normalized_confusion

log = logging.getLogger("rotvae.robustness")


@torch.no_grad()
def predict(model, images: np.ndarray, batch: int = 4096) -> np.ndarray:
    """Most probable class of every image, (N,)."""
    out = []
    for start in range(0, len(images), batch):
        x = torch.as_tensor(images[start : start + batch].reshape(-1, model.n_pixels))
        out.append(model.classify(x).argmax(-1).numpy())
    return np.concatenate(out) if out else np.empty(0, dtype=np.int64)


def score_cells(models: list[tuple[dict, object]], cells: list[dict],
                confusion: bool = False) -> list[dict]:
    """One row per (model, cell): the model's labels (e.g. name and training seed), the
    cell's coordinates and `accuracy`; with `confusion`, one row per (model, cell, true
    class, predicted class) with the row-normalised `fraction` instead. `models` is a
    list of (labels, model)."""
    rows = []
    for i, cell in enumerate(cells):
        tic = time.perf_counter()
        spec = CardSpec(**cell["spec"])
        arrays = make_cards(spec)
        coords = {k: v for k, v in cell.items() if k != "spec"}
        true = arrays["true_labels"]
        for labels, model in models:
            predicted = predict(model, arrays["images"])
            if not confusion:
                rows.append({**labels, **coords, "accuracy": float((predicted == true).mean())})
                continue
            matrix = normalized_confusion(true, predicted, model.config.n_classes)
            for t in range(matrix.shape[0]):
                for p in range(matrix.shape[1]):
                    rows.append({**labels, **coords, "true": t, "predicted": p,
                                 "fraction": float(matrix[t, p])})
        log.info("cell %d/%d %s: %.1f s", i + 1, len(cells), coords, time.perf_counter() - tic)
    return rows
