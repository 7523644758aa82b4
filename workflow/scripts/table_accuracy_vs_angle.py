"""Fig. 3a table: test accuracy of every trained ss-model at its own angle."""

from rotvae.scripting import start, write_table

log = start(snakemake)  # noqa: F821  (first, before the imports: see rotvae.scripting.start)

import pandas as pd

from rotvae.datasets import load_dataset
from rotvae.robustness import predict
from rotvae.train import load_model

rows = []
tests = {}
for path, (model_name, angle, replicate) in zip(snakemake.input.models, snakemake.params.model_keys):
    if angle not in tests:
        tests[angle] = load_dataset(snakemake.input.tests[snakemake.params.angles.index(angle)])
    test = tests[angle]
    model, record = load_model(path)
    accuracy = float((predict(model, test["images"]) == test["true_labels"]).mean())
    rows.append({"model": model_name, "angle": angle, "seed": replicate, "accuracy": accuracy,
                 "epochs": len(record["history"])})
    log.info("%s α=%g seed %d: %.4f", model_name, angle, replicate, accuracy)
write_table(pd.DataFrame(rows), snakemake.output[0])
