"""Concatenate tidy CSV tables with the same columns."""

from rotvae.scripting import start, write_table

start(snakemake)  # noqa: F821  (first, before the imports: see rotvae.scripting.start)

import pandas as pd

write_table(pd.concat([pd.read_csv(path) for path in snakemake.input], ignore_index=True),
            snakemake.output[0])
