"""How much an unsupervised experiment's classes depend on the training seed: train its
joint model with N seeds and print, per seed, the final training loss per image
(with the last epoch's KL weights, averaged over 20 draws) beside the matched accuracy
and NMI of its classes against the known labels, which training never sees, and the
largest share of a continuous latent's variance those labels explain (eta squared of the
best z: the labels may sit in a continuous latent instead of the classes).

    snakemake --cores 2 results/experiments/lattice/all.npz
    python benchmarks/experiment_seeds.py --experiment lattice --seeds 12

Run from the repository root after the experiment's data are prepared; it reads the
experiment and training settings from config.yaml (or --config).
"""

from __future__ import annotations

import argparse
import json

import numpy as np
import torch
import yaml

from rotvae.config import validate_config
from rotvae.datasets import load_dataset
from rotvae.latents import encode_all, label_shares
from rotvae.plan import experiment_training_settings
from rotvae.train import Data, TrainConfig, flatten, train


def final_loss(model, images: np.ndarray, options: TrainConfig, draws: int = 20) -> float:
    x = flatten(images, torch.device("cpu"))
    torch.manual_seed(0)
    with torch.no_grad():
        losses = [float(model.loss(x, options.beta_cont_end, options.beta_disc_end,
                                  beta_transform=options.beta_transform))
                  for _ in range(draws)]
    return float(np.mean(losses)) / len(x)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="config.yaml")
    parser.add_argument("--experiment", default="lattice")
    parser.add_argument("--model", default="jtrvae", choices=["jvae", "jtrvae"])
    parser.add_argument("--seeds", type=int, default=12, help="how many seeds")
    parser.add_argument("--first", type=int, default=0, help="the first seed")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    config = validate_config(yaml.safe_load(open(args.config)))
    experiment = {e["name"]: e for e in config["experiments"]}[args.experiment]
    every = load_dataset(f"results/experiments/{args.experiment}/all.npz")
    if "true_labels" not in every:
        raise SystemExit(f"experiment '{args.experiment}' has no known labels to compare with")
    summary = json.load(open(f"results/experiments/{args.experiment}/prepared.json"))
    model_options, options = experiment_training_settings(
        config["training"], experiment, args.model, summary["n_classes"])
    print(f"{'seed':>4} {'final loss':>11} {'matched accuracy':>17} {'NMI':>6} "
          f"{'best z eta^2':>13}")
    for seed in range(args.first, args.first + args.seeds):
        data = Data(every["images"], test_x=every["images"], test_y=every["true_labels"])
        run = TrainConfig(**{**options, "seed": seed, "device": "cpu"})
        model, record = train(args.model, data, model_options, run, threads=args.threads,
                              progress=False)
        last = record["history"][-1]
        locs, _ = encode_all(model, every["images"])
        best_z = max(label_shares(model, locs, every["true_labels"]).values())
        print(f"{seed:>4} {final_loss(model, every['images'], run):>11.2f} "
              f"{last['test_matched_accuracy']:>17.3f} {last['test_nmi']:>6.3f} "
              f"{best_z:>13.3f}", flush=True)


if __name__ == "__main__":
    main()
