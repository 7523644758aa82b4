"""Stand-in for paper 001's atomic-resolution images: a two-domain lattice with point
defects, its cell centres (with the true domain) as CSV, and a second image of the same
kind with another domain wall and other defects for the transfer figure."""

from rotvae.scripting import start

start(snakemake)  # noqa: F821  (first, before the imports: see rotvae.scripting.start)

import pandas as pd

from rotvae.datasets import atomic_path, write_npz
from rotvae.seeding import derive_seed
from rotvae.standins import lattice

out = snakemake.output
for which, image, centres, boundary, cells in (
    ("first", out.image, out.centers, "diagonal", (36, 36)),
    ("transfer", out.transfer, out.transfer_centers, "wavy", (30, 30)),
):
    scene = lattice(derive_seed(snakemake.params.seed, which), cells=cells, boundary=boundary)
    table = pd.DataFrame({"x": scene["x"], "y": scene["y"], "label": scene["domain"]})
    with atomic_path(centres) as tmp:
        table.to_csv(tmp, index=False)
    write_npz(image, {"image": scene["image"]})
