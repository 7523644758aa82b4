import warnings

import numpy as np
import pyro
import pytest
import torch
from pyro.infer import Trace_ELBO, TraceEnum_ELBO

from rotvae import cards
from rotvae.models import build_model
from rotvae.models.transforms import pixel_grid

TINY = dict(image_shape=(8, 8), encoder_hidden=16, decoder_hidden=16, classifier_hidden=16)


@pytest.mark.parametrize("kind, decoder, angle_latent", [
    ("ssvae", "mlp", "normal"), ("ssrvae", "affine", "normal"), ("ssrvae", "spatial", "normal"),
    ("ssrvae", "affine", "projected")])
@pytest.mark.parametrize("labeled", [False, True])
def test_ss_loss_equals_pyro_enumerated_elbo(kind, decoder, angle_latent, labeled):
    torch.manual_seed(0)
    model, _ = build_model(kind, decoder=decoder, angle_latent=angle_latent, **TINY)
    x = torch.rand(6, 64)
    y = torch.tensor([0, 1, 2, 3, 0, 1]) if labeled else None
    pyro.set_rng_seed(5)
    # Labeled data has nothing to enumerate; Pyro warns about that, rightly.
    warnings.filterwarnings("ignore", message="TraceEnum_ELBO found no sample sites")
    expected = TraceEnum_ELBO(max_plate_nesting=1).differentiable_loss(model.model, model.guide, x, y, 1.7)
    if labeled:
        pyro.set_rng_seed(5)
        expected = expected + Trace_ELBO().differentiable_loss(
            model.model_classify, model.guide_classify, x, y, 30.0)
    pyro.set_rng_seed(5)
    got = model.loss(x, y, beta=1.7, aux_weight=30.0)
    assert torch.allclose(got, expected, rtol=1e-5), (float(got), float(expected))


def test_enumerated_loss_is_the_explicit_sum_over_classes():
    """Unlabeled ELBO = sum_y q(y|x) [labeled ELBO(x, y)] + entropy of q(y|x), with the
    same z noise for each class."""
    torch.manual_seed(1)
    model, _ = build_model("ssrvae", **TINY)
    x = torch.rand(5, 64)
    pyro.set_rng_seed(2)
    enumerated = model.loss(x, None, beta=1.0)
    pyro.set_rng_seed(2)
    # the same noise: one (K, B, z) draw, sliced per class
    loc, scale = model.encoder_z(x, model.enumerated_classes())
    eps = torch.randn_like(loc)
    q = model.classify(x)
    total = 0.0
    for k in range(4):
        z = loc[k] + scale[k] * eps[k]
        logits = model.decode_latent(z, model.one_hot(torch.full((5,), k)))
        log_px = (x * logits - torch.nn.functional.softplus(logits)).sum(-1)
        normal = torch.distributions.Normal
        log_ratio = normal(0, 1).log_prob(z).sum(-1) - normal(loc[k], scale[k]).log_prob(z).sum(-1)
        total = total + q[:, k] * (log_px + log_ratio - np.log(4) - torch.log(q[:, k]))
    assert torch.allclose(enumerated, -total.sum(), rtol=1e-5)


@pytest.mark.parametrize("beta_transform", [None, 0.5])
@pytest.mark.parametrize("kind, decoder, angle_latent", [
    ("jvae", "mlp", "normal"), ("jtrvae", "affine", "normal"), ("jtrvae", "spatial", "normal"),
    ("jtrvae", "affine", "projected")])
def test_joint_loss_equals_pyro_enumerated_elbo(kind, decoder, angle_latent, beta_transform):
    torch.manual_seed(0)
    model, _ = build_model(kind, decoder=decoder, angle_latent=angle_latent, **TINY)
    x = torch.rand(6, 64)
    pyro.set_rng_seed(4)
    expected = TraceEnum_ELBO(max_plate_nesting=1).differentiable_loss(
        model.model, model.guide, x, 7.0, 2.0, beta_transform)
    pyro.set_rng_seed(4)
    got = model.loss(x, 7.0, 2.0, beta_transform=beta_transform)
    assert torch.allclose(got, expected, rtol=1e-5)


def test_transform_weight_changes_only_the_invariant_joint_loss():
    """beta_transform weighs the angle and offset latents alone: it changes j-trVAE's loss
    and leaves j-VAE's (which has neither) as it is."""
    x = torch.rand(6, 64)
    for kind, decoder, changes in [("jtrvae", "affine", True), ("jvae", "mlp", False)]:
        torch.manual_seed(0)
        model, _ = build_model(kind, decoder=decoder, **TINY)
        losses = []
        for beta_transform in (None, 0.5):
            torch.manual_seed(1)
            losses.append(model.loss(x, 7.0, 2.0, beta_transform=beta_transform))
        assert bool(torch.isclose(losses[0], losses[1])) is not changes


@pytest.mark.parametrize("decoder", ["affine", "spatial"])
@pytest.mark.parametrize("degrees", [90.0, 30.0, -45.0])
def test_decoded_image_turned_by_the_angle_latent_matches_turning_the_image(decoder, degrees):
    torch.manual_seed(3)
    model, _ = build_model("ssrvae", decoder=decoder, image_shape=(32, 32))
    content, y = torch.randn(3, 2), model.one_hot(torch.tensor([0, 1, 2]))
    with torch.no_grad():
        upright = model.decode(content, y, angle=0.0, offset=(0.0, 0.0))
        turned = model.decode(content, y, angle=np.radians(degrees), offset=(0.0, 0.0))
    zero = np.zeros(3)
    expected = cards.apply_affine(upright, np.full(3, degrees), zero, zero, np.ones(3), zero, zero,
                                  shift_unit=1.0)
    # Compare away from the border, where the zero padding of a resampled image differs
    # from a decoder that draws the whole plane.
    inner = (slice(None), slice(8, 24), slice(8, 24))
    tol = 1e-5 if degrees == 90.0 else 0.05
    assert (turned[inner] - expected[inner]).abs().max() < tol


def test_projected_angle_latent_is_the_direction_of_its_2d_latent():
    """The projected angle is the direction of u + (1 / angle_prior, 0), u the first two
    latents: at the prior's mean it is 0, and it covers the whole circle."""
    model, config = build_model("jtrvae", angle_latent="projected", angle_prior=0.5, **TINY)
    assert model.n_coord == 4 and model.z_dim == 4 + config.latent_dim
    u = torch.tensor([[0.0, 0.0], [-2.0, 3.0], [-5.0, 0.0], [-2.0, -1.0]])
    z = torch.cat([u, torch.zeros(4, 2 + config.latent_dim)], -1)
    angle, offset, content = model.split_latent(z)
    expected = torch.tensor([0.0, np.pi / 2, np.pi, -np.pi / 2])
    assert torch.allclose(angle, expected, atol=1e-6)
    assert offset.shape == (4, 2) and content.shape == (4, config.latent_dim)
    with pytest.raises(ValueError, match="angle_latent 'vonmises'"):
        build_model("jtrvae", angle_latent="vonmises")


def test_offset_latent_moves_the_decoded_image():
    torch.manual_seed(3)
    model, _ = build_model("ssrvae", decoder="spatial", image_shape=(16, 16))
    content, y = torch.randn(1, 2), model.one_hot(torch.tensor([1]))
    with torch.no_grad():
        base = model.decode(content, y, angle=0.0, offset=(0.0, 0.0))
        moved = model.decode(content, y, angle=0.0, offset=(2 / 16, 0.0))  # one pixel right
    assert torch.allclose(moved[0, :, 1:], base[0, :, :-1], atol=1e-5)


def test_pixel_grid_matches_affine_grid():
    grid = pixel_grid(4, 6)
    theta = torch.tensor([[[1.0, 0, 0], [0, 1.0, 0]]])
    reference = torch.nn.functional.affine_grid(theta, [1, 1, 4, 6], align_corners=False)[0]
    assert torch.allclose(grid[:, 0], reference[..., 0].reshape(-1))
    assert torch.allclose(grid[:, 1], -reference[..., 1].reshape(-1))


@pytest.mark.parametrize("kind, decoder", [("ssvae", "mlp"), ("ssrvae", "spatial")])
def test_decoder_logits_on_a_pixel_subset_are_those_pixels_of_the_full_image(kind, decoder):
    torch.manual_seed(0)
    model, config = build_model(kind, decoder=decoder, **TINY)
    z = torch.randn(5, model.z_dim)  # angle and offsets first where the model has them
    y = model.one_hot(torch.tensor([0, 1, 2, 3, 0]))
    pixels = torch.tensor([3, 17, 0, 63, 40])
    full = model.decode_latent(z, y)
    subset = model.decode_latent(z, y, pixels)
    assert subset.shape == (5, 5)
    assert torch.allclose(subset, full[..., pixels], atol=1e-6)
