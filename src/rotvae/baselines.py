"""Tree baselines (paper 000, Fig. S3): decision tree, random forest and XGBoost on raw
pixels. Trees cannot use unlabeled images, so they learn from the labeled set alone,
as given and once more augmented with random rotations and shifts."""

from __future__ import annotations

import numpy as np
import torch

from .cards import apply_affine

TREE_METHODS = ("decision_tree", "random_forest", "xgboost")


def make_tree(method: str, seed: int, threads: int = 1):
    if method == "decision_tree":
        from sklearn.tree import DecisionTreeClassifier

        return DecisionTreeClassifier(random_state=seed)
    if method == "random_forest":
        from sklearn.ensemble import RandomForestClassifier

        return RandomForestClassifier(n_estimators=200, random_state=seed, n_jobs=threads)
    if method == "xgboost":
        from xgboost import XGBClassifier

        # hist with coarse bins and half the pixel columns per tree: a few times faster
        # than the defaults on 2304 pixel features (chosen for speed, not on accuracy).
        return XGBClassifier(n_estimators=100, max_depth=6, learning_rate=0.3,
                             tree_method="hist", max_bin=64, colsample_bytree=0.5,
                             random_state=seed, n_jobs=threads)
    raise ValueError(f"tree method '{method}': expected one of {TREE_METHODS}")


def augment(images: np.ndarray, labels: np.ndarray, copies: int, angle: float,
            translate: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The images plus `copies` randomly turned (uniform in [-angle, angle] degrees) and
    shifted (up to `translate` of the side) copies of each, with their labels."""
    n = len(images)
    reps = np.tile(images, (copies, 1, 1))
    k = len(reps)
    zeros = np.zeros(k)
    with torch.no_grad():
        moved = apply_affine(torch.as_tensor(reps, dtype=torch.float32),
                             rng.uniform(-angle, angle, k), zeros, zeros, np.ones(k),
                             rng.uniform(-translate, translate, k),
                             rng.uniform(-translate, translate, k), shift_unit=1.0).numpy()
    return (np.concatenate([images, moved]).astype(np.float32),
            np.concatenate([labels, np.tile(labels, copies)])[: n * (copies + 1)])


def fit_tree(method: str, images: np.ndarray, labels: np.ndarray, seed: int, threads: int = 1):
    tree = make_tree(method, seed, threads)
    tree.fit(images.reshape(len(images), -1), labels)
    return tree


def tree_predict(tree, images: np.ndarray) -> np.ndarray:
    return np.asarray(tree.predict(images.reshape(len(images), -1)))


def tree_accuracy(tree, images: np.ndarray, labels: np.ndarray) -> float:
    return float((tree_predict(tree, images) == labels).mean())
