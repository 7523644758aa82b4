"""Fig. 4 tables: the reference-angle models scored on one evaluation grid, whose images
are regenerated cell by cell from their specs (only the scores are kept)."""

from rotvae.scripting import start, write_table

log = start(snakemake)  # noqa: F821  (first, before the imports: see rotvae.scripting.start)

import pandas as pd

from rotvae.robustness import score_cells
from rotvae.train import load_model

p = snakemake.params
models = [({"model": p.model, "seed": replicate}, load_model(path)[0])
          for replicate, path in zip(p.replicates, snakemake.input.models)]
rows = score_cells(models, p.cells, confusion=p.grid == "confusion")
write_table(pd.DataFrame(rows), snakemake.output[0])
