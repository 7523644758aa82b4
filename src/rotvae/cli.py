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
    for add in (_add_make_cards, _add_plot_examples, _add_bench_data, _add_show_config):
        add(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
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
