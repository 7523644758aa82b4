"""Read, check and preprocess one experiment (config `experiments`); every defect is
reported before the first file is written."""

import json

from pathlib import Path

from rotvae.scripting import start
from rotvae.userdata import prepare

log = start(snakemake)  # noqa: F821
experiment = json.loads(snakemake.params.experiment)
summary = prepare(experiment, Path(snakemake.output.summary).parent, snakemake.params.seed)
log.info("prepared %s", summary)
