"""Synthetic stand-ins for the papers' experimental data, which are not public.

They exist so that the default run draws the experimental figures offline and so that the
README has a worked example of each accepted layout: an image stack with labels
(particle agglomerates, paper 000 Figs. 5-6) and a large image cut into patches at
listed centres (a two-domain lattice, paper 001 Figs. 5-7). They are examples of the
format; nothing in the models or their settings is tuned to them.
"""

from __future__ import annotations

import numpy as np

# Paper 000's gold-nanoparticle set: agglomerates of 1, 2, 3 and 4 particles, imbalanced.
PARTICLE_COUNTS = (304, 93, 49, 31)
PARTICLE_CLASSES = ("1 particle", "2 particles", "3 particles", "4 particles")


def _agglomerate(n: int, rng: np.random.Generator) -> np.ndarray:
    """Centres (n, 2) of n touching unit-radius particles in one of the compact shapes a
    cluster of n can take, centred on their mean."""
    if n == 1:
        points = [(0.0, 0.0)]
    elif n == 2:
        points = [(-1.0, 0.0), (1.0, 0.0)]
    elif n == 3:
        bend = rng.uniform(np.pi / 3, np.pi)  # triangle (60 deg) to straight chain (180 deg)
        points = [(0.0, 0.0), (2.0, 0.0), (2 * np.cos(bend), 2 * np.sin(bend))]
    else:
        skew = rng.uniform(np.pi / 3, np.pi / 2)  # rhombus to square
        a, b = np.array([2.0, 0.0]), 2 * np.array([np.cos(skew), np.sin(skew)])
        points = [(0.0, 0.0), tuple(a), tuple(b), tuple(a + b)]
    points = np.asarray(points)
    return points - points.mean(0)


def particles(seed: int, size: int = 48, counts=PARTICLE_COUNTS) -> dict[str, np.ndarray]:
    """Images (N, size, size) of bright particle agglomerates on a dark, noisy background;
    labels name the particle count; random orientation, particle size, background and contrast."""
    rng = np.random.default_rng(seed)
    labels = np.concatenate([np.full(c, k) for k, c in enumerate(counts)])
    rng.shuffle(labels)
    yy, xx = np.mgrid[0:size, 0:size] - (size - 1) / 2
    images = np.empty((len(labels), size, size), np.float32)
    for i, label in enumerate(labels):
        radius = rng.uniform(4.5, 6.5)
        theta = rng.uniform(0, 2 * np.pi)
        rot = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
        centres = _agglomerate(label + 1, rng) @ rot.T * radius
        centres += rng.uniform(-1.5, 1.5, 2)
        ink = np.zeros((size, size))
        for cx, cy in centres * rng.uniform(0.95, 1.05, centres.shape):
            distance = np.hypot(xx - cx, yy - cy)
            ink = np.maximum(ink, 1 / (1 + np.exp((distance - radius) / 0.6)))
        background = rng.uniform(0.0, 0.3)
        contrast = rng.uniform(0.5, 1.0)
        noise = rng.normal(0.0, 0.05, (size, size))
        images[i] = background + contrast * ink + noise
    # Labels by name (a fixed-width string array, no pickling): the figures show them.
    return {"images": images, "labels": np.asarray(PARTICLE_CLASSES)[labels]}


def lattice(seed: int, cells: tuple[int, int] = (36, 36), spacing: float = 10.0,
            displacement: float = 2.5, vacancies: int = 10, bright: int = 6,
            boundary: str = "diagonal") -> dict[str, np.ndarray]:
    """A large image of a square lattice of bright corner atoms with a dimmer atom in the
    middle of each cell. In domain 1 the middle atom sits `displacement` pixels off the
    cell centre (along the diagonal), in domain 0 on it; a few corner atoms are missing
    (vacancies) or brighter (substitutions). Returns the image and, per cell, its nominal
    centre (x, y) in pixels and its domain."""
    rng = np.random.default_rng(seed)
    ny, nx = cells
    height, width = int(ny * spacing), int(nx * spacing)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float64)
    image = np.zeros((height, width))

    def blob(x, y, amplitude, sigma):
        # Drawn in a small window around the atom: a full-image Gaussian per atom is slow.
        r = int(4 * sigma) + 1
        x0, x1 = max(0, int(x) - r), min(width, int(x) + r + 2)
        y0, y1 = max(0, int(y) - r), min(height, int(y) + r + 2)
        if x0 >= x1 or y0 >= y1:
            return
        window = (xx[y0:y1, x0:x1] - x) ** 2 + (yy[y0:y1, x0:x1] - y) ** 2
        image[y0:y1, x0:x1] += amplitude * np.exp(-window / (2 * sigma**2))

    corners = [(i, j) for i in range(ny + 1) for j in range(nx + 1)]
    picks = rng.choice(len(corners), vacancies + bright, replace=False)
    missing = {corners[p] for p in picks[:vacancies]}
    brighter = {corners[p] for p in picks[vacancies:]}
    for i, j in corners:
        if (i, j) in missing:
            continue
        jitter = rng.normal(0, 0.2, 2)
        amplitude = 1.6 if (i, j) in brighter else 1.0
        blob(j * spacing + jitter[0], i * spacing + jitter[1], amplitude, 1.6)
    centres, domains = [], []
    phase = rng.uniform(-0.15, 0.15)
    for i in range(ny):
        for j in range(nx):
            cx, cy = (j + 0.5) * spacing, (i + 0.5) * spacing
            u, v = cx / width - 0.5, cy / height - 0.5
            side = (u + v + phase) if boundary == "diagonal" else (v - 0.1 * np.sin(6 * u) + phase)
            domain = int(side > 0)
            shift = displacement / np.sqrt(2) * domain
            jitter = rng.normal(0, 0.2, 2)
            blob(cx + shift + jitter[0], cy + shift + jitter[1], 0.6, 1.4)
            centres.append((cx, cy))
            domains.append(domain)
    image += rng.normal(0, 0.05, image.shape)
    centres = np.asarray(centres)
    return {"image": image.astype(np.float32), "x": centres[:, 0], "y": centres[:, 1],
            "domain": np.asarray(domains, np.int64)}
