"""A trained ss-(r)VAE's classifier network against the class its own posterior prefers.

The classifier q(y | x) is trained to approach the model's posterior over the class,
p(y | x) ∝ p(y) exp(ELBO(x, y)). Where the two disagree, the classifier is the weak
part (an amortisation gap); where they agree, better classes need a better generative
model. For every card, each class's ELBO is computed with the encoder's posterior mean
(no sampling) and every pixel, and the class with the highest wins (the class prior is
uniform). Printed: both accuracies and how often the two agree.

    python benchmarks/posterior_classifier.py results/models/000/ssrvae_a60_s0.pt \\
        results/data/cards/000_test_a60.npz
"""

from __future__ import annotations

import argparse

import numpy as np
import torch

from rotvae.datasets import load_dataset
from rotvae.models import SSVAE
from rotvae.models.base import bernoulli_log_prob
from rotvae.robustness import predict
from rotvae.train import flatten, load_model


@torch.no_grad()
def class_elbos(model: SSVAE, xs: torch.Tensor) -> torch.Tensor:
    """(B, K): log p(x | z = mean, y) - KL(q(z | x, y) || p(z)) for every class y."""
    scores = []
    for k in range(model.config.n_classes):
        y = model.one_hot(torch.full((xs.shape[0],), k, dtype=torch.long))
        loc, scale = model.encoder_z(xs, y)
        log_px = bernoulli_log_prob(model.decode_latent(loc, y), xs)
        kl = (0.5 * (loc**2 + scale**2 - 1.0) - scale.log()).sum(-1)  # against N(0, I)
        scores.append(log_px - kl)
    return torch.stack(scores, -1)


def posterior_classes(model: SSVAE, images: np.ndarray, batch: int = 200) -> np.ndarray:
    """The class of highest ELBO for every image, (N,)."""
    out = [class_elbos(model, flatten(images[i : i + batch], "cpu")).argmax(-1).numpy()
           for i in range(0, len(images), batch)]
    return np.concatenate(out) if out else np.empty(0, dtype=np.int64)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="a trained ss-VAE or ss-rVAE (.pt)")
    parser.add_argument("cards", help="a cards set (.npz) with labels")
    parser.add_argument("--limit", type=int, default=None, help="the first N cards only")
    args = parser.parse_args()
    torch.set_num_threads(1)
    model = load_model(args.model)[0]
    if not isinstance(model, SSVAE):
        raise SystemExit(f"{args.model}: expected an ss-VAE or ss-rVAE (an SSVAE)")
    cards = load_dataset(args.cards)
    images, labels = cards["images"][: args.limit], cards["labels"][: args.limit]
    network = predict(model, images)
    posterior = posterior_classes(model, images)
    print(f"{len(labels)} cards: classifier network {(network == labels).mean():.4f}, "
          f"highest ELBO {(posterior == labels).mean():.4f}, "
          f"the two agree on {(network == posterior).mean():.4f}")


if __name__ == "__main__":
    main()
