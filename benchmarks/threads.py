"""Training throughput on this machine's cores: one job with all the threads against as
many one-thread jobs at once, side by side in one run, printed with the ratio.

    python benchmarks/threads.py --cores 2 --steps 60

Each configuration runs `rotvae bench` (steady-state unlabeled steps, batch 64) in fresh
processes; the parallel jobs start together. Throughput is steps per second summed over
the jobs that run at once: what decides how long the default plan's many trainings take.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys


def bench(model: str, threads: int, steps: int, jobs: int) -> list[float]:
    """Seconds per step of `jobs` `rotvae bench` processes started together."""
    command = [sys.executable, "-m", "rotvae", "bench", "--model", model, "--threads",
               str(threads), "--steps", str(steps), "--device", "cpu"]
    running = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(jobs)]
    out = []
    for process in running:
        stdout, _ = process.communicate()
        if process.returncode:
            raise SystemExit(f"rotvae bench failed: {' '.join(command)}")
        out.append(json.loads(stdout)["seconds_per_step"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--models", nargs="+", default=["ssvae", "ssrvae", "jvae", "jtrvae"])
    args = parser.parse_args()
    print(f"{'model':8} {'1 job x ' + str(args.cores) + ' threads':>22} "
          f"{str(args.cores) + ' jobs x 1 thread':>22} {'throughput ratio':>17}")
    for model in args.models:
        one = bench(model, args.cores, args.steps, 1)[0]
        many = bench(model, 1, args.steps, args.cores)
        single_rate, parallel_rate = 1 / one, sum(1 / s for s in many)
        print(f"{model:8} {one:15.4f} s/step {max(many):15.4f} s/step "
              f"{parallel_rate / single_rate:16.2f}x")


if __name__ == "__main__":
    main()
