import numpy as np

from rotvae.evaluate import cluster_scores, correlation_ratio


def test_correlation_ratio_is_one_when_each_class_has_one_value_and_zero_for_equal_means():
    labels = np.array([0, 0, 1, 1, 2, 2])
    assert abs(correlation_ratio([5.0, 5.0, -1.0, -1.0, 3.0, 3.0], labels) - 1.0) < 1e-12
    assert correlation_ratio([1.0, -1.0, 2.0, -2.0, 0.5, -0.5], labels) == 0.0
    assert correlation_ratio(np.full(6, 0.3), labels) == 0.0


def test_correlation_ratio_of_two_classes_is_the_squared_point_biserial_correlation():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 500)
    values = labels * 0.7 + rng.normal(size=500)
    r = np.corrcoef(values, labels)[0, 1]
    assert abs(correlation_ratio(values, labels) - r**2) < 1e-12
    assert 0.0 < correlation_ratio(values, labels) < 1.0


def test_cluster_scores_match_renamed_clusters_to_the_classes():
    true = np.array([0, 0, 1, 1, 2, 2])
    scores = cluster_scores(true, np.array([2, 2, 0, 0, 1, 0]), 3)
    assert scores["mapping"] == [1, 2, 0]
    assert abs(scores["matched_accuracy"] - 5 / 6) < 1e-12


def test_encoded_latents_give_the_angle_in_radians_for_either_angle_latent():
    """`encode_all`'s columns follow `latent_names`: the angle in radians whether the
    model has one angle latent (times angle_prior) or a projected 2-D one."""
    import pyro
    import torch

    from rotvae.latents import encode_all, latent_names
    from rotvae.models import build_model

    images = np.random.default_rng(0).random((5, 8, 8)).astype(np.float32)
    for angle_latent in ("normal", "projected"):
        pyro.set_rng_seed(0)
        model, _ = build_model("jtrvae", angle_latent=angle_latent, angle_prior=2.0,
                               image_shape=(8, 8), encoder_hidden=8, decoder_hidden=8,
                               classifier_hidden=8)
        locs, classes = encode_all(model, images)
        assert locs.shape == (5, len(latent_names(model))) and classes.shape == (5,)
        with torch.no_grad():
            loc, _ = model.encoder_z(torch.as_tensor(images.reshape(5, 64)))
        if angle_latent == "normal":
            expected = loc[:, 0] * 2.0
        else:
            expected = torch.atan2(loc[:, 1], loc[:, 0] + 0.5)
        assert np.allclose(locs[:, 0], expected.numpy(), atol=1e-6)
        assert np.allclose(locs[:, -2:], loc[:, -2:].numpy(), atol=1e-6)  # content as is


def test_within_class_angle_correlation_sees_through_each_class_offset():
    """Two classes that each follow the true angle, with their zero 2 radians apart:
    pooled, the offset reads as noise; within each class the latent follows the angle.
    A latent that ignores the angle scores near zero either way."""
    from rotvae.latents import circular_correlation, within_class_circular_correlation

    rng = np.random.default_rng(0)
    true = rng.uniform(-2.0, 2.0, 400)
    classes = np.repeat([0, 1], 200)
    latent = true + np.where(classes == 1, 2.0, 0.0) + rng.normal(0, 0.1, 400)
    assert within_class_circular_correlation(latent, true, classes) > 0.95
    assert circular_correlation(latent, true) < 0.8
    ignores = rng.uniform(-2.0, 2.0, 400)
    assert abs(within_class_circular_correlation(ignores, true, classes)) < 0.15
