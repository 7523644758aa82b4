"""The models of both papers, built from one configuration.

| name    | class     | classes    | invariances  | decoder (default) |
| ssvae   | SSVAE     | semi-sup.  | none         | mlp               |
| ssrvae  | SSVAE     | semi-sup.  | r, t         | affine            |
| jvae    | JointVAE  | unsup.     | none         | mlp               |
| jtrvae  | JointVAE  | unsup.     | r, t         | affine            |
| vae     | JointVAE  | 1 class    | none         | mlp               |
| rvae    | JointVAE  | 1 class    | r, t         | affine            |
"""

from __future__ import annotations

from .base import ModelConfig
from .jvae import JointVAE
from .ssvae import SSVAE

MODEL_KINDS = {
    "ssvae": (SSVAE, ()),
    "ssrvae": (SSVAE, ("r", "t")),
    "jvae": (JointVAE, ()),
    "jtrvae": (JointVAE, ("r", "t")),
    "vae": (JointVAE, ()),
    "rvae": (JointVAE, ("r", "t")),
}


def build_model(kind: str, **overrides) -> tuple[SSVAE | JointVAE, ModelConfig]:
    """A model of `kind` with the papers' defaults, any field of ModelConfig overridden."""
    if kind not in MODEL_KINDS:
        raise ValueError(f"model '{kind}': expected one of {sorted(MODEL_KINDS)}")
    cls, invariances = MODEL_KINDS[kind]
    defaults = {"invariances": invariances, "decoder": "affine" if invariances else "mlp"}
    if kind in ("vae", "rvae"):
        defaults["n_classes"] = 1
    config = ModelConfig(**{**defaults, **overrides})
    return cls(config), config


__all__ = ["SSVAE", "JointVAE", "ModelConfig", "MODEL_KINDS", "build_model"]
