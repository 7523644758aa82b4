"""The smoke workflow's wall and CPU time at two commits, side by side in one run, runs
alternating so that both see the same machine, printed with the ratio.

    python benchmarks/smoke_time.py --old HEAD~1 --new HEAD --repeats 2 --cores 2

Each commit is cloned into a temporary folder and runs from its own code (PYTHONPATH);
each run starts in a fresh clone, so that nothing is cached. CPU is user + system time
of Snakemake and every job it starts. Run it with the machine otherwise idle.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def smoke_run(commit: str, cores: int, scratch: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one smoke workflow from a fresh clone of `commit`."""
    clone = scratch / "clone"
    shutil.rmtree(clone, ignore_errors=True)
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "-q", commit], check=True)
    bin_dir = Path(sys.executable).parent  # snakemake and rotvae of this environment
    env = {**os.environ, "PYTHONPATH": str(clone / "src"),
           "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    snakemake = str(bin_dir / "snakemake")
    command = [snakemake, "all", "models", "--cores", str(cores), "--quiet",
               "--configfile", "tests/smoke/config.yaml"]
    cpu, wall = children_cpu(), time.perf_counter()
    result = subprocess.run(command, cwd=clone, env=env, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - wall, children_cpu() - cpu
    if result.returncode:
        raise SystemExit(f"smoke workflow failed at {commit}:\n{result.stderr[-3000:]}")
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", default="HEAD~1", help="commit to compare against")
    parser.add_argument("--new", default="HEAD", help="commit measured")
    parser.add_argument("--repeats", type=int, default=2, help="runs per commit")
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args()
    times: dict[str, list[tuple[float, float]]] = {args.old: [], args.new: []}
    with tempfile.TemporaryDirectory() as scratch:
        for _ in range(args.repeats):
            for commit in (args.old, args.new):
                wall, cpu = smoke_run(commit, args.cores, Path(scratch))
                times[commit].append((wall, cpu))
                print(f"{commit:>12}: wall {wall:6.1f} s  cpu {cpu:6.1f} s", flush=True)
    (old_wall, old_cpu), (new_wall, new_cpu) = (
        (statistics.median(w for w, _ in times[c]), statistics.median(c_ for _, c_ in times[c]))
        for c in (args.old, args.new))
    print(f"median wall {old_wall:.1f} -> {new_wall:.1f} s ({old_wall / new_wall:.2f}x), "
          f"cpu {old_cpu:.1f} -> {new_cpu:.1f} s ({old_cpu / new_cpu:.2f}x)")


if __name__ == "__main__":
    main()
