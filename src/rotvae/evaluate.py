"""Metrics: accuracy, confusion matrices, and matching unsupervised clusters to classes."""

from __future__ import annotations

import numpy as np

# scipy and scikit-learn are imported where used: a training job should not pay for
# loading them at start-up before its first epoch.


def accuracy(true: np.ndarray, predicted: np.ndarray) -> float:
    true, predicted = np.asarray(true), np.asarray(predicted)
    return float((true == predicted).mean()) if true.size else float("nan")


def normalized_confusion(true, predicted, n_classes: int) -> np.ndarray:
    """Rows: true class; columns: predicted; each row sums to 1 (or 0 if absent)."""
    from sklearn.metrics import confusion_matrix

    counts = confusion_matrix(true, predicted, labels=np.arange(n_classes)).astype(float)
    totals = counts.sum(1, keepdims=True)
    return np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)


def match_clusters(true, clusters, n_classes: int, n_clusters: int | None = None) -> np.ndarray:
    """The cluster -> class map that maximises agreement (Hungarian algorithm); clusters
    left without a class (more clusters than classes) map to -1."""
    from scipy.optimize import linear_sum_assignment

    n_clusters = n_classes if n_clusters is None else n_clusters
    counts = np.zeros((n_clusters, n_classes))
    np.add.at(counts, (np.asarray(clusters), np.asarray(true)), 1)
    rows, cols = linear_sum_assignment(-counts)
    mapping = np.full(n_clusters, -1)
    mapping[rows] = cols
    return mapping


def cluster_scores(true, clusters, n_classes: int, n_clusters: int | None = None) -> dict:
    """Matched accuracy, NMI and ARI of an unsupervised clustering against true labels."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    mapping = match_clusters(true, clusters, n_classes, n_clusters)
    matched = mapping[np.asarray(clusters)]
    return {
        "matched_accuracy": accuracy(true, matched),
        "nmi": float(normalized_mutual_info_score(true, clusters)),
        "ari": float(adjusted_rand_score(true, clusters)),
        "mapping": mapping.tolist(),
    }


def correlation_ratio(values, labels) -> float:
    """Share of the variance of one latent that the known labels explain (eta squared):
    sum over classes of n_k (mean_k - mean)^2 over the total sum of squares. 1 when the
    latent takes one value per class, 0 when every class has the same mean; a constant
    latent explains nothing and scores 0. Works for any number of classes."""
    values = np.asarray(values, dtype=np.float64)
    labels = np.asarray(labels)
    total = float(((values - values.mean()) ** 2).sum())
    if total == 0.0:
        return 0.0
    between = sum(float((labels == k).sum()) * (values[labels == k].mean() - values.mean()) ** 2
                  for k in np.unique(labels))
    return float(between / total)
