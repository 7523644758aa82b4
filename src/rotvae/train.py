"""Training: deterministic from one seed, resumable from a checkpoint after every epoch.

Every epoch reseeds torch, NumPy, Python and Pyro from (seed, epoch), so a run killed
after epoch k and restarted from its checkpoint draws exactly what an uninterrupted run
draws from epoch k + 1 on, and ends with the same weights.
"""

from __future__ import annotations

import json
import logging
import math
import os
import platform
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from . import __version__
from .datasets import atomic_path
from .evaluate import accuracy, cluster_scores
from .models import JointVAE, ModelConfig, SSVAE, build_model
from .seeding import derive_seed, seed_everything

log = logging.getLogger("rotvae.train")


@dataclass
class TrainConfig:
    """Optimisation and schedules; the papers' recipes are the defaults."""

    epochs: int = 100
    batch_size: int = 64
    lr: float = 5e-4
    seed: int = 0
    # ss-models: auxiliary classification weight and the KL scale on z (linear ramp).
    aux_weight: float = 50.0
    kl_start: float = 1.0
    kl_end: float = 2.0
    kl_epochs: int = 30
    # j-models: continuous and discrete KL weights, linear from start to end over
    # `beta_epochs`, then constant.
    beta_cont_start: float = 40.0
    beta_cont_end: float = 3.0
    beta_disc_start: float = 3.0
    beta_disc_end: float = 3.0
    beta_epochs: int = 50
    # j-models: KL weight of the angle and offset latents, constant (paper 001, Eq. 2:
    # beta_1 = 1); None gives them the continuous weight, as pyroVED's jiVAE does. With
    # the continuous weight at 40 early on, the angle latent stays unused for tens of
    # epochs and at 120 degrees never recovers (README, Models).
    beta_transform: float | None = 1.0
    # Labeled batches per epoch: 0 interleaves each labeled batch once (the recipe's
    # natural ratio); n > 0 draws a labeled batch after every n-th unlabeled batch. The
    # default departs from the recipe on evidence: at its ratio the decoder learns to
    # ignore the class and accuracy stays near chance (README, Models).
    labeled_period: int = 1
    # Fraction of pixels on which the likelihood is evaluated per step (1 = all): makes
    # the spatial decoder affordable on a CPU; the estimate is rescaled to stay unbiased.
    pixel_fraction: float = 1.0
    device: str = "auto"
    # torch.compile the loss: fuses its elementwise work into a few generated kernels
    # (needs a C++ compiler; costs tens of seconds of compiling per shape at the start).
    compile: bool = False
    # Learning-rate decay: constant `lr` until the last `lr_decay_fraction` of the epochs,
    # then a cosine down to `lr * lr_end_factor` at the last epoch (0: constant, the
    # recipe). It steadies the end of training, where accuracy otherwise swings by a few
    # points from epoch to epoch (README, Models).
    lr_decay_fraction: float = 0.0
    lr_end_factor: float = 0.05

    def __post_init__(self):
        checks = [
            ("epochs", self.epochs >= 1), ("batch_size", self.batch_size >= 1),
            ("lr", self.lr > 0), ("seed", self.seed >= 0),
            ("pixel_fraction", 0 < self.pixel_fraction <= 1),
            ("device", self.device in ("auto", "cpu", "cuda")),
            ("kl_epochs", self.kl_epochs >= 0), ("beta_epochs", self.beta_epochs >= 0),
            ("beta_transform", self.beta_transform is None or self.beta_transform >= 0),
            ("lr_decay_fraction", 0 <= self.lr_decay_fraction <= 1),
            ("lr_end_factor", 0 < self.lr_end_factor <= 1),
        ]
        for key, ok in checks:
            if not ok:
                raise ValueError(f"training option '{key}' = {getattr(self, key)!r} is out of range")


def draw_pixels(n_pixels: int, fraction: float, generator=None, device=None):
    """Indices of a random `fraction` of the pixels (at least one), drawn afresh for a
    step whose likelihood uses only them; None when the fraction covers every pixel."""
    n_sub = max(1, round(fraction * n_pixels))
    if n_sub >= n_pixels:
        return None
    return torch.randperm(n_pixels, generator=generator, device=device)[:n_sub]


def ramp(start: float, end: float, epochs: int, epoch: int) -> float:
    """Linear from `start` at epoch 0 to `end` at epoch `epochs`, then `end`."""
    if epochs <= 0 or epoch >= epochs:
        return end
    return start + (end - start) * epoch / epochs


def learning_rate(options: "TrainConfig", epoch: int) -> float:
    """The learning rate of 0-based `epoch`: `lr`, then a cosine over the last
    `lr_decay_fraction` of the epochs ending at `lr * lr_end_factor` in the final epoch."""
    decay = round(options.lr_decay_fraction * options.epochs)
    first = options.epochs - decay
    if decay == 0 or epoch < first:
        return options.lr
    progress = (epoch - first + 1) / decay
    factor = options.lr_end_factor + (1 - options.lr_end_factor) * 0.5 * (1 + math.cos(math.pi * progress))
    return options.lr * factor


def resolve_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("device 'cuda' was asked for but torch sees no CUDA device")
    return torch.device(name)


def make_optimizer(model: torch.nn.Module, lr: float) -> torch.optim.Optimizer:
    """Adam, with its fused kernel (one pass over all parameters) where torch has one for
    the device: the same update, fewer passes over memory."""
    params = list(model.parameters())
    try:
        return torch.optim.Adam(params, lr=lr, fused=True)
    except (RuntimeError, TypeError):
        return torch.optim.Adam(params, lr=lr)


def flatten(images: np.ndarray, device) -> torch.Tensor:
    return torch.as_tensor(images.reshape(len(images), -1), dtype=torch.float32, device=device)


@dataclass
class Data:
    """Training and evaluation arrays. ss-models need labeled + unlabeled; j-models
    train on `unlabeled` alone. `test_x`/`test_y` are only evaluated, never trained on."""

    unlabeled: np.ndarray
    labeled_x: np.ndarray | None = None
    labeled_y: np.ndarray | None = None
    test_x: np.ndarray | None = None
    test_y: np.ndarray | None = None


def _versions() -> dict:
    import pyro

    return {"rotvae": __version__, "torch": torch.__version__, "pyro": pyro.__version__,
            "python": platform.python_version(), "numpy": np.__version__}


# Environment variables that change which kernels run, and so the last digits of each
# step; over a long training those digits can decide which optimum a model ends in.
ARITHMETIC_ENV = ("MKL_CBWR", "MKL_ENABLE_INSTRUCTIONS", "ATEN_CPU_CAPABILITY",
                  "ONEDNN_MAX_CPU_ISA")


def _cpu_name() -> str:
    """The CPU's model name, with family and model where Linux gives them."""
    fields = {}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() in ("model name", "cpu family", "model"):
                fields.setdefault(key.strip(), value.strip())  # the first CPU's
    except OSError:
        pass
    if "model name" not in fields:
        return platform.processor() or platform.machine()
    extra = ", ".join(f"{k} {fields[k]}" for k in ("cpu family", "model") if k in fields)
    return f"{fields['model name']} ({extra})" if extra else fields["model name"]


def _host(device: torch.device) -> dict:
    """Where a run's epochs were computed: the same seed gives the same weights on one
    machine, not necessarily on another (the README, *Across CPUs*)."""
    host = {"cpu": _cpu_name(), "cpu_capability": torch.backends.cpu.get_cpu_capability(),
            "threads": torch.get_num_threads()}
    if device.type == "cuda":
        host["gpu"] = torch.cuda.get_device_name(device)
    env = {name: os.environ[name] for name in ARITHMETIC_ENV if name in os.environ}
    if env:
        host["env"] = env
    return host


def evaluate_model(model, data: Data, device, batch: int = 2048) -> dict:
    """Test accuracy (ss-models) or matched accuracy, NMI and ARI (j-models)."""
    if data.test_x is None or (not isinstance(model, SSVAE) and model.config.n_classes == 1):
        return {}  # nothing to score: no held-out labels, or one class (VAE, rVAE)
    model.eval()
    predictions = []
    with torch.no_grad():
        for start in range(0, len(data.test_x), batch):
            x = flatten(data.test_x[start : start + batch], device)
            predictions.append(model.classify(x).argmax(-1).cpu().numpy())
    model.train()
    predicted = np.concatenate(predictions)
    if isinstance(model, SSVAE):
        return {"test_accuracy": accuracy(data.test_y, predicted)}
    scores = cluster_scores(data.test_y, predicted, int(data.test_y.max()) + 1,
                            model.config.n_classes)
    return {"test_matched_accuracy": scores["matched_accuracy"], "test_nmi": scores["nmi"],
            "test_ari": scores["ari"]}


def _epoch_batches(n_unlabeled: int, n_labeled: int, batch: int, generator,
                   labeled_period: int = 0) -> list:
    """Shuffled unlabeled batches with labeled batches interleaved, at their natural
    ratio or after every `labeled_period`-th unlabeled batch: ('u' or 'l', indices)."""
    u = torch.randperm(n_unlabeled, generator=generator)
    steps = [("u", u[i : i + batch]) for i in range(0, n_unlabeled, batch)]
    if n_labeled and labeled_period > 0:
        merged = []
        for i, step in enumerate(steps):
            merged.append(step)
            if (i + 1) % labeled_period == 0:
                pick = torch.randint(n_labeled, (min(batch, n_labeled),), generator=generator)
                merged.append(("l", pick))
        return merged
    if n_labeled:
        lab = torch.randperm(n_labeled, generator=generator)
        lab_batches = [("l", lab[i : i + batch]) for i in range(0, n_labeled, batch)]
        period = max(1, math.ceil(len(steps) / len(lab_batches)))
        merged = []
        for i, step in enumerate(steps):
            if i % period == 0 and lab_batches:
                merged.append(lab_batches.pop(0))
            merged.append(step)
        steps = merged + lab_batches
    return steps


def train(
    kind: str,
    data: Data,
    model_options: dict | None = None,
    options: TrainConfig | None = None,
    checkpoint: str | Path | None = None,
    threads: int | None = None,
    progress: bool | None = None,
    stop_after: int | None = None,
):
    """Train a model of `kind` (see `rotvae.models.MODEL_KINDS`); return (model, record).

    `checkpoint`: a file written after every epoch and read on start, so a killed run
    resumes. `stop_after`: end after this many epochs in this call (tests use it to
    simulate a kill)."""
    options = options or TrainConfig()
    if threads:
        torch.set_num_threads(threads)
    device = resolve_device(options.device)
    image_shape = tuple(data.unlabeled.shape[1:])
    seed_everything(derive_seed(options.seed, "init"))
    model, model_config = build_model(kind, image_shape=image_shape, **(model_options or {}))
    model.to(device)
    optimizer = make_optimizer(model, options.lr)
    record = {"kind": kind, "model": model_config.to_dict(), "train": asdict(options),
              "versions": _versions(), "device": str(device),
              "threads": torch.get_num_threads(), "history": []}
    host = _host(device)
    record["hosts"] = [{**host, "first_epoch": 1}]
    start_epoch = 0
    if checkpoint and Path(checkpoint).is_file():
        state = torch.load(checkpoint, map_location=device, weights_only=True)
        saved = json.loads(state["record"])
        if saved["model"] != record["model"] or saved["train"] != record["train"]:
            # Options changed since: that run is obsolete, not resumable.
            log.warning("checkpoint %s was written with other options; starting over", checkpoint)
        else:
            model.load_state_dict(state["model"])
            optimizer.load_state_dict(state["optimizer"])
            record["history"] = saved["history"]
            start_epoch = len(record["history"])
            # a resumed run lists each machine that computed some of its epochs
            record["hosts"] = saved.get("hosts", [])
            last = record["hosts"][-1] if record["hosts"] else {}
            if (start_epoch < options.epochs
                    and {k: v for k, v in last.items() if k != "first_epoch"} != host):
                record["hosts"].append({**host, "first_epoch": start_epoch + 1})
            log.info("resuming from %s after epoch %d", checkpoint, start_epoch)

    unlabeled = flatten(data.unlabeled, device)
    is_ss = isinstance(model, SSVAE)
    if is_ss:
        if data.labeled_x is None or data.labeled_y is None:
            raise ValueError(f"model '{kind}' is semi-supervised: it needs labeled data")
        labeled_x = flatten(data.labeled_x, device)
        labeled_y = torch.as_tensor(data.labeled_y, dtype=torch.long, device=device)
    loss_fn = torch.compile(model.loss) if options.compile else model.loss

    from tqdm.auto import tqdm

    show = sys.stderr.isatty() if progress is None else progress
    epochs = range(start_epoch, options.epochs)
    if stop_after is not None:
        epochs = range(start_epoch, min(options.epochs, start_epoch + stop_after))
    for epoch in tqdm(epochs, disable=not show, desc=kind, unit="epoch"):
        seed = derive_seed(options.seed, "epoch", epoch)
        seed_everything(seed)
        generator = torch.Generator().manual_seed(seed)
        steps = _epoch_batches(len(unlabeled), len(labeled_y) if is_ss else 0,
                               options.batch_size, generator, options.labeled_period)
        kl = ramp(options.kl_start, options.kl_end, options.kl_epochs, epoch)
        beta_cont = ramp(options.beta_cont_start, options.beta_cont_end, options.beta_epochs, epoch)
        beta_disc = ramp(options.beta_disc_start, options.beta_disc_end, options.beta_epochs, epoch)
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(options, epoch)
        tic = time.perf_counter()
        total, count = 0.0, 0
        for part, idx in steps:
            idx = idx.to(device)
            pixels = draw_pixels(unlabeled.shape[1], options.pixel_fraction, generator)
            if pixels is not None:
                pixels = pixels.to(device)
            optimizer.zero_grad(set_to_none=True)
            if not is_ss:
                loss = loss_fn(unlabeled[idx], beta_cont, beta_disc, pixels=pixels,
                               beta_transform=options.beta_transform)
            elif part == "u":
                loss = loss_fn(unlabeled[idx], None, kl, options.aux_weight, pixels=pixels)
            else:
                loss = loss_fn(labeled_x[idx], labeled_y[idx], kl, options.aux_weight,
                               pixels=pixels)
            loss.backward()
            optimizer.step()
            if part == "u":
                total += float(loss.detach())
                count += len(idx)
        if device.type == "cuda":
            torch.cuda.synchronize()
        seconds = time.perf_counter() - tic
        entry = {"epoch": epoch + 1, "loss": total / max(count, 1), "seconds": seconds,
                 **evaluate_model(model, data, device)}
        record["history"].append(entry)
        metrics = " ".join(f"{k} {v:.4f}" for k, v in entry.items() if k.startswith("test_"))
        log.info("%s epoch %d/%d loss %.2f %s %.1f s", kind, epoch + 1, options.epochs,
                 entry["loss"], metrics, seconds)
        if checkpoint:
            with atomic_path(checkpoint) as tmp:
                torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                            "record": json.dumps(record)}, tmp)
    return model, record


def save_model(path: str | Path, model, record: dict) -> None:
    """`path` (.pt, the state_dict) and `path` with suffix .json (everything else)."""
    path = Path(path)
    history = record["history"]
    summary = dict(record)
    summary["seconds_per_epoch"] = (float(np.mean([h["seconds"] for h in history]))
                                    if history else None)
    summary["final"] = history[-1] if history else {}
    with atomic_path(path.with_suffix(".json")) as tmp:
        tmp.write_text(json.dumps(summary, indent=2) + "\n")
    with atomic_path(path) as tmp:
        torch.save(model.state_dict(), tmp)


def load_model(path: str | Path, device: str = "cpu"):
    """A trained model and its record, from the files `save_model` wrote."""
    path = Path(path)
    meta = path.with_suffix(".json")
    if not path.is_file() or not meta.is_file():
        raise FileNotFoundError(f"{path}: a trained model needs both {path.name} and {meta.name}")
    record = json.loads(meta.read_text())
    config = ModelConfig(**record["model"])
    cls = SSVAE if record["kind"].startswith("ss") else JointVAE
    model = cls(config)
    model.load_state_dict(torch.load(path, map_location=device, weights_only=True))
    model.to(device).eval()
    return model, record
