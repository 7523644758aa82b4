"""Fig. 4 tables: the reference-angle models scored on one evaluation grid, whose images
are regenerated cell by cell from their specs (only the scores are kept)."""

import pandas as pd

from rotvae.robustness import score_cells
from rotvae.scripting import start, write_table
from rotvae.train import load_model

log = start(snakemake)  # noqa: F821
p = snakemake.params
models = [({"model": p.model, "seed": replicate}, load_model(path)[0])
          for replicate, path in zip(p.replicates, snakemake.input.models)]
rows = score_cells(models, p.cells, confusion=p.grid == "confusion")
write_table(pd.DataFrame(rows), snakemake.output[0])
