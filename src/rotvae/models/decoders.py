"""Decoders p(x | z, y, angle, offset) returning Bernoulli probabilities per pixel.

- `mlp`: the plain decoder of ss-VAE and j-VAE, (z, y) -> every pixel; no invariance.
- `spatial`: the papers' coordinate decoder. The pixel grid is moved into the object's
  frame by the angle and offset latents and an MLP of (coordinate, z, y) gives each
  pixel: work grows with batch x classes x pixels.
- `affine`: ours. An MLP draws the object once in its own frame, then a differentiable
  bilinear resampling (`grid_sample`) turns and shifts it: the same invariance, with the
  MLP run once per latent instead of once per pixel.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .nets import ACTIVATIONS, mlp
from .transforms import object_coordinates, pixel_grid

LOGIT_EPS = 1e-6


class Decoder(nn.Module):
    """Subclasses give `logits`; calling the decoder gives probabilities."""

    invariant = False

    def forward(self, latent, angle=None, offset=None, pixels=None):
        return torch.sigmoid(self.logits(latent, angle, offset, pixels))


def _flat_batch(latent: torch.Tensor) -> tuple[torch.Size, torch.Tensor]:
    return latent.shape[:-1], latent.reshape(-1, latent.shape[-1])


class MLPDecoder(Decoder):
    invariant = False

    def __init__(self, latent_dim, image_shape, hidden=128, layers=2, activation="tanh"):
        super().__init__()
        self.image_shape = tuple(image_shape)
        n_pixels = self.image_shape[0] * self.image_shape[1]
        self.net = mlp([latent_dim] + [hidden] * layers + [n_pixels], activation)

    def logits(self, latent, angle=None, offset=None, pixels=None):
        if angle is not None or offset is not None:
            raise ValueError("the mlp decoder has no angle or offset; choose spatial or affine")
        if pixels is None:
            return self.net(latent)
        # Only the output rows of the drawn pixels: the 128 -> 2304 layer and the
        # likelihood's elementwise work on its logits are most of an ss-VAE step.
        last = self.net[-1]
        return F.linear(self.net[:-1](latent), last.weight[pixels], last.bias[pixels])


class SpatialDecoder(Decoder):
    """The coordinate decoder of the papers: Linear(2 -> h) on the moved coordinates plus
    Linear(z + y -> h) on the latents, activation, `layers` x [Linear(h, h), activation],
    Linear(h, 1), sigmoid."""

    invariant = True

    def __init__(self, latent_dim, image_shape, hidden=128, layers=2, activation="tanh"):
        super().__init__()
        self.image_shape = tuple(image_shape)
        self.register_buffer("grid", pixel_grid(*self.image_shape), persistent=False)
        self.coord_layer = nn.Linear(2, hidden)
        self.latent_layer = nn.Linear(latent_dim, hidden, bias=False)
        self.activation = ACTIVATIONS[activation]()
        self.body = mlp([hidden] * (layers + 1) + [1], activation)

    def logits(self, latent, angle=None, offset=None, pixels=None):
        grid = self.grid if pixels is None else self.grid[pixels]
        batch, flat = _flat_batch(latent)
        n = flat.shape[0]
        # First layer, folded: W R(-phi) (p - d) + b + V latent = M p + c with
        # M = W R(-phi) and c = b - M d + V latent, so one batched matmul over the shared
        # grid replaces building every moved coordinate.
        weight = self.coord_layer.weight.expand(n, -1, -1)  # (N, h, 2)
        if angle is not None:
            a = angle.expand(batch).reshape(n)
            cos, sin = torch.cos(a)[:, None, None], torch.sin(a)[:, None, None]
            # R(-phi) = [[cos, sin], [-sin, cos]]; M = W @ R(-phi)
            w0, w1 = weight[..., :1], weight[..., 1:]
            weight = torch.cat([w0 * cos - w1 * sin, w0 * sin + w1 * cos], -1)
        bias = self.coord_layer.bias + self.latent_layer(flat)  # (N, h)
        if offset is not None:
            d = offset.expand(*batch, 2).reshape(n, 2, 1)
            bias = bias - torch.bmm(weight, d).squeeze(-1)
        h = torch.baddbmm(bias.unsqueeze(1), grid.expand(n, -1, -1), weight.transpose(1, 2))
        out = self.body(self.activation(h.reshape(-1, h.shape[-1])))
        return out.view(*batch, grid.shape[0])


PADDINGS = ("zeros", "border")


class AffineDecoder(Decoder):
    """Draw the object in its own frame with an MLP, then resample it at the moved
    coordinates with bilinear `grid_sample`. What lies outside the drawn frame after a
    turn or shift: `padding` "zeros" (a dark background, as the cards) or "border" (the
    frame's edge continued: images whose background is not dark, where zeros would paint
    dark corners that the model can only avoid by never turning)."""

    invariant = True

    def __init__(self, latent_dim, image_shape, hidden=128, layers=2, activation="tanh",
                 padding="zeros"):
        super().__init__()
        if padding not in PADDINGS:
            raise ValueError(f"padding '{padding}': expected one of {PADDINGS}")
        self.padding = padding
        self.image_shape = tuple(image_shape)
        h, w = self.image_shape
        self.net = mlp([latent_dim] + [hidden] * layers + [h * w], activation)
        self.register_buffer("grid", pixel_grid(h, w), persistent=False)

    def logits(self, latent, angle=None, offset=None, pixels=None):
        # Resample probabilities, not logits: zero padding then means "dark background".
        return torch.logit(self.probs(latent, angle, offset, pixels), eps=LOGIT_EPS)

    def probs(self, latent, angle=None, offset=None, pixels=None):
        h, w = self.image_shape
        batch, flat = _flat_batch(latent)
        canvas = torch.sigmoid(self.net(flat)).view(-1, 1, h, w)
        if angle is None and offset is None:
            out = canvas.view(*batch, h * w)
            return out if pixels is None else out[..., pixels]
        grid = self.grid if pixels is None else self.grid[pixels]
        a = None if angle is None else angle.expand(batch).reshape(-1)
        d = None if offset is None else offset.expand(*batch, 2).reshape(-1, 2)
        coords = object_coordinates(grid, a, d)  # (N, P, 2), y up
        sample_at = torch.stack([coords[..., 0], -coords[..., 1]], -1).unsqueeze(1)
        out = F.grid_sample(canvas, sample_at, mode="bilinear", padding_mode=self.padding,
                            align_corners=False)
        return out.view(*batch, -1)

    def forward(self, latent, angle=None, offset=None, pixels=None):
        return self.probs(latent, angle, offset, pixels)


def make_decoder(name: str, latent_dim: int, image_shape, padding: str = "zeros",
                 **kwargs) -> nn.Module:
    classes = {"mlp": MLPDecoder, "spatial": SpatialDecoder, "affine": AffineDecoder}
    if name not in classes:
        raise ValueError(f"decoder '{name}': expected one of {list(classes)}")
    if name == "affine":  # the others evaluate their MLP at every moved pixel: no padding
        kwargs["padding"] = padding
    return classes[name](latent_dim, image_shape, **kwargs)
