"""What do paper 001's larger networks cost? A training step of each j-model with the
config's `training.model` (paper 000's sizes) against the same with `--joint-model` over
it (default paper 001's sizes), side by side in one run, printed with the ratio.

    python benchmarks/joint_sizes.py --steps 60 --threads 1

Each step: an unlabeled batch of 64, the ELBO with the class summed out, backward and
Adam, with the model's decoder and pixel fraction from the config. The two networks
alternate in rounds, so that both see the same state of the machine.
"""

from __future__ import annotations

import argparse
import json

import torch

from rotvae.bench import alternating_seconds
from rotvae.config import load_config
from rotvae.names import JOINT_MODELS
from rotvae.plan import training_settings

SIZES = ("encoder_hidden", "classifier_hidden", "decoder_hidden", "decoder_layers")
PAPER_001 = {"encoder_hidden": 256, "classifier_hidden": 256, "decoder_hidden": 256,
             "decoder_layers": 3}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="config.yaml")
    parser.add_argument("--steps", type=int, default=60, help="steps per round and network")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--joint-model", type=json.loads, default=PAPER_001,
                        help="JSON object of network options over training.model")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    training = load_config(args.config)["training"]

    print(f"{'j-model step':16} {'shared model':>14} {'joint_model':>14} {'cost':>7}")
    for kind in JOINT_MODELS:
        shared_options, options = training_settings(training, kind, shared_network=True)
        cases = {"shared": {"model_options": shared_options},
                 "joint": {"model_options": {**shared_options, **args.joint_model}}}
        seconds = alternating_seconds(cases, args.rounds, kind=kind, steps=args.steps,
                                      pixel_fraction=options["pixel_fraction"])
        print(f"{kind:16} {seconds['shared']:12.4f} s {seconds['joint']:12.4f} s "
              f"{seconds['joint'] / seconds['shared']:6.2f}x")
    for name, options in (("shared model", training["model"]),
                          ("joint_model", {**training["model"], **args.joint_model})):
        print(f"{name}: " + ", ".join(f"{key} {options[key]}" for key in SIZES))


if __name__ == "__main__":
    main()
