"""How well j-models sort a cards set they never trained on: matched accuracy, NMI and
ARI of their classes, the content latent that follows shear or scale most, and the
matched accuracy of the cards in each 30-degree band of |angle| and in each band of 0.1
in scale (does a card's turn, or its size, decide whether it is sorted right?).

    python benchmarks/joint_scores.py val60.npz results/models/001/jtrvae_a60_s*.pt

The cards set is any `rotvae make-cards` output, such as the validation cards of the
README (`rotvae make-cards --per-class 1000 --angle 60 --shear 10 --scale 1.0 1.2
--translate 0.1 --seed 777 --out val60.npz`), so that settings are compared on cards that
are not the plan's test cards. One line per model.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np

from rotvae.datasets import load_dataset
from rotvae.evaluate import cluster_scores
from rotvae.latents import disentanglement_rows, encode_all
from rotvae.train import load_model

SHAPE_FACTORS = ("shear_x", "shear_y", "scale")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cards", type=Path, help="a cards .npz with its factors")
    parser.add_argument("models", type=Path, nargs="+", help="j-model .pt files")
    args = parser.parse_args()
    cards = load_dataset(args.cards)
    for path in args.models:
        model = load_model(path)[0]
        # the classes once, for the scores and the bands (cluster_rows would encode again)
        _, clusters = encode_all(model, cards["images"])
        scores = cluster_scores(cards["true_labels"], clusters, model.config.n_classes)
        right = np.asarray(scores["mapping"])[clusters] == cards["true_labels"]
        # a factor the cards hold constant has no correlation (nan): left out
        content = [row for row in disentanglement_rows(model, cards)
                   if row["latent"].startswith("z") and row["factor"] in SHAPE_FACTORS
                   and math.isfinite(row["correlation"])]
        top = max(content, key=lambda row: abs(row["correlation"]), default=None)
        largest = (f"{top['latent']}~{top['factor']} {top['correlation']:+.2f}" if top
                   else "none (shear and scale constant)")
        print(f"{path}  matched_accuracy {scores['matched_accuracy']:.3f}  "
              f"nmi {scores['nmi']:.3f}  ari {scores['ari']:.3f}  largest |r| {largest}  "
              f"by |angle| {bands(right, np.abs(cards['angle']), 30.0)}  "
              f"by scale {bands(right, cards['scale'], 0.1)}")


def bands(right: np.ndarray, values, width: float) -> str:
    """Share of `right` (each card matched to its suit or not) among the cards whose
    value (|angle| in degrees, or scale) lies in each band of `width`."""
    band = np.floor(np.asarray(values, dtype=np.float64) / width + 1e-9)
    return " ".join(f"{b * width:g}-{(b + 1) * width:g}:{right[band == b].mean():.3f}"
                    for b in np.unique(band))


if __name__ == "__main__":
    main()
