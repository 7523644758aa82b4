"""Paper-001 tables: every j-model's classes against the true suits (matched accuracy,
NMI, ARI, confusion after Hungarian matching) and the correlation of its latents with
the generating factors, all on the held-out cards of its own α."""

from rotvae.scripting import start, write_table

log = start(snakemake)  # noqa: F821  (first, before the imports: see rotvae.scripting.start)

import pandas as pd

from rotvae.datasets import load_dataset
from rotvae.latents import cluster_rows, disentanglement_rows
from rotvae.train import load_model

p = snakemake.params
tests = {angle: load_dataset(path) for angle, path in zip(p.angles, snakemake.input.tests)}
scores, confusion, correlations = [], [], []
for path, (model_name, angle, replicate) in zip(snakemake.input.models, p.model_keys):
    model, _ = load_model(path)
    key = {"model": model_name, "angle": angle, "seed": replicate}
    summary, rows = cluster_rows(model, tests[angle])
    scores.append({**key, **summary})
    confusion += [{**key, **row} for row in rows]
    correlations += [{**key, **row} for row in disentanglement_rows(model, tests[angle])]
    log.info("%s α=%g seed %d: %s", model_name, angle, replicate, summary)
write_table(pd.DataFrame(scores), snakemake.output.scores)
write_table(pd.DataFrame(confusion), snakemake.output.confusion)
write_table(pd.DataFrame(correlations), snakemake.output.disentanglement)
