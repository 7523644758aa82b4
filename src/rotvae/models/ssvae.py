"""The semi-supervised (invariant) VAE of paper 000: ss-VAE and ss-rVAE.

Generative model p(y) p(z) p(x | z, y), y ~ uniform over K classes, z ~ N(0, I) (the
angle and offset parts rescaled by their priors), x ~ Bernoulli(decoder). Guide
q(y | x) q(z | x, y). Unlabeled data sum y out by parallel enumeration; labeled data
observe y and add an auxiliary classification loss on q(y | x).

`model` and `guide` are the Pyro program (what the paper writes); `loss` computes the
same ELBO estimate directly in torch, without Pyro's per-step bookkeeping, and is what
training runs. tests/test_models.py checks that the two agree draw for draw.
"""

from __future__ import annotations

import math

import pyro
import pyro.distributions as dist
import torch
from pyro import poutine

from .base import LatentVAE, ModelConfig, bernoulli_log_prob
from .nets import Classifier, GaussianEncoder


class SSVAE(LatentVAE):
    def __init__(self, config: ModelConfig):
        super().__init__(config)
        c = config
        self.encoder_z = GaussianEncoder(self.n_pixels, self.z_dim, c.encoder_hidden,
                                         c.encoder_layers, c.activation, extra_dim=c.n_classes)
        self.classifier = Classifier(self.n_pixels, c.n_classes, c.classifier_hidden,
                                     c.classifier_layers, c.activation)

    # --- the Pyro program -----------------------------------------------------------

    def model(self, xs, ys=None, beta=1.0):
        pyro.module("ssvae", self)
        batch, k = xs.shape[0], self.config.n_classes
        with pyro.plate("data", batch):
            with poutine.scale(scale=beta):
                z = pyro.sample("z", dist.Normal(xs.new_zeros(self.z_dim), 1.0).to_event(1))
            y = pyro.sample("y", dist.OneHotCategorical(logits=xs.new_zeros(k)),
                            obs=None if ys is None else self.one_hot(ys))
            logits = self.decode_latent(z, y)
            pyro.sample("x", dist.Bernoulli(logits=logits, validate_args=False).to_event(1),
                        obs=xs)

    def guide(self, xs, ys=None, beta=1.0):
        with pyro.plate("data", xs.shape[0]):
            if ys is None:
                y = pyro.sample("y", dist.OneHotCategorical(logits=self.classifier.logits(xs)),
                                infer={"enumerate": "parallel"})
            else:
                y = self.one_hot(ys)
            loc, scale = self.encoder_z(xs, y)
            with poutine.scale(scale=beta):
                pyro.sample("z", dist.Normal(loc, scale).to_event(1))

    def model_classify(self, xs, ys, aux_weight=30.0):
        """The auxiliary term: aux_weight * log q(y | x) on labeled data."""
        pyro.module("ssvae", self)
        with pyro.plate("data", xs.shape[0]), poutine.scale(scale=aux_weight):
            pyro.sample("y_aux", dist.OneHotCategorical(logits=self.classifier.logits(xs)),
                        obs=self.one_hot(ys))

    def guide_classify(self, xs, ys, aux_weight=30.0):
        pass

    # --- the same objective, computed directly ------------------------------------------

    def _conditional_elbo(self, xs, y_onehot, beta, pixels=None):
        """log p(x | z, y) + beta (log p(z) - log q(z | x, y)) with one reparameterised z
        per (class, image): shape y_onehot.shape[:-1] broadcast with the batch."""
        loc, scale = self.encoder_z(xs, y_onehot)
        q = dist.Normal(loc, scale)
        z = q.rsample()
        log_ratio = dist.Normal(0.0, 1.0).log_prob(z).sum(-1) - q.log_prob(z).sum(-1)
        logits = self.decode_latent(z, y_onehot, pixels)
        if pixels is None:
            log_px = bernoulli_log_prob(logits, xs)
        else:  # an unbiased estimate of the full sum from a random subset of pixels
            log_px = bernoulli_log_prob(logits, xs[..., pixels]) * (self.n_pixels / pixels.numel())
        return log_px + beta * log_ratio

    def loss(self, xs, ys=None, beta=1.0, aux_weight=30.0, pixels=None):
        """Negative ELBO summed over the batch (plus the auxiliary loss when labeled)."""
        k = self.config.n_classes
        log_prior_y = -math.log(k)
        log_q_y = torch.log_softmax(self.classifier.logits(xs), -1)  # (B, K)
        if ys is None:
            terms = self._conditional_elbo(xs, self.enumerated_classes(xs.device), beta, pixels)
            q_y = log_q_y.exp().T  # (K, B)
            elbo = (q_y * (terms + log_prior_y - log_q_y.T)).sum(0)
            return -elbo.sum()
        terms = self._conditional_elbo(xs, self.one_hot(ys), beta, pixels) + log_prior_y
        aux = log_q_y.gather(-1, ys[:, None]).squeeze(-1)
        return -(terms.sum() + aux_weight * aux.sum())

    # --- after training -----------------------------------------------------------------

    @torch.no_grad()
    def classify(self, xs: torch.Tensor) -> torch.Tensor:
        """Class probabilities q(y | x), (B, K)."""
        return self.classifier(xs)

    @torch.no_grad()
    def encode(self, xs: torch.Tensor, ys: torch.Tensor | None = None):
        """Posterior mean and scale of z given x and a class (the predicted one if not
        given), and the class used; `split_latent(loc)` gives angle (radians), offset and
        content."""
        if ys is None:
            ys = self.classify(xs).argmax(-1)
        loc, scale = self.encoder_z(xs, self.one_hot(ys))
        return loc, scale, ys
