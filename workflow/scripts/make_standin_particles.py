"""Stand-in for paper 000's nanoparticle images: agglomerates of 1-4 particles."""

from rotvae.datasets import write_npz
from rotvae.scripting import start
from rotvae.standins import particles

start(snakemake)  # noqa: F821
write_npz(snakemake.output[0], particles(snakemake.params.seed))
