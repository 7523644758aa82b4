"""What the semi-supervised and the joint models share: the latent layout (content z,
then the angle and offset latents that the invariances add), decoding, the likelihood."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

from ..names import DECODERS
from .decoders import make_decoder

INVARIANCES = ("r", "t")
ANGLE_LATENTS = ("normal", "projected")


@dataclass
class ModelConfig:
    """Hyper-parameters of a model; the papers' values are the defaults."""

    image_shape: tuple[int, int] = (48, 48)
    n_classes: int = 4
    latent_dim: int = 2
    invariances: tuple[str, ...] = ("r", "t")
    decoder: str = "affine"
    encoder_hidden: int = 128
    encoder_layers: int = 2
    decoder_hidden: int = 128
    decoder_layers: int = 2
    classifier_hidden: int = 128
    classifier_layers: int = 2
    activation: str = "tanh"
    angle_prior: float = 1.0  # radians: the angle latent's prior width
    # normal: one latent, N(0, 1) times angle_prior; projected: a 2-D latent whose
    # direction is the angle (a projected normal, paper 001's stand-in for von Mises)
    angle_latent: str = "normal"
    offset_prior: float = 0.1  # normalised units: the offset latents are N(0, 1) times this
    padding: str = "zeros"  # affine decoder, outside the moved frame: zeros (dark) | border

    def __post_init__(self):
        self.image_shape = tuple(self.image_shape)
        self.invariances = tuple(self.invariances)
        if any(i not in INVARIANCES for i in self.invariances):
            raise ValueError(f"invariances {self.invariances}: expected a subset of {INVARIANCES}")
        if self.angle_latent not in ANGLE_LATENTS:
            raise ValueError(f"angle_latent '{self.angle_latent}': expected one of {ANGLE_LATENTS}")
        if self.decoder not in DECODERS:
            raise ValueError(f"decoder '{self.decoder}': expected one of {DECODERS}")
        if self.invariances and self.decoder == "mlp":
            raise ValueError("invariances need the spatial or affine decoder, not mlp")

    def to_dict(self) -> dict:
        d = asdict(self)
        d["image_shape"] = list(self.image_shape)
        d["invariances"] = list(self.invariances)
        return d


def bernoulli_log_prob(logits: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Sum over pixels of log Bernoulli(x | sigmoid(logits)) for x in [0, 1], the
    formula of `torch.distributions.Bernoulli(logits=...)`: x l - softplus(l)."""
    return (x * logits - F.softplus(logits)).sum(-1)


def broadcast_cat(*tensors: torch.Tensor) -> torch.Tensor:
    """Concatenate on the last axis after broadcasting all other axes."""
    shape = torch.broadcast_shapes(*(t.shape[:-1] for t in tensors))
    return torch.cat([t.expand(*shape, t.shape[-1]) for t in tensors], -1)


class LatentVAE(nn.Module):
    """Latent layout: z = [angle (if r: 1 latent, or 2 if projected), dx, dy (if t),
    content...], every latent with an N(0, 1) prior."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        self.config = config
        self.n_pixels = config.image_shape[0] * config.image_shape[1]
        self.n_angle = 0
        if "r" in config.invariances:
            self.n_angle = 2 if config.angle_latent == "projected" else 1
        self.n_coord = self.n_angle + 2 * ("t" in config.invariances)
        self.z_dim = config.latent_dim + self.n_coord
        self.decoder = make_decoder(
            config.decoder, config.latent_dim + config.n_classes, config.image_shape,
            hidden=config.decoder_hidden, layers=config.decoder_layers,
            activation=config.activation, padding=config.padding,
        )

    def split_latent(self, z: torch.Tensor):
        """(angle radians or None, offset or None, content)."""
        angle = offset = None
        if self.n_angle == 1:
            angle = z[..., 0] * self.config.angle_prior
        elif self.n_angle == 2:
            # u ~ N(0, I) moved to (1 / angle_prior, 0): its direction is a projected
            # normal angle, about N(0, angle_prior^2) when narrow, any angle when wide,
            # and it has no seam at +-pi for the encoder to learn (paper 001's choice).
            angle = torch.atan2(z[..., 1], z[..., 0] + 1.0 / self.config.angle_prior)
        i = self.n_angle
        if "t" in self.config.invariances:
            offset = z[..., i : i + 2] * self.config.offset_prior
            i += 2
        return angle, offset, z[..., i:]

    def decode_latent(self, z: torch.Tensor, y_onehot: torch.Tensor, pixels=None) -> torch.Tensor:
        """Pixel logits from a full latent vector and a one-hot class."""
        angle, offset, content = self.split_latent(z)
        latent = broadcast_cat(content, y_onehot)
        batch = latent.shape[:-1]
        if angle is not None:
            angle = angle.expand(batch)
        if offset is not None:
            offset = offset.expand(*batch, 2)
        return self.decoder.logits(latent, angle, offset, pixels)

    def decode(self, content, y_onehot, angle=None, offset=None) -> torch.Tensor:
        """Images (..., H, W) from content latents, a class, and optionally an angle
        (radians) and offset: conditioned generation."""
        latent = broadcast_cat(content, y_onehot)
        batch = latent.shape[:-1]
        if angle is not None:
            angle = torch.as_tensor(angle, dtype=latent.dtype, device=latent.device).expand(batch)
        if offset is not None:
            offset = torch.as_tensor(offset, dtype=latent.dtype, device=latent.device).expand(*batch, 2)
        if not self.decoder.invariant:
            angle = offset = None
        return self.decoder(latent, angle, offset).view(*batch, *self.config.image_shape)

    def one_hot(self, labels: torch.Tensor) -> torch.Tensor:
        return F.one_hot(labels, self.config.n_classes).to(torch.get_default_dtype())

    def enumerated_classes(self, device=None) -> torch.Tensor:
        """(K, 1, K): every class, on a new leftmost axis, as Pyro's enumeration does."""
        k = self.config.n_classes
        return torch.eye(k, device=device).unsqueeze(1)
