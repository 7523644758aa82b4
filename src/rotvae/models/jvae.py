"""The joint (discrete + continuous) invariant VAE of paper 001: j-VAE and j-trVAE.

Unsupervised: p(y) p(z) p(x | z, y) with y uniform over K classes; guide q(z | x) q(y | x);
y is summed out by parallel enumeration. The KL terms carry their own weights, as in
paper 001's Eq. 2: beta_cont on the content latents and beta_disc on the class, both
scheduled during training, and beta_transform on the angle and offset latents (the
paper keeps it at 1; None gives them beta_cont, as pyroVED's jiVAE does). With
n_classes = 1 this is the plain VAE / rVAE of paper 000's Fig. 5.

As in `SSVAE`, `model`/`guide` are the Pyro program and `loss` the same estimate in torch.
"""

from __future__ import annotations

import math

import pyro
import pyro.distributions as dist
import torch
from pyro import poutine

from .base import LatentVAE, ModelConfig, bernoulli_log_prob
from .nets import Classifier, GaussianEncoder


class JointVAE(LatentVAE):
    def __init__(self, config: ModelConfig):
        super().__init__(config)
        c = config
        self.encoder_z = GaussianEncoder(self.n_pixels, self.z_dim, c.encoder_hidden,
                                         c.encoder_layers, c.activation)
        self.classifier = Classifier(self.n_pixels, c.n_classes, c.classifier_hidden,
                                     c.classifier_layers, c.activation)

    def model(self, xs, beta_cont=1.0, beta_disc=1.0, beta_transform=None):
        pyro.module("jvae", self)
        k = self.config.n_classes
        with pyro.plate("data", xs.shape[0]):
            parts = []
            for site, part, beta in self._continuous_sites(beta_cont, beta_transform):
                size = part.stop - part.start
                with poutine.scale(scale=beta):
                    parts.append(pyro.sample(site, dist.Normal(xs.new_zeros(size), 1.0).to_event(1)))
            with poutine.scale(scale=beta_disc):
                y = pyro.sample("y", dist.OneHotCategorical(logits=xs.new_zeros(k)))
            logits = self.decode_latent(torch.cat(parts, -1), y)
            pyro.sample("x", dist.Bernoulli(logits=logits, validate_args=False).to_event(1),
                        obs=xs)

    def guide(self, xs, beta_cont=1.0, beta_disc=1.0, beta_transform=None):
        with pyro.plate("data", xs.shape[0]):
            loc, scale = self.encoder_z(xs)
            for site, part, beta in self._continuous_sites(beta_cont, beta_transform):
                with poutine.scale(scale=beta):
                    pyro.sample(site, dist.Normal(loc[..., part], scale[..., part]).to_event(1))
            with poutine.scale(scale=beta_disc):
                pyro.sample("y", dist.OneHotCategorical(logits=self.classifier.logits(xs)),
                            infer={"enumerate": "parallel"})

    def _continuous_sites(self, beta_cont, beta_transform):
        """(site, slice of the latent vector, KL weight) of the angle + offset latents
        ("tau"), if any, then of the content latents ("z"), in `LatentVAE`'s layout."""
        tau_beta = beta_cont if beta_transform is None else beta_transform
        content = ("z", slice(self.n_coord, self.z_dim), beta_cont)
        return [("tau", slice(0, self.n_coord), tau_beta), content] if self.n_coord else [content]

    def loss(self, xs, beta_cont=1.0, beta_disc=1.0, pixels=None, beta_transform=None):
        """Negative ELBO summed over the batch."""
        k = self.config.n_classes
        loc, scale = self.encoder_z(xs)
        zs, weighted_kl = [], 0.0
        for _, part, beta in self._continuous_sites(beta_cont, beta_transform):
            q = dist.Normal(loc[..., part], scale[..., part])
            z = q.rsample()  # shared by every enumerated class; one draw per site, as Pyro
            kl = q.log_prob(z).sum(-1) - dist.Normal(0.0, 1.0).log_prob(z).sum(-1)
            zs.append(z)
            weighted_kl = weighted_kl + beta * kl
        log_q_y = torch.log_softmax(self.classifier.logits(xs), -1)  # (B, K)
        logits = self.decode_latent(torch.cat(zs, -1), self.enumerated_classes(xs.device),
                                    pixels)  # (K, B, P)
        if pixels is None:
            log_px = bernoulli_log_prob(logits, xs)
        else:
            log_px = bernoulli_log_prob(logits, xs[..., pixels]) * (self.n_pixels / pixels.numel())
        q_y = log_q_y.exp()
        expected_log_px = (q_y.T * log_px).sum(0)
        kl_disc = (q_y * (log_q_y + math.log(k))).sum(-1)
        elbo = expected_log_px - weighted_kl - beta_disc * kl_disc
        return -elbo.sum()

    @torch.no_grad()
    def classify(self, xs: torch.Tensor) -> torch.Tensor:
        return self.classifier(xs)

    @torch.no_grad()
    def encode(self, xs: torch.Tensor):
        """Posterior mean and scale of z, and the most probable class."""
        loc, scale = self.encoder_z(xs)
        return loc, scale, self.classify(xs).argmax(-1)
