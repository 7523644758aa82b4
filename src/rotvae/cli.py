"""`rotvae <verb>`: every step of the workflow, runnable by hand.

Each verb parses its arguments, validates them, calls one library function and writes
its artifact. Errors a person can act on print one line and exit with status 2."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

from . import __version__

log = logging.getLogger("rotvae")


class UsageError(ValueError):
    """Bad input from the command line or a file it names."""


def _set_threads(threads: int) -> None:
    import torch

    torch.set_num_threads(max(1, threads))


# --- make-cards -------------------------------------------------------------------------

def _add_make_cards(sub):
    p = sub.add_parser("make-cards", help="generate one cards data set (.npz + .json)")
    p.add_argument("--per-class", type=int, required=True, help="images per class")
    p.add_argument("--angle", type=float, default=0.0, help="rotation in [-a, a] degrees")
    p.add_argument("--shear", type=float, default=0.0, help="shear in [-s, s] degrees, both axes")
    p.add_argument("--scale", type=float, nargs=2, default=(1.0, 1.0), metavar=("LOW", "HIGH"))
    p.add_argument("--translate", type=float, default=0.0, help="shift up to this fraction")
    p.add_argument("--noise", type=float, default=0.0, help="Gaussian background sigma")
    p.add_argument("--contamination", type=float, nargs=2, default=(0.0, 1.0),
                   metavar=("DENSITY", "INTENSITY"))
    p.add_argument("--glyph-radius", type=float, default=None)
    p.add_argument("--classes", nargs="+", default=None)
    p.add_argument("--unlabeled", action="store_true", help="hide labels (-1) from learners")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", type=Path, required=True, help="output .npz (a .json goes beside)")
    p.set_defaults(func=cmd_make_cards)


def spec_from_args(args):
    from .cards import CLASS_NAMES, CardSpec

    return CardSpec(
        per_class=args.per_class, angle=args.angle, shear=args.shear,
        scale=tuple(args.scale), translate=args.translate, noise=args.noise,
        contamination_density=args.contamination[0],
        contamination_intensity=args.contamination[1],
        labeled=not args.unlabeled, seed=args.seed, glyph_radius=args.glyph_radius,
        classes=tuple(args.classes) if args.classes else CLASS_NAMES,
    )


def cmd_make_cards(args) -> int:
    from .cards import make_cards
    from .datasets import save_dataset

    if args.out.suffix != ".npz":
        raise UsageError(f"--out {args.out}: expected a path ending in .npz")
    spec = spec_from_args(args)
    _set_threads(args.threads)
    start = time.perf_counter()
    arrays = make_cards(spec)
    seconds = time.perf_counter() - start
    metadata = {"kind": "cards", "spec": spec.to_dict(), "rotvae_version": __version__,
                "n_images": int(arrays["images"].shape[0])}
    save_dataset(args.out, arrays, metadata)
    log.info("wrote %s: %d images in %.2f s", args.out, arrays["images"].shape[0], seconds)
    return 0


# --- plot-examples ----------------------------------------------------------------------

def _add_plot_examples(sub):
    p = sub.add_parser("plot-examples", help="grid of example images from data sets")
    p.add_argument("--data", type=Path, nargs="+", required=True, help=".npz data sets")
    p.add_argument("--titles", nargs="+", required=True, help="one title per data set")
    p.add_argument("--per-class", type=int, default=4)
    p.add_argument("--out", type=Path, nargs="+", required=True, help=".png and/or .pdf")
    p.set_defaults(func=cmd_plot_examples)


def cmd_plot_examples(args) -> int:
    from .datasets import load_dataset
    from .figures import FIGURE_SUFFIXES, plot_card_examples, save_figure

    for path in args.out:
        if path.suffix not in FIGURE_SUFFIXES:
            raise UsageError(f"--out {path}: expected a suffix in {list(FIGURE_SUFFIXES)}")
    if len(args.titles) != len(args.data):
        raise UsageError(f"--titles: expected {len(args.data)} titles (one per --data), "
                         f"got {len(args.titles)}")
    panels = []
    for path, title in zip(args.data, args.titles):
        arrays = load_dataset(path)
        for key in ("true_labels", "angle"):
            if key not in arrays:
                raise UsageError(f"{path}: array '{key}' is needed to label the examples")
        panels.append((title, arrays))
    save_figure(plot_card_examples(panels, per_class=args.per_class), args.out)
    return 0


# --- bench-data -------------------------------------------------------------------------

def _add_bench_data(sub):
    p = sub.add_parser("bench-data", help="time generating the paper-000 cards recipe")
    p.add_argument("--configfile", type=Path, default=None,
                   help="config whose recipe to time (default: the built-in defaults)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--write", type=Path, default=None,
                   help="also write the .npz files to this folder (timed separately)")
    p.set_defaults(func=cmd_bench_data)


def cmd_bench_data(args) -> int:
    from .cards import make_cards, render_glyphs
    from .config import load_config, validate_config
    from .datasets import save_dataset
    from .plan import card_spec, dataset_name

    config = load_config(args.configfile) if args.configfile else validate_config({})
    _set_threads(args.threads)
    p0 = config["paper000"]
    names = [dataset_name("000", "labeled", p0["labeled"]["angle"]),
             dataset_name("000", "unlabeled", p0["reference_angle"]),
             dataset_name("000", "test", p0["reference_angle"])]
    render_glyphs.cache_clear()
    rows, total_gen, total_write, total_images = [], 0.0, 0.0, 0
    for name in names:
        spec = card_spec(config, name)
        start = time.perf_counter()
        arrays = make_cards(spec)
        generate = time.perf_counter() - start
        write = 0.0
        if args.write:
            start = time.perf_counter()
            save_dataset(args.write / f"{name}.npz", arrays, {"spec": spec.to_dict()})
            write = time.perf_counter() - start
        n = int(arrays["images"].shape[0])
        rows.append({"dataset": name, "images": n, "generate_s": round(generate, 3),
                     "write_s": round(write, 3)})
        total_gen, total_write, total_images = total_gen + generate, total_write + write, total_images + n
    print(json.dumps({
        "benchmark": "paper-000 cards recipe", "threads": args.threads,
        "images": total_images, "generate_s": round(total_gen, 3),
        "write_s": round(total_write, 3), "total_s": round(total_gen + total_write, 3),
        "images_per_s": round(total_images / total_gen), "datasets": rows,
    }, indent=2))
    return 0


# --- train ----------------------------------------------------------------------------

def _add_train(sub):
    from .names import DECODERS, MODEL_NAMES

    p = sub.add_parser("train", help="train one model; resumes from its checkpoint")
    p.add_argument("--model", required=True, choices=sorted(MODEL_NAMES))
    p.add_argument("--decoder", choices=DECODERS, default=None,
                   help="default: mlp for ssvae/jvae/vae, affine for the invariant models")
    p.add_argument("--unlabeled", type=Path, required=True,
                   help="training images (.npz); j-models train on these alone")
    p.add_argument("--labeled", type=Path, default=None, help="labeled images (ss-models)")
    p.add_argument("--test", type=Path, default=None, help="held-out images with labels")
    p.add_argument("--n-classes", type=int, default=4)
    p.add_argument("--model-options", type=json.loads, default={},
                   help="JSON object of ModelConfig fields, e.g. '{\"latent_dim\": 2}'")
    p.add_argument("--train-options", type=json.loads, default={},
                   help="JSON object of TrainConfig fields, e.g. '{\"epochs\": 80}'")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--checkpoint", type=Path, default=None,
                   help="written after every epoch; a rerun resumes from it")
    p.add_argument("--out", type=Path, required=True, help="trained model (.pt; .json beside)")
    p.set_defaults(func=cmd_train)


def _check_options(flag: str, options, cls) -> None:
    """`options` (parsed JSON) must be an object of `cls`'s dataclass fields."""
    from dataclasses import fields

    if not isinstance(options, dict):
        raise UsageError(f"{flag}: expected a JSON object")
    unknown = set(options) - {f.name for f in fields(cls)}
    if unknown:
        raise UsageError(f"{flag}: unknown keys {sorted(unknown)}; "
                         f"allowed: {sorted(f.name for f in fields(cls))}")


def cmd_train(args) -> int:
    from .datasets import load_dataset
    from .models.base import ModelConfig
    from .train import Data, TrainConfig, save_model, train

    if args.out.suffix != ".pt":
        raise UsageError(f"--out {args.out}: expected a path ending in .pt")
    _check_options("--model-options", args.model_options, ModelConfig)
    _check_options("--train-options", args.train_options, TrainConfig)
    is_ss = args.model.startswith("ss")
    if is_ss and args.labeled is None:
        raise UsageError(f"--labeled: model '{args.model}' is semi-supervised and needs labels")
    try:
        options = TrainConfig(**{**args.train_options, "seed": args.seed, "device": args.device})
    except ValueError as err:
        raise UsageError(str(err)) from err
    k = args.n_classes
    unlabeled = load_dataset(args.unlabeled)
    data = Data(unlabeled["images"])
    if args.labeled is not None:
        labeled = load_dataset(args.labeled, n_classes=k)
        if (labeled["labels"] < 0).any():
            raise UsageError(f"{args.labeled}: array 'labels' has -1 (hidden) entries; "
                             "a labeled set must label every image")
        data.labeled_x, data.labeled_y = labeled["images"], labeled["labels"]
    if args.test is not None:
        test = load_dataset(args.test)
        truth = test.get("true_labels", test["labels"])
        if (truth < 0).any():
            raise UsageError(f"{args.test}: needs labels ('true_labels' or 'labels') for every image")
        data.test_x, data.test_y = test["images"], truth
    shapes = {str(p): a.shape[1:] for p, a in ((args.unlabeled, data.unlabeled),
                                                (args.labeled, data.labeled_x),
                                                (args.test, data.test_x)) if a is not None}
    if len(set(shapes.values())) > 1:
        raise UsageError(f"images of different sizes: {shapes}")
    model_options = dict(args.model_options)
    if args.decoder:
        model_options["decoder"] = args.decoder
    if args.model not in ("vae", "rvae"):
        model_options.setdefault("n_classes", k)
    model, record = train(args.model, data, model_options, options,
                          checkpoint=args.checkpoint, threads=args.threads)
    save_model(args.out, model, record)
    if args.checkpoint is not None:
        args.checkpoint.unlink(missing_ok=True)  # the finished model supersedes it
    return 0


# --- bench ------------------------------------------------------------------------------

def _add_bench(sub):
    from .names import BENCH_MODELS, DECODERS

    p = sub.add_parser("bench", help="seconds per training step of a model (JSON)")
    p.add_argument("--model", required=True, choices=BENCH_MODELS)
    p.add_argument("--decoder", choices=DECODERS, default=None)
    p.add_argument("--engine", choices=("torch", "pyro"), default="torch",
                   help="torch: the fused loss that training runs; pyro: SVI + TraceEnum_ELBO")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="cpu")
    p.add_argument("--compile", action="store_true", help="torch.compile the loss first")
    p.add_argument("--pixel-fraction", type=float, default=1.0,
                   help="evaluate the likelihood on this fraction of the pixels per step, "
                        "as training does with pixel_fraction < 1 (default 1: all)")
    p.add_argument("--model-options", type=json.loads, default={},
                   help="JSON object of ModelConfig fields, e.g. '{\"encoder_hidden\": 256}'")
    p.set_defaults(func=cmd_bench)


def cmd_bench(args) -> int:
    from .bench import time_steps
    from .models.base import ModelConfig

    _check_options("--model-options", args.model_options, ModelConfig)
    if args.steps < 1 or args.batch_size < 1:
        raise UsageError("--steps and --batch-size must be >= 1")
    if not 0 < args.pixel_fraction <= 1:
        raise UsageError(f"--pixel-fraction {args.pixel_fraction}: expected a number in (0, 1]")
    print(json.dumps(time_steps(args.model, args.decoder, args.batch_size, args.steps,
                                args.warmup, args.threads, args.device, args.engine,
                                compile=args.compile, pixel_fraction=args.pixel_fraction,
                                model_options=args.model_options)))
    return 0


# --- show-config ------------------------------------------------------------------------

def _add_show_config(sub):
    p = sub.add_parser("show-config", help="validate a config and print it with defaults filled")
    p.add_argument("configfile", type=Path, nargs="?", default=None)
    p.set_defaults(func=cmd_show_config)


def cmd_show_config(args) -> int:
    import yaml

    from .config import load_config, validate_config

    config = load_config(args.configfile) if args.configfile else validate_config({})
    print(yaml.safe_dump(config, sort_keys=False), end="")
    return 0


# --- entry point ------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rotvae", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"rotvae {__version__}")
    parser.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    sub = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
    for add in (_add_make_cards, _add_plot_examples, _add_train, _add_bench, _add_bench_data,
                _add_show_config):
        add(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        from .warm import hand_over

        code = hand_over("cli", sys.argv)
        if code is not None:
            return code
    from .cards import CardSpecError
    from .config import ConfigError
    from .datasets import DatasetError

    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        return args.func(args)
    except (UsageError, ConfigError, DatasetError, CardSpecError) as err:
        print(f"rotvae {args.verb}: error: {err}", file=sys.stderr)
        return 2
