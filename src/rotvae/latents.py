"""What the unsupervised models learned (paper 001): their classes against the true
suits, and how their continuous latents follow the factors that made each card."""

from __future__ import annotations

import numpy as np
import torch

from .evaluate import cluster_scores, correlation_ratio, normalized_confusion

FACTORS = ("angle", "shear_x", "shear_y", "scale")


@torch.no_grad()
def encode_all(model, images: np.ndarray, batch: int = 4096):
    """Posterior means and most probable classes (N,) of every image; the means as the
    columns of `latent_names`: the angle in radians, the offsets in normalised units,
    then the content latents."""
    locs, classes = [], []
    for start in range(0, len(images), batch):
        x = torch.as_tensor(images[start : start + batch].reshape(-1, model.n_pixels))
        loc, _, cls = model.encode(x)
        angle, offset, content = model.split_latent(loc)
        columns = ([] if angle is None else [angle[:, None]]) + ([] if offset is None else [offset])
        locs.append(torch.cat(columns + [content], -1).numpy())
        classes.append(cls.numpy())
    return np.concatenate(locs), np.concatenate(classes)


def latent_names(model) -> list[str]:
    """Names of the columns of `encode_all`'s posterior means."""
    names = ["angle"] if "r" in model.config.invariances else []
    names += ["dx", "dy"] if "t" in model.config.invariances else []
    return names + [f"z{i + 1}" for i in range(model.config.latent_dim)]


def circular_correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Circular correlation of two angle samples in radians (Jammalamadaka & SenGupta):
    sum sin(a - mean a) sin(b - mean b) / sqrt(sum sin^2 (a - mean a) sum sin^2 (b - mean b))."""
    da = np.sin(a - np.angle(np.exp(1j * a).mean()))
    db = np.sin(b - np.angle(np.exp(1j * b).mean()))
    denominator = np.sqrt((da**2).sum() * (db**2).sum())
    return float((da * db).sum() / denominator) if denominator > 0 else float("nan")


def within_class_circular_correlation(angles: np.ndarray, true: np.ndarray,
                                      classes: np.ndarray) -> float:
    """`circular_correlation` of the angle latent with the true angle inside each inferred
    class, averaged with the classes' sizes as weights. Each class draws its template in
    a frame of its own, so the latent's zero differs from class to class; pooled, those
    offsets would read as noise even where every class follows the turn."""
    total, weight = 0.0, 0
    for cls in np.unique(classes):
        inside = classes == cls
        r = circular_correlation(angles[inside], true[inside])
        if np.isfinite(r):
            total, weight = total + r * inside.sum(), weight + inside.sum()
    return total / weight if weight else float("nan")


def label_shares(model, locs: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """Eta squared of each content latent (z1, z2, ...) of `encode_all`'s posterior means
    against known labels; the angle and offsets are left out (the angle is circular, the
    offsets follow where an image was cut)."""
    return {name: correlation_ratio(locs[:, j], labels)
            for j, name in enumerate(latent_names(model)) if name.startswith("z")}


def cluster_rows(model, test: dict) -> tuple[dict, list[dict]]:
    """Matched accuracy, NMI, ARI of the model's classes on `test`, and the row-normalised
    confusion of true suit against matched class as tidy rows (true, predicted, fraction)."""
    k = model.config.n_classes
    _, clusters = encode_all(model, test["images"])
    true = test["true_labels"]
    scores = cluster_scores(true, clusters, k)
    matched = np.asarray(scores.pop("mapping"))[clusters]
    matrix = normalized_confusion(true, matched, k)
    rows = [{"true": t, "predicted": p, "fraction": float(matrix[t, p])}
            for t in range(k) for p in range(k)]
    return scores, rows


def disentanglement_rows(model, test: dict) -> list[dict]:
    """Correlation of each latent with each generating factor on `test`: Pearson for the
    content latents, circular for the angle latent against the true angle (both in
    radians), and for the angle latent also within each inferred class (latent
    "angle | class", `within_class_circular_correlation`). Offsets are left out: they
    follow the translation, which is not asked."""
    locs, classes = encode_all(model, test["images"])
    names = latent_names(model)
    rows = []
    for j, name in enumerate(names):
        if name in ("dx", "dy"):
            continue
        for factor in FACTORS:
            values = np.asarray(test[factor], dtype=np.float64)
            if name == "angle" and factor == "angle":
                r, kind = circular_correlation(locs[:, j], np.deg2rad(values)), "circular"
            else:
                r, kind = float(np.corrcoef(locs[:, j], values)[0, 1]), "pearson"
            rows.append({"latent": name, "factor": factor, "correlation": r, "kind": kind})
    if "angle" in names:
        r = within_class_circular_correlation(locs[:, names.index("angle")],
                                              np.deg2rad(np.asarray(test["angle"])), classes)
        rows.append({"latent": "angle | class", "factor": "angle", "correlation": r,
                     "kind": "circular within classes"})
    return rows


def matched_suits(model, test: dict) -> np.ndarray:
    """For each of the model's classes, the true suit it matches best on `test`
    (Hungarian matching); used to label the rows of the paper-001 figures."""
    from .evaluate import match_clusters

    _, clusters = encode_all(model, test["images"])
    return match_clusters(test["true_labels"], clusters, model.config.n_classes)


def manifold(model, cls: int, steps: int, angle: float = 0.0) -> np.ndarray:
    """The 2-D manifold of the first two continuous latents for one class: a
    (steps * H, steps * W) montage, z on Gaussian quantiles, drawn upright."""
    quantiles = torch.distributions.Normal(0.0, 1.0).icdf(
        torch.linspace(0.5 / steps, 1 - 0.5 / steps, steps))
    z1, z2 = torch.meshgrid(quantiles, quantiles.flip(0), indexing="xy")
    content = torch.zeros(steps * steps, model.config.latent_dim)
    content[:, 0], content[:, 1] = z1.reshape(-1), z2.reshape(-1)
    k = model.config.n_classes
    onehot = torch.nn.functional.one_hot(torch.full((steps * steps,), cls), k).float()
    with torch.no_grad():
        images = model.decode(content, onehot, angle=angle, offset=torch.zeros(2)).numpy()
    h, w = images.shape[1:]
    return images.reshape(steps, steps, h, w).transpose(0, 2, 1, 3).reshape(steps * h, steps * w)
