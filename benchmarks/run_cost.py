"""What the default plan's trainings cost, read from the models a run has already written.

    python benchmarks/run_cost.py [--config config.yaml] [--results results] [--cores 2]

Every trained model's JSON record keeps the wall time of each of its epochs (training and
the held-out score). This sums them per model, averages them per kind of model, and
charges every model of the plan that is not trained yet with its kind's average, so that
the cost of a whole run can be read off the models of a partial one. A job with one
torch thread holds one core for its wall time, so the sum is core-hours, and a run on
`--cores` cores takes at least the sum divided by the cores. Models trained with other
epochs than the config's are scaled to the config's.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from rotvae.config import load_config
from rotvae.plan import trained_models, training_settings


def model_minutes(record: dict, epochs: int) -> float:
    """Minutes of wall time of one training, scaled to `epochs`."""
    seconds = [entry["seconds"] for entry in record["history"]]
    return sum(seconds) / len(seconds) * epochs / 60


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="config.yaml")
    parser.add_argument("--results", default="results")
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args()
    config = load_config(args.config)

    measured: dict[str, list[float]] = defaultdict(list)
    planned: dict[str, int] = defaultdict(int)
    for paper, name in trained_models(config):
        kind = name.split("_a")[0]
        planned[kind] += 1
        path = Path(args.results) / "models" / paper / f"{name}.json"
        if path.is_file():
            epochs = training_settings(config["training"], kind)[1]["epochs"]
            measured[kind].append(model_minutes(json.loads(path.read_text()), epochs))

    print(f"{'model':8} {'planned':>8} {'measured':>9} {'min/model':>10} {'core-hours':>11}")
    total = 0.0
    for kind, count in planned.items():
        if not measured[kind]:
            print(f"{kind:8} {count:8d} {0:9d} {'-':>10} {'-':>11}")
            continue
        mean = sum(measured[kind]) / len(measured[kind])
        hours = (sum(measured[kind]) + mean * (count - len(measured[kind]))) / 60
        total += hours
        print(f"{kind:8} {count:8d} {len(measured[kind]):9d} {mean:10.1f} {hours:11.1f}")
    unmeasured = [kind for kind in planned if not measured[kind]]
    print(f"training: {total:.1f} core-hours, at least {total / args.cores:.1f} h on "
          f"{args.cores} cores" + (f" (not counted: {', '.join(unmeasured)})" if unmeasured else ""))


if __name__ == "__main__":
    main()
