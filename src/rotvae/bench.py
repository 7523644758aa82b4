"""Steady-state training-step timing, for `rotvae bench`.

One step is what dominates an epoch: an unlabeled batch, the ELBO with the class summed
out by enumeration, its backward pass and the optimiser update. Warm-up steps are run
first and not timed."""

from __future__ import annotations

import time

import torch

from .models import build_model
from .names import BENCH_MODELS
from .train import draw_pixels, make_optimizer, resolve_device


def time_steps(
    kind: str,
    decoder: str | None = None,
    batch_size: int = 64,
    steps: int = 20,
    warmup: int = 3,
    threads: int | None = None,
    device: str = "cpu",
    engine: str = "torch",
    image_shape: tuple[int, int] = (48, 48),
    seed: int = 0,
    compile: bool = False,
    pixel_fraction: float = 1.0,
    bfloat16: bool = False,
    model_options: dict | None = None,
) -> dict:
    """Seconds per training step of `kind` (with `decoder`, default the kind's own) on
    random images. engine 'torch' runs the model's fused `loss`; 'pyro' runs Pyro's SVI
    with TraceEnum_ELBO on the same `model`/`guide`, to show what the bookkeeping costs.
    pixel_fraction < 1: each step draws that fraction of the pixels for the likelihood,
    as training does (torch engine only). bfloat16: run the loss under bfloat16 autocast
    (torch engine only), to see what the cheaper number type would save. model_options:
    ModelConfig fields (network sizes, say) over the kind's defaults."""
    if kind not in BENCH_MODELS:
        raise ValueError(f"--model {kind}: expected one of {list(BENCH_MODELS)}")
    if engine not in ("torch", "pyro"):
        raise ValueError(f"--engine {engine}: expected torch or pyro")
    if pixel_fraction < 1 and engine != "torch":
        raise ValueError("--pixel-fraction < 1 needs --engine torch")
    if bfloat16 and engine != "torch":
        raise ValueError("bfloat16 autocast needs --engine torch")
    if threads:
        torch.set_num_threads(threads)
    dev = resolve_device(device)
    torch.manual_seed(seed)
    overrides = {**(model_options or {}), "image_shape": image_shape}
    if decoder:
        overrides["decoder"] = decoder
    model, config = build_model(kind, **overrides)
    model.to(dev)
    x = torch.rand(batch_size, image_shape[0] * image_shape[1], device=dev)
    compile_seconds = 0.0
    if engine == "torch":
        optimizer = make_optimizer(model, 5e-4)
        loss_fn = torch.compile(model.loss) if compile else model.loss

        def step(loss=loss_fn):
            pixels = draw_pixels(x.shape[1], pixel_fraction, device=dev)  # as in training
            optimizer.zero_grad(set_to_none=True)
            with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=bfloat16):
                value = loss(x, pixels=pixels)
            value.float().backward()
            optimizer.step()

        # counted on the eager loss: the compiled one must compile in its timed call below
        matmul_flops = count_matmul_flops(lambda: step(model.loss))
        if compile:  # the first call compiles: timed apart, not as a step
            tic = time.perf_counter()
            step()
            compile_seconds = time.perf_counter() - tic
    else:
        import pyro
        from pyro.infer import SVI, TraceEnum_ELBO

        pyro.clear_param_store()
        svi = SVI(model.model, model.guide, pyro.optim.Adam({"lr": 5e-4}),
                  loss=TraceEnum_ELBO(max_plate_nesting=1))

        def step():
            svi.step(x)

        matmul_flops = None

    for _ in range(warmup):
        step()
    if dev.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    if dev.type == "cuda":
        torch.cuda.synchronize()
    seconds = (time.perf_counter() - start) / steps
    return {
        "model": kind, "decoder": config.decoder, "engine": engine, "device": str(dev),
        "batch_size": batch_size, "image_shape": list(image_shape), "steps": steps,
        "threads": torch.get_num_threads(), "compiled": compile, "bfloat16": bfloat16,
        "pixel_fraction": pixel_fraction,
        "compile_seconds": compile_seconds, "seconds_per_step": seconds,
        "matmul_gflop_per_step": None if matmul_flops is None else matmul_flops / 1e9,
        "matmul_gflop_per_second": None if matmul_flops is None else matmul_flops / 1e9 / seconds,
    }


def alternating_seconds(cases: dict, rounds: int, **common) -> dict:
    """Mean seconds per step of each case ({name: time_steps keywords}), the cases taking
    turns over `rounds` rounds so that each sees the same state of the machine."""
    total = dict.fromkeys(cases, 0.0)
    for _ in range(rounds):
        for name, keywords in cases.items():
            total[name] += time_steps(**common, **keywords)["seconds_per_step"]
    return {name: seconds / rounds for name, seconds in total.items()}


def count_matmul_flops(step) -> int:
    """Floating-point operations of the matrix products (linear layers, bmm) in one call
    of `step`, as torch.utils.flop_counter counts them; elementwise work such as tanh or
    resampling is not counted. Divided by the measured step time, this says how close a
    step runs to the arithmetic rate of the machine: bookkeeping lowers it."""
    from torch.utils.flop_counter import FlopCounterMode

    with FlopCounterMode(display=False) as counter:
        step()
    return counter.get_total_flops()
