"""What every workflow script does first: hand the job to the warm worker if one is up
(`rotvae.warm`), log to the job's log file, set torch's thread count to the job's
threads, and fail with one clear line instead of a traceback wall."""

from __future__ import annotations

import logging
import os
import sys


def start(snakemake) -> logging.Logger:
    """Route logging (and warnings) of this job to its log file; set torch threads.

    Call it before the script's other imports: when a warm worker is up, this process
    exits here with the status of the worker's child, which runs the whole script with
    the libraries already imported."""
    from .warm import hand_over

    code = hand_over("script", sys.argv)
    if code is not None:
        raise SystemExit(code)
    handlers = [logging.FileHandler(snakemake.log[0], mode="w")] if snakemake.log else None
    logging.basicConfig(level=logging.INFO, handlers=handlers, force=True,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.captureWarnings(True)
    threads = max(1, int(snakemake.threads))
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(threads)
    else:
        # A script that draws from tables never needs torch: importing it only to set
        # its threads would cost every such job a second. A later import reads this.
        os.environ["OMP_NUM_THREADS"] = str(threads)
    if snakemake.log:
        sys.stderr = open(snakemake.log[0], "a")  # tracebacks land in the log too
    return logging.getLogger(f"rotvae.{snakemake.rule}")


def write_table(table, path) -> None:
    """A pandas table as CSV, written atomically (never half-written under its name)."""
    from .datasets import atomic_path

    with atomic_path(path) as tmp:
        table.to_csv(tmp, index=False)
