"""Over which card angles a trained ss-rVAE's angle latent follows the true angle.

Each card is encoded with its true suit; the angle latent's posterior mean phi is
compared with the angle the card was drawn at. A class template may be drawn turned in
the model's own frame, so phi - angle is first centred on its most common value per
suit (the suit's offset). A card counts as tracked when phi, less that offset, is within
`--tolerance` degrees of its true angle. Printed per suit: the offset and the tracked
fraction by |true angle|, beside the classifier's accuracy in the same bins. The cards
left over are searched for a second offset the same way: a decoder can draw a second,
turned template of a suit through its content latents, and then follows the angle of
those cards with that offset.

    python benchmarks/angle_window.py results/models/000/ssrvae_a60_s0.pt \\
        results/data/cards/000_test_a60.npz
"""

from __future__ import annotations

import argparse

import numpy as np
import torch

from rotvae.datasets import load_dataset
from rotvae.models import SSVAE
from rotvae.robustness import predict
from rotvae.train import flatten, load_model

SUITS = ("clubs", "spades", "hearts", "diamonds")


def wrap_degrees(a: np.ndarray) -> np.ndarray:
    return (a + 180.0) % 360.0 - 180.0


def suit_offset(difference: np.ndarray, width: float = 5.0) -> float:
    """The most common phi - angle of one suit (degrees), from a histogram of `width`."""
    counts, edges = np.histogram(difference, bins=np.arange(-180.0, 180.0 + width, width))
    peak = int(np.argmax(counts))
    return float(edges[peak] + width / 2)


def angle_tracking(phi: np.ndarray, true_angle: np.ndarray, labels: np.ndarray,
                   tolerance: float) -> tuple[dict[int, float], np.ndarray]:
    """Per-suit offsets (degrees) and whether each card's phi, less its suit's offset, is
    within `tolerance` degrees of its true angle."""
    offsets = {}
    tracked = np.zeros(len(labels), dtype=bool)
    for c in np.unique(labels):
        mine = labels == c
        offsets[int(c)] = suit_offset(wrap_degrees(phi[mine] - true_angle[mine]))
        error = wrap_degrees(phi[mine] - offsets[int(c)] - true_angle[mine])
        tracked[mine] = np.abs(error) <= tolerance
    return offsets, tracked


def second_offsets(phi: np.ndarray, true_angle: np.ndarray, labels: np.ndarray,
                   tracked: np.ndarray, tolerance: float) -> tuple[dict[int, float], np.ndarray]:
    """Per-suit offsets of the cards the first offset leaves untracked, and whether each
    of those is within `tolerance` of it: a suit whose decoder draws a second, turned
    template (through the content latents) has its angle followed at a second offset."""
    rest = ~tracked
    offsets, within = angle_tracking(phi[rest], true_angle[rest], labels[rest], tolerance)
    second = np.zeros(len(labels), dtype=bool)
    second[rest] = within
    return offsets, second


def binned_means(values: np.ndarray, abs_angle: np.ndarray, edges: np.ndarray) -> list[float]:
    bins = np.digitize(abs_angle, edges) - 1
    return [float(values[bins == b].mean()) if (bins == b).any() else float("nan")
            for b in range(len(edges) - 1)]


def row(values: list[float]) -> str:
    return " ".join(f"{v:7.2f}" for v in values)


@torch.no_grad()
def inferred_angles(model, images: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """phi (degrees) of every card, encoded with its true class."""
    loc, _, _ = model.encode(flatten(images, "cpu"), torch.as_tensor(labels).long())
    angle, _, _ = model.split_latent(loc)
    return np.degrees(angle.numpy())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="a trained ss-rVAE (.pt)")
    parser.add_argument("cards", help="a cards set (.npz) with labels and angles")
    parser.add_argument("--tolerance", type=float, default=15.0, help="degrees")
    parser.add_argument("--bin", type=float, default=15.0, help="|angle| bin width, degrees")
    args = parser.parse_args()
    torch.set_num_threads(1)
    model = load_model(args.model)[0]
    if not isinstance(model, SSVAE) or "r" not in model.config.invariances:
        raise SystemExit(f"{args.model}: expected an ss-rVAE (an SSVAE with an angle latent)")
    cards = load_dataset(args.cards)
    labels, true_angle = cards["labels"], cards["angle"]
    phi = inferred_angles(model, cards["images"], labels)
    predicted = predict(model, cards["images"])
    edges = np.arange(0.0, np.abs(true_angle).max() + args.bin, args.bin)
    header = " ".join(f"{lo:>3.0f}-{lo + args.bin:<3.0f}" for lo in edges[:-1])
    print(f"|true angle| bins (deg):            {header}")
    offsets, tracked = angle_tracking(phi, true_angle, labels, args.tolerance)
    for c, offset in offsets.items():
        mine = labels == c
        cells = binned_means(tracked[mine], np.abs(true_angle[mine]), edges)
        print(f"{SUITS[c]:>8} offset {offset:+5.0f}, tracked  " + row(cells))
    print("     all suits, tracked          " + row(binned_means(tracked, np.abs(true_angle), edges)))
    seconds, second = second_offsets(phi, true_angle, labels, tracked, args.tolerance)
    for c, offset in seconds.items():
        mine = labels == c
        cells = binned_means(second[mine], np.abs(true_angle[mine]), edges)
        print(f"{SUITS[c]:>8} second offset {offset:+5.0f}, tracked by it  " + row(cells))
    correct = predicted == labels
    print("     all suits, class accuracy   " + row(binned_means(correct, np.abs(true_angle), edges)))
    print(f"tracked within {args.tolerance:.0f} deg: {tracked.mean():.3f} of the cards; "
          f"class accuracy {correct.mean():.3f}, {correct[tracked].mean():.3f} on those "
          f"tracked, {correct[~tracked].mean():.3f} on the others")
    print(f"second offsets: {second.mean():.3f} of the cards tracked by them, class accuracy "
          f"{correct[second].mean():.3f} on those, "
          f"{correct[~tracked & ~second].mean():.3f} on the cards tracked by neither")


if __name__ == "__main__":
    main()
