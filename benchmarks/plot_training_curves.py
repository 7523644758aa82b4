"""Held-out accuracy against epoch for trained models, from the histories in their JSON
records (what `rotvae train` writes beside the .pt), in one figure.

    python benchmarks/plot_training_curves.py runs/affine.json runs/spatial.json \
        --labels "affine" "spatial, 1/16 of the pixels" --out curves.png
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

METRICS = ("test_accuracy", "test_matched_accuracy")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("records", nargs="+", type=Path, help="model JSON records")
    parser.add_argument("--labels", nargs="+", default=None)
    parser.add_argument("--title", default=None)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    labels = args.labels or [p.stem for p in args.records]
    if len(labels) != len(args.records):
        raise SystemExit(f"--labels: {len(labels)} labels for {len(args.records)} records")
    fig, ax = plt.subplots(figsize=(6, 3.6))
    for path, label in zip(args.records, labels):
        history = json.loads(path.read_text())["history"]
        metric = next((m for m in METRICS if m in history[0]), None)
        if metric is None:
            raise SystemExit(f"{path}: the history has no held-out accuracy ({METRICS})")
        epochs = [h["epoch"] for h in history]
        ax.plot(epochs, [h[metric] for h in history],
                label=f"{label} (last epoch {history[-1][metric]:.3f})")
    ax.set_xlabel("epoch")
    ax.set_ylabel("held-out accuracy")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    if args.title:
        ax.set_title(args.title, fontsize=9)
    fig.tight_layout()
    fig.savefig(args.out, dpi=120)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
