"""One seed in the config seeds everything: Python, NumPy, torch and Pyro for a job, and,
through `derive_seed`, an independent stream for each data set."""

from __future__ import annotations

import random
import zlib

import numpy as np


def derive_seed(seed: int, *names: object) -> int:
    """A 32-bit seed for the stream called `names` under the run's `seed`. Stable across
    machines and Python versions (crc32, not the salted `hash`)."""
    keys = [zlib.crc32(str(name).encode()) for name in names]
    return int(np.random.SeedSequence([seed, *keys]).generate_state(1)[0])


def seed_everything(seed: int) -> None:
    """Seed Python's `random`, NumPy's global state, torch and Pyro with one seed."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    import torch

    torch.manual_seed(seed)
    try:
        import pyro
    except ImportError:  # pragma: no cover - pyro is a dependency; data steps do not need it
        return
    pyro.set_rng_seed(seed)
