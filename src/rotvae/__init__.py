"""rotvae: rotationally invariant VAEs (ss-rVAE, j-trVAE) reproduced as a pipeline."""

__version__ = "0.1.0"
