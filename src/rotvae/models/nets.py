"""Small fully connected building blocks shared by the encoders and decoders."""

from __future__ import annotations

import torch
from torch import nn

ACTIVATIONS = {"tanh": nn.Tanh, "relu": nn.ReLU, "softplus": nn.Softplus, "gelu": nn.GELU}


def mlp(sizes: list[int], activation: str = "tanh", last_activation: bool = False) -> nn.Sequential:
    """Linear layers between consecutive `sizes`, an activation after each but the last."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation '{activation}': expected one of {sorted(ACTIVATIONS)}")
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2 or last_activation:
            layers.append(ACTIVATIONS[activation]())
    return nn.Sequential(*layers)


class GaussianEncoder(nn.Module):
    """(x, optional extra input such as a one-hot class) -> (loc, scale).

    The first layer is split into a part on x and a part on the extra input. The sum is
    the same Linear layer on the concatenation, but x's part is computed once per image
    and broadcast over the enumerated classes instead of once per (class, image)."""

    def __init__(self, in_dim: int, out_dim: int, hidden: int, layers: int, activation: str,
                 extra_dim: int = 0):
        super().__init__()
        self.first = nn.Linear(in_dim, hidden)
        self.first_extra = nn.Linear(extra_dim, hidden, bias=False) if extra_dim else None
        self.activation = ACTIVATIONS[activation]()
        self.body = mlp([hidden] * layers, activation, last_activation=True)
        self.loc = nn.Linear(hidden, out_dim)
        self.log_scale = nn.Linear(hidden, out_dim)

    def forward(self, x: torch.Tensor, extra: torch.Tensor | None = None):
        h = self.first(x)
        if self.first_extra is not None:
            if extra is None:
                raise ValueError("this encoder also needs its extra input (the class)")
            h = h + self.first_extra(extra)
        h = self.body(self.activation(h))
        return self.loc(h), torch.exp(self.log_scale(h).clamp(-12.0, 6.0))


class Classifier(nn.Module):
    """x -> class probabilities (softmax)."""

    def __init__(self, in_dim: int, n_classes: int, hidden: int, layers: int, activation: str):
        super().__init__()
        self.net = mlp([in_dim] + [hidden] * layers + [n_classes], activation)

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self.net(x), -1)
