"""Seconds per training step of rotvae against the reference implementation (pyroVED),
measured side by side in one run, printed as a table with ratios.

The reference runs in its own virtual environment (rotvae never depends on it):

    python3 -m venv /tmp/refvenv
    /tmp/refvenv/bin/pip install torch==2.13.0 pyro-ppl==1.9.2 pyroved==0.3.0
    /tmp/refvenv/bin/pip uninstall -y torchvision
    python benchmarks/reference_speed.py --reference-python /tmp/refvenv/bin/python

pyroVED imports torchvision only to plot; a one-function stand-in is put on its path.
Each measurement is a fresh process, rotvae and reference alternating, so neither gets
a warmer machine; the median over --repeats is reported.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REFERENCE_STEP = r"""
import json, sys, time, torch
torch.set_num_threads(int(sys.argv[1]))
from pyroved.models import ssiVAE
from pyroved.trainers import auxSVItrainer
invariances = None if sys.argv[2] == "none" else list(sys.argv[2])
steps, batch = int(sys.argv[3]), int(sys.argv[4])
model = ssiVAE((48, 48), latent_dim=2, num_classes=4, invariances=invariances)
trainer = auxSVItrainer(model)
x = torch.rand(batch, 48 * 48)
for _ in range(2):
    trainer.compute_loss(x)
start = time.perf_counter()
for _ in range(steps):
    trainer.compute_loss(x)
print(json.dumps({"seconds_per_step": (time.perf_counter() - start) / steps}))
"""

TORCHVISION_SHIM = "def make_grid(tensor, *args, **kwargs):\n    return tensor\n"

# (label, rotvae bench arguments, reference invariances, slow on our side)
CASES = [
    ("ss-VAE (no invariance)", ["--model", "ssvae"], "none", False),
    ("ss-VAE, compiled", ["--model", "ssvae", "--compile"], "none", False),
    ("ss-VAE, 1/128 of pixels per step", ["--model", "ssvae", "--pixel-fraction", "0.0078125"],
     "none", False),
    ("ss-rVAE, affine decoder (ours)", ["--model", "ssrvae", "--decoder", "affine"], "rt", False),
    ("ss-rVAE, spatial decoder (papers')", ["--model", "ssrvae", "--decoder", "spatial"],
     "rt", True),
    ("ss-rVAE, spatial decoder, compiled", ["--model", "ssrvae", "--decoder", "spatial",
                                            "--compile"], "rt", True),
    ("ss-rVAE, spatial decoder, 1/128 of pixels per step",
     ["--model", "ssrvae", "--decoder", "spatial", "--pixel-fraction", "0.0078125"], "rt", False),
]


def run_json(command: list[str], env_path: str | None = None) -> dict:
    env = None
    if env_path:
        import os

        env = dict(os.environ, PYTHONPATH=env_path)
    out = subprocess.run(command, capture_output=True, text=True, env=env)
    if out.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference-python", required=True, help="python of the pyroved venv")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--steps", type=int, default=20, help="steps per fast measurement")
    parser.add_argument("--slow-steps", type=int, default=3, help="steps for the spatial decoders")
    parser.add_argument("--cases", nargs="+", default=None,
                        help="only the cases whose label contains one of these words")
    args = parser.parse_args()
    cases = [c for c in CASES if not args.cases or any(w in c[0] for w in args.cases)]
    if not cases:
        raise SystemExit(f"--cases {args.cases}: no case matches; cases: {[c[0] for c in CASES]}")

    shim = Path(tempfile.mkdtemp()) / "torchvision"
    shim.mkdir()
    (shim / "__init__.py").write_text("from . import utils\n")
    (shim / "utils.py").write_text(TORCHVISION_SHIM)

    rows = []
    for label, ours_args, invariances, slow in cases:
        # The reference's invariant model takes seconds per step, like our spatial one.
        steps = args.slow_steps if invariances == "rt" else args.steps
        ours_steps = args.slow_steps if slow else args.steps
        ours, ref = [], []
        for _ in range(args.repeats):
            ours.append(run_json([sys.executable, "-m", "rotvae", "bench", *ours_args,
                                  "--steps", str(ours_steps), "--threads", str(args.threads),
                                  "--batch-size", str(args.batch_size)])["seconds_per_step"])
            ref.append(run_json([args.reference_python, "-c", REFERENCE_STEP, str(args.threads),
                                 invariances, str(steps), str(args.batch_size)],
                                env_path=str(shim.parent))["seconds_per_step"])
        o, r = statistics.median(ours), statistics.median(ref)
        rows.append({"case": label, "rotvae_s": o, "reference_s": r, "speedup": r / o})

    print(f"batch {args.batch_size}, 48x48, {args.threads} threads, one unlabeled step "
          f"(enumerated ELBO + backward + Adam), median of {args.repeats}\n")
    print(f"| {'model':52} | rotvae s/step | pyroVED s/step | speed-up |")
    print(f"| {'-' * 52} | ------------- | -------------- | -------- |")
    for row in rows:
        print(f"| {row['case']:52} | {row['rotvae_s']:13.4f} | {row['reference_s']:14.4f} "
              f"| {row['speedup']:7.1f}x |")
    print("\n" + json.dumps(rows))


if __name__ == "__main__":
    main()
