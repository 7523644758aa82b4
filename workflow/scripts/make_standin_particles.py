"""Stand-in for paper 000's nanoparticle images: agglomerates of 1-4 particles."""

from rotvae.scripting import start

start(snakemake)  # noqa: F821  (first, before the imports: see rotvae.scripting.start)

from rotvae.datasets import write_npz
from rotvae.standins import particles

write_npz(snakemake.output[0], particles(snakemake.params.seed))
