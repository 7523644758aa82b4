"""Would bfloat16 speed up training on this CPU? float32 against bfloat16 autocast, side
by side in one run, printed with the ratio.

    python benchmarks/bfloat16.py --steps 60 --threads 1

First a lone matrix product of the spatial decoder's shape (4608 x 128 x 128) in each
type, then a whole training step of each model of the plan (unlabeled batch of 64,
enumerated ELBO, backward, Adam) with each model's network, decoder and pixel fraction
from the config, plain and under `torch.autocast("cpu", dtype=torch.bfloat16)`. The two
kinds of step alternate in rounds, so that both see the same state of the machine. A CPU
without bfloat16 units (AMX, AVX-512 BF16) will show bfloat16 slower throughout.
"""

from __future__ import annotations

import argparse
import time

import torch

from rotvae.bench import BENCH_MODELS, alternating_seconds
from rotvae.config import load_config
from rotvae.plan import training_settings


def matmul_gflop_per_second(dtype: torch.dtype, repeats: int = 50) -> float:
    a, b = torch.randn(4608, 128, dtype=dtype), torch.randn(128, 128, dtype=dtype)
    a @ b  # warm-up
    tic = time.perf_counter()
    for _ in range(repeats):
        a @ b
    return 2 * 4608 * 128 * 128 * repeats / (time.perf_counter() - tic) / 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="config.yaml")
    parser.add_argument("--steps", type=int, default=60, help="steps per round and type")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--models", nargs="+", default=list(BENCH_MODELS),
                        choices=BENCH_MODELS)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    training = load_config(args.config)["training"]

    fp32, bf16 = (matmul_gflop_per_second(t) for t in (torch.float32, torch.bfloat16))
    print(f"{'case':24} {'float32':>10} {'bfloat16':>10} {'speed-up':>9}")
    print(f"{'matmul 4608x128x128':24} {fp32:6.0f} GF/s {bf16:6.0f} GF/s {bf16 / fp32:8.2f}x")
    for kind in args.models:
        model_options, options = training_settings(training, kind)
        cases = {bf16: {"bfloat16": bf16} for bf16 in (False, True)}
        seconds = alternating_seconds(cases, args.rounds, kind=kind, steps=args.steps,
                                      model_options=model_options,
                                      pixel_fraction=options["pixel_fraction"])
        decoder = training["decoder"].get(kind)
        name = f"{kind} step" + (f" ({decoder})" if decoder else "")
        print(f"{name:24} {seconds[False]:8.4f} s {seconds[True]:8.4f} s "
              f"{seconds[False] / seconds[True]:8.2f}x")


if __name__ == "__main__":
    main()
