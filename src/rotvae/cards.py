"""The synthetic playing-card data sets of both papers.

Four suit glyphs (clubs, spades, hearts, diamonds) are rendered once from the DejaVu Sans
font that matplotlib ships, bright on dark in [0, 1], then each image gets its own random
affine disorder (rotation, shear, isotropic scale, translation) applied with
``affine_grid``/``grid_sample`` (bilinear, zero padding), optional Gaussian background
noise and optional contamination. Every image keeps the factors that made it.

Geometry convention: angles are in degrees, counter-clockwise as the image is displayed
(row 0 at the top); translations are fractions of the image side, +x to the right and +y
upwards. The forward map of a glyph point p (centred coordinates) is
``p' = R(angle) @ Shear(shear_x, shear_y) @ (scale * p) + (dx, dy)``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import torch

CLASS_NAMES = ("clubs", "spades", "hearts", "diamonds")
SUIT_CHARACTERS = ("\u2663", "\u2660", "\u2665", "\u2666")

RENDER_SIZE = 64  # glyphs are drawn on a 64x64 canvas ...
IMAGE_SIZE = 48  # ... and centre-cropped to 48x48, as in the papers' notebooks
SUPERSAMPLE = 8  # anti-aliasing: draw 8x larger, then average 8x8 blocks

# The paper-000 recipe's largest scale and shear: the default glyph size is the largest
# one that stays inside the 48x48 frame under both at any rotation (`max_glyph_radius`).
# Translation is left out of that bound on purpose: bounding it too shrinks the glyph to
# about 9 pixels (from 12), far smaller than the papers' cards, while only a few
# images at once extreme in scale, shear, orientation and shift touch the border.
RECIPE_SCALE_MAX = 1.3
RECIPE_SHEAR_MAX = 15.0


def shear_percent(shear_degrees):
    """The papers' shear unit: degrees * 100 / 64."""
    return np.asarray(shear_degrees) * 100.0 / 64.0


def shear_matrix(shear_x_deg, shear_y_deg):
    """Shear along x by `shear_x`, then along y by `shear_y` (degrees). Broadcasts."""
    tx = np.tan(np.radians(shear_x_deg))
    ty = np.tan(np.radians(shear_y_deg))
    one = np.ones_like(tx)
    sx = np.stack([np.stack([one, tx], -1), np.stack([0 * one, one], -1)], -2)
    sy = np.stack([np.stack([one, 0 * one], -1), np.stack([ty, one], -1)], -2)
    return sx @ sy


def rotation_matrix(angle_deg):
    """Counter-clockwise rotation in the (x right, y up) plane. Broadcasts."""
    a = np.radians(angle_deg)
    c, s = np.cos(a), np.sin(a)
    return np.stack([np.stack([c, -s], -1), np.stack([s, c], -1)], -2)


def max_glyph_radius(
    scale_max: float = RECIPE_SCALE_MAX,
    shear_max: float = RECIPE_SHEAR_MAX,
    translate_max: float = 0.0,
    image_size: int = IMAGE_SIZE,
    margin: float = 3.5,
) -> float:
    """Largest glyph radius (pixels from the centre) that no disorder within the bounds
    pushes out of the square frame: a glyph point p lands at A p + d, with
    |A p| <= (largest stretch of A) * radius and each coordinate of d at most
    translate * side, so radius * stretch + shift + margin <= half the side suffices.
    The stretch is largest at the extreme shears. `margin` (pixels) covers the half pixel
    from the border pixel centres to the edge, the anti-aliased rim beyond the glyph's
    50 % contour (where its radius is measured) and the bilinear footprint."""
    stretch = 0.0
    for sx in (-shear_max, shear_max):
        for sy in (-shear_max, shear_max):
            stretch = max(stretch, np.linalg.norm(shear_matrix(sx, sy), 2))
    half = image_size / 2
    shift = translate_max * image_size
    return (half - shift - margin) / (scale_max * stretch)


def _font_path() -> str:
    """DejaVu Sans as matplotlib ships it. Looked up by path rather than through
    matplotlib's font manager, whose font cache costs a second at every start."""
    import os

    import matplotlib

    path = os.path.join(matplotlib.get_data_path(), "fonts", "ttf", "DejaVuSans.ttf")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path}: matplotlib's DejaVu Sans font is missing; "
                                "the suit glyphs are drawn from it")
    return path


@lru_cache(maxsize=8)
def render_glyphs(radius: float | None = None) -> np.ndarray:
    """The four suit glyphs, float32 (4, 64, 64) in [0, 1], each centred on the canvas
    centre (centre of its bounding box) and scaled so that its farthest lit pixel lies
    `radius` pixels from the centre. Deterministic: no randomness, one font file."""
    from PIL import Image, ImageDraw, ImageFont

    if radius is None:
        radius = max_glyph_radius()
    big = RENDER_SIZE * SUPERSAMPLE
    font = ImageFont.truetype(_font_path(), size=big)
    glyphs = []
    for char in SUIT_CHARACTERS:
        # Draw large on an oversized canvas, then crop the glyph to its bounding box.
        canvas = Image.new("L", (2 * big, 2 * big), 0)
        ImageDraw.Draw(canvas).text((big, big), char, fill=255, font=font, anchor="mm")
        ink = np.asarray(canvas, dtype=np.float64) / 255.0
        rows, cols = np.nonzero(ink > 0.5)
        top, bottom, left, right = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
        crop = Image.fromarray(np.uint8(ink[top:bottom, left:right] * 255))
        cy, cx = (bottom - top) / 2, (right - left) / 2
        far = np.sqrt(((rows - top + 0.5 - cy) ** 2 + (cols - left + 0.5 - cx) ** 2).max())
        # Scale so that the farthest pixel lands at `radius` output pixels.
        factor = radius * SUPERSAMPLE / far
        width = max(1, round(crop.width * factor))
        height = max(1, round(crop.height * factor))
        crop = crop.resize((width, height), Image.LANCZOS)
        sheet = Image.new("L", (big, big), 0)
        sheet.paste(crop, ((big - width) // 2, (big - height) // 2))
        hi = np.asarray(sheet, dtype=np.float64) / 255.0
        lo = hi.reshape(RENDER_SIZE, SUPERSAMPLE, RENDER_SIZE, SUPERSAMPLE).mean((1, 3))
        glyphs.append(lo)
    out = np.clip(np.stack(glyphs), 0.0, 1.0).astype(np.float32)
    out.setflags(write=False)
    return out


def centre_crop(images: np.ndarray, size: int = IMAGE_SIZE) -> np.ndarray:
    h, w = images.shape[-2:]
    top, left = (h - size) // 2, (w - size) // 2
    return images[..., top : top + size, left : left + size]


class CardSpecError(ValueError):
    """A card-generation parameter is out of range; the message names it."""


@dataclass(frozen=True)
class CardSpec:
    """Everything that determines one cards data set; with `seed`, its exact bytes."""

    per_class: int
    angle: float = 0.0  # rotation uniform in [-angle, angle] degrees
    shear: float = 0.0  # shear uniform in [-shear, shear] degrees, on both axes
    scale: tuple[float, float] = (1.0, 1.0)  # isotropic scale uniform in this range
    translate: float = 0.0  # shift uniform in [-t, t] of the image side, on both axes
    noise: float = 0.0  # Gaussian background noise sigma (no clipping)
    contamination_density: float = 0.0  # fraction of pixels per image set to ...
    contamination_intensity: float = 1.0  # ... this value
    labeled: bool = True  # False: `labels` is -1, the true class is in `true_labels`
    seed: int = 0
    glyph_radius: float | None = None  # None: `max_glyph_radius()` of the recipe
    classes: tuple[str, ...] = field(default=CLASS_NAMES)

    def __post_init__(self):
        object.__setattr__(self, "scale", tuple(float(s) for s in self.scale))
        object.__setattr__(self, "classes", tuple(self.classes))
        checks = [
            ("per_class", self.per_class >= 1, "an integer >= 1"),
            ("angle", 0 <= self.angle <= 180, "in [0, 180] degrees"),
            ("shear", 0 <= self.shear < 90, "in [0, 90) degrees"),
            ("scale", len(self.scale) == 2 and 0 < self.scale[0] <= self.scale[1],
             "two numbers 0 < low <= high"),
            ("translate", 0 <= self.translate <= 0.5, "in [0, 0.5] of the image side"),
            ("noise", self.noise >= 0 and math.isfinite(self.noise), "finite and >= 0"),
            ("contamination_density", 0 <= self.contamination_density <= 1, "in [0, 1]"),
            ("contamination_intensity", math.isfinite(self.contamination_intensity),
             "a finite number"),
            ("seed", self.seed >= 0, "an integer >= 0"),
            ("glyph_radius", self.glyph_radius is None or 0 < self.glyph_radius <= 24,
             "in (0, 24] pixels"),
            ("classes", set(self.classes) <= set(CLASS_NAMES) and len(self.classes) > 0
             and len(set(self.classes)) == len(self.classes),
             f"distinct names from {list(CLASS_NAMES)}"),
        ]
        for key, ok, expected in checks:
            if not ok:
                raise CardSpecError(f"card spec '{key}' = {getattr(self, key)!r}: expected {expected}")

    def to_dict(self) -> dict:
        d = asdict(self)
        d["scale"] = list(self.scale)
        d["classes"] = list(self.classes)
        return d


def sample_factors(spec: CardSpec, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Class and affine factors of every image. The draws are made as unit uniforms and
    then scaled, so two specs that differ only in their ranges share the same underlying
    randomness (an angle sweep moves the same cards further, it does not redraw them)."""
    n_classes = len(spec.classes)
    class_index = np.array([CLASS_NAMES.index(c) for c in spec.classes])
    labels = np.repeat(class_index, spec.per_class)
    n = labels.size
    u = rng.uniform(-1.0, 1.0, size=(6, n))
    lo, hi = spec.scale
    factors = {
        "true_labels": labels.astype(np.int64),
        "angle": u[0] * spec.angle,
        "shear_x": u[1] * spec.shear,
        "shear_y": u[2] * spec.shear,
        "scale": lo + (u[3] + 1.0) / 2.0 * (hi - lo),
        "dx": u[4] * spec.translate,
        "dy": u[5] * spec.translate,
    }
    order = rng.permutation(n)  # shuffle so classes are interleaved on disk
    assert n_classes * spec.per_class == n
    return {k: v[order] for k, v in factors.items()}


def apply_affine(
    glyphs: torch.Tensor,
    angle: np.ndarray,
    shear_x: np.ndarray,
    shear_y: np.ndarray,
    scale: np.ndarray,
    dx: np.ndarray,
    dy: np.ndarray,
    shift_unit: float = IMAGE_SIZE / RENDER_SIZE,
) -> torch.Tensor:
    """Warp (N, H, W) images by the forward map p' = R Sh (s p) + d (see module doc).
    `dx`, `dy` are fractions of `shift_unit` times the canvas side: the canvas is 64
    pixels but translations are fractions of the 48-pixel image cut from it.

    `affine_grid` wants the inverse map from output to input pixels, in normalised
    coordinates whose y axis points down; we build the forward map in the y-up plane,
    flip y on both sides, and invert."""
    # torch is imported here and in make_cards only: the workflow's plan reads this
    # module's specs at every Snakemake start, which needs no torch (seconds each)
    import torch
    import torch.nn.functional as F

    forward = rotation_matrix(angle) @ shear_matrix(shear_x, shear_y) * scale[:, None, None]
    flip = np.diag([1.0, -1.0])
    forward = flip @ forward @ flip
    # Normalised coordinates span 2 units over the canvas side.
    shift = np.stack([dx, -dy], -1) * 2.0 * shift_unit
    inverse = np.linalg.inv(forward)
    theta = np.concatenate([inverse, -(inverse @ shift[:, :, None])], axis=2)
    theta_t = torch.as_tensor(theta, dtype=torch.float32)
    x = glyphs[:, None]
    grid = F.affine_grid(theta_t, list(x.shape), align_corners=False)
    out = F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    return out[:, 0]


def add_noise(images: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Gaussian background noise N(0, sigma^2) on every pixel; no clipping."""
    if sigma == 0:
        return images
    return (images + rng.normal(0.0, sigma, size=images.shape)).astype(images.dtype)


def contaminate(
    images: np.ndarray, density: float, intensity: float, rng: np.random.Generator
) -> np.ndarray:
    """Set exactly round(density * H * W) randomly chosen pixels of each image to
    `intensity` (the same count in every image, different pixels)."""
    n, h, w = images.shape
    count = int(round(density * h * w))
    if count == 0:
        return images
    out = images.copy().reshape(n, h * w)
    # argsort of uniform keys gives an independent random subset per image in one call.
    chosen = np.argsort(rng.random((n, h * w)), axis=1)[:, :count]
    np.put_along_axis(out, chosen, np.float32(intensity), axis=1)
    return out.reshape(n, h, w)


def corrupt(
    images: np.ndarray,
    noise: float,
    density: float,
    intensity: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Noise, then contamination (contaminated pixels hold exactly `intensity`)."""
    return contaminate(add_noise(images, noise, rng), density, intensity, rng)


def make_cards(spec: CardSpec, chunk: int = 4096) -> dict[str, np.ndarray]:
    """Generate one data set: `images` float32 (N, 48, 48), `labels` (class index, or -1
    when `spec.labeled` is False), `true_labels` and the factors that made each image."""
    import torch

    rng = np.random.default_rng(spec.seed)
    factors = sample_factors(spec, rng)
    glyphs = torch.from_numpy(np.array(render_glyphs(spec.glyph_radius)))
    n = factors["true_labels"].size
    images = np.empty((n, IMAGE_SIZE, IMAGE_SIZE), dtype=np.float32)
    with torch.no_grad():
        for start in range(0, n, chunk):
            part = slice(start, start + chunk)
            sources = glyphs[torch.from_numpy(factors["true_labels"][part])]
            warped = apply_affine(
                sources, *(factors[k][part] for k in ("angle", "shear_x", "shear_y",
                                                     "scale", "dx", "dy"))
            )
            images[part] = centre_crop(warped.numpy())
    np.clip(images, 0.0, 1.0, out=images)  # bilinear overshoot is ~1e-7; keep [0, 1]
    images = corrupt(
        images, spec.noise, spec.contamination_density, spec.contamination_intensity, rng
    )
    labels = factors["true_labels"] if spec.labeled else np.full(n, -1, dtype=np.int64)
    arrays = {"images": images, "labels": labels.astype(np.int64)}
    arrays.update({k: (v if k == "true_labels" else v.astype(np.float32))
                   for k, v in factors.items()})
    return arrays
