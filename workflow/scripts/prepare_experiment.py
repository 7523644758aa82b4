"""Read, check and preprocess one experiment (config `experiments`); every defect is
reported before the first file is written."""

from rotvae.scripting import start

log = start(snakemake)  # noqa: F821  (first, before the imports: see rotvae.scripting.start)

import json

from pathlib import Path

from rotvae.userdata import prepare

experiment = json.loads(snakemake.params.experiment)
summary = prepare(experiment, Path(snakemake.output.summary).parent, snakemake.params.seed)
log.info("prepared %s", summary)
