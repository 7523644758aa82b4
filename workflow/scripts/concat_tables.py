"""Concatenate tidy CSV tables with the same columns."""

import pandas as pd

from rotvae.scripting import start, write_table

start(snakemake)  # noqa: F821
write_table(pd.concat([pd.read_csv(path) for path in snakemake.input], ignore_index=True),
            snakemake.output[0])
